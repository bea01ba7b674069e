package grafanaoncall

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/batonhq/baton/internal/importer/importertest"
	"github.com/batonhq/baton/schema"
)

// BenchmarkTranslate: the whole translation of the schedule fixture,
// checks included (run with go test -bench).
func BenchmarkTranslate(b *testing.B) {
	_, root := importertest.Repo(b, people)
	repo, _ := schema.Load(b.Context(), root.FS())
	data := loadBench(b)
	for b.Loop() {
		ex := data()
		if _, err := Translate(repo, ex, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func loadBench(b *testing.B) func() *Export {
	data, err := os.ReadFile(filepath.Join("testdata", "schedule.json"))
	if err != nil {
		b.Fatal(err)
	}
	return func() *Export {
		var ex Export
		if err := json.Unmarshal(data, &ex); err != nil {
			b.Fatal(err)
		}
		return &ex
	}
}
