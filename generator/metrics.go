package generator

import (
	"fmt"
	"html"
	"html/template"
	"time"

	"github.com/batonhq/baton/metrics"
	"github.com/batonhq/baton/schema"
)

// metricsView is what metrics/index.html shows (internal builds only): the
// report of package metrics as of Options.Now over its default window, its
// charts, and display values the template cannot compute.
type metricsView struct {
	Report *metrics.Report
	Charts []metrics.Chart
	// Since and Now bound the window, as <time> elements in the report's
	// zone (not converted to the reader's zone by site.js: months are
	// counted in the site's zone); Zone names it.
	Since, Now template.HTML
	Zone       string
	// Measures are the four durations, each by severity and by month.
	Measures []measureView

	people     map[string]string // handle → personLabel
	severities map[string]string // severity id → "SEV1 (Critical)"
}

// measureView is one duration (say, time to resolve) of the report.
type measureView struct {
	ID, Name, Definition string
	BySeverity           []statRow
	All                  metrics.Stat
	ByMonth              []statRow
}

type statRow struct {
	Label string
	Stat  metrics.Stat
}

// deriveMetrics computes the report and the charts of repo as of now.
func deriveMetrics(repo *schema.Repo, now time.Time) (*metricsView, error) {
	rep, err := metrics.Compute(repo, metrics.Options{Now: now})
	if err != nil {
		return nil, fmt.Errorf("computing the metrics: %w", err)
	}
	loc := rep.Location()
	mv := &metricsView{
		Report: rep,
		Charts: metrics.Charts(rep),
		Since:  zoneTimeTag(rep.Since, loc),
		Now:    zoneTimeTag(rep.Now, loc),
		Zone:   rep.TimeZone,
		people: map[string]string{}, severities: map[string]string{},
	}
	for _, p := range repo.People {
		mv.people[p.Handle] = personLabel(repo, p.Handle)
	}
	for _, s := range rep.Severities {
		mv.severities[s.ID] = s.ID
		if s.Name != "" {
			mv.severities[s.ID] = s.ID + " (" + s.Name + ")"
		}
	}
	for _, ms := range []struct {
		id, name, def string
		stat          func(metrics.Group) metrics.Stat
	}{
		{"time-to-detect", "Time to detect", "detected − started", func(g metrics.Group) metrics.Stat { return g.Detect }},
		{"time-to-acknowledge", "Time to acknowledge", "acknowledged − declared", func(g metrics.Group) metrics.Stat { return g.Acknowledge }},
		{"time-to-mitigate", "Time to mitigate", "mitigated − started", func(g metrics.Group) metrics.Stat { return g.Mitigate }},
		{"time-to-resolve", "Time to resolve", "resolved − started", func(g metrics.Group) metrics.Stat { return g.Resolve }},
	} {
		v := measureView{ID: ms.id, Name: ms.name, Definition: ms.def, All: ms.stat(rep.Incidents.Total)}
		for _, sg := range rep.Incidents.BySeverity {
			v.BySeverity = append(v.BySeverity, statRow{mv.Severity(sg.Severity), ms.stat(sg.Group)})
		}
		for _, mg := range rep.Incidents.ByMonth {
			v.ByMonth = append(v.ByMonth, statRow{monthLabel(mg.Month), ms.stat(mg.Group)})
		}
		mv.Measures = append(mv.Measures, v)
	}
	return mv, nil
}

// Person is how the page names the person with handle h: "Alice Ng
// (@alice-ng)" (see personLabel), or "No owner" for the empty handle.
func (mv *metricsView) Person(h string) string {
	if h == "" {
		return "No owner"
	}
	if l, ok := mv.people[h]; ok {
		return l
	}
	return h
}

// Severity is how the page names a severity: its id and, when it has
// one, its name.
func (mv *metricsView) Severity(id string) string {
	if l, ok := mv.severities[id]; ok {
		return l
	}
	return id
}

// monthLabel turns "2026-01" into "January 2026".
func monthLabel(m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return m
	}
	return t.Format("January 2006")
}

// zoneTimeTag is timeTag without data-local: the instant stays in loc, the
// zone named.
func zoneTimeTag(t time.Time, loc *time.Location) template.HTML {
	return template.HTML(`<time datetime="` + html.EscapeString(t.UTC().Format(time.RFC3339)) + `">` +
		html.EscapeString(formatTime(t, loc)) + `</time>`)
}
