package schema

import "time"

// Incident types.
const (
	TypeIncident    = "incident"
	TypeMaintenance = "maintenance"
)

// Incident statuses, in the order an incident normally moves through them.
const (
	StatusInvestigating = "investigating"
	StatusIdentified    = "identified"
	StatusMonitoring    = "monitoring"
	StatusResolved      = "resolved"
)

// Maintenance statuses. A maintenance uses these (as Statuspage does) or the
// incident statuses; "completed" ends it like "resolved", and "cancelled"
// ends it without the work having been done (or with the work abandoned).
const (
	StatusScheduled  = "scheduled"
	StatusInProgress = "in_progress"
	StatusVerifying  = "verifying"
	StatusCompleted  = "completed"
	StatusCancelled  = "cancelled"
)

// Visibilities of incidents and postmortems.
const (
	Public   = "public"
	Internal = "internal"
)

// Component impacts, from the least to the most severe.
const (
	ImpactMaintenance = "under_maintenance"
	ImpactDegraded    = "degraded_performance"
	ImpactPartial     = "partial_outage"
	ImpactMajor       = "major_outage"
)

// IncidentStatuses lists the statuses of type: incident.
var IncidentStatuses = []string{StatusInvestigating, StatusIdentified, StatusMonitoring, StatusResolved}

// MaintenanceStatuses lists the statuses of type: maintenance.
var MaintenanceStatuses = []string{StatusScheduled, StatusInProgress, StatusVerifying, StatusCompleted, StatusCancelled}

// Impacts lists the component impacts.
var Impacts = []string{ImpactDegraded, ImpactPartial, ImpactMajor, ImpactMaintenance}

// Incident is one incidents/<YYYY>/<id>/incident.md: front matter plus the
// internal Markdown narrative.
type Incident struct {
	Meta
	// ID is the folder name, YYYY-MM-DD-slug.
	ID string `yaml:"-"`
	// Path is the file's slash-separated path inside the repo.
	Path string `yaml:"-"`
	// Dir is the incident folder's path inside the repo.
	Dir string `yaml:"-"`

	Title      string             `yaml:"title"`
	Type       string             `yaml:"type"`
	Severity   string             `yaml:"severity"`
	Status     string             `yaml:"status"`
	Visibility string             `yaml:"visibility"`
	Rotation   string             `yaml:"rotation"`
	IMOC       string             `yaml:"imoc"`
	Owner      string             `yaml:"owner"`
	Shadows    []string           `yaml:"shadows"`
	Responders []string           `yaml:"responders"`
	Components []ComponentImpact  `yaml:"components"`
	Started    time.Time          `yaml:"started"`
	Detected   time.Time          `yaml:"detected"`
	Declared   time.Time          `yaml:"declared"`
	Acked      time.Time          `yaml:"acknowledged"`
	Mitigated  time.Time          `yaml:"mitigated"`
	Resolved   time.Time          `yaml:"resolved"`
	Scheduled  *MaintenanceWindow `yaml:"scheduled"`
	Updates    []Update           `yaml:"updates"`
	Tags       []string           `yaml:"tags"`

	// Body is the Markdown narrative after the front matter.
	Body string `yaml:"-"`
	// BodyLine is the line number on which Body starts.
	BodyLine int `yaml:"-"`
	// Postmortem is the incident's postmortem.md, or nil.
	Postmortem *Postmortem `yaml:"-"`
	// Assets lists the other files of the incident folder that the asset
	// policy allows (paths in the repo; see [CheckAsset]). Files it refuses
	// are reported and left out.
	Assets []string `yaml:"-"`
}

// ComponentImpact is one affected component.
type ComponentImpact struct {
	Meta
	ID     string `yaml:"id"`
	Impact string `yaml:"impact"`
}

// MaintenanceWindow is the announced window of a maintenance.
type MaintenanceWindow struct {
	Meta
	From  time.Time `yaml:"from"`
	Until time.Time `yaml:"until"`
}

// Update is one public status update.
type Update struct {
	Meta
	At      time.Time `yaml:"at"`
	Status  string    `yaml:"status"`
	Message string    `yaml:"message"`
}

// IsPublic reports whether the incident is published on the public site.
func (in *Incident) IsPublic() bool { return in.Visibility == Public }

// IsMaintenance reports whether the incident is a maintenance.
func (in *Incident) IsMaintenance() bool { return in.Type == TypeMaintenance }

// IsResolved reports whether the incident has ended (resolved, or a
// completed or cancelled maintenance).
func (in *Incident) IsResolved() bool { return IsEndStatus(in.Status) }

// IsEndStatus reports whether a status ends an incident or a maintenance:
// resolved, completed or cancelled. An ended incident has `resolved` set.
func IsEndStatus(status string) bool {
	return status == StatusResolved || status == StatusCompleted || status == StatusCancelled
}

// RotationID returns the incident's rotation, or the repository default.
func (in *Incident) RotationID(c *Config) string {
	if in.Rotation != "" {
		return in.Rotation
	}
	return c.Rotations.Default
}
