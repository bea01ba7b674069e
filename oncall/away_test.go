package oncall

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/schema"
)

// loadWith loads a repository with its own people.yaml and rotations and
// fails on any error that Load reports.
func loadWith(t testing.TB, people string, rotations map[string]string) *schema.Repo {
	t.Helper()
	fsys := fstest.MapFS{
		"people.yaml": {Data: []byte(people)},
		"baton.yaml": {Data: []byte("site: {title: T, base_url: https://t.example/, time_zone: Europe/London}\n" +
			"github: {repo: t/t}\ncomponents:\n  - {id: api, name: API, tier: 1}\n")},
	}
	for id, y := range rotations {
		fsys["rotations/"+id+".yaml"] = &fstest.MapFile{Data: []byte(y)}
	}
	repo, problems := schema.Load(t.Context(), fsys)
	for _, p := range problems {
		if p.Level == schema.Error {
			t.Fatalf("%s", p)
		}
	}
	return repo
}

const awayPeople = `people:
  - handle: alice
    name: Alice
    github: alice-gh
    time_zone: America/New_York
    imoc: qualified
    away:
      - {from: 2026-03-07, until: 2026-03-10, reason: ski trip}
  - {handle: bob, name: Bob, github: bob-gh, time_zone: Europe/Berlin, imoc: qualified}
  - {handle: carol, name: Carol, github: carol-gh, imoc: qualified}
`

const awayRotation = `name: R
time_zone: America/New_York
layers:
  - name: weekly
    rotation: {anchor: 2026-01-05T09:00, every: 1w, participants: [carol, bob, alice]}
`

// problemsOf returns Check's problems with the given code, sorted.
func problemsOf(repo *schema.Repo, now time.Time, code string) schema.Problems {
	var out schema.Problems
	for _, p := range Check(repo, now) {
		if p.Code == code {
			out = append(out, p)
		}
	}
	out.Sort()
	return out
}

