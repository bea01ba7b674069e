// Package view decides, once, what an audience may see of an incidents
// repository: which incidents, and which fields of each. The status site
// (package generator) renders these views, and the feeds and notifications
// are built from the same ones, so a rule about what is public holds for
// every output by construction.
//
// It is for turning a loaded [schema.Repo] into [Incident] views. It is
// not for presentation (labels for people, HTML, links: package generator
// and the notification formats do that from a view), nor for loading or
// validating files (package schema). Nothing here reads the clock.
//
// # Audiences
//
// [Public] sees only incidents with visibility public, and of them only
// the public fields: title, type, status, the affected components and
// their impact, started, the start of the impact, resolved, the
// maintenance window, the status updates, and the severity expressed as a
// Statuspage impact ([Incident.Impact]). A postmortem is visible to the
// public only when its visibility is public and its status published; it
// shows its summary, body and action items: their titles and statuses,
// and their ids where the public summary or body already cites them
// ("AI-1"). No person (handle, name, login), no narrative, severity id,
// tags, rotation, visibility setting or internal time (detected,
// declared, acknowledged, mitigated) is in a public view: [Incident.Internal]
// and the people of [Postmortem] are nil.
//
// [Internal] sees every incident and every field, people by handle.
// Any other value of [Audience] (the empty string included) is treated as
// Public: the safe reading.
//
// # Severity and Statuspage impact
//
// Statuspage knows four incident impacts. A severity's rank in baton.yaml
// (0 = most severe) maps to: rank 0 → critical, rank 1 → major, rank 2 →
// minor, rank 3 and beyond → none. A maintenance has impact maintenance;
// an unknown or missing severity maps to none.
package view

import (
	"fmt"
	"math"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton/schema"
)

// Audience selects what a view shows (see the package documentation).
type Audience string

// The audiences.
const (
	Public   Audience = "public"
	Internal Audience = "internal"
)

// ParseAudience checks an audience name.
func ParseAudience(s string) (Audience, error) {
	switch a := Audience(s); a {
	case Public, Internal:
		return a, nil
	}
	return "", fmt.Errorf("unknown audience %q (want public or internal)", s)
}

// IsInternal reports whether a is the internal audience. Every other value
// is read as public.
func (a Audience) IsInternal() bool { return a == Internal }

// Sees reports whether audience a may see the incident at all.
func (a Audience) Sees(in *schema.Incident) bool {
	return in != nil && (a.IsInternal() || in.IsPublic())
}

// SeesPostmortem reports whether audience a may see the postmortem of an
// incident it sees.
func (a Audience) SeesPostmortem(pm *schema.Postmortem) bool {
	return pm != nil && (a.IsInternal() || pm.IsPublic())
}

// Incident is what an audience may see of one incident or maintenance.
type Incident struct {
	// ID is the incident's id (its folder name).
	ID    string
	Title string
	// Maintenance is set for type: maintenance.
	Maintenance bool
	// Status is as in the file.
	Status string
	// Impact is the severity as a Statuspage incident impact (critical,
	// major, minor, none), or "maintenance".
	Impact string
	// Components are the affected components, in the file's order.
	Components []Component
	// Started is started: as written (zero when absent).
	Started time.Time
	// Start is when the impact began as far as the public record says:
	// started, else the first update, else the declaration.
	Start    time.Time
	Resolved time.Time
	// Window is a maintenance's announced window, or nil.
	Window *Window
	// Updates are the status updates, oldest first.
	Updates []Update
	// Postmortem is nil unless the audience may see it.
	Postmortem *Postmortem
	// Internal is nil for the public audience.
	Internal *Details

	resolved bool
	// assets are the files of the incident folder (paths in the
	// repository) that the asset policy allows; see Asset.
	assets []string
}

// Component is one affected component.
type Component struct {
	// ID is the component's id; Name its name from baton.yaml (the id when
	// it has none or is unknown).
	ID, Name string
	Impact   string
}

// Window is a maintenance window, [From, Until).
type Window struct {
	From, Until time.Time
}

// Update is one status update.
type Update struct {
	At      time.Time
	Status  string
	Message string
}

// Details are the fields only the internal audience sees. People are
// handles from people.yaml.
type Details struct {
	// Severity is the severity id and SeverityName its name ("" when
	// unknown).
	Severity, SeverityName string
	Visibility             string
	// Rotation is the incident's rotation or the repository's default.
	Rotation           string
	IMOC, Owner        string
	Shadows            []string
	Responders         []string
	Tags               []string
	Detected, Declared time.Time
	Acknowledged       time.Time
	Mitigated          time.Time
	// Narrative is the Markdown body of incident.md.
	Narrative string
}

// Postmortem is what an audience may see of a postmortem.
type Postmortem struct {
	Status, Visibility string
	Summary            string
	// Body is the Markdown after the front matter.
	Body        string
	ActionItems []ActionItem
	// Authors, Reviewers and Approved are nil for the public audience.
	Authors, Reviewers []string
	Approved           *Approval
}

// Approval records who approved a postmortem (a handle) and when.
type Approval struct {
	By string
	At time.Time
}

// ActionItem is one follow-up of a postmortem. The public audience sees
// the title and the status, and the id only where the public text cites
// it; the other fields are empty.
type ActionItem struct {
	ID, Title, Status           string
	Type, Priority, Owner, Link string
	Due                         schema.Date
}

