package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/oncall"
	"github.com/batonhq/baton/schema"
)

type imocOptions struct {
	*globals
	rotation string
	at       *instantFlag
	json     bool
}

func newIMOCCmd(g *globals) *cobra.Command {
	o := &imocOptions{globals: g, at: newInstantFlag("--at")}
	cmd := &cobra.Command{
		Use:   "imoc",
		Short: "Show who is the IMOC now (or at --at), their shadows and the next handoff",
		Long: `Imoc computes, from the rotation files alone, who the Incident Manager On
Call is at an instant (--at, default --now or the clock), who shadows them,
the layer and shift that put them there, and when the IMOC next changes.
Without --rotation it shows every rotation.

--json prints, for one rotation (--rotation ID), one object:

  {"rotation": "ID", "at": "RFC3339", "imoc": ["bob"], "shadows": ["tara"],
   "next_change": {"at": "RFC3339", "imoc": ["carol"]}}

and without --rotation an array of such objects sorted by id. Times are in
UTC; handles are sorted; "imoc" is [] when nobody is on call; "next_change"
is null when nothing changes within 5 years (or before the year 10000).

It exits 2 when the requested rotation does not exist, and 1 when it has
validation errors (run baton validate to see them).`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context()) },
	}
	f := cmd.Flags()
	f.StringVar(&o.rotation, "rotation", "", "the rotation `ID` (file name in rotations/ without .yaml); default: all")
	f.Var(o.at, "at", "answer for `TIME` (RFC 3339) instead of now")
	f.BoolVar(&o.json, "json", false, "print JSON (see above)")
	return cmd
}

// imocJSON is the stable --json shape of `baton imoc`, documented in its
// help.
type imocJSON struct {
	Rotation   string    `json:"rotation"`
	At         string    `json:"at"`
	IMOC       []string  `json:"imoc"`
	Shadows    []string  `json:"shadows"`
	NextChange *nextJSON `json:"next_change"`
}

type nextJSON struct {
	At   string   `json:"at"`
	IMOC []string `json:"imoc"`
}

func (o *imocOptions) run(ctx context.Context) error {
	at, atSet, err := o.at.value()
	if err != nil {
		return err
	}
	repo, problems, now, err := checkRotations(ctx, o.globals)
	if err != nil {
		return err
	}
	if !atSet {
		at = now
	}
	rots, err := selectRotations(repo, problems, o.rotation)
	if err != nil {
		return err
	}
	if o.json {
		out := make([]imocJSON, 0, len(rots))
		for _, r := range rots {
			st := oncall.At(r, at)
			j := imocJSON{Rotation: r.ID, At: at.UTC().Format(time.RFC3339), IMOC: st.IMOC, Shadows: st.Shadows}
			if t, imoc, ok := nextChange(r, at); ok {
				j.NextChange = &nextJSON{At: t.UTC().Format(time.RFC3339), IMOC: imoc}
			}
			out = append(out, j)
		}
		if o.rotation != "" {
			return writeOncallJSON(o.stdout, out[0])
		}
		return writeOncallJSON(o.stdout, out)
	}
	if len(rots) == 0 {
		fmt.Fprintln(o.stdout, "no rotations in rotations/")
		return nil
	}
	for i, r := range rots {
		if i > 0 {
			fmt.Fprintln(o.stdout)
		}
		writeIMOC(o.stdout, repo, r, at)
	}
	return nil
}

func writeIMOC(w io.Writer, repo *schema.Repo, r *schema.Rotation, at time.Time) {
	loc := rotationZone(r)
	st := oncall.At(r, at)
	fmt.Fprintf(w, "%s — %s, at %s\n", r.ID, r.Name, at.In(loc).Format(oncallTimeLayout))
	fmt.Fprintf(w, "  IMOC:      %s\n", formatHandles(repo, st.IMOC, true))
	if len(st.Shadows) > 0 {
		fmt.Fprintf(w, "  shadows:   %s\n", formatHandles(repo, st.Shadows, false))
	}
	if st.Layer != "" {
		fmt.Fprintf(w, "  shift:     %s layer, %s to %s\n", st.Layer, st.ShiftStart.Format(oncallTimeLayout), st.ShiftEnd.Format(oncallTimeLayout))
	}
	for _, ov := range st.Overrides {
		what := ov.Kind + " " + ov.User
		if ov.Kind == schema.OverrideReplace {
			what = ov.User + " replaces " + ov.Replaces
		}
		if ov.Reason != "" {
			what += " (" + ov.Reason + ")"
		}
		fmt.Fprintf(w, "  override:  %s, until %s\n", what, ov.Until.In(loc).Format(oncallTimeLayout))
	}
	if t, imoc, ok := nextChange(r, at); ok {
		fmt.Fprintf(w, "  next:      %s at %s, %s\n", formatHandles(repo, imoc, false), t.Format(oncallTimeLayout), untilText(t.Sub(at)))
	} else {
		fmt.Fprintf(w, "  next:      no change within %d years\n", oncall.Horizon)
	}
}

