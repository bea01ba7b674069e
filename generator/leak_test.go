package generator

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/net/html"

	"github.com/batonhq/baton/internal/leaktest"
	"github.com/batonhq/baton/schema"
)

// markerRepo is the privacy fixture of package leaktest: every internal
// field holds a marker containing "mkr".
func markerRepo() fstest.MapFS { return leaktest.Repo() }

// internalInstants are the fixture's internal instants (see leaktest).
var internalInstants = leaktest.Instants()

var mkrRE = leaktest.MarkerRE()

// TestPublicBuildLeaksNothing builds the marker repository for both
// audiences. The internal build must show the markers (or the test proves
// nothing); the public build must contain none of them, in any file, and
// has no metrics page nor a link to one.
func TestPublicBuildLeaksNothing(t *testing.T) {
	fsys := markerRepo()
	repo, problems := schema.Load(t.Context(), fsys)
	if problems.HasErrors() {
		t.Fatalf("marker repository has errors:\n%v", problems)
	}
	opts := Options{Now: fixtureNow, Assets: fsys}

	opts.Audience = Internal
	internal, err := Build(t.Context(), repo, opts)
	if err != nil {
		t.Fatal(err)
	}
	all := joinFiles(internal)
	for _, m := range []string{"MKR-NAME-IMOC", "mkr-owner", "MKR-NAME-SHADOW", "MKR-NAME-RESPONDER", "mkr-tag", "mkr-rotation",
		"MKR-NARRATIVE", "MKR-INTERNAL-PM-SUMMARY", "MKR-INTERNAL-PM-BODY", "MKR-INTERNAL-AI-TITLE", "MKR-AI-ID",
		"MKR-INTERNAL-TITLE", "MKR-INTERNAL-UPDATE", "MKR-INTERNAL-NARRATIVE", "MKR-MAINT-TITLE", "MKRSEV1",
		"MKR-SEVNAME-1", "mkr-ai-link", "MKR-NARRATIVE-ASSET", "MKR-INTERNAL-ASSET"} {
		if !bytes.Contains(all, []byte(m)) {
			t.Errorf("internal build does not show %s; the marker test would prove nothing", m)
		}
	}
	for _, s := range internalInstants {
		if !bytes.Contains(all, []byte(s)) {
			t.Errorf("internal build does not show the instant %s", s)
		}
	}
	// The metrics page names people: internal only.
	if m := internal.Files["metrics/index.html"]; !bytes.Contains(m, []byte("MKR-NAME-IMOC")) || !bytes.Contains(m, []byte("MKR-NAME-SHADOW")) {
		t.Error("internal metrics/index.html does not name the IMOC and the trainee; the test below would prove nothing")
	}

	opts.Audience = Public
	public, err := Build(t.Context(), repo, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := public.Files["incidents/2026-11-20-api-errors/index.html"]; !ok {
		t.Fatal("public build lacks the public incident")
	}
	for _, p := range public.Paths() {
		if strings.Contains(strings.ToLower(p), "mkr") || strings.HasPrefix(p, "metrics/") {
			t.Errorf("public build has the file %s", p)
		}
		data := public.Files[p]
		if bytes.Contains(data, []byte("metrics/")) {
			t.Errorf("public %s links to the metrics page", p)
		}
		for _, m := range mkrRE.FindAll(data, -1) {
			t.Errorf("%s leaks: %q", p, m)
		}
		for _, s := range internalInstants {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s leaks the internal instant %s", p, s)
			}
		}
	}
}

func joinFiles(s *Site) []byte {
	var b bytes.Buffer
	for _, p := range s.Paths() {
		b.WriteString(p + "\n")
		b.Write(s.Files[p])
	}
	return b.Bytes()
}

// TestExampleOrgPublicBuild builds the example organisation at the root of
// the project and checks that its public build names no person (names,
// e-mails, GitHub logins, @handles) and shows no internal incident.
func TestExampleOrgPublicBuild(t *testing.T) {
	root := filepath.Join("..")
	// This repository always holds the example organisation: a missing or
	// invalid one must fail this test, not skip the leak scan.
	if _, err := os.Stat(filepath.Join(root, schema.ConfigFile)); err != nil {
		t.Fatalf("no example organisation at the repository root: %v", err)
	}
	fsys := os.DirFS(root)
	repo, problems := schema.Load(t.Context(), fsys)
	if problems.HasErrors() {
		t.Fatalf("the example organisation does not validate:\n%v", problems)
	}
	site, err := Build(t.Context(), repo, Options{Now: fixtureNow, Audience: Public, Assets: fsys})
	if err != nil {
		t.Fatal(err)
	}
	var needles []string
	var words []*regexp.Regexp // first names and handles, as whole words
	for _, p := range repo.People {
		needles = append(needles, p.Name, "@"+p.Handle, p.Email)
		if p.GitHub != "" {
			needles = append(needles, "@"+p.GitHub, "github.com/"+p.GitHub)
		}
		first, _, _ := strings.Cut(p.Name, " ")
		for _, w := range []string{first, p.Handle} {
			words = append(words, regexp.MustCompile(`(?i)\b`+regexp.QuoteMeta(w)+`\b`))
		}
	}
	for _, in := range repo.Incidents {
		if !in.IsPublic() {
			needles = append(needles, "incidents/"+in.ID+"/", in.Title)
		}
		for _, line := range strings.Split(in.Body, "\n") {
			if line = strings.TrimSpace(line); len(line) > 30 {
				needles = append(needles, line)
			}
		}
	}
	for _, p := range site.Paths() {
		for _, n := range needles {
			if n != "" && n != "@" && bytes.Contains(site.Files[p], []byte(n)) {
				t.Errorf("%s leaks %q", p, n)
			}
		}
		if !strings.HasSuffix(p, ".html") {
			continue
		}
		// Visible text only: a handle such as "dana" may be part of a
		// word in markup, but never a word someone reads.
		text := visibleText(t, site.Files[p])
		for _, re := range words {
			if m := re.FindString(text); m != "" {
				t.Errorf("%s names %q", p, m)
			}
		}
	}
}

// visibleText returns the text nodes of an HTML page, outside scripts and
// styles.
func visibleText(t *testing.T, page []byte) string {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style") {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte('\n')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return b.String()
}
