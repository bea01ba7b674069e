package opsgenie

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/batonhq/baton/internal/importer"
	"github.com/batonhq/baton/internal/importer/importertest"
	"github.com/batonhq/baton/schema"
)

// FuzzTranslate: whatever the export says, Translate does not panic or
// hang, and a plan is all or nothing: with an unsupported item it writes
// no file and adds no person; a file it writes parses as a rotation.
func FuzzTranslate(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	_, root := importertest.Repo(f, people)
	repo, _ := schema.Load(f.Context(), root.FS())
	f.Fuzz(func(t *testing.T, data []byte) {
		var ex Export
		if json.Unmarshal(data, &ex) != nil {
			return
		}
		p, err := Translate(repo, &ex, Options{})
		if err != nil {
			return
		}
		if p.HasUnsupported() && (len(p.Files) > 0 || len(p.People) > 0) {
			t.Fatalf("an unsupported item, yet files %d and people %d", len(p.Files), len(p.People))
		}
		for _, file := range p.Files {
			if _, ps := schema.ParseRotation(file.Path, file.Data); ps.HasErrors() {
				t.Fatalf("%s does not parse: %v\n%s", file.Path, ps, file.Data)
			}
		}
		_ = importer.Summary(p.Notes)
	})
}

// FuzzRestrictions: any time restriction either becomes windows that a
// rotation file accepts, or an error; nothing panics.
func FuzzRestrictions(f *testing.F) {
	f.Add("time-of-day", "", "", 17, 0, 9, 0)
	f.Add("weekday-and-time-of-day", "friday", "monday", 18, 30, 9, 0)
	f.Add("weekday-and-time-of-day", "sunday", "sunday", 0, 0, 24, 0)
	f.Fuzz(func(t *testing.T, typ, sd, ed string, sh, sm, eh, em int) {
		r := Restriction{StartDay: sd, EndDay: ed, StartHour: sh, StartMin: sm, EndHour: eh, EndMin: em}
		tr := &TimeRestriction{Type: typ, Restriction: &r, Restrictions: []Restriction{r}}
		rs, err := restrictions(tr)
		if err != nil {
			return
		}
		ws, err := importer.Windows(rs)
		if err != nil {
			return
		}
		rot := &schema.Rotation{Name: "X", TimeZone: "UTC", Layers: []schema.Layer{{Name: "l", Active: ws,
			Rotation: schema.LayerCycle{Anchor: schema.WallClock{Year: 2026, Month: 3, Day: 2}, Every: schema.Every{N: 1, Unit: schema.Weeks}, Participants: []string{"a"}}}}}
		if _, ps := schema.ParseRotation("rotations/x.yaml", importer.RenderRotation(rot, "fuzz")); ps.HasErrors() {
			t.Fatalf("%+v: %v", r, ps)
		}
	})
}
