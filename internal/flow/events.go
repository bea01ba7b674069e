package flow

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton/internal/notify"
	"github.com/batonhq/baton/oncall"
	"github.com/batonhq/baton/schema"
	"github.com/batonhq/baton/view"
)

// Revisions is what the notify flow needs from git: a revision's tree and
// the commit it names. *gitrepo.Repo implements it. The working tree is
// never read.
type Revisions interface {
	FS(ctx context.Context, rev string) (fs.FS, error)
	Resolve(rev string) (string, error)
}

// Range is an incidents repository at two revisions.
type Range struct {
	// Since and Until are the commit hashes compared.
	Since, Until string
	// Old and New are the repository at Since and at Until.
	Old, New *schema.Repo
	// Problems are New's validation problems.
	Problems schema.Problems
}

// ErrNoBase says that the revision to compare with is the zero commit
// (the push created the branch): there is nothing to compare, and nothing
// to send.
var ErrNoBase = errors.New("the push created the branch: there is no previous revision to compare with")

// zeroCommit is how git and GitHub name "no commit".
func zeroCommit(rev string) bool {
	return len(rev) >= 40 && strings.Trim(rev, "0") == ""
}

// LoadRange reads the repository at since and at until (default HEAD)
// from git, never from the working tree.
func LoadRange(ctx context.Context, git Revisions, since, until string) (*Range, error) {
	if zeroCommit(since) {
		return nil, ErrNoBase
	}
	if until == "" {
		until = "HEAD"
	}
	r := &Range{}
	var err error
	if r.Since, err = git.Resolve(since); err != nil {
		return nil, &Error{Msg: fmt.Sprintf("cannot find the revision %s in this clone", since), Err: err,
			Hint: "the clone must hold both revisions: in GitHub Actions check out with fetch-depth: 0; a force push can remove the previous commit (then pass an older --since)"}
	}
	if r.Until, err = git.Resolve(until); err != nil {
		return nil, &Error{Msg: fmt.Sprintf("cannot find the revision %s in this clone", until), Err: err, Hint: "pass --until a branch, tag or commit of this clone"}
	}
	load := func(rev, hash string) (*schema.Repo, schema.Problems, error) {
		fsys, err := git.FS(ctx, hash)
		if err != nil {
			return nil, nil, &Error{Msg: fmt.Sprintf("cannot read the revision %s", rev), Err: err,
				Hint: "the clone must hold both revisions: in GitHub Actions check out with fetch-depth: 0"}
		}
		repo, ps := schema.Load(ctx, fsys)
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		return repo, ps, nil
	}
	if r.Old, _, err = load(since, r.Since); err != nil {
		return nil, err
	}
	if r.New, r.Problems, err = load(until, r.Until); err != nil {
		return nil, err
	}
	if r.New.Config == nil || r.New.Config.Meta.Keys == nil {
		return nil, &Error{Msg: fmt.Sprintf("the revision %s has no readable %s", until, schema.ConfigFile), Hint: "run baton validate on that revision"}
	}
	return r, nil
}

