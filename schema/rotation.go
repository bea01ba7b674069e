package schema

import (
	"fmt"
	"time"
)

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

// Size limits of a rotation. The largest real rotations stay far below
// them (a follow-the-sun rotation with a dozen layers, a few windows each,
// tens of participants, a few hundred holidays and overrides); they exist
// so that no file, however written, makes the rotation arithmetic run for
// long. A rotation over a limit has the error rotation/too-complex, and
// package oncall does not evaluate it.
const (
	MaxRotationLayers       = 50   // layers in a rotation
	MaxRotationWindows      = 500  // active windows, all layers together
	MaxRotationParticipants = 1000 // handles in one participants list
	MaxRotationChanges      = 500  // roster changes of one layer
	MaxRotationExcludes     = 2000 // excluded days of one layer
	MaxRotationOverrides    = 2000 // overrides in a rotation
	MaxRotationShadows      = 1000 // shadows in a rotation
)

// rotationExcess is one limit a rotation goes over.
type rotationExcess struct {
	at         Pos
	what, hint string // what is "the rotation has 51 layers"
	limit      int
}

// excesses lists the limits the rotation goes over, in file order.
func (r *Rotation) excesses() []rotationExcess {
	var out []rotationExcess
	over := func(at Pos, n, limit int, hint, format string, args ...any) {
		if n > limit {
			out = append(out, rotationExcess{at: at, what: fmt.Sprintf(format, args...), hint: hint, limit: limit})
		}
	}
	over(r.PosOf("layers"), len(r.Layers), MaxRotationLayers,
		"merge layers that share participants and hours, or split the rotation into several files",
		"the rotation has %d layers", len(r.Layers))
	windows := 0
	for i := range r.Layers {
		windows += len(r.Layers[i].Active)
	}
	over(r.PosOf("layers"), windows, MaxRotationWindows,
		"merge windows that share their hours into one with several days: {days: [MO, TU, WE], from: \"09:00\", to: \"17:00\"}",
		"the rotation has %d active windows in all its layers", windows)
	for i := range r.Layers {
		l := &r.Layers[i]
		name := l.Name
		if name == "" {
			name = fmt.Sprintf("layer %d", i+1)
		}
		over(l.Rotation.PosOf("participants"), len(l.Rotation.Participants), MaxRotationParticipants,
			"split the participants over several layers",
			"this participants list has %d handles", len(l.Rotation.Participants))
		over(l.PosOf("changes"), len(l.Changes), MaxRotationChanges,
			"start a new layer from a recent anchor with the current roster, and drop the old changes",
			"layer %q has %d roster changes", name, len(l.Changes))
		for j := range l.Changes {
			ch := &l.Changes[j]
			over(ch.PosOf("participants"), len(ch.Participants), MaxRotationParticipants,
				"split the participants over several layers",
				"this participants list has %d handles", len(ch.Participants))
		}
		over(l.PosOf("exclude"), len(l.Exclude), MaxRotationExcludes,
			"remove the days that are long past",
			"layer %q excludes %d days", name, len(l.Exclude))
	}
	over(r.PosOf("overrides"), len(r.Overrides), MaxRotationOverrides,
		"remove the overrides that have ended (the repository's history keeps them)",
		"the rotation has %d overrides", len(r.Overrides))
	over(r.PosOf("shadows"), len(r.Shadows), MaxRotationShadows,
		"remove the shadows that have ended (the repository's history keeps them)",
		"the rotation has %d shadows", len(r.Shadows))
	return out
}

// WithinLimits reports whether the rotation is within the size limits
// (MaxRotationLayers and the others). Package oncall evaluates only such
// rotations; validation reports the others as rotation/too-complex. It
// counts without formatting anything, as it runs on every evaluation.
func (r *Rotation) WithinLimits() bool {
	if len(r.Layers) > MaxRotationLayers || len(r.Overrides) > MaxRotationOverrides || len(r.Shadows) > MaxRotationShadows {
		return false
	}
	windows := 0
	for i := range r.Layers {
		l := &r.Layers[i]
		windows += len(l.Active)
		if len(l.Rotation.Participants) > MaxRotationParticipants || len(l.Changes) > MaxRotationChanges || len(l.Exclude) > MaxRotationExcludes {
			return false
		}
		for j := range l.Changes {
			if len(l.Changes[j].Participants) > MaxRotationParticipants {
				return false
			}
		}
	}
	return windows <= MaxRotationWindows
}