// TestAwayAcrossClockChange works through time away that spans the US
// spring-forward change, by hand:
//
//   - alice's days away are 2026-03-07 to 2026-03-10 in New York: from
//     Sat 7 Mar 00:00 EST (05:00Z) to Wed 11 Mar 00:00 EDT (04:00Z), 95
//     hours, because 8 March has 23.
//   - the weekly rotation (Monday 09:00 New York from 5 January; shift k
//     goes to participants[k mod 3] of [carol, bob, alice]) gives shift 8,
//     Mon 2 Mar 09:00 EST → Mon 9 Mar 09:00 EDT, to alice: 167 hours, the
//     week that loses an hour.
//   - the overlap is Sat 7 Mar 00:00 EST → Mon 9 Mar 09:00 EDT; the next
//     participant after alice, carol, is not away then.
func TestAwayAcrossClockChange(t *testing.T) {
	repo := loadWith(t, awayPeople, map[string]string{"r": awayRotation})
	as := AwayOf(repo, "alice")
	if len(as) != 1 || utc(as[0].Start) != "2026-03-07T05:00:00Z" || utc(as[0].End) != "2026-03-11T04:00:00Z" || as[0].End.Sub(as[0].Start) != 95*time.Hour {
		t.Fatalf("away %+v", as)
	}
	now := ts(t, "2026-03-01T12:00:00Z")
	got := problemsOf(repo, now, "rotation/away-conflict")
	want := schema.Problems{{
		Level: schema.Error, File: "people.yaml", Line: 8, Column: 9, Code: "rotation/away-conflict",
		Message: "alice is away 2026-03-07 to 2026-03-10 (ski trip) but is IMOC on r within 30 days: Mon 2026-03-02 09:00 EST → Mon 2026-03-09 09:00 EDT (167 h)",
		Hint:    `add to the overrides of rotations/r.yaml: - {kind: replace, user: carol, replaces: alice, from: 2026-03-07T00:00:00-05:00, until: 2026-03-09T09:00:00-04:00, reason: "alice away: ski trip"}`,
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}

	// More than 30 days ahead, the same conflict is a warning.
	got = problemsOf(repo, ts(t, "2026-01-20T12:00:00Z"), "rotation/away-conflict")
	if len(got) != 1 || got[0].Level != schema.Warning || !strings.Contains(got[0].Message, "more than 30 days ahead") {
		t.Errorf("warning: %v", got)
	}

	// The hint, followed, makes the repository clean.
	fixed := awayRotation + "overrides:\n  " + strings.TrimPrefix(want[0].Hint, "add to the overrides of rotations/r.yaml: ") + "\n"
	repo = loadWith(t, awayPeople, map[string]string{"r": fixed})
	if ps := Check(repo, now); len(ps) != 0 {
		t.Errorf("after the override: %v", ps)
	}
	if st := At(repo.Rotation("r"), ts(t, "2026-03-08T12:00:00Z")); !cmp.Equal(st.IMOC, []string{"carol"}) {
		t.Errorf("IMOC during the time away: %v", st.IMOC)
	}
	if st := At(repo.Rotation("r"), ts(t, "2026-03-07T04:59:59Z")); !cmp.Equal(st.IMOC, []string{"alice"}) {
		t.Errorf("IMOC before leaving: %v", st.IMOC)
	}
}

// The person the hint names is never away then and always qualified; a
// follow-the-sun conflict (alice's EMEA weekdays) gets one override over
// the span of her stretches, since replace acts only where she is on.
func TestAwayHintPicksSomeoneFree(t *testing.T) {
	people := `people:
  - {handle: alice, name: Alice, time_zone: Europe/Berlin, imoc: qualified, away: [{from: 2026-03-09, until: 2026-03-13}]}
  - {handle: bob, name: Bob, time_zone: Europe/Berlin, imoc: qualified, away: [{from: 2026-03-12, until: 2026-03-12}]}
  - {handle: carol, name: Carol, imoc: qualified}
  - {handle: dave, name: Dave, imoc: qualified}
`
	rot := `name: FTS
time_zone: UTC
layers:
  - name: catch-all
    rotation: {anchor: 2026-01-05T09:00, every: 1w, participants: [dave]}
  - name: emea
    time_zone: Europe/Berlin
    rotation: {anchor: 2026-01-05T09:00, every: 1w, participants: [alice, bob, carol]}
    active:
      - {days: [MO, TU, WE, TH, FR], from: "09:00", to: "17:00"}
`
	repo := loadWith(t, people, map[string]string{"fts": rot})
	now := ts(t, "2026-03-01T00:00:00Z")
	got := problemsOf(repo, now, "rotation/away-conflict")
	if len(got) != 1 {
		t.Fatalf("problems %v", got)
	}
	// 9 March is shift 9 of emea: alice. Bob (next after her) is away on
	// the 12th, so carol covers.
	wantHint := `add to the overrides of rotations/fts.yaml: - {kind: replace, user: carol, replaces: alice, from: 2026-03-09T09:00:00+01:00, until: 2026-03-13T17:00:00+01:00, reason: "alice away"}`
	wantMsg := "alice is away 2026-03-09 to 2026-03-13 but is IMOC on fts within 30 days: " +
		"Mon 2026-03-09 09:00 CET → Mon 2026-03-09 17:00 CET (8 h), Tue 2026-03-10 09:00 CET → Tue 2026-03-10 17:00 CET (8 h), " +
		"Wed 2026-03-11 09:00 CET → Wed 2026-03-11 17:00 CET (8 h), Thu 2026-03-12 09:00 CET → Thu 2026-03-12 17:00 CET (8 h), " +
		"Fri 2026-03-13 09:00 CET → Fri 2026-03-13 17:00 CET (8 h)"
	if got[0].Hint != wantHint || got[0].Message != wantMsg {
		t.Errorf("got\n%s\n%s\nwant\n%s\n%s", got[0].Message, got[0].Hint, wantMsg, wantHint)
	}
	fixed := rot + "overrides:\n  " + strings.TrimPrefix(got[0].Hint, "add to the overrides of rotations/fts.yaml: ") + "\n"
	repo = loadWith(t, people, map[string]string{"fts": fixed})
	if ps := Check(repo, now); len(ps) != 0 {
		t.Errorf("after the override: %v", ps)
	}

	// Nobody free: the hint says so instead of naming someone away.
	people = strings.Replace(people, "{handle: carol, name: Carol, imoc: qualified}", "{handle: carol, name: Carol, imoc: qualified, away: [{from: 2026-03-01, until: 2026-03-31}]}", 1)
	people = strings.Replace(people, "{handle: dave, name: Dave, imoc: qualified}", "{handle: dave, name: Dave, imoc: qualified, away: [{from: 2026-03-13, until: 2026-03-13}]}", 1)
	repo = loadWith(t, people, map[string]string{"fts": rot})
	n := 0
	for _, p := range problemsOf(repo, now, "rotation/away-conflict") {
		if strings.HasPrefix(p.Message, "alice ") {
			n++
			if !strings.Contains(p.Hint, "user: WHO, replaces: alice,") || !strings.HasSuffix(p.Hint, "(WHO: a qualified IMOC who is not away then; nobody on the rotation is free)") {
				t.Errorf("hint names someone: %s", p.Hint)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d problems about alice", n)
	}
}

// Time away is checked up to AwayHorizon (400 days) ahead, however far
// people.yaml lists it: a conflict 380 days ahead is a warning, one 420
// days ahead is not reported (yet).
func TestAwayHorizon(t *testing.T) {
	now := ts(t, "2026-03-01T12:00:00Z")
	// Weekly [carol, bob, alice] from 5 January 2026: alice holds the weeks
	// of 15 March 2027 (shift 62, 380 days ahead) and of 5 April 2027
	// (shift 65, 401 days ahead, starting past the horizon).
	for _, c := range []struct {
		from, until string
		want        int
	}{{"2027-03-16", "2027-03-17", 1}, {"2027-04-06", "2027-04-07", 0}} {
		people := strings.Replace(awayPeople, "{from: 2026-03-07, until: 2026-03-10, reason: ski trip}", "{from: "+c.from+", until: "+c.until+"}", 1)
		repo := loadWith(t, people, map[string]string{"r": awayRotation})
		got := problemsOf(repo, now, "rotation/away-conflict")
		if len(got) != c.want || c.want == 1 && got[0].Level != schema.Warning {
			t.Errorf("away from %s: %v", c.from, got)
		}
	}
}
