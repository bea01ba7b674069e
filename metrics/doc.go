// Package metrics measures how well the incident process runs:
// how quickly incidents are detected, acknowledged, mitigated and resolved,
// whether postmortems are approved on time, whether action items are
// closed, how the IMOC load is spread, and how far each trainee IMOC has got
// with shadowing. It also draws those figures as inline SVG charts.
//
// It is for turning a loaded [schema.Repo] and an instant into a [Report]
// ([Compute]) and a Report into charts ([Charts]). It is not for loading or
// validating files (package schema), rotation arithmetic (package oncall,
// which it calls for hours on call), printing (the CLI's `baton report`
// formats a Report as text or JSON) or writing pages (package generator puts
// the charts on metrics/index.html, internal audience only). Everything here
// is a pure function of its arguments: the current time and the window are
// inputs, nothing reads the clock, and the same input gives byte-identical
// output.
//
// A Report names people (owners, IMOCs, trainees). It is internal: it must
// never be published on the public site.
//
// # The window
//
// Figures about a period cover the report window [Options.Since,
// Options.Now). Since defaults to [DefaultSince]: the first day of the
// calendar month eleven months before Now's month, in the site's time zone,
// so the window is twelve whole calendar months, the current one partial
// (with Now on 2026-11-27 it starts on 2025-12-01). An incident is in the
// window when its declared instant is: declared is the one time every
// incident has, and it is when the process being measured begins. Months
// are calendar months of declared in the site's time zone. Maintenances
// (type: maintenance) are not incidents and are left out of every figure.
//
// # Time to detect, acknowledge, mitigate, resolve
//
//	time to detect       detected − started
//	time to acknowledge  acknowledged − declared
//	time to mitigate     mitigated − started
//	time to resolve      resolved − started
//
// Each is summarised per severity, per month and over the whole window as a
// [Stat]: how many incidents had both times (n), how many lacked one of them
// or had them in the wrong order and were skipped (an open incident has no
// resolved time, so it is skipped for time to resolve), the mean, the
// median and the 90th percentile. The mean and the median are rounded to
// the nearest second; the median of an even count is the mean of the two
// middle values. The 90th percentile uses the nearest-rank method: sort the
// n values and take the one at rank ⌈0.9 × n⌉ (counting from 1), so it is
// always one of the observed values (with fewer than ten values, the
// largest). With n = 0 there is no mean, median or percentile.
//
// # Postmortems
//
// Among the incidents in the window that are resolved and whose severity
// requires a postmortem (severities[].postmortem.required), each falls in
// exactly one of:
//
//	on time   approved (status approved or published) with approved.at ≤ resolved + due_days
//	late      approved, but approved.at > resolved + due_days
//	overdue   not approved, and Now ≥ resolved + due_days
//	pending   not approved, and not yet due
//
// so required = on time + late + overdue + pending. Missing counts the
// required ones that have no postmortem.md at all (overdue or pending).
// The due instant is [schema.PostmortemDue], the one `baton validate` uses.
//
// # Overdue work
//
// [Overdue] is a to-do list as of Now over the whole repository, whatever
// --since says, so that nothing escapes by growing old: the overdue
// postmortems (exactly the postmortem/overdue errors of `baton validate`)
// and the overdue action items.
//
// # Action items
//
// Action items are a current state, so they are counted over every
// postmortem in the repository: open, done and wontfix (their status), and
// overdue — open with a due date before Now's date in the site's time zone
// (an item due today is not yet overdue; an item without a due date never
// is). Overdue items are also counted as open. Items without an owner are
// counted under the owner "". The burn-down ([BurnPoint]) cannot record the
// past, because an action item has no closing date; it projects the open
// items forward instead: once a week from Now's date, how many would still
// be open if each item were closed on its due date. Overdue items and items
// without a due date never burn down in that projection.
//
// # IMOC load
//
// Per person: the incidents in the window whose imoc they were (and how
// many of those were major, that is of a severity with major: true), and
// their hours on call in the window: the sum over every rotation of the
// time they are in the final IMOC set of [oncall.Schedule] over [Since,
// Now). Everyone with imoc: qualified is listed, and anyone else who has
// load.
//
// # Training
//
// Per person with imoc: trainee: the incidents they shadowed (listed in the
// incident's shadows) declared before Now, over the whole history (training
// does not expire with the window), with their severities, against the
// threshold of baton.yaml's training section (default 3 incidents, at least
// 1 of them major). A trainee who meets both numbers is ready to be made
// qualified in people.yaml.
//
// # JSON
//
// A Report encodes to JSON (encoding/json) in a stable, documented shape:
// snake_case keys that are never renamed, instants as RFC 3339 in UTC,
// dates as YYYY-MM-DD, every duration as a whole number of seconds in a key
// ending in _seconds (null when there is no value), lists always present
// (never null) and sorted. docs/metrics.md shows the shape.
//
// # Charts
//
// [Charts] draws four charts as hand-written SVG (no JavaScript): incidents
// per month stacked by severity, time to resolve by severity, the action
// item burn-down and the IMOC load. Each has a <title> and a <desc> that
// name it (role="img", aria-labelledby), axis labels, a legend, and a data
// table ([Chart.Table]) to show as its text alternative. Each is drawn
// twice, for a desktop column ([Chart.SVG]) and for a phone ([Chart.Narrow]),
// with a viewBox and no fixed size, so that it scales to its column with
// text at a readable size. Colours are classes that the page's stylesheet
// fills (light or dark with the page); series differ by fill pattern as
// well as colour, so colour is never the only signal.
package metrics
