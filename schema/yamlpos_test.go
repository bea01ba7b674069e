package schema

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestSyntaxErrorPosition: a YAML syntax error is reported on the line and
// column of the offending token, where yamllint and PyYAML put it, not on
// the line of the construct yaml.v3 was parsing (which it reports).
func TestSyntaxErrorPosition(t *testing.T) {
	tests := []struct {
		name, yaml string
		line, col  int
	}{
		{"over-indented list item", "a: 1\ncomponents:\n  - id: a\n    name: A\n  - id: b\n    name: B\n   - id: c\n", 7, 4},
		{"under-indented key", "site:\n  title: x\n  base_url: y\n base: z\nfoo: 1\n", 4, 2},
		{"list item in a mapping", "a:\n  b: 1\n  - c\n", 3, 3},
		{"deep list", "x:\n  y:\n    z:\n      - a\n      - b\n     - c\n", 6, 6},
		{"second colon", "title: x\na: b: c\n", 2, 5},
		{"missing colon", "list:\n- a\n- b\nc\n", 4, 1},
		{"unclosed quote", "a: 1\nb: \"abc\nc: 4\n", 2, 4},
		{"tab indentation", "a:\n\tb: 1\n", 2, 1},
		{"unclosed flow list", "a: 1\nb: [1, 2\nc: 3\n", 2, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := parseErr([]byte(tt.yaml))
			if err == nil {
				t.Fatal("the example parses; it must not")
			}
			line, col, ok := locateSyntaxError([]byte(tt.yaml), err)
			if !ok || line != tt.line || col != tt.col {
				t.Errorf("located at %d:%d (ok %v), want %d:%d; yaml.v3 said %q", line, col, ok, tt.line, tt.col, err)
			}
		})
	}
}

// The example of the report: a baton.yaml whose mistake is on line 50 is
// reported on line 50 by validate.
func TestSyntaxErrorLineInConfig(t *testing.T) {
	var b strings.Builder
	b.WriteString("site:\n  title: Acme\n  base_url: https://status.example.com/\n# The components.\ncomponents:\n")
	for i := 0; strings.Count(b.String(), "\n") < 49; i++ {
		b.WriteString("  - id: c" + string(rune('a'+i%26)) + "\n    name: C\n")
	}
	b.WriteString("   - id: broken\n") // line 50: one space too many
	data := b.String()
	if n := strings.Count(data[:strings.Index(data, "   - id: broken")], "\n") + 1; n != 50 {
		t.Fatalf("the broken line is %d, want 50", n)
	}
	fsys := testRepo()
	fsys[ConfigFile].Data = []byte(data)
	_, ps := loadAll(t, fsys)
	var got []string
	for _, p := range ps {
		if p.Code == "yaml/syntax" {
			got = append(got, fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column))
		}
	}
	if len(got) != 1 || got[0] != "baton.yaml:50:4" {
		t.Errorf("yaml/syntax at %v, want [baton.yaml:50:4]", got)
	}
}

func TestLocateSyntaxErrorGivesUp(t *testing.T) {
	// Too large to search: the parser's own line stays.
	big := strings.Repeat("k: v\n", maxLocateSize/5+10) + "a: b: c\n"
	if _, _, ok := locateSyntaxError([]byte(big), parseErr([]byte(big))); ok {
		t.Error("searched a file over the size bound")
	}
	// An error this data does not produce.
	if _, _, ok := locateSyntaxError([]byte("a: 1\n"), errors.New("yaml: line 1: something else")); ok {
		t.Error("located an error the data does not have")
	}
}
