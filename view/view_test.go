package view

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/internal/leaktest"
	"github.com/batonhq/baton/schema"
)

func loadMarkers(t *testing.T) *schema.Repo {
	t.Helper()
	repo, ps := schema.Load(t.Context(), leaktest.Repo())
	if ps.HasErrors() {
		t.Fatalf("the privacy fixture has errors:\n%v", ps)
	}
	return repo
}

// strings walks v and returns every string and instant it holds, with
// its path: what a consumer of the view could put in an output.
func collect(path string, v reflect.Value, out *[]string) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			collect(path, v.Elem(), out)
		}
	case reflect.String:
		*out = append(*out, path+"="+v.String())
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			collect(fmt.Sprintf("%s[%d]", path, i), v.Index(i), out)
		}
	case reflect.Struct:
		if t, ok := v.Interface().(time.Time); ok {
			*out = append(*out, path+"="+t.UTC().Format(time.RFC3339))
			return
		}
		if d, ok := v.Interface().(schema.Date); ok {
			*out = append(*out, path+"="+d.String())
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				collect(path+"."+v.Type().Field(i).Name, v.Field(i), out)
			}
		}
	}
}

// TestPublicViewsHoldNothingInternal: every string and instant of every
// public view of the privacy fixture is free of markers, so no output
// built from public views can show one. The internal views hold them all
// (or the test would prove nothing).
func TestPublicViewsHoldNothingInternal(t *testing.T) {
	repo := loadMarkers(t)
	var internal []string
	collect("internal", reflect.ValueOf(Incidents(repo, Internal)), &internal)
	all := strings.Join(internal, "\n")
	for _, m := range []string{"mkr-imoc", "mkr-owner", "mkr-shadow", "mkr-responder", "mkr-tag", "mkr-rotation",
		"MKR-NARRATIVE", "MKR-INTERNAL-PM-SUMMARY", "MKR-INTERNAL-PM-BODY", "MKR-INTERNAL-AI-TITLE", "MKR-AI-ID",
		"MKR-INTERNAL-TITLE", "MKR-INTERNAL-UPDATE", "MKR-MAINT-TITLE", "MKRSEV1", "MKR-SEVNAME-1", "mkr-ai-link"} {
		if !strings.Contains(all, m) {
			t.Errorf("the internal views lack %s; the test would prove nothing", m)
		}
	}
	for _, s := range leaktest.Instants() {
		if !strings.Contains(all, s) {
			t.Errorf("the internal views lack the instant %s", s)
		}
	}

	for _, a := range []Audience{Public, "", "PUBLIC", "internal "} {
		vs := Incidents(repo, a)
		if len(vs) != 2 {
			t.Errorf("audience %q sees %d incidents, want the 2 public ones", a, len(vs))
		}
		var public []string
		collect("public", reflect.ValueOf(vs), &public)
		for _, s := range public {
			for _, leak := range leaktest.Leaks([]byte(s)) {
				t.Errorf("audience %q: %s holds %q", a, s, leak)
			}
		}
	}
}

func TestPublicFields(t *testing.T) {
	repo := loadMarkers(t)
	v := Of(repo, repo.Incident("2026-11-20-api-errors"), Public)
	if v == nil || v.Internal != nil {
		t.Fatalf("public view %+v", v)
	}
	if v.Impact != "critical" || v.Title != "API errors" || len(v.Updates) != 2 || !v.IsResolved() {
		t.Errorf("public view %+v", v)
	}
	pm := v.Postmortem
	if pm == nil || pm.Authors != nil || pm.Reviewers != nil || pm.Approved != nil || pm.Summary == "" {
		t.Fatalf("public postmortem %+v", pm)
	}
	if ai := pm.ActionItems[0]; ai != (ActionItem{Title: "Add a canary", Status: "open"}) {
		t.Errorf("public action item %+v", ai)
	}
	if v := Of(repo, repo.Incident("2026-11-22-web-slow"), Public); v == nil || v.Postmortem != nil {
		t.Errorf("the internal draft postmortem is in the public view: %+v", v)
	}
	if v := Of(repo, repo.Incident("2026-11-25-mkr-internal"), Public); v != nil {
		t.Errorf("the internal incident has a public view: %+v", v)
	}
	if v := Of(repo, repo.Incident("2026-11-22-web-slow"), Internal); v == nil || v.Postmortem == nil || v.Internal.Owner != "mkr-owner" {
		t.Errorf("internal view %+v", v)
	}
}

func TestCites(t *testing.T) {
	for _, tc := range []struct {
		text, id string
		want     bool
	}{
		{"see AI-1.", "AI-1", true},
		{"AI-1", "AI-1", true},
		{"see AI-10", "AI-1", false},
		{"xAI-1", "AI-1", false},
		{"AI-10 and AI-1", "AI-1", true},
		{"anything", "", false},
	} {
		if got := cites(tc.text, tc.id); got != tc.want {
			t.Errorf("cites(%q, %q) = %v", tc.text, tc.id, got)
		}
	}
}

func TestSeverityImpact(t *testing.T) {
	for rank, want := range []string{"critical", "major", "minor", "none", "none"} {
		if got := SeverityImpact(rank); got != want {
			t.Errorf("SeverityImpact(%d) = %q, want %q", rank, got, want)
		}
	}
}

func TestParseAudience(t *testing.T) {
	if a, err := ParseAudience("internal"); err != nil || a != Internal {
		t.Errorf("ParseAudience(internal) = %q, %v", a, err)
	}
	if _, err := ParseAudience("everyone"); err == nil || !strings.Contains(err.Error(), "want public or internal") {
		t.Errorf("ParseAudience(everyone) error %v", err)
	}
}
