package oncall

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/batonhq/baton/schema"
)

const testPeople = `people:
  - {handle: alice, name: Alice, github: alice-gh, imoc: qualified}
  - {handle: bob, name: Bob, github: bob-gh, imoc: qualified}
  - {handle: carol, name: Carol, github: carol-gh, imoc: qualified}
  - {handle: dave, name: Dave, github: dave-gh, imoc: qualified}
  - {handle: erin, name: Erin, github: erin-gh, imoc: qualified}
  - {handle: frank, name: Frank, github: frank-gh, imoc: qualified}
  - {handle: priya, name: Priya, github: priya-gh, time_zone: Asia/Kolkata, imoc: qualified}
  - {handle: sofia, name: Sofia, github: sofia-gh, time_zone: Europe/Berlin, imoc: qualified}
  - {handle: marcus, name: Marcus, github: marcus-gh, time_zone: America/New_York, imoc: qualified}
  - {handle: tara, name: Tara, github: tara-gh, imoc: trainee}
  - {handle: uma, name: Uma, github: uma-gh, imoc: trainee}
`

// loadRepo loads rotations (id → YAML) through the real loader and fails
// on any error in a rotation file.
func loadRepo(t testing.TB, rotations map[string]string) *schema.Repo {
	t.Helper()
	return loadRepoAllowing(t, rotations, nil)
}

// loadRepoAllowing is loadRepo where the rotations named in broken may
// have validation errors.
func loadRepoAllowing(t testing.TB, rotations map[string]string, broken map[string]bool) *schema.Repo {
	t.Helper()
	fsys := fstest.MapFS{
		"people.yaml": {Data: []byte(testPeople)},
		"baton.yaml": {Data: []byte("site: {title: T, base_url: https://t.example/, time_zone: UTC}\n" +
			"github: {repo: t/t}\ncomponents:\n  - {id: api, name: API, tier: 1}\n")},
	}
	for id, y := range rotations {
		fsys["rotations/"+id+".yaml"] = &fstest.MapFile{Data: []byte(y)}
	}
	repo, problems := schema.Load(t.Context(), fsys)
	for _, p := range problems {
		id := strings.TrimSuffix(strings.TrimPrefix(p.File, "rotations/"), ".yaml")
		if p.Level == schema.Error && strings.HasPrefix(p.File, "rotations/") && !broken[id] {
			t.Fatalf("%s", p)
		}
	}
	return repo
}

func loadRotation(t testing.TB, y string) *schema.Rotation {
	t.Helper()
	return loadRepo(t, map[string]string{"r": y}).Rotation("r")
}

func ts(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func utc(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func set(s []string) string {
	if len(s) == 0 {
		return "-"
	}
	return strings.Join(s, ",")
}

func fmtInterval(iv Interval) string {
	s := fmt.Sprintf("%s %s %s", utc(iv.Start), utc(iv.End), set(iv.IMOC))
	if len(iv.Shadows) > 0 {
		s += " +" + strings.Join(iv.Shadows, ",")
	}
	return s
}
