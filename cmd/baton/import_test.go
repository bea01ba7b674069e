package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// importWorld is a repository and a fake vendor API mounted under a path
// prefix (so that absolute-path mistakes fail), which fails the test on any
// request it does not expect and answers the first request of all with a
// 429.
type importWorld struct {
	t      *testing.T
	dir    string
	srv    *httptest.Server
	mu     sync.Mutex
	seen   []string
	got429 bool
	envs   map[string]string
}

const apiPrefix = "/api/"

func newImportWorld(t *testing.T, token string, routes map[string]func(r *http.Request) any) *importWorld {
	t.Helper()
	dir := t.TempDir()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "baton.yaml"), []byte("site:\n  title: T\n  base_url: https://t.example/\n  time_zone: UTC\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "people.yaml"), []byte("people:\n  - {handle: olga, name: Olga, email: olga@x.example}\n  - {handle: ivan, name: Ivan, imoc: qualified}\n"), 0o644))
	w := &importWorld{t: t, dir: dir, envs: map[string]string{}}
	w.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.mu.Lock()
		first := !w.got429
		w.got429 = true
		w.seen = append(w.seen, r.URL.Path+"?"+r.URL.RawQuery)
		w.mu.Unlock()
		if r.Header.Get("Authorization") != token {
			t.Errorf("%s: Authorization %q, want %q", r.URL, r.Header.Get("Authorization"), token)
			http.Error(rw, "unauthorized", http.StatusUnauthorized)
			return
		}
		if first {
			rw.Header().Set("Retry-After", "0")
			http.Error(rw, "slow down", http.StatusTooManyRequests)
			return
		}
		route, ok := routes[strings.TrimPrefix(r.URL.Path, strings.TrimSuffix(apiPrefix, "/"))]
		if !ok || !strings.HasPrefix(r.URL.Path, apiPrefix) {
			t.Errorf("unexpected request %s", r.URL)
			http.NotFound(rw, r)
			return
		}
		rw.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(rw).Encode(route(r))
	}))
	t.Cleanup(w.srv.Close)
	return w
}

func (w *importWorld) run(args ...string) (int, string) {
	w.t.Helper()
	var out bytes.Buffer
	e := &env{
		stdin: strings.NewReader(""), stdout: &out, stderr: &out,
		getenv: func(k string) string { return w.envs[k] },
		now:    func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) },
	}
	code := run(w.t.Context(), append([]string{"--repo", w.dir}, args...), e)
	return code, out.String()
}

func pageNumber(r *http.Request) int {
	n, _ := strconv.Atoi(r.URL.Query().Get("page"))
	return n
}

