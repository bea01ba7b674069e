package schema

import "time"

// Nobody is the participant token for an empty slot.
const Nobody = "nobody"

// WithIMOC is the Shadow.With value that follows whoever is the final IMOC.
const WithIMOC = "imoc"

// Override kinds, applied in file order to the final IMOC set.
const (
	OverrideAssign  = "assign"
	OverrideReplace = "replace"
	OverrideAdd     = "add"
	OverrideRemove  = "remove"
)

// OverrideKinds lists the override kinds.
var OverrideKinds = []string{OverrideAssign, OverrideReplace, OverrideAdd, OverrideRemove}

// Rotation is rotations/<id>.yaml: an IMOC rotation made of layers,
// overrides and shadows (docs/rotations.md). The arithmetic lives in
// package oncall.
type Rotation struct {
	Meta
	// ID is the file name without .yaml.
	ID string `yaml:"-"`
	// Path is the file's slash-separated path inside the repo.
	Path string `yaml:"-"`

	Name      string     `yaml:"name"`
	Org       string     `yaml:"org"`
	TimeZone  string     `yaml:"time_zone"`
	Layers    []Layer    `yaml:"layers"`
	Overrides []Override `yaml:"overrides"`
	Shadows   []Shadow   `yaml:"shadows"`

	// Location is TimeZone resolved (UTC when unset or invalid).
	Location *time.Location `yaml:"-"`
	// HasErrors is set by Load when the file has validation errors: a
	// dropped layer or a fallback zone would make its arithmetic wrong, so
	// checks built on it (gaps, for one) skip it.
	HasErrors bool `yaml:"-"`
}

// Layer is one layer of a rotation; later layers win where they yield
// someone.
type Layer struct {
	Meta
	Name     string     `yaml:"name"`
	TimeZone string     `yaml:"time_zone"`
	Rotation LayerCycle `yaml:"rotation"`
	Changes  []Change   `yaml:"changes"`
	Active   []Window   `yaml:"active"`
	Exclude  []Date     `yaml:"exclude"`

	// Location is the layer's zone resolved: TimeZone, else the rotation's.
	Location *time.Location `yaml:"-"`
}

// LayerCycle is a layer's handoff grid and participants.
type LayerCycle struct {
	Meta
	Anchor       WallClock `yaml:"anchor"`
	Every        Every     `yaml:"every"`
	HandoffDays  []Weekday `yaml:"handoff_days"`
	Participants []string  `yaml:"participants"`
}

// Change is an effective-dated roster change of a layer.
type Change struct {
	Meta
	From         WallClock `yaml:"from"`
	Participants []string  `yaml:"participants"`
	First        string    `yaml:"first"`
}

// Window restricts a layer to certain hours of certain days. To ≤ From means
// the window ends on the next day.
type Window struct {
	Meta
	Days []Weekday `yaml:"days"`
	From Clock     `yaml:"from"`
	To   Clock     `yaml:"to"`
}

// Override changes the final IMOC set during [From, Until).
type Override struct {
	Meta
	Kind     string    `yaml:"kind"`
	User     string    `yaml:"user"`
	Replaces string    `yaml:"replaces"`
	From     time.Time `yaml:"from"`
	Until    time.Time `yaml:"until"`
	Reason   string    `yaml:"reason"`
}

// Shadow pairs a trainee with an IMOC (or with whoever is the IMOC) during
// [From, Until).
type Shadow struct {
	Meta
	User  string    `yaml:"user"`
	With  string    `yaml:"with"`
	From  time.Time `yaml:"from"`
	Until time.Time `yaml:"until"`
}