// rotationZone is the rotation's time zone (UTC when unresolved).
func rotationZone(r *schema.Rotation) *time.Location {
	if r.Location == nil {
		return time.UTC
	}
	return r.Location
}

const oncallTimeLayout = "Mon 2006-01-02 15:04 MST"

// formatHandles formats handles as "bob (@bob-gh, America/New_York)"; full adds
// the person's time zone.
func formatHandles(repo *schema.Repo, handles []string, full bool) string {
	if len(handles) == 0 {
		return "nobody"
	}
	var parts []string
	for _, h := range handles {
		p := repo.Person(h)
		var extra []string
		if p != nil && p.GitHub != "" {
			extra = append(extra, "@"+p.GitHub)
		}
		if full && p != nil && p.TimeZone != "" {
			extra = append(extra, p.TimeZone)
		}
		if len(extra) > 0 {
			h += " (" + strings.Join(extra, ", ") + ")"
		}
		parts = append(parts, h)
	}
	return strings.Join(parts, ", ")
}

// untilText formats a duration ahead as "in 2 days 3 h", "in 4 h 10 min",
// "in 12 min" (rounded down to the minute).
func untilText(d time.Duration) string {
	m := int64(d / time.Minute)
	days, h, mins := m/(24*60), m%(24*60)/60, m%60
	switch {
	case days > 0:
		s := fmt.Sprintf("in %d day", days)
		if days > 1 {
			s += "s"
		}
		if h > 0 {
			s += fmt.Sprintf(" %d h", h)
		}
		return s
	case h > 0:
		if mins > 0 {
			return fmt.Sprintf("in %d h %d min", h, mins)
		}
		return fmt.Sprintf("in %d h", h)
	case mins > 0:
		return fmt.Sprintf("in %d min", mins)
	}
	return "in less than a minute"
}

// nextChange is [oncall.NextChange], except that a change in the year
// 10000 or later counts as none: RFC 3339 cannot write it.
func nextChange(r *schema.Rotation, at time.Time) (time.Time, []string, bool) {
	t, imoc, ok := oncall.NextChange(r, at)
	if !ok || t.UTC().Year() > 9999 {
		return time.Time{}, nil, false
	}
	return t, imoc, true
}

// selectRotations returns the rotation named id, or all rotations when id
// is empty. A rotation that does not exist is a usage error (exit 2); one
// with validation errors is an error (exit 1): an IMOC computed from a
// broken file could be wrong.
func selectRotations(repo *schema.Repo, problems schema.Problems, id string) ([]*schema.Rotation, error) {
	broken := func(path string) error {
		for _, p := range problems {
			if p.File == path && p.Level == schema.Error {
				return problemsErrorf("%s has errors, so its schedule cannot be trusted", path).
					withHint("run `baton validate` to see them, e.g. %s", p)
			}
		}
		return nil
	}
	if id != "" {
		if err := broken(schema.RotationsDir + "/" + id + ".yaml"); err != nil {
			return nil, err
		}
		r := repo.Rotation(id)
		if r == nil {
			var ids []string
			for _, r := range repo.Rotations {
				ids = append(ids, r.ID)
			}
			e := usageErrorf("there is no rotation %q", id)
			if s := schema.Suggest(id, ids); s != "" {
				return nil, e.withHint("did you mean %s? (rotations in this repository: %s)", s, strings.Join(ids, ", "))
			}
			if len(ids) > 0 {
				return nil, e.withHint("rotations in this repository: %s", strings.Join(ids, ", "))
			}
			return nil, e.withHint("add rotations/%s.yaml (see `baton init` for an example)", id)
		}
		return []*schema.Rotation{r}, nil
	}
	rots := slices.Clone(repo.Rotations)
	for _, r := range rots {
		if err := broken(r.Path); err != nil {
			return nil, err
		}
	}
	return rots, nil
}

// writeOncallJSON writes v as indented JSON.
func writeOncallJSON(w io.Writer, v any) error {
	if err := writeJSON(w, v); err != nil {
		return failuref("writing output: %w", err)
	}
	return nil
}
