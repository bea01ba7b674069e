package generator

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/batonhq/baton/schema"
)

// formatTime shows an instant in the site's zone, naming the zone:
// "Fri 20 Nov 2026, 14:03 UTC".
func formatTime(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("Mon 2 Jan 2006, 15:04 MST")
}

// formatDuration shows a duration to the minute: "2 d 3 h", "1 h 5 min",
// "4 min", "under a minute".
func formatDuration(d time.Duration) string {
	d = d.Truncate(time.Minute)
	if d < time.Minute {
		return "under a minute"
	}
	days, hours, mins := d/(24*time.Hour), d%(24*time.Hour)/time.Hour, d%time.Hour/time.Minute
	var parts []string
	if days > 0 {
		parts = append(parts, fmt.Sprintf("%d d", days))
	}
	if hours > 0 {
		parts = append(parts, fmt.Sprintf("%d h", hours))
	}
	if mins > 0 && days == 0 {
		parts = append(parts, fmt.Sprintf("%d min", mins))
	}
	return strings.Join(parts, " ")
}

// updateClass is the status class of an update's status: "resolved" once
// it ends the incident, "under_maintenance" for planned work, else
// "active".
func updateClass(s string) string {
	switch s {
	case schema.StatusResolved, schema.StatusCompleted:
		return "resolved"
	case schema.StatusScheduled, schema.StatusInProgress, schema.StatusVerifying:
		return schema.ImpactMaintenance
	}
	return "active"
}

// actionItemStatus is the words for an action item's status.
func actionItemStatus(s string) string {
	switch s {
	case "wontfix":
		return "Won’t fix"
	case "":
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// favicon is the site's icon, a status light in the colour of the
// overall status, as a data: URL so that no page requests a file for it.
func favicon(status string) template.URL {
	fill := map[string]string{
		schema.ImpactMaintenance: "0969da", schema.ImpactDegraded: "d4a72c",
		schema.ImpactPartial: "bc4c00", schema.ImpactMajor: "cf222e",
	}[status]
	if fill == "" {
		fill = "1a7f37"
	}
	return template.URL("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Ccircle cx='8' cy='8' r='8' fill='%23" +
		fill + "'/%3E%3Ccircle cx='8' cy='8' r='3' fill='%23fff'/%3E%3C/svg%3E")
}

// impactIcon is the icon class (after "i-") of a Statuspage incident
// impact: that of the component status it most resembles.
func impactIcon(s string) string {
	switch s {
	case "critical":
		return schema.ImpactMajor
	case "major":
		return schema.ImpactPartial
	case "minor":
		return schema.ImpactDegraded
	case "maintenance":
		return schema.ImpactMaintenance
	}
	return statusNoData
}