// TestImportStatuspageAPI: the manage API is read page by page (101
// components span two pages of 100), a 429 is retried, the key is sent as
// Statuspage expects, and a re-run imports nothing new.
func TestImportStatuspageAPI(t *testing.T) {
	var fixture map[string]json.RawMessage
	data, err := os.ReadFile(filepath.Join("..", "..", "internal", "importer", "statuspage", "testdata", "page.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &fixture); err != nil {
		t.Fatal(err)
	}
	var comps []map[string]any
	for i := range 101 {
		comps = append(comps, map[string]any{"id": fmt.Sprintf("c%03d", i), "name": fmt.Sprintf("Service %03d", i), "status": "operational", "group": false})
	}
	pageOf := func(r *http.Request, all []map[string]any) any {
		per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		n := pageNumber(r)
		lo, hi := min((n-1)*per, len(all)), min(n*per, len(all))
		return all[lo:hi]
	}
	raw := func(key string) func(r *http.Request) any {
		return func(r *http.Request) any {
			if pageNumber(r) > 1 {
				return []any{}
			}
			return fixture[key]
		}
	}
	w := newImportWorld(t, "OAuth sp-key", map[string]func(*http.Request) any{
		"/pages/pg1/components":       func(r *http.Request) any { return pageOf(r, comps) },
		"/pages/pg1/component-groups": raw("component_groups"),
		"/pages/pg1/incidents":        raw("incidents"),
	})
	w.envs["STATUSPAGE_API_KEY"] = "sp-key"
	args := []string{"--now", "2026-05-01T00:00:00Z", "import", "statuspage", "--page", "pg1", "--api-url", w.srv.URL + apiPrefix, "--owner", "olga", "--imoc", "ivan"}
	code, out := w.run(args...)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if !strings.Contains(out, "113 imported, 0 already there\n") { // 106 components, 5 incidents, 2 postmortems
		t.Errorf("output:\n%s", out)
	}
	for _, want := range []string{"/api/pages/pg1/components?page=1&per_page=100", "/api/pages/pg1/components?page=2&per_page=100"} {
		if !strings.Contains(strings.Join(w.seen, "\n"), want) {
			t.Errorf("no request %s; requests:\n%s", want, strings.Join(w.seen, "\n"))
		}
	}
	if w.seen[0] != w.seen[1] {
		t.Errorf("the 429 was not retried: %v", w.seen[:2])
	}
	code, out = w.run(args...)
	if code != 0 || !strings.Contains(out, "0 imported, 113 already there\n") {
		t.Errorf("second run: exit %d\n%s", code, out)
	}
}

// TestImportPagerDutyAPI: users are read page by page (more: true), a 429
// is retried, the token goes in PagerDuty's header, the schedule is asked
// for over --days from --now, and a re-run imports nothing new.
func TestImportPagerDutyAPI(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "internal", "importer", "pagerduty", "testdata", "schedule.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fixture struct {
		Schedule  json.RawMessage  `json:"schedule"`
		Overrides json.RawMessage  `json:"overrides"`
		Users     []map[string]any `json:"users"`
	}
	if err := json.Unmarshal(data, &fixture); err != nil {
		t.Fatal(err)
	}
	w := newImportWorld(t, "Token token=pd-token", map[string]func(*http.Request) any{
		"/schedules/PSCHED1": func(r *http.Request) any {
			if q := r.URL.Query(); q.Get("since") != "2026-03-02T05:00:00Z" || q.Get("until") != "2026-03-16T05:00:00Z" {
				t.Errorf("schedule asked for %s", r.URL.RawQuery)
			}
			// PagerDuty renders the whole window asked for: carol's turn
			// goes on past the fixture's end (until 09:00 local on 16
			// March).
			var sched map[string]any
			_ = json.Unmarshal(fixture.Schedule, &sched)
			es := sched["final_schedule"].(map[string]any)["rendered_schedule_entries"].([]any)
			es[len(es)-1].(map[string]any)["end"] = "2026-03-16T01:00:00-04:00"
			return map[string]any{"schedule": sched}
		},
		"/schedules/PSCHED1/overrides": func(*http.Request) any { return map[string]any{"overrides": fixture.Overrides} },
		"/users": func(r *http.Request) any {
			if r.URL.Query().Get("offset") == "0" {
				return map[string]any{"users": fixture.Users[:4], "more": true, "limit": 100, "offset": 0}
			}
			return map[string]any{"users": fixture.Users[4:], "more": false, "limit": 100, "offset": 100}
		},
	})
	w.envs["PAGERDUTY_TOKEN"] = "pd-token"
	args := []string{"--now", "2026-03-02T05:00:00Z", "import", "pagerduty", "--schedule", "PSCHED1", "--days", "14", "--api-url", w.srv.URL + apiPrefix}
	code, out := w.run(args...)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{
		"imported: rotation platform-primary from schedule PSCHED1 (Platform Primary): rotations/platform-primary.yaml\n",
		"imported: person gina: appended to people.yaml\n",
		"note: schedule PSCHED1 (Platform Primary): checked against PagerDuty's final schedule from 2026-03-02T05:00:00Z to 2026-03-16T05:00:00Z: identical\n",
		"8 imported, 0 already there\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	requests := strings.Join(w.seen, "\n")
	for _, want := range []string{"/api/users?limit=100&offset=0", "/api/users?limit=100&offset=100"} {
		if !strings.Contains(requests, want) {
			t.Errorf("no request %s; requests:\n%s", want, requests)
		}
	}
	if w.seen[0] != w.seen[1] {
		t.Errorf("the 429 was not retried: %v", w.seen[:2])
	}
	// The schedule from the API matches `baton schedule` of the import.
	code, out = w.run("schedule", "--rotation", "platform-primary", "--from", "2026-03-07T22:00:00Z", "--to", "2026-03-09T21:00:00Z")
	if code != 0 || !strings.Contains(out, "bob") {
		t.Errorf("schedule: exit %d\n%s", code, out)
	}
	code, out = w.run(args...)
	if code != 0 || !strings.Contains(out, "0 imported, 1 already there\n") {
		t.Errorf("second run: exit %d\n%s", code, out)
	}
}

// TestImportOpsgenieAPI: users are read page by page (paging.next, an
// absolute URL), a 429 is retried, the key goes in Opsgenie's header, the
// timeline is asked for over --days from --now, and a re-run imports
// nothing new.
func TestImportOpsgenieAPI(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "internal", "importer", "opsgenie", "testdata", "schedule.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fixture struct {
		Schedule  json.RawMessage  `json:"schedule"`
		Overrides json.RawMessage  `json:"overrides"`
		Users     []map[string]any `json:"users"`
		Timeline  json.RawMessage  `json:"timeline"`
	}
	if err := json.Unmarshal(data, &fixture); err != nil {
		t.Fatal(err)
	}
	const id = "5a7c9e1b-3d2f-4c6a-8b0e-1f2a3b4c5d6e"
	var w *importWorld
	w = newImportWorld(t, "GenieKey og-key", map[string]func(*http.Request) any{
		"/v2/schedules/" + id: func(r *http.Request) any {
			if r.URL.Query().Get("identifierType") != "id" {
				t.Errorf("schedule asked for %s", r.URL.RawQuery)
			}
			return map[string]any{"data": fixture.Schedule, "took": 0.01, "requestId": "r1"}
		},
		"/v2/schedules/" + id + "/overrides": func(*http.Request) any { return map[string]any{"data": fixture.Overrides} },
		"/v2/schedules/" + id + "/timeline": func(r *http.Request) any {
			if q := r.URL.Query(); q.Get("interval") != "14" || q.Get("intervalUnit") != "days" || q.Get("date") != "2026-03-02T05:00:00.000Z" {
				t.Errorf("timeline asked for %s", r.URL.RawQuery)
			}
			return map[string]any{"data": fixture.Timeline}
		},
		"/v2/users": func(r *http.Request) any {
			if r.URL.Query().Get("offset") == "0" {
				next := w.srv.URL + apiPrefix + "v2/users?limit=100&offset=4"
				return map[string]any{"data": fixture.Users[:4], "paging": map[string]any{"next": next}, "totalCount": len(fixture.Users)}
			}
			return map[string]any{"data": fixture.Users[4:], "paging": map[string]any{}, "totalCount": len(fixture.Users)}
		},
	})
	w.envs["OPSGENIE_API_KEY"] = "og-key"
	args := []string{"--now", "2026-03-02T05:00:00Z", "import", "opsgenie", "--schedule", id, "--days", "14", "--api-url", w.srv.URL + apiPrefix}
	code, out := w.run(args...)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{
		"imported: rotation platform-on-call from schedule " + id + " (Platform On-Call): rotations/platform-on-call.yaml\n",
		"imported: person gina: appended to people.yaml\n",
		"note: schedule " + id + " (Platform On-Call): checked against Opsgenie's timeline from 2026-03-02T05:00:00Z to 2026-03-16T04:00:00Z: identical\n",
		"8 imported, 0 already there\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	requests := strings.Join(w.seen, "\n")
	for _, want := range []string{"/api/v2/users?limit=100&offset=0", "/api/v2/users?limit=100&offset=4"} {
		if !strings.Contains(requests, want) {
			t.Errorf("no request %s; requests:\n%s", want, requests)
		}
	}
	if w.seen[0] != w.seen[1] {
		t.Errorf("the 429 was not retried: %v", w.seen[:2])
	}
	code, out = w.run(args...)
	if code != 0 || !strings.Contains(out, "0 imported, 1 already there\n") {
		t.Errorf("second run: exit %d\n%s", code, out)
	}
}

// TestImportGrafanaOnCallAPI: shifts and users are read page by page (next
// links), a 429 is retried, the token goes in the Authorization header as
// it is (with X-Grafana-URL when given), --api-url may end in /api/v1, the
// final shifts are asked for over --days from --now, and a re-run imports
// nothing new.
func TestImportGrafanaOnCallAPI(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "internal", "importer", "grafanaoncall", "testdata", "schedule.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fixture struct {
		Schedule    json.RawMessage  `json:"schedule"`
		Shifts      []map[string]any `json:"shifts"`
		Users       []map[string]any `json:"users"`
		FinalShifts []map[string]any `json:"final_shifts"`
	}
	if err := json.Unmarshal(data, &fixture); err != nil {
		t.Fatal(err)
	}
	var w *importWorld
	page := func(r *http.Request, all []map[string]any, path string) any {
		if r.URL.Query().Get("page") == "2" {
			return map[string]any{"count": len(all), "next": nil, "previous": nil, "results": all[2:], "page_size": 2, "current_page_number": 2, "total_pages": 2}
		}
		next := w.srv.URL + "/api/v1/" + path + "page=2"
		return map[string]any{"count": len(all), "next": next, "previous": nil, "results": all[:2], "page_size": 2, "current_page_number": 1, "total_pages": 2}
	}
	w = newImportWorld(t, "gr-token", map[string]func(*http.Request) any{
		"/v1/schedules/SPLATFORM1": func(r *http.Request) any {
			if got := r.Header.Get("X-Grafana-URL"); got != "https://stack.grafana.example" {
				t.Errorf("X-Grafana-URL %q", got)
			}
			return fixture.Schedule
		},
		"/v1/on_call_shifts": func(r *http.Request) any {
			if r.URL.Query().Get("schedule_id") != "SPLATFORM1" {
				t.Errorf("shifts asked for %s", r.URL.RawQuery)
			}
			return page(r, fixture.Shifts, "on_call_shifts?schedule_id=SPLATFORM1&")
		},
		"/v1/users": func(r *http.Request) any { return page(r, fixture.Users, "users?") },
		"/v1/schedules/SPLATFORM1/final_shifts": func(r *http.Request) any {
			if q := r.URL.Query(); q.Get("start_date") != "2026-03-02T05:00" || q.Get("end_date") != "2026-03-16T05:00" {
				t.Errorf("final shifts asked for %s", r.URL.RawQuery)
			}
			// Grafana OnCall renders the whole window asked for: carol's
			// turn goes on to its end (01:00 local on 16 March).
			fs := fixture.FinalShifts
			last := map[string]any{}
			for k, v := range fs[len(fs)-1] {
				last[k] = v
			}
			last["shift_end"] = "2026-03-16T05:00:00Z"
			fs = append(fs[:len(fs)-1:len(fs)-1], last)
			return map[string]any{"count": len(fs), "next": nil, "previous": nil, "results": fs, "current_page_number": 1, "page_size": 50, "total_pages": 1}
		},
	})
	w.envs["GRAFANA_ONCALL_TOKEN"] = "gr-token"
	args := []string{"--now", "2026-03-02T05:00:00Z", "import", "grafana-oncall", "--schedule", "SPLATFORM1", "--days", "14",
		"--api-url", w.srv.URL + "/api/v1/", "--grafana-url", "https://stack.grafana.example"}
	code, out := w.run(args...)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{
		"imported: rotation platform-primary from schedule SPLATFORM1 (Platform Primary): rotations/platform-primary.yaml\n",
		"imported: person gina: appended to people.yaml\n",
		"note: schedule SPLATFORM1 (Platform Primary): checked against Grafana OnCall's final shifts from 2026-03-02T05:00:00Z to 2026-03-16T05:00:00Z: identical\n",
		"8 imported, 0 already there\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	requests := strings.Join(w.seen, "\n")
	for _, want := range []string{"/api/v1/on_call_shifts?schedule_id=SPLATFORM1&page=2", "/api/v1/users?page=2"} {
		if !strings.Contains(requests, want) {
			t.Errorf("no request %s; requests:\n%s", want, requests)
		}
	}
	if w.seen[0] != w.seen[1] {
		t.Errorf("the 429 was not retried: %v", w.seen[:2])
	}
	code, out = w.run(args...)
	if code != 0 || !strings.Contains(out, "0 imported, 1 already there\n") {
		t.Errorf("second run: exit %d\n%s", code, out)
	}
}
