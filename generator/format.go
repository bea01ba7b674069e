package generator

import (
	"fmt"
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

// statusText is the words for a component status or an incident status.
func statusText(s string) string {
	switch s {
	case statusOperational:
		return "Operational"
	case schema.ImpactDegraded:
		return "Degraded performance"
	case schema.ImpactPartial:
		return "Partial outage"
	case schema.ImpactMajor:
		return "Major outage"
	case schema.ImpactMaintenance:
		return "Under maintenance"
	case "active":
		return "Ongoing"
	case schema.StatusInProgress:
		return "In progress"
	case "":
		return ""
	}
	return strings.ToUpper(s[:1]) + strings.ReplaceAll(s[1:], "_", " ")
}

// statusIcon is the symbol beside a status, so colour is never the only
// signal.
func statusIcon(s string) string {
	switch s {
	case statusOperational, "resolved":
		return "✓"
	case schema.ImpactDegraded:
		return "◐"
	case schema.ImpactPartial, "active":
		return "▲"
	case schema.ImpactMajor:
		return "✕"
	case schema.ImpactMaintenance:
		return "◆"
	}
	return "•"
}

// impactText describes a Statuspage incident impact.
func impactText(s string) string {
	switch s {
	case "critical":
		return "Critical impact"
	case "major":
		return "Major impact"
	case "minor":
		return "Minor impact"
	case "maintenance":
		return "Maintenance"
	}
	return "No customer impact"
}