// IsResolved reports whether the incident has ended (resolved, or a
// completed maintenance), as [schema.Incident.IsResolved] says.
func (v *Incident) IsResolved() bool { return v.resolved }

// Asset returns the repository path of the file called name in the
// incident's folder, when the asset policy allows it. The view does not
// list the files: a file is published only when an output of the audience
// links to it by name, and then the output asks for it here.
func (v *Incident) Asset(name string) (string, bool) {
	for _, a := range v.assets {
		if path.Base(a) == name {
			return a, true
		}
	}
	return "", false
}

// HasAssets reports whether the incident's folder has files besides its
// Markdown that the asset policy allows.
func (v *Incident) HasAssets() bool { return len(v.assets) > 0 }

// Of returns what audience a may see of in, an incident of repo, or nil
// when a may not see it at all.
func Of(repo *schema.Repo, in *schema.Incident, a Audience) *Incident {
	if !a.Sees(in) {
		return nil
	}
	c := repo.Config
	v := &Incident{
		ID: in.ID, Title: in.Title,
		Maintenance: in.IsMaintenance(),
		Status:      in.Status,
		Started:     in.Started,
		Start:       start(in),
		Resolved:    in.Resolved,
		assets:      in.Assets,
		resolved:    in.IsResolved(),
	}
	if w := in.Scheduled; w != nil {
		v.Window = &Window{From: w.From, Until: w.Until}
	}
	if v.Maintenance {
		v.Impact = "maintenance"
	} else {
		_, rank := c.Severity(in.Severity)
		if rank < 0 {
			rank = math.MaxInt
		}
		v.Impact = SeverityImpact(rank)
	}
	for _, ci := range in.Components {
		name := ci.ID
		if comp := c.Component(ci.ID); comp != nil {
			name = comp.Name
		}
		v.Components = append(v.Components, Component{ID: ci.ID, Name: name, Impact: ci.Impact})
	}
	for _, u := range in.Updates {
		v.Updates = append(v.Updates, Update{At: u.At, Status: u.Status, Message: u.Message})
	}
	internal := a.IsInternal()
	if pm := in.Postmortem; a.SeesPostmortem(pm) {
		pv := &Postmortem{Status: pm.Status, Visibility: pm.Visibility, Summary: pm.Summary, Body: pm.Body}
		for _, ai := range pm.ActionItems {
			item := ActionItem{Title: ai.Title, Status: ai.Status}
			if cites(pm.Body, ai.ID) || cites(pm.Summary, ai.ID) {
				item.ID = ai.ID
			}
			if internal {
				item = ActionItem{ID: ai.ID, Title: ai.Title, Status: ai.Status, Type: ai.Type,
					Priority: ai.Priority, Owner: ai.Owner, Link: ai.Link, Due: ai.Due}
			}
			pv.ActionItems = append(pv.ActionItems, item)
		}
		if internal {
			pv.Authors, pv.Reviewers = slices.Clone(pm.Authors), slices.Clone(pm.Reviewers)
			if ap := pm.Approved; ap != nil {
				pv.Approved = &Approval{By: ap.By, At: ap.At}
			}
		}
		v.Postmortem = pv
	}
	if internal {
		d := &Details{
			Severity: in.Severity, Visibility: in.Visibility, Rotation: in.RotationID(c),
			IMOC: in.IMOC, Owner: in.Owner,
			Shadows: slices.Clone(in.Shadows), Responders: slices.Clone(in.Responders), Tags: slices.Clone(in.Tags),
			Detected: in.Detected, Declared: in.Declared, Acknowledged: in.Acked, Mitigated: in.Mitigated,
			Narrative: in.Body,
		}
		if s, _ := c.Severity(in.Severity); s != nil {
			d.SeverityName = s.Name
		}
		v.Internal = d
	}
	return v
}

// Incidents returns the views of the incidents of repo that audience a
// may see, in the repository's order.
func Incidents(repo *schema.Repo, a Audience) []*Incident {
	var out []*Incident
	for _, in := range repo.Incidents {
		if v := Of(repo, in, a); v != nil {
			out = append(out, v)
		}
	}
	return out
}

// start is when an incident's impact began, as far as the public record
// says: started, else the first update, else declared.
func start(in *schema.Incident) time.Time {
	if !in.Started.IsZero() {
		return in.Started
	}
	if len(in.Updates) > 0 && !in.Updates[0].At.IsZero() {
		return in.Updates[0].At
	}
	return in.Declared
}

// SeverityImpact maps a severity rank (0 = most severe) to a Statuspage
// incident impact.
func SeverityImpact(rank int) string {
	switch rank {
	case 0:
		return "critical"
	case 1:
		return "major"
	case 2:
		return "minor"
	}
	return "none"
}

// cites reports whether text mentions id as a whole word ("AI-1" but not
// inside "AI-10").
func cites(text, id string) bool {
	if id == "" {
		return false
	}
	word := func(b byte) bool {
		return b == '-' || b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
	}
	for i := 0; ; {
		j := strings.Index(text[i:], id)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(id)
		if (j == 0 || !word(text[j-1])) && (end == len(text) || !word(text[end])) {
			return true
		}
		i = j + 1
	}
}
