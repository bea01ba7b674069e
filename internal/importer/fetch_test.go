package importer

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/internal/httpretry"
)

func TestNewClientRefusesPlainHTTP(t *testing.T) {
	for base, ok := range map[string]bool{
		"https://api.example.com/v1": true,
		"http://127.0.0.1:8080/":     true,
		"http://[::1]:8080/":         true,
		"http://localhost/":          true,
		"http://api.example.com/":    false,
		"ftp://api.example.com/":     false,
		"api.example.com":            false,
	} {
		_, err := NewClient(base, ClientOptions{})
		if (err == nil) != ok {
			t.Errorf("%s: err %v", base, err)
		}
	}
}

// TestTokenStaysOnTheHost: a next-page link or a redirect to another host
// is not followed with the token.
func TestTokenStaysOnTheHost(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the other host got a request with Authorization %q", r.Header.Get("Authorization"))
	}))
	defer other.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/x", http.StatusFound)
	}))
	defer api.Close()
	c, err := NewClient(api.URL+"/v1/", ClientOptions{Header: http.Header{"Authorization": {"secret"}}})
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := c.Get(t.Context(), "things", &v); err == nil || !strings.Contains(err.Error(), "another host") {
		t.Errorf("redirect: %v", err)
	}
	// 127.0.0.1 and localhost are different hosts.
	if err := c.Get(t.Context(), strings.Replace(other.URL, "127.0.0.1", "localhost", 1)+"/x", &v); err == nil || !strings.Contains(err.Error(), "not sending the token") {
		t.Errorf("absolute link: %v", err)
	}
}

func TestGetRetriesAndReportsStatus(t *testing.T) {
	n := 0
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		switch {
		case r.URL.Path == "/v1/slow" && n == 1:
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
		case r.URL.Path == "/v1/slow":
			_, _ = w.Write([]byte(`{"ok": true}`))
		default:
			http.Error(w, `{"error": "nope"}`, http.StatusForbidden)
		}
	}))
	defer api.Close()
	var waited []time.Duration
	c, err := NewClient(api.URL+"/v1", ClientOptions{Retry: func(tr *httpretry.Transport) {
		tr.Sleep = func(_ context.Context, d time.Duration) error { waited = append(waited, d); return nil }
	}})
	if err != nil {
		t.Fatal(err)
	}
	var v struct{ OK bool }
	if err := c.Get(t.Context(), "slow", &v); err != nil || !v.OK {
		t.Fatalf("slow: %v %+v", err, v)
	}
	if len(waited) != 1 || waited[0] != time.Second {
		t.Errorf("waited %v, want [1s] (Retry-After)", waited)
	}
	err = c.Get(t.Context(), "denied", &v)
	if se, ok := err.(*StatusError); !ok || se.Status != 403 || !strings.Contains(se.Error(), `403 Forbidden: {"error": "nope"}`) {
		t.Errorf("denied: %v", err)
	}
}

func TestHandleOf(t *testing.T) {
	for in, want := range map[string]string{"cy": "cy", "Ana.Lima": "ana-lima", "José": "jose", "incident.bot": "incident-bot", "a": "a", "!!": ""} {
		if got := handleOf(in); got != want {
			t.Errorf("handleOf(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFollow: pages linked by absolute next URLs are read in order; a next
// link to another host, or back to a page already read, stops the list.
func TestFollow(t *testing.T) {
	var api *httptest.Server
	api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("page") {
		case "", "1":
			_, _ = w.Write([]byte(`{"items": [1, 2], "next": "` + api.URL + `/v1/list?page=2"}`))
		case "2":
			_, _ = w.Write([]byte(`{"items": [3], "next": null}`))
		case "loop":
			_, _ = w.Write([]byte(`{"items": [4], "next": "list?page=loop"}`))
		case "away":
			_, _ = w.Write([]byte(`{"items": [5], "next": "https://elsewhere.example/v1/list?page=2"}`))
		}
	}))
	defer api.Close()
	c, err := NewClient(api.URL+"/v1", ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	read := func(first string) ([]int, error) {
		var all []int
		err := c.Follow(t.Context(), 10, first, func() (any, func() string) {
			var page struct {
				Items []int `json:"items"`
				Next  string
			}
			return &page, func() string { all = append(all, page.Items...); return page.Next }
		})
		return all, err
	}
	if got, err := read("list"); err != nil || fmt.Sprint(got) != "[1 2 3]" {
		t.Errorf("list: %v %v", got, err)
	}
	if _, err := read("list?page=loop"); err == nil || !strings.Contains(err.Error(), "already read") {
		t.Errorf("loop: %v", err)
	}
	if _, err := read("list?page=away"); err == nil || !strings.Contains(err.Error(), "not sending the token") {
		t.Errorf("away: %v", err)
	}
}

func TestRotationID(t *testing.T) {
	for _, tt := range []struct {
		given, name, want, err string
	}{
		{"", "Platform IMOC", "platform-imoc", ""},
		{"", "Incident managers", "incident-managers", ""},
		{"", "X", "pagerduty-p1ab2cd", ""}, // too little to slug: the vendor's id
		{"", "???", "pagerduty-p1ab2cd", ""},
		{"mine", "Platform IMOC", "mine", ""},
		{"Bad Id", "Platform IMOC", "", `rotation id "Bad Id" is not valid`},
	} {
		got, err := RotationID(tt.given, tt.name, "pagerduty", "P1AB2CD")
		if got != tt.want || (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("RotationID(%q, %q) = %q, %v; want %q, %q", tt.given, tt.name, got, err, tt.want, tt.err)
		}
	}
}
