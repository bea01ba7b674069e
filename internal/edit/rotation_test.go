package edit

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/oncall"
	"github.com/batonhq/baton/schema"
)

// example returns the example organisation at the repository's root as a
// MapFS that tests may change.
func example(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	root := filepath.Join("..", "..")
	for _, name := range []string{"baton.yaml", "people.yaml", "rotations/imoc-global.yaml", "rotations/imoc-platform.yaml"} {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		m[name] = &fstest.MapFile{Data: data, Mode: 0o644}
	}
	return m
}

func instant(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// An override appended to a rotation without an overrides list: the list
// is created at the end, every other byte is kept, the offset is the one
// given; the same override again changes nothing.
func TestAddOverridesCreatesTheList(t *testing.T) {
	fsys := example(t)
	const p = "rotations/imoc-platform.yaml"
	before := string(fsys[p].Data)
	o := schema.Override{Kind: schema.OverrideReplace, User: "marcus", Replaces: "jonas",
		From: instant(t, "2026-12-01T09:00:00-05:00"), Until: instant(t, "2026-12-02T09:00:00-05:00"), Reason: "dentist, then the school play"}
	res, err := AddOverrides(load(t, fsys), fsys, "imoc-platform", []schema.Override{o})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 1 || res.Files[0].Path != p || res.ID != "imoc-platform" {
		t.Fatalf("%+v", res)
	}
	want := before + "overrides:\n  - {kind: replace, user: marcus, replaces: jonas, from: 2026-12-01T09:00:00-05:00, until: 2026-12-02T09:00:00-05:00, reason: 'dentist, then the school play'}\n"
	if diff := cmp.Diff(want, string(res.Files[0].Data)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	repo := mustValidate(t, fsys, res, instant(t, "2026-11-27T12:00:00Z"))
	if got := repo.Rotation("imoc-platform").Overrides; len(got) != 1 || !sameOverride(got[0], o) || got[0].Reason != o.Reason {
		t.Errorf("read back %+v", got)
	}

	again, err := AddOverrides(repo, fsys, "imoc-platform", []schema.Override{o})
	if err != nil || again.Changed() || len(again.Notes) != 1 || again.Notes[0] != p+" already has this override; nothing changed" {
		t.Errorf("again: %v %+v", err, again)
	}
}

// A list written in block style gets a block entry after its last one,
// before the comments and keys that follow.
func TestAddOverridesFollowsBlockStyle(t *testing.T) {
	fsys := example(t)
	const p = "rotations/imoc-global.yaml"
	before := string(fsys[p].Data)
	o := schema.Override{Kind: schema.OverrideAssign, User: "priya",
		From: instant(t, "2026-12-24T00:00:00+05:30"), Until: instant(t, "2026-12-25T00:00:00+05:30")}
	res, err := AddOverrides(load(t, fsys), fsys, "imoc-global", []schema.Override{o})
	if err != nil {
		t.Fatal(err)
	}
	anchor := "    reason: Sofia on holiday after Easter; swap agreed in #imoc\n"
	want := strings.Replace(before, anchor, anchor+"  - kind: assign\n    user: priya\n    from: 2026-12-24T00:00:00+05:30\n    until: 2026-12-25T00:00:00+05:30\n", 1)
	if diff := cmp.Diff(want, string(res.Files[0].Data)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	mustValidate(t, fsys, res, instant(t, "2026-11-27T12:00:00Z"))
}

func TestAddOverridesRefuses(t *testing.T) {
	fsys := example(t)
	repo := load(t, fsys)
	var ee *Error
	_, err := AddOverrides(repo, fsys, "imoc-nope", nil)
	if !errors.As(err, &ee) || ee.Msg != "there is no rotation imoc-nope (or its file does not parse)" || ee.Hint != "the rotations are: imoc-global, imoc-platform" {
		t.Errorf("unknown rotation: %v", err)
	}
	o := schema.Override{Kind: schema.OverrideAssign, User: "priya", From: instant(t, "2026-12-25T00:00:00Z"), Until: instant(t, "2026-12-24T00:00:00Z")}
	if _, err := AddOverrides(repo, fsys, "imoc-global", []schema.Override{o}); !errors.As(err, &ee) || !strings.Contains(ee.Msg, "ends (2026-12-24T00:00:00Z) before it starts") {
		t.Errorf("backwards: %v", err)
	}
	fsys["rotations/imoc-platform.yaml"].Data = append(fsys["rotations/imoc-platform.yaml"].Data, "overrides: [{kind: assign, user: dana, from: 2020-01-01T00:00:00Z, until: 2020-01-02T00:00:00Z}]\n"...)
	o.From, o.Until = o.Until, o.From
	if _, err := AddOverrides(load(t, fsys), fsys, "imoc-platform", []schema.Override{o}); !errors.As(err, &ee) || !strings.Contains(ee.Hint, "add the override by hand") {
		t.Errorf("flow list: %v", err)
	}
}

// baton swap on the example's weekly platform rotation: the week of 30
// November 2026 is shift 99 (marcus); jonas's next week is shift 102, from
// 21 December. Asked twice, the file changes once.
func TestSwap(t *testing.T) {
	fsys := example(t)
	const p = "rotations/imoc-platform.yaml"
	before := string(fsys[p].Data)
	res, plan, err := Swap(load(t, fsys), fsys, "imoc-platform", "marcus", "jonas", instant(t, "2026-12-01T12:00:00Z"), "")
	if err != nil {
		t.Fatal(err)
	}
	if plan.A.K != 99 || plan.B.K != 102 {
		t.Errorf("shifts %+v %+v", plan.A, plan.B)
	}
	want := before + "overrides:\n" +
		"  - {kind: replace, user: jonas, replaces: marcus, from: 2026-11-30T09:00:00-05:00, until: 2026-12-07T09:00:00-05:00, reason: 'swap: marcus and jonas'}\n" +
		"  - {kind: replace, user: marcus, replaces: jonas, from: 2026-12-21T09:00:00-05:00, until: 2026-12-28T09:00:00-05:00, reason: 'swap: marcus and jonas'}\n"
	if diff := cmp.Diff(want, string(res.Files[0].Data)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	repo := mustValidate(t, fsys, res, instant(t, "2026-11-27T12:00:00Z"))
	r := repo.Rotation("imoc-platform")
	for at, who := range map[string]string{"2026-12-01T12:00:00Z": "jonas", "2026-12-22T12:00:00Z": "marcus", "2026-12-08T12:00:00Z": "dana", "2026-12-15T12:00:00Z": "tomas"} {
		if st := oncall.At(r, instant(t, at)); !cmp.Equal(st.IMOC, []string{who}) {
			t.Errorf("at %s: %v, want %s", at, st.IMOC, who)
		}
	}
	again, _, err := Swap(repo, fsys, "imoc-platform", "marcus", "jonas", instant(t, "2026-12-01T12:00:00Z"), "")
	if err != nil || again.Changed() {
		t.Errorf("again: %v %+v", err, again)
	}
	var ee *Error
	if _, _, err := Swap(repo, fsys, "imoc-platform", "dana", "jonas", instant(t, "2026-12-01T12:00:00Z"), ""); !errors.As(err, &ee) || ee.Msg != "dana holds no shift of imoc-platform at 2026-12-01T12:00:00Z" {
		t.Errorf("not dana's shift: %v", err)
	}
}

// FuzzAddOverrides: whatever the reason, the rotation file and its
// overrides list, AddOverrides either refuses or returns a file that reads
// back with the override exactly as given (never a damaged file).
func FuzzAddOverrides(f *testing.F) {
	f.Add("swap", "name: R\ntime_zone: UTC\nlayers:\n  - rotation: {anchor: 2026-01-05T09:00, every: 1w, participants: [alice]}\n")
	f.Add("a, b: {c} [d] # e 'f' \"g\"", "name: R\n# x\noverrides:\n  - {kind: add, user: alice, from: 2026-01-01T00:00:00Z, until: 2026-01-02T00:00:00Z}\n# end\n")
	f.Add("- x\n- y", "overrides: []\nname: R\n")
	f.Add("ü\u2028\x00", "overrides:\n  - kind: add\n    user: alice\n    from: 2026-01-01T00:00:00Z\n    until: 2026-01-02T00:00:00Z\n")
	f.Fuzz(func(t *testing.T, reason, file string) {
		fsys := fstest.MapFS{
			"people.yaml":      {Data: []byte("people:\n  - {handle: alice, name: Alice, imoc: qualified}\n")},
			"rotations/r.yaml": {Data: []byte(file)},
		}
		repo, _ := schema.Load(t.Context(), fsys)
		if repo.Rotation("r") == nil {
			return
		}
		o := schema.Override{Kind: schema.OverrideAdd, User: "alice", Reason: reason,
			From: time.Date(2027, 1, 1, 0, 0, 0, 0, time.FixedZone("", 5*3600+1800)), Until: time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC)}
		res, err := AddOverrides(repo, fsys, "r", []schema.Override{o})
		if err != nil || !res.Changed() {
			return
		}
		got, ps := schema.ParseRotation("rotations/r.yaml", res.Files[0].Data)
		if got == nil || ps.HasErrors() || len(got.Overrides) == 0 {
			t.Fatalf("does not read back: %v\n%s", ps, res.Files[0].Data)
		}
		last := got.Overrides[len(got.Overrides)-1]
		if !sameOverride(last, o) || last.Reason != reason {
			t.Fatalf("read back %+v\n%s", last, res.Files[0].Data)
		}
	})
}
