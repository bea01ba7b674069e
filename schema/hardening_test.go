package schema

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// change is one edit of a test file (see edit).
type change struct{ file, old, new string }

// publishPM makes the test postmortem public and published.
func publishPM() []change {
	return []change{{pmPath, "status: approved", "status: published"}, {pmPath, "visibility: internal", "visibility: public"}}
}

// TestHardening07NamesInPublicText: a person's name, first name, handle,
// GitHub login or e-mail in text the public site shows verbatim (a public
// incident's title and updates, a public postmortem's summary, body and
// action items, the site's and components' names) is an error with a hint
// to describe roles. Internal text may name anyone.
func TestHardening07NamesInPublicText(t *testing.T) {
	tests := []struct {
		name    string
		changes []change
		want    []found
	}{
		{"title names a person", []change{{incPath, "title: API errors", "title: API errors after Bob Stone's deploy"}},
			[]found{{Error, incPath + ":2:8", "incident/names-person"}}},
		{"update names a GitHub login", []change{{incPath, "errors on the web app.", "errors on the web app; @alice-ng is on it."}},
			[]found{{Error, incPath + ":22:14", "incident/names-person"}}},
		{"update names an e-mail and a first name", []change{{incPath, "The issue is resolved.", "Dave says it is resolved; write to alice@test.example."}},
			[]found{{Error, incPath + ":25:14", "incident/names-person"}}},
		{"update names a handle in another case", []change{{incPath, "The issue is resolved.", "TARA fixed it."}},
			[]found{{Error, incPath + ":25:14", "incident/names-person"}}},
		{"internal incident may name people", []change{{incPath, "visibility: public", "visibility: internal"}, {incPath, "title: API errors", "title: Bob Stone's deploy broke the API"}},
			nil},
		{"public postmortem summary names a handle", append([]change{{pmPath, "summary: A configuration push", "summary: bob's configuration push"}}, publishPM()...),
			[]found{{Error, pmPath + ":9:10", "postmortem/names-person"}}},
		{"public postmortem action item names a person", append([]change{{pmPath, "title: Add a canary", "title: Tara adds a canary"}}, publishPM()...),
			[]found{{Error, pmPath + ":8:23", "postmortem/names-person"}}},
		{"internal postmortem may name people", []change{{pmPath, "## Impact\n", "## Impact\nAlice Ng (@alice-ng) restarted it.\n"}, {pmPath, "title: Add a canary", "title: Tara adds a canary"}},
			nil},
		{"names are matched as written, identifiers in any case", []change{{"people.yaml", "Asia/Seoul}\n", "Asia/Seoul}\n  - {handle: wturner, name: Will Turner}\n"}, {incPath, "The issue is resolved.", "We will watch it; the issue is resolved."}},
			nil},
		{"a capitalised first name is a name", []change{{"people.yaml", "Asia/Seoul}\n", "Asia/Seoul}\n  - {handle: wturner, name: Will Turner}\n"}, {incPath, "The issue is resolved.", "Will restarted it."}},
			[]found{{Error, incPath + ":25:14", "incident/names-person"}}},
		{"words that contain a name are not names", []change{{incPath, "The issue is resolved.", "Bobsleigh, davenport and Alicent are resolved."}},
			nil},
		{"site title names a person", []change{{"baton.yaml", "title: Test Status", "title: Alice Ng's Status"}},
			[]found{{Error, "baton.yaml:2:10", "config/names-person"}}},
		{"component names a person", []change{{"baton.yaml", "{id: web, name: Web, tier: 2}", "{id: web, name: Web, tier: 2, description: Dave's web app}"}},
			[]found{{Error, "baton.yaml:9:48", "config/names-person"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := testRepo()
			for _, c := range tt.changes {
				edit(t, fsys, c.file, c.old, c.new)
			}
			_, ps := loadAll(t, fsys)
			want := tt.want
			if want == nil {
				want = []found{}
			}
			if diff := cmp.Diff(want, summarise(ps)); diff != "" {
				t.Errorf("problems (-want +got):\n%s\nall:\n%s", diff, ps.textAt(fsys))
			}
			for _, p := range ps {
				if p.Hint == "" || p.Message == "" {
					t.Errorf("%s has no message or hint", p.Code)
				}
			}
		})
	}
}

// TestHardening06MarkdownSize: a narrative or postmortem body over
// MaxMarkdownSize is an error, reported where the body starts; one at the
// limit is fine.
func TestHardening06MarkdownSize(t *testing.T) {
	at := strings.Repeat("x\n", MaxMarkdownSize/2)
	over := at + "x"
	tests := []struct {
		name    string
		changes []change
		want    []found
	}{
		{"narrative at the limit", []change{{incPath, "---\nNarrative.\n", "---\n" + at}}, nil},
		{"narrative over the limit", []change{{incPath, "---\nNarrative.\n", "---\n" + over}},
			[]found{{Error, incPath + ":28:1", "markdown/too-large"}}},
		{"postmortem over the limit", []change{{pmPath, "## Lessons learned\n", "## Lessons learned\n" + over}},
			[]found{{Error, pmPath + ":11:1", "markdown/too-large"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := testRepo()
			for _, c := range tt.changes {
				edit(t, fsys, c.file, c.old, c.new)
			}
			_, ps := loadAll(t, fsys)
			want := tt.want
			if want == nil {
				want = []found{}
			}
			if diff := cmp.Diff(want, summarise(ps)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			for _, p := range ps {
				if !strings.Contains(p.Message, "256.0 KiB") || p.Hint == "" {
					t.Errorf("%s: %q (hint %q)", p.Code, p.Message, p.Hint)
				}
			}
		})
	}
}
