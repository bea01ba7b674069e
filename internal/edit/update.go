package edit

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton/schema"
)

// StatusUpdate is what `baton update` appends to an incident.
type StatusUpdate struct {
	// Status is the new status, matched without regard to case.
	Status string
	// Message is the public update. A maintenance moving to one of the
	// maintenance statuses may leave it empty for the default wording
	// ([DefaultMaintenanceMessage]).
	Message string
	// At is the update's instant; it also becomes `mitigated` and
	// `resolved` when the status implies them and they are not set.
	At time.Time
}

// Update appends a public status update to the incident whose current file
// bytes are data, moves its status, and sets the instants the new status
// implies: `mitigated` when the incident reaches monitoring or is resolved,
// `resolved` when it ends (resolved, or a maintenance completed or
// cancelled). Reopening an ended incident removes `resolved`. Repeating the
// last update (same status and message) changes nothing.
func Update(repo *schema.Repo, in *schema.Incident, data []byte, u StatusUpdate) (*Result, error) {
	res := &Result{ID: in.ID}
	statuses := schema.IncidentStatuses
	if in.IsMaintenance() {
		statuses = append(slices.Clone(schema.MaintenanceStatuses), schema.IncidentStatuses...)
	}
	u.Status = strings.ToLower(strings.TrimSpace(u.Status))
	if !slices.Contains(statuses, u.Status) {
		hint := oneOfHint(u.Status, statuses)
		if !in.IsMaintenance() && slices.Contains(schema.MaintenanceStatuses, u.Status) {
			hint = "that is a maintenance status; an incident uses " + strings.Join(statuses, ", ")
		}
		return nil, errorf(hint, "status %q is not valid for %s", u.Status, article(in.Type))
	}
	u.Message = strings.TrimSpace(u.Message)
	if u.Message == "" && in.IsMaintenance() {
		var w *Window
		if in.Scheduled != nil {
			w = &Window{From: in.Scheduled.From, Until: in.Scheduled.Until}
		}
		loc := repo.Config.Location
		if loc == nil {
			loc = time.UTC
		}
		u.Message = DefaultMaintenanceMessage(u.Status, w, loc)
	}
	if u.Message == "" {
		return nil, errorf("pass --message: what customers need to know, in plain text", "the update has no message")
	}
	if n := len(in.Updates); n > 0 {
		last := in.Updates[n-1]
		if last.Status == u.Status && strings.TrimSpace(last.Message) == u.Message {
			res.Notes = append(res.Notes, fmt.Sprintf("the last update of %s already says this; nothing changed", in.ID))
			return res, nil
		}
		if u.At.Before(last.At) {
			return nil, errorf("updates are listed oldest first; pass --now with a later time", "the update time %s is before the last update (%s)", stamp(u.At), stamp(last.At))
		}
	}
	if !in.Declared.IsZero() && u.At.Before(in.Declared) {
		return nil, errorf("pass --now with a time after the declaration", "the update time %s is before the incident was declared (%s)", stamp(u.At), stamp(in.Declared))
	}

	d, err := parseDocument(in.Path, data)
	if err != nil {
		return nil, err
	}
	before, err := d.decoded()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.Path, err)
	}
	changed := []string{"updates", "status"}
	after := append(slices.Clone(timeKeys), "scheduled")
	if err := d.appendItem("updates", updateNode(u.At, u.Status, u.Message), after); err != nil {
		return nil, editError(in.Path, err)
	}
	if err := d.setScalar("status", str(u.Status), []string{"title", "type", "severity"}); err != nil {
		return nil, editError(in.Path, err)
	}
	resolved := schema.IsEndStatus(u.Status)
	if !in.IsMaintenance() && (resolved || u.Status == schema.StatusMonitoring) && in.Mitigated.IsZero() {
		if err := d.setScalar("mitigated", timestamp(u.At), keysBefore("mitigated")); err != nil {
			return nil, editError(in.Path, err)
		}
		changed = append(changed, "mitigated")
	}
	switch {
	case resolved && in.Resolved.IsZero():
		if err := d.setScalar("resolved", timestamp(u.At), keysBefore("resolved")); err != nil {
			return nil, editError(in.Path, err)
		}
		changed = append(changed, "resolved")
	case !resolved && in.Has("resolved"):
		if err := d.removeKey("resolved"); err != nil {
			return nil, editError(in.Path, err)
		}
		changed = append(changed, "resolved")
		res.Notes = append(res.Notes, fmt.Sprintf("%s is reopened: resolved was removed", in.ID))
	}
	if err := verify(d, before, changed); err != nil {
		return nil, editError(in.Path, err)
	}
	res.Files = []File{{Path: in.Path, Data: d.bytes()}}
	return res, nil
}

// verify re-reads the edited front matter and checks that only the changed
// keys differ.
func verify(d *document, before map[string]any, changed []string) error {
	after, err := d.decoded()
	if err != nil {
		return fmt.Errorf("the edited front matter does not parse: %w", err)
	}
	return checkOnly(before, after, changed...)
}

func editError(file string, err error) error {
	return &Error{
		Msg:  fmt.Sprintf("cannot edit %s safely: %v", file, err),
		Hint: "make the change by hand; Baton edits only front matter written in block style with one top-level key per line",
	}
}
