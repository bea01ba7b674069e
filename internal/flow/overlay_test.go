package flow

import (
	"errors"
	"io/fs"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/batonhq/baton/internal/edit"
)

func TestOverlay(t *testing.T) {
	base := fstest.MapFS{
		"a.txt":             {Data: []byte("a")},
		"gone/only.md":      {Data: []byte("x")},
		"gone/deep/also.md": {Data: []byte("y")},
		"kept/one.md":       {Data: []byte("1")},
		"kept/two.md":       {Data: []byte("2")},
	}
	o := Overlay(base, []edit.File{
		{Path: "a.txt", Data: []byte("A")},
		{Path: "new/file.md", Data: []byte("n")},
		{Path: "gone/only.md"}, {Path: "gone/deep/also.md"},
		{Path: "kept/one.md"},
	})
	names := func(dir string) []string {
		es, err := fs.ReadDir(o, dir)
		if err != nil {
			t.Fatalf("ReadDir(%s): %v", dir, err)
		}
		var out []string
		for _, e := range es {
			out = append(out, e.Name())
		}
		return out
	}
	if got := names("."); !slices.Equal(got, []string{"a.txt", "kept", "new"}) {
		t.Errorf("root: %v", got)
	}
	if got := names("kept"); !slices.Equal(got, []string{"two.md"}) {
		t.Errorf("kept: %v", got)
	}
	if data, err := fs.ReadFile(o, "a.txt"); err != nil || string(data) != "A" {
		t.Errorf("a.txt: %q %v", data, err)
	}
	if data, err := fs.ReadFile(o, "new/file.md"); err != nil || string(data) != "n" {
		t.Errorf("new/file.md: %q %v", data, err)
	}
	for _, p := range []string{"kept/one.md", "gone/only.md", "gone", "gone/deep"} {
		if _, err := o.Open(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: %v, want not found", p, err)
		}
	}
}
