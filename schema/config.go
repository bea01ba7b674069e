package schema

import "time"

// Config is baton.yaml: the site, the GitHub repository, severities,
// components and policies (SPEC S2).
type Config struct {
	Meta
	Site       Site             `yaml:"site"`
	GitHub     GitHub           `yaml:"github"`
	Severities []Severity       `yaml:"severities"`
	Components []Component      `yaml:"components"`
	Postmortem PostmortemPolicy `yaml:"postmortem"`
	Rotations  RotationsConfig  `yaml:"rotations"`
	Training   Training         `yaml:"training"`
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
}

// PostmortemPolicy holds organisation-wide postmortem rules.
type PostmortemPolicy struct {
	Meta
	RequiredSections []string `yaml:"required_sections"`
}

// RotationsConfig holds rotation defaults.
type RotationsConfig struct {
	Meta
	Default string `yaml:"default"`
}

// Training holds the IMOC qualification threshold (SPEC S10).
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

// Component returns the component with the given id, or nil.
func (c *Config) Component(id string) *Component {
	for i := range c.Components {
		if c.Components[i].ID == id {
			return &c.Components[i]
		}
	}
	return nil
}
