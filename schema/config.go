package schema

import (
	"strings"
	"time"
)

// Config is baton.yaml: the site, the GitHub repository, severities,
// components, policies and the defaults of `baton declare`.
type Config struct {
	Meta
	Site       Site             `yaml:"site"`
	GitHub     GitHub           `yaml:"github"`
	Severities []Severity       `yaml:"severities"`
	Components []Component      `yaml:"components"`
	Postmortem PostmortemPolicy `yaml:"postmortem"`
	Rotations  RotationsConfig  `yaml:"rotations"`
	Training   Training         `yaml:"training"`
	Declare    DeclareDefaults  `yaml:"declare"`
	// Notify lists where `baton notify` sends incident events.
	Notify []NotifyTarget `yaml:"notify"`

	// Location is Site.TimeZone resolved (UTC when unset or invalid).
	Location *time.Location `yaml:"-"`
}

// Site describes the published status site.
type Site struct {
	Meta
	Title   string `yaml:"title"`
	BaseURL string `yaml:"base_url"`
	// InternalBaseURL is where the internal build is published (optional).
	// Internal feeds, API shortlinks and ids use it, so that they never
	// point at public URLs that do not exist.
	InternalBaseURL string `yaml:"internal_base_url"`
	Description     string `yaml:"description"`
	TimeZone        string `yaml:"time_zone"`
	// Since is the first day the organisation kept records: the status
	// page's daily history shows "no data" before it. Zero when unset
	// (the history then starts at the earliest incident).
	Since Date `yaml:"since"`
	// Subscribe lists public places to follow the status (a chat
	// invitation, a mailing list) for the status page's Subscribe section.
	Subscribe []SubscribeLink `yaml:"subscribe"`
}

// GitHub names the repository that holds the incidents.
type GitHub struct {
	Meta
	Repo          string `yaml:"repo"`
	DefaultBranch string `yaml:"default_branch"`
}

// Severity is one incident level. The order of Config.Severities matters:
// the first is the most severe.
type Severity struct {
	Meta
	ID          string         `yaml:"id"`
	Name        string         `yaml:"name"`
	Description string         `yaml:"description"`
	Major       bool           `yaml:"major"`
	Postmortem  SeverityPolicy `yaml:"postmortem"`
}

// SeverityPolicy says whether incidents of a severity need a postmortem and
// how many days after resolution it must be approved.
type SeverityPolicy struct {
	Meta
	Required bool `yaml:"required"`
	DueDays  int  `yaml:"due_days"`
}

// Component is a part of the service shown on the status page.
type Component struct {
	Meta
	ID          string `yaml:"id"`
	Name        string `yaml:"name"`
	Group       string `yaml:"group"`
	Tier        int    `yaml:"tier"`
	Description string `yaml:"description"`
	// Rotation is the id of the IMOC rotation responsible for the
	// component; empty means its group's (RotationsConfig.Groups), else
	// the default.
	Rotation string `yaml:"rotation"`
}

// PostmortemPolicy holds organisation-wide postmortem rules.
type PostmortemPolicy struct {
	Meta
	RequiredSections []string `yaml:"required_sections"`
	// RequiredFrom, when set, limits the due-date policy to incidents
	// resolved on or after this day (in the site's time zone): history
	// brought in from another tool, or kept from before the policy, is not
	// reported as overdue.
	RequiredFrom Date `yaml:"required_from"`
}

// RotationsConfig says which IMOC rotation is responsible for what.
type RotationsConfig struct {
	Meta
	// Default is the rotation of incidents that name none and affect no
	// component with a rotation of its own.
	Default string `yaml:"default"`
	// Groups maps a component group (Component.Group) to the rotation
	// responsible for its components.
	Groups map[string]string `yaml:"groups"`
}

// DeclareDefaults are the defaults of `baton declare`. They apply when an
// incident is declared and are written into it; they never change what an
// existing file means.
type DeclareDefaults struct {
	Meta
	// Visibility is the visibility of new incidents (and maintenances)
	// when --visibility is not given: public or internal. Empty means
	// internal for incidents and public for maintenances.
	Visibility string `yaml:"visibility"`
}

// Training holds the IMOC qualification threshold used by reports and the
// metrics page.
type Training struct {
	Meta
	// Incidents is how many incidents a trainee must shadow (default 3).
	Incidents int `yaml:"incidents"`
	// Major is how many of them must be of a major severity (default 1).
	Major int `yaml:"major"`
}

// DefaultSeverities are used when baton.yaml lists none.
func DefaultSeverities() []Severity {
	return []Severity{
		{ID: "SEV1", Name: "Critical", Description: "Service down for all or most customers, or data loss or exposure.", Major: true, Postmortem: SeverityPolicy{Required: true, DueDays: 5}},
		{ID: "SEV2", Name: "Major", Description: "A core feature is unavailable or badly degraded for many customers.", Major: true, Postmortem: SeverityPolicy{Required: true, DueDays: 10}},
		{ID: "SEV3", Name: "Minor", Description: "Partial or degraded service for some customers; a workaround exists.", Postmortem: SeverityPolicy{Required: false}},
		{ID: "SEV4", Name: "Low", Description: "Little or no customer impact; worth tracking.", Postmortem: SeverityPolicy{Required: false}},
	}
}

// DefaultRequiredSections are the postmortem sections required when
// baton.yaml does not list its own.
func DefaultRequiredSections() []string {
	return []string{"Summary", "Impact", "Timeline", "Contributing factors", "Action items", "Lessons learned"}
}

// Severity returns the severity with the given id and its rank (0 is the
// most severe), or nil and -1.
func (c *Config) Severity(id string) (*Severity, int) {
	for i := range c.Severities {
		if c.Severities[i].ID == id {
			return &c.Severities[i], i
		}
	}
	return nil, -1
}

// SeverityFold returns the severity whose id equals id without regard to
// case ("sev2" finds SEV2) and its rank, or nil and -1. An exact match
// wins over a folded one.
func (c *Config) SeverityFold(id string) (*Severity, int) {
	if s, i := c.Severity(id); s != nil {
		return s, i
	}
	for i := range c.Severities {
		if strings.EqualFold(c.Severities[i].ID, id) {
			return &c.Severities[i], i
		}
	}
	return nil, -1
}

// ComponentRotation returns the rotation responsible for a component: its
// own rotation, else its group's, else "". from says which ("component"
// or "group").
func (c *Config) ComponentRotation(comp *Component) (id, from string) {
	if comp == nil {
		return "", ""
	}
	if comp.Rotation != "" {
		return comp.Rotation, "component"
	}
	if comp.Group != "" {
		if id := c.Rotations.Groups[comp.Group]; id != "" {
			return id, "group"
		}
	}
	return "", ""
}

// Component returns the component with the given id, or nil.
func (c *Config) Component(id string) *Component {
	for i := range c.Components {
		if c.Components[i].ID == id {
			return &c.Components[i]
		}
	}
	return nil
}