// Events returns what audience a is told about the change from old to new
// (old may be nil: an empty repository), in order. The rules:
//
//   - an incident the audience sees in new and did not see in old (new,
//     or made public) is declared ("<id>:declared"), a maintenance is
//     announced ("<id>:maintenance"); the announcement carries the first
//     update, so update 1 never has an event of its own;
//   - each update appended since old (by its number, counted from 1) is
//     an event: "<id>:resolved:<n>" when its status is resolved, else
//     "<id>:updated:<n>" (update 1 only when it resolves); for a
//     maintenance every later update is "<id>:maintenance:<n>", whatever
//     its status;
//   - an incident without updates that becomes resolved is
//     "<id>:resolved:0";
//   - a postmortem that reaches the audience is "<id>:postmortem": for
//     the public audience when it is public and published (the site shows
//     it from then on), for the internal one when it is approved or
//     published (drafts under review are not news).
//
// Each event depends only on the two snapshots, so the same range always
// gives the same events, and a range split in two gives the same events
// as the whole (edits that go back and forth aside: an id seen twice is
// deduplicated by receivers). Events are ordered by the instant they
// report, then by incident id, then in the order above.
func Events(old, new *schema.Repo, a view.Audience) []notify.Event {
	var out []notify.Event
	type keyed struct {
		ev  notify.Event
		seq int
	}
	var ks []keyed
	add := func(ev notify.Event, seq int) { ks = append(ks, keyed{ev, seq}) }
	for _, in := range new.Incidents {
		v := view.Of(new, in, a)
		if v == nil {
			continue
		}
		var was *view.Incident
		if old != nil {
			if oi := old.Incident(in.ID); oi != nil {
				was = view.Of(old, oi, a)
			}
		}
		seen := 0
		if was != nil {
			seen = len(was.Updates)
		} else {
			kind := schema.EventDeclared
			if v.Maintenance {
				kind = schema.EventMaintenance
			}
			at, n := v.Start, 0
			if len(v.Updates) > 0 {
				at, n = v.Updates[0].At, 1
			}
			add(notify.Event{ID: in.ID + ":" + kind, Kind: kind, At: at, Incident: v, Update: n}, 0)
		}
		resolvedNow := false
		for i := seen + 1; i <= len(v.Updates); i++ {
			u := v.Updates[i-1]
			n := strconv.Itoa(i)
			switch {
			case v.Maintenance && i > 1:
				add(notify.Event{ID: in.ID + ":maintenance:" + n, Kind: schema.EventMaintenance, At: u.At, Incident: v, Update: i}, i)
			case v.Maintenance:
			case u.Status == schema.StatusResolved:
				resolvedNow = true
				add(notify.Event{ID: in.ID + ":resolved:" + n, Kind: schema.EventResolved, At: u.At, Incident: v, Update: i}, i)
			case i > 1:
				add(notify.Event{ID: in.ID + ":updated:" + n, Kind: schema.EventUpdated, At: u.At, Incident: v, Update: i}, i)
			}
		}
		if !v.Maintenance && !resolvedNow && len(v.Updates) == 0 && v.IsResolved() && (was == nil || !was.IsResolved()) {
			add(notify.Event{ID: in.ID + ":resolved:0", Kind: schema.EventResolved, At: v.Resolved, Incident: v}, 0)
		}
		if ready(v.Postmortem) && (was == nil || !ready(was.Postmortem)) {
			at := v.Resolved
			if len(v.Updates) > 0 && v.Updates[len(v.Updates)-1].At.After(at) {
				at = v.Updates[len(v.Updates)-1].At
			}
			add(notify.Event{ID: in.ID + ":postmortem", Kind: schema.EventPostmortem, At: at, Incident: v}, 1<<30)
		}
	}
	slices.SortStableFunc(ks, func(x, y keyed) int {
		return cmp.Or(x.ev.At.Compare(y.ev.At), cmp.Compare(x.ev.Incident.ID, y.ev.Incident.ID), cmp.Compare(x.seq, y.seq))
	})
	for _, k := range ks {
		out = append(out, k.ev)
	}
	return out
}

// ready reports whether a postmortem in an audience's view is news for
// that audience: approved or published (a public view holds only
// published ones).
func ready(p *view.Postmortem) bool {
	return p != nil && (p.Status == schema.PMApproved || p.Status == schema.PMPublished)
}

// HandoffWindow is the IMOC handoffs of every rotation in a window, by
// handle.
type HandoffWindow struct {
	From, To  time.Time
	Rotations []RotationHandoffs
}

// RotationHandoffs is one rotation's handoffs in a window.
type RotationHandoffs struct {
	Rotation *schema.Rotation
	// Scheduled is false when the rotation has no schedule in the window.
	Scheduled bool
	// OnCall and Shadows are the handles on call at the window's start.
	OnCall, Shadows []string
	// Changes are the handoffs in the window.
	Changes []Handoff
	// Next is the first handoff after the window when there is none in
	// it, or nil.
	Next *Handoff
}

// Handoff is one change of the IMOC set.
type Handoff struct {
	At       time.Time
	From, To []string
}

// Handoffs computes the IMOC handoffs of every rotation of repo in
// [now, now+window).
func Handoffs(repo *schema.Repo, now time.Time, window time.Duration) HandoffWindow {
	hw := HandoffWindow{From: now, To: now.Add(window)}
	for _, rot := range repo.Rotations {
		rh := RotationHandoffs{Rotation: rot}
		iv := oncall.Schedule(rot, now, now.Add(window))
		if len(iv) > 0 {
			rh.Scheduled = true
			rh.OnCall, rh.Shadows = iv[0].IMOC, iv[0].Shadows
			for i := 1; i < len(iv); i++ {
				if slices.Equal(iv[i].IMOC, iv[i-1].IMOC) {
					continue // only the shadows changed
				}
				rh.Changes = append(rh.Changes, Handoff{At: iv[i].Start, From: iv[i-1].IMOC, To: iv[i].IMOC})
			}
			if len(rh.Changes) == 0 {
				if at, next, ok := oncall.NextChange(rot, now); ok {
					rh.Next = &Handoff{At: at, From: rh.OnCall, To: next}
				}
			}
		}
		hw.Rotations = append(hw.Rotations, rh)
	}
	return hw
}
