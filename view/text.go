package view

import (
	"strings"

	"github.com/batonhq/baton/schema"
)

// StatusText is the words for a component status or an incident or
// maintenance status, as pages, feeds and notifications show them:
// "Partial outage", "In progress", "Resolved". "active" (an open incident
// of either kind) reads "Ongoing".
func StatusText(s string) string {
	switch s {
	case "operational":
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

// ImpactText describes a Statuspage incident impact: "Critical impact",
// "Major impact", "Minor impact", "Maintenance", else "No customer impact".
func ImpactText(s string) string {
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
