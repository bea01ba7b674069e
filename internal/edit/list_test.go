package edit

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestAppendListItem(t *testing.T) {
	item := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{str("handle"), str("ana"), str("name"), str("Ana Lima")}}
	tests := []struct {
		name, in, want string
	}{
		{
			name: "after the last entry, comments kept",
			in:   "# people\npeople:\n  # first\n  - handle: bo # the boss\n    name: Bo\n\n# trailing comment\n",
			want: "# people\npeople:\n  # first\n  - handle: bo # the boss\n    name: Bo\n  - handle: ana\n    name: Ana Lima\n\n# trailing comment\n",
		},
		{
			name: "list not indented",
			in:   "people:\n- handle: bo\n  name: Bo\nother: 1\n",
			want: "people:\n- handle: bo\n  name: Bo\n- handle: ana\n  name: Ana Lima\nother: 1\n",
		},
		{
			name: "key absent",
			in:   "site:\n  title: X\n",
			want: "site:\n  title: X\npeople:\n  - handle: ana\n    name: Ana Lima\n",
		},
		{
			name: "empty list",
			in:   "people: [] # nobody yet\nx: 1\n",
			want: "people: # nobody yet\n  - handle: ana\n    name: Ana Lima\nx: 1\n",
		},
		{
			name: "empty file",
			in:   "",
			want: "people:\n  - handle: ana\n    name: Ana Lima\n",
		},
		{
			name: "CRLF",
			in:   "people:\r\n  - handle: bo\r\n    name: Bo\r\n",
			want: "people:\r\n  - handle: bo\r\n    name: Bo\r\n  - handle: ana\r\n    name: Ana Lima\r\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AppendListItem("people.yaml", []byte(tt.in), "people", item)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestAppendListItemRefuses(t *testing.T) {
	item := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{str("handle"), str("ana")}}
	for _, in := range []string{
		"people: [{handle: bo}]\n",  // flow list
		"people: {a: 1}\n",          // not a list
		"- a\n- b\n",                // not a mapping
		"people:\n  - a\n bad: [\n", // broken YAML
	} {
		if out, err := AppendListItem("people.yaml", []byte(in), "people", item); err == nil {
			t.Errorf("%q: no error; got %q", in, out)
		} else if !strings.HasPrefix(err.Error(), "people.yaml: ") {
			t.Errorf("%q: error %q does not name the file", in, err)
		}
	}
}

// FuzzAppendListItem: whatever the file, AppendListItem either refuses or
// returns YAML that holds every key as it was plus one more list entry
// (it must never panic or damage the file silently).
func FuzzAppendListItem(f *testing.F) {
	f.Add("people:\n  - handle: bo\n    name: Bo\n# end\n")
	f.Add("x: 1\npeople: []\n")
	f.Add("people:\n- a\n- b\ny: [1, 2]\n")
	f.Add("people: # c\n  - {handle: x}\n")
	item := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{str("handle"), str("ana")}}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := AppendListItem("people.yaml", []byte(in), "people", item)
		if err != nil {
			return
		}
		var before, after map[string]any
		_ = yaml.Unmarshal([]byte(in), &before)
		if err := yaml.Unmarshal(out, &after); err != nil {
			t.Fatalf("result does not parse: %v\n%s", err, out)
		}
		list, _ := after["people"].([]any)
		old, _ := before["people"].([]any)
		if len(list) != len(old)+1 {
			t.Fatalf("%d entries, had %d:\n%s", len(list), len(old), out)
		}
	})
}
