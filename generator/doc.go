// Package generator renders an incidents repository as a static site:
// the status page, the incident history, one page per incident
// and postmortem, Atom feeds, a maintenance calendar, status badges, a
// Statuspage-compatible JSON API and, for the internal audience, on-call
// and metrics pages.
//
// It is for turning an already loaded [schema.Repo] into files: [Build]
// derives a view model (component status, daily history, availability,
// durations, the history by year) and renders every file in memory; [Write]
// puts the files on disk, swapping the new folder for the old one (and
// replacing only folders it wrote: see [MarkerFile]). It is not for loading or validating
// the repository (package schema), for rotation arithmetic (package oncall)
// or for serving files; it never reads the clock — the current time is
// [Options.Now].
//
// # Audiences
//
// What each audience sees is decided once, by package view: the build
// renders the views [view.Of] returns, and the feeds and notifications
// are built from the same ones. In short:
//
// [Public] output contains only incidents with visibility public, and of
// them only the public fields: title, type, status, affected components and
// their impact, started, resolved, the maintenance window, the status
// updates, and the severity expressed as a Statuspage impact. Public
// postmortems (visibility public and status published) show their summary,
// body and action items: their titles and statuses, and their ids where the
// public summary or body already cites them ("AI-1"). No handle, name,
// GitHub login or e-mail of
// any person, no narrative, tags, roles, internal times, rotation or
// on-call data is written. Component status and history are computed from
// public incidents only. [Internal] output shows everything.
//
// # Component status and history
//
// An incident affects its components from its start (started; else its
// first update; else declared) until resolved, or until Options.Now while
// it is open. A maintenance affects its components only inside its
// scheduled window (and not after it was completed). A component's status
// at Now is the worst impact affecting it, in the order
// major_outage > partial_outage > degraded_performance > under_maintenance
// > operational.
//
// The history shows the last 90 calendar days in the site's time zone,
// today included; each day shows the worst impact that touched it. The
// records begin on site.since, or else on the day the earliest visible
// incident began; a day before that which no incident touched has "no
// data" rather than counting as a day without incidents (and every day
// has no data when there is neither). The days with incidents are listed,
// per component, in a table behind a disclosure, naming at most two
// incidents a day and linking to the history for the others.
//
// # Incident history
//
// incidents/<YYYY>/index.html lists a year's incidents, newest first,
// grouped by month; a year with more than 250 is split into pages
// incidents/<YYYY>/<n>/index.html (n from 2), so that no page grows with
// the history. Every history page lists the years. incidents/index.html
// is the newest page, the entry point that other pages and the feed link
// to.
//
// # Availability
//
// The availability of a component over the 90-day window W (from the
// start of the first day with records to Now) is
//
//	availability = 1 − (T_major + 0.3 × T_partial) / |W|
//
// where T_major is the time inside W during which the component's worst
// impact was major_outage, and T_partial the time during which it was
// partial_outage (overlapping incidents are counted once, at their worst).
// Degraded performance and maintenance count as available. The weight 0.3
// for partial outages is the one Atlassian Statuspage uses. The figure is
// rounded down to two decimals, so 100.00% means no weighted downtime at
// all.
//
// # Severity and Statuspage impact
//
// Statuspage knows four incident impacts. A severity's rank in baton.yaml
// (0 = most severe) maps to: rank 0 → critical, rank 1 → major, rank 2 →
// minor, rank 3 and beyond → none. A maintenance has impact maintenance;
// an unknown or missing severity maps to none. With the default
// severities, SEV1 is critical, SEV2 major, SEV3 minor and SEV4 none.
//
// The overall status (the banner, and the indicator of status.json) is the
// worst of: every component's status, every open incident's impact whether
// or not it names components (critical counts as major_outage, major as
// partial_outage, minor as degraded_performance, as Statuspage does), and
// under_maintenance while a maintenance is in its window. It reads:
// major_outage → critical ("Major System Outage"), partial_outage → major
// ("Partial System Outage"), degraded_performance → minor ("Minor Service
// Outage"), under_maintenance → maintenance ("Service Under Maintenance"),
// otherwise none ("All Systems Operational").
//
// # On call
//
// Internal builds have oncall/index.html: for each rotation (sorted by id)
// the IMOC and shadows at Options.Now, the layer shift that produced the
// IMOC, the overrides in effect, the next handoff, and the final schedule
// over the next 14 days (as an agenda by day, a strip and a table), with
// people by name and times in the rotation's own zone, named on the page.
// People are named "Alice Ng (@alice-ng)": as everywhere in Baton, "@"
// marks a GitHub login, never a handle. Each rotation also gets oncall/<rotation-id>.ics, its final
// schedule from 30 days before Now to 90 days after, written by
// [oncall.WriteICal]: event UIDs are the rotation id and the start instant,
// so a subscribed calendar updates events in place, and DTSTAMP is Now.
// Public builds have neither the pages nor a link to them.
//
// # Metrics
//
// Internal builds also have metrics/index.html: the
// [metrics.Report] that [metrics.Compute] derives as of Options.Now over
// its default window (twelve calendar months in the site's zone, the
// current one included), drawn as the inline SVG charts of
// [metrics.Charts], each in a <figure> with its data table as a text
// alternative, and followed by tables of every figure: time to detect, acknowledge, mitigate and resolve by
// severity and by month (mean, median, 90th percentile, and how many
// incidents were skipped), postmortems, action items by owner, the overdue
// postmortems and action items, IMOC load and the trainees' shadowing
// record. Every definition is in package metrics; this package only lays
// the report out. The report names people, so public builds have neither
// the page nor a link to it.
//
// # Feeds, calendar and badges
//
// Besides feed.xml (the 50 latest incidents and maintenances), each
// component has components/<component-id>/feed.xml: the entries of the
// incidents and maintenances that name it, the same entries (ids, titles,
// content) as in feed.xml. maintenance.ics (RFC 5545) has one event per
// maintenance with a window, soonest first: its UID is the maintenance's
// feed entry id, so it never changes; SEQUENCE is the number of the
// maintenance's status updates, which only grows, so a window moved with
// an update that says so replaces the old one in subscribed calendars;
// STATUS is CANCELLED for a cancelled maintenance and CONFIRMED otherwise;
// DTSTAMP is Options.Now. badges/status.svg (the overall status) and
// badges/<component-id>.svg are flat badges: the label, then the status in
// words on the status's colour (the light scheme's tokens of the
// stylesheet, whose text contrast is at least 4.5:1), with a <title>
// and role="img"; their width comes from a fixed table of character
// widths. A component whose id is not a valid id has neither file (only a
// build that ignores validation errors can have one), and a component
// whose id is "status" has a feed but no badge of its own. The status
// page's Subscribe section links all of these, the JSON API, and the
// links of site.subscribe that are absolute http(s) addresses. Every one
// of them is built from the audience's views, like the pages.
//
// # Addresses
//
// Each audience has its own address: public builds use site.base_url,
// internal builds site.internal_base_url (Options.BaseURL overrides
// either). The address makes the feed's self link, entry links and ids,
// and the API's page url and shortlinks absolute. Without one, links are
// relative and ids are "urn:baton:<page-id>:…", where the page id is
// derived from the audience, the address and the title, so the public and
// internal builds never share a page id or an entry id.
//
// # Links and determinism
//
// Every link between pages is relative (each page knows its depth), so the
// site works under any sub-path and from file://. The exception is
// 404.html, which servers return for arbitrary paths: its links start with
// the path of the base URL. The same repository, Options and Now always
// give byte-identical files.
//
// # Assets
//
// Files of an incident folder that a built page links to (by an href or
// src attribute whose path, without query or fragment, names the file) are
// copied next to the page; a fragment alone ("#main") names a place in a
// page, never a file. They are served from the site's own origin, so only
// inert types are published, by the asset policy of package schema
// ([schema.ReadAsset], the same rules validate reports): PNG, JPEG, GIF,
// WebP and AVIF images, PDF, plain text and CSV, whose content must match
// the name; never SVG, HTML, XML or scripts. Only regular files with a
// single link, of at most [schema.MaxAssetSize] bytes, are read, through
// the same checks at copy time, so that a build that ignores validation
// errors still never follows a symbolic link, reads a named pipe or
// publishes a refused type.
//
// # Markdown
//
// Narratives and postmortem bodies are rendered with goldmark (GitHub
// Flavored Markdown: tables, task lists, strikethrough, autolinks; plus
// footnotes and heading ids). Raw HTML is never passed through, and a link
// or image whose destination has a scheme other than http, https or mailto
// is reduced to its text.
//
// Rendering time is linear in the input. A body over
// [schema.MaxMarkdownSize] is not rendered (a note says so; validate
// reports it), and the constructs on which goldmark's time grows faster
// than the input are bounded: containers nest at most 16 deep; a block has
// at most 100 emphasis delimiters and 100 link openers; a document at most
// 200 footnotes; a table at most 64 columns and about two cells per byte;
// code spans without a closer and long runs of link reference
// definitions are found without rescanning. Past a limit the text is
// literal. Below the limits the output is exactly goldmark's.
package generator
