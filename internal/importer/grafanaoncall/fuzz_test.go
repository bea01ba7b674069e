package grafanaoncall

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/internal/importer"
	"github.com/batonhq/baton/internal/importer/importertest"
	"github.com/batonhq/baton/oncall"
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

// FuzzShift: any rolling shift either translates into a layer that
// renders as a valid rotation and can be evaluated, or is refused with an
// error; nothing panics or hangs.
func FuzzShift(f *testing.F) {
	f.Add("2026-03-02T09:00:00", "2026-03-02T09:00:00", "", "weekly", 1, 604800, "", "MO", "America/New_York", uint8(2))
	f.Add("2026-03-02T09:00:00", "2026-03-05T23:00:00", "2026-03-10T22:00:00", "daily", 2, 28800, "", "SU", "Europe/Berlin", uint8(3))
	f.Add("2026-03-04T17:00:00", "2026-03-04T17:00:00", "", "weekly", 2, 57600, "MO,WE,FR", "MO", "Asia/Kolkata", uint8(2))
	f.Add("2026-03-02T06:00:00", "2026-03-02T06:00:00", "", "daily", 2, 28800, "MO,TU,WE,TH,FR", "SU", "UTC", uint8(2))
	f.Add("2026-03-02T09:00:00", "2026-03-02T09:00:00", "", "hourly", 12, 28800, "", "MO", "Australia/Lord_Howe", uint8(1))
	users := []string{"UALICE7K2M", "UBOB4N8Q1R", "UCAROL3T6V", "UDAVE9W2X5"}
	f.Fuzz(func(t *testing.T, start, rotationStart, until, freq string, interval, duration int, byDay, weekStart, zone string, groups uint8) {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			return
		}
		sh := Shift{ID: "O1", Name: "S", Type: "rolling_users", TimeZone: &zone, Start: start, RotationStart: rotationStart,
			Duration: duration, Frequency: &freq, Interval: &interval, WeekStart: weekStart}
		if until != "" {
			sh.Until = &until
		}
		if byDay != "" {
			sh.ByDay = strings.Split(byDay, ",")
		}
		for i := range int(groups % 5) {
			sh.RollingUsers = append(sh.RollingUsers, []string{users[i%len(users)]})
		}
		plan := &importer.Plan{Source: "Grafana OnCall"}
		tr := &translator{plan: plan, people: importer.NewPeople(&schema.Repo{}, plan), users: map[string]User{}, byEmail: map[string]User{}}
		l, err := tr.shift(sh, loc)
		if err != nil || l == nil {
			return
		}
		l.Name = "S"
		r := &schema.Rotation{Name: "X", TimeZone: loc.String(), Layers: []schema.Layer{*l}}
		data := importer.RenderRotation(r, "fuzz")
		parsed, ps := schema.ParseRotation("rotations/x.yaml", data)
		if ps.HasErrors() {
			t.Fatalf("the layer does not parse: %v\n%s", ps, data)
		}
		from := oncall.Resolve(l.Rotation.Anchor, loc)
		_ = oncall.Schedule(parsed, from, from.AddDate(0, 0, 21))
	})
}
