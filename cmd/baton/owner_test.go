package main

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/batonhq/baton/schema"
)

// The owner of a declaration is found by $GITHUB_ACTOR, then by the git
// user.email alone, then by the login in a GitHub no-reply email; the
// error names every identity tried.
func TestDefaultOwner(t *testing.T) {
	repo, ps := schema.Load(t.Context(), fstest.MapFS{
		"baton.yaml":  {Data: []byte("site: {title: T, base_url: https://s.example/}\n")},
		"people.yaml": {Data: []byte("people:\n  - {handle: ann, name: Ann, github: ann-gh, email: ann@example.com}\n  - {handle: bo, name: Bo, github: bo-gh}\n")},
	})
	if ps.HasErrors() {
		t.Fatal(ps)
	}
	for _, tc := range []struct {
		name, actor, email, want, err string
	}{
		{"email alone, any case", "", "ANN@example.com", "ann", ""},
		{"actor first", "bo-gh", "ann@example.com", "bo", ""},
		{"unknown actor, known email", "zed", "ann@example.com", "ann", ""},
		{"no-reply email", "", "12345+Bo-GH@users.noreply.github.com", "bo", ""},
		{"nobody", "zed", "zed@example.com", "", "--owner is not set, and no one in people.yaml has the GitHub login zed ($GITHUB_ACTOR) or the email zed@example.com (git user.email)"},
		{"nobody, no-reply", "", "zed@users.noreply.github.com", "", "--owner is not set, and no one in people.yaml has the email zed@users.noreply.github.com (git user.email) or the GitHub login zed (from that email)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			t.Setenv("HOME", home)
			t.Setenv("XDG_CONFIG_HOME", "")
			if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte("[user]\n\temail = "+tc.email+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			g := &globals{repoDir: t.TempDir(), env: &env{getenv: func(k string) string {
				if k == "GITHUB_ACTOR" {
					return tc.actor
				}
				return ""
			}}}
			got, err := g.defaultOwner(repo)
			var ce *cliError
			switch {
			case tc.err == "" && (err != nil || got != tc.want):
				t.Errorf("owner %q, %v; want %q", got, err, tc.want)
			case tc.err != "" && (!errors.As(err, &ce) || ce.msg != tc.err || ce.code != exitUsage):
				t.Errorf("error %v\nwant  %s", err, tc.err)
			}
		})
	}
}
