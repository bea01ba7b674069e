package forge_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/internal/forge"
	"github.com/batonhq/baton/internal/forge/forgetest"
)

const token = "ghp_TESTtoken0123456789"

var now = time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC)

// client returns a client for the fake, recording the waits it asks for.
func client(t *testing.T, fake *forgetest.Server, waits *[]time.Duration) *forge.Client {
	t.Helper()
	c, err := forge.New(forge.Options{
		Token: token, APIURL: fake.APIURL(), Repo: "acme/incidents",
		Now: func() time.Time { return now },
		Sleep: func(ctx context.Context, d time.Duration) error {
			if waits != nil {
				*waits = append(*waits, d)
			}
			return ctx.Err()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newFake(t *testing.T) *forgetest.Server {
	fake := forgetest.New(t, "acme/incidents")
	fake.Token = token
	return fake
}

func TestFindOrCreatePR(t *testing.T) {
	fake := newFake(t)
	c := client(t, fake, nil)
	ctx := t.Context()
	n := forge.NewPR{Head: "baton/incident/x", Base: "main", Title: "Declare x", Body: "body"}
	pr, created, err := c.FindOrCreatePR(ctx, n)
	if err != nil || !created || pr.Number != 1 || pr.URL == "" {
		t.Fatalf("first: %+v %v %v", pr, created, err)
	}
	pr2, created, err := c.FindOrCreatePR(ctx, n)
	if err != nil || created || pr2.Number != 1 {
		t.Fatalf("second: %+v %v %v", pr2, created, err)
	}
	if got := fake.Count("POST /repos/acme/incidents/pulls"); got != 1 {
		t.Errorf("%d PRs created", got)
	}
	for _, r := range fake.Requests() {
		if r.Auth != "Bearer "+token {
			t.Errorf("%s: Authorization %q", r, r.Auth)
		}
	}
}

// A search that misses the PR (GitHub's list is eventually consistent)
// meets the 422 "already exists", which counts as found.
func TestFindOrCreatePRAlreadyExists(t *testing.T) {
	fake := newFake(t)
	fake.AddPR(forgetest.PR{Head: "baton/incident/x", Base: "main", Author: "ann"})
	fake.Script("GET /repos/acme/incidents/pulls", forgetest.Response{Status: 200, Body: "[]"})
	pr, created, err := client(t, fake, nil).FindOrCreatePR(t.Context(), forge.NewPR{Head: "baton/incident/x", Base: "main", Title: "t"})
	if err != nil || created || pr == nil || pr.Number != 1 {
		t.Fatalf("%+v %v %v", pr, created, err)
	}
	want := []string{
		"GET /repos/acme/incidents/pulls?head=acme%3Abaton%2Fincident%2Fx&per_page=10&state=open",
		"POST /repos/acme/incidents/pulls",
		"GET /repos/acme/incidents/pulls?head=acme%3Abaton%2Fincident%2Fx&per_page=10&state=open",
	}
	var got []string
	for _, r := range fake.Requests() {
		got = append(got, r.String())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

func TestReviewAssignLabelIdempotent(t *testing.T) {
	fake := newFake(t)
	fake.AddPR(forgetest.PR{Head: "b", Base: "main", Author: "github-actions[bot]"})
	c := client(t, fake, nil)
	ctx := t.Context()
	for range 2 {
		pr, err := c.PR(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.RequestReview(ctx, pr, "bob"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Assign(ctx, 1, pr.Assignees, "carol", "carol"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.AddLabel(ctx, 1, pr.Labels, forge.Label{Name: "SEV2", Color: "d93f0b", Description: "Major"}); err != nil {
			t.Fatal(err)
		}
	}
	for route, want := range map[string]int{
		"POST /repos/acme/incidents/pulls/1/requested_reviewers": 1,
		"POST /repos/acme/incidents/issues/1/assignees":          1,
		"POST /repos/acme/incidents/labels":                      1,
		"POST /repos/acme/incidents/issues/1/labels":             1,
	} {
		if got := fake.Count(route); got != want {
			t.Errorf("%s: %d requests, want %d", route, got, want)
		}
	}
	p := fake.PR(1)
	if !cmp.Equal(p.Reviewers, []string{"bob"}) || !cmp.Equal(p.Assignees, []string{"carol"}) || !cmp.Equal(p.Labels, []string{"SEV2"}) || fake.Labels["SEV2"] != "d93f0b" {
		t.Errorf("state: %+v labels %v", p, fake.Labels)
	}

	// The author cannot be asked for review: the caller gets a sentinel.
	pr, _ := c.PR(ctx, 1)
	_, err := c.RequestReview(ctx, pr, "github-actions[bot]")
	if !errors.Is(err, forge.ErrCannotRequestReview) {
		t.Errorf("author review: %v", err)
	}
	fake.AddPR(forgetest.PR{Head: "c", Base: "main", Author: "ann"})
	pr, _ = c.PR(ctx, 2)
	pr.Author = "" // as if the author check were not possible locally
	_, err = c.RequestReview(ctx, pr, "ann")
	if !errors.Is(err, forge.ErrCannotRequestReview) || !strings.Contains(err.Error(), "Review cannot be requested") {
		t.Errorf("422 review: %v", err)
	}
}

func TestStickyComment(t *testing.T) {
	fake := newFake(t)
	fake.AddPR(forgetest.PR{Head: "b", Base: "main"})
	c := client(t, fake, nil)
	ctx := t.Context()
	m := forge.Marker("ping")
	// Someone else's comment first: it must be left alone.
	if _, _, err := c.UpsertComment(ctx, 1, forge.Marker("other"), "other"); err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct{ body, want string }{
		{"IMOC: bob", forge.CommentCreated},
		{"IMOC: carol", forge.CommentEdited},
		{"IMOC: carol", forge.CommentUnchanged},
	} {
		got, link, err := c.UpsertComment(ctx, 1, m, tc.body)
		if err != nil || got != tc.want || link == "" {
			t.Errorf("run %d: %s %q %v, want %s", i+1, got, link, err, tc.want)
		}
	}
	cs := fake.CommentsOn(1)
	if len(cs) != 2 || cs[1].Body != m+"\nIMOC: carol" || cs[0].Body != forge.Marker("other")+"\nother" {
		t.Errorf("comments: %+v", cs)
	}
	if n := fake.Count("PATCH /repos/acme/incidents/issues/comments/*"); n != 1 {
		t.Errorf("%d edits", n)
	}
}

func TestFile(t *testing.T) {
	fake := newFake(t)
	fake.Contents["abc:incidents/2026/x/incident.md"] = "---\ntitle: X\n---\n"
	c := client(t, fake, nil)
	data, ok, err := c.File(t.Context(), "incidents/2026/x/incident.md", "abc")
	if err != nil || !ok || string(data) != "---\ntitle: X\n---\n" {
		t.Errorf("%q %v %v", data, ok, err)
	}
	_, ok, err = c.File(t.Context(), "nope", "abc")
	if err != nil || ok {
		t.Errorf("missing: %v %v", ok, err)
	}
}

func TestRateLimitRetries(t *testing.T) {
	reset := strconv.FormatInt(now.Add(30*time.Second).Unix(), 10)
	for _, tc := range []struct {
		name string
		resp forgetest.Response
		wait time.Duration
	}{
		{"primary", forgetest.Response{Status: 403, Header: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}, Body: `{"message":"API rate limit exceeded"}`}, 31 * time.Second},
		{"secondary retry-after", forgetest.Response{Status: 403, Header: map[string]string{"Retry-After": "7"}, Body: `{"message":"You have exceeded a secondary rate limit"}`}, 7 * time.Second},
		{"secondary no header", forgetest.Response{Status: 403, Body: `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}`}, time.Minute},
		{"429", forgetest.Response{Status: 429, Header: map[string]string{"Retry-After": "3"}, Body: `{"message":"Too many requests"}`}, 3 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFake(t)
			fake.AddPR(forgetest.PR{Head: "b", Base: "main"})
			// Two refusals, then the real answer. A POST proves the body is
			// sent again.
			fake.Script("POST /repos/acme/incidents/issues/1/comments", tc.resp, tc.resp)
			var waits []time.Duration
			c := client(t, fake, &waits)
			got, _, err := c.UpsertComment(t.Context(), 1, forge.Marker("x"), "hello")
			if err != nil || got != forge.CommentCreated {
				t.Fatalf("%s %v", got, err)
			}
			if !cmp.Equal(waits, []time.Duration{tc.wait, tc.wait}) {
				t.Errorf("waits %v, want 2×%v", waits, tc.wait)
			}
			if n := fake.Count("POST /repos/acme/incidents/issues/1/comments"); n != 3 {
				t.Errorf("%d attempts", n)
			}
			if cs := fake.CommentsOn(1); len(cs) != 1 || !strings.HasSuffix(cs[0].Body, "hello") {
				t.Errorf("comments %+v", cs)
			}
		})
	}
}

func TestRateLimitBounded(t *testing.T) {
	ctx := t.Context()
	resp := forgetest.Response{Status: 429, Header: map[string]string{"Retry-After": "1"}, Body: `{"message":"Too many requests"}`}

	// Attempts are bounded: 4 requests, then the error.
	fake := newFake(t)
	fake.Script("GET /repos/acme/incidents/pulls/1", resp, resp, resp, resp, resp)
	var waits []time.Duration
	_, err := client(t, fake, &waits).PR(ctx, 1)
	if err == nil || fake.Count("GET /repos/acme/incidents/pulls/1") != 4 || len(waits) != 3 {
		t.Errorf("attempts: %v, %d requests, waits %v", err, fake.Count("GET /repos/acme/incidents/pulls/1"), waits)
	}

	// A wait longer than the bound is not attempted.
	fake = newFake(t)
	long := strconv.FormatInt(now.Add(time.Hour).Unix(), 10)
	fake.Script("GET /repos/acme/incidents/pulls/1", forgetest.Response{Status: 403, Header: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": long}, Body: `{"message":"API rate limit exceeded"}`})
	waits = nil
	_, err = client(t, fake, &waits).PR(ctx, 1)
	var fe *forge.Error
	if !errors.As(err, &fe) || !strings.Contains(fe.Msg, "rate limit") || fe.Hint == "" || len(waits) != 0 {
		t.Errorf("long reset: %v waits %v", err, waits)
	}

	// A cancelled context stops the wait.
	fake = newFake(t)
	fake.Script("GET /repos/acme/incidents/pulls/1", resp, resp)
	cctx, cancel := context.WithCancel(ctx)
	c, _ := forge.New(forge.Options{Token: token, APIURL: fake.APIURL(), Repo: "acme/incidents", Now: func() time.Time { return now },
		Sleep: func(ctx context.Context, d time.Duration) error { cancel(); <-ctx.Done(); return ctx.Err() }})
	_, err = c.PR(cctx, 1)
	if !errors.Is(err, context.Canceled) || fake.Count("GET /repos/acme/incidents/pulls/1") != 1 {
		t.Errorf("cancel: %v", err)
	}
}

func TestPermanentErrorsHaveHints(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		msg    string
		hint   string
	}{
		{401, `{"message":"Bad credentials"}`, "401 Bad credentials", "GITHUB_TOKEN"},
		{404, `{"message":"Not Found"}`, "404 Not Found", "token cannot see the repository"},
		{403, `{"message":"Resource not accessible by integration"}`, "403", "pull-requests: write"},
		{403, `{"message":"GitHub Actions is not permitted to create or approve pull requests."}`, "403", "Allow GitHub Actions to create and approve pull requests"},
	} {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			fake := newFake(t)
			fake.Script("POST /repos/acme/incidents/pulls", forgetest.Response{Status: tc.status, Body: tc.body})
			fake.Script("GET /repos/acme/incidents/pulls", forgetest.Response{Status: 200, Body: "[]"})
			var waits []time.Duration
			_, _, err := client(t, fake, &waits).FindOrCreatePR(t.Context(), forge.NewPR{Head: "b", Base: "main", Title: "t"})
			var fe *forge.Error
			if !errors.As(err, &fe) || fe.Status != tc.status || !strings.Contains(fe.Msg, tc.msg) || !strings.Contains(fe.Hint, tc.hint) {
				t.Errorf("err = %v (hint %q)", err, hintOf(err))
			}
			if len(waits) != 0 || fake.Count("POST /repos/acme/incidents/pulls") != 1 {
				t.Errorf("a permanent error was retried: waits %v", waits)
			}
			if strings.Contains(err.Error(), token) || strings.Contains(hintOf(err), token) {
				t.Error("the error shows the token")
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	for _, o := range []forge.Options{
		{Token: "x", Repo: "nope"},
		{Repo: "a/b"},
		{Token: "x", Repo: "a/b", APIURL: "ftp://x"},
	} {
		_, err := forge.New(o)
		var fe *forge.Error
		if !errors.As(err, &fe) || fe.Hint == "" {
			t.Errorf("%+v: %v", o, err)
		}
	}
}

func hintOf(err error) string {
	var fe *forge.Error
	if errors.As(err, &fe) {
		return fe.Hint
	}
	return ""
}

// Issue "Hardening", item 11: a rate-limit wait longer than the request
// timeout is really waited for. The client used to carry a 30 s timeout
// that covered the waits too, so a 30 s (here: 1 s against a 300 ms
// timeout) Retry-After always failed.
func TestHardening11RateLimitWaitNotCutByTimeout(t *testing.T) {
	fake := newFake(t)
	fake.AddPR(forgetest.PR{Head: "b", Base: "main"})
	fake.Script("GET /repos/acme/incidents/pulls/1",
		forgetest.Response{Status: 429, Header: map[string]string{"Retry-After": "1"}, Body: `{"message":"Too many requests"}`})
	c, err := forge.New(forge.Options{
		Token: token, APIURL: fake.APIURL(), Repo: "acme/incidents",
		HTTPClient: &http.Client{Timeout: 300 * time.Millisecond},
		Retry:      forge.RetryPolicy{AttemptTimeout: 300 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	pr, err := c.PR(t.Context(), 1)
	if err != nil {
		t.Fatalf("a 1 s Retry-After with a 300 ms request timeout: %v", err)
	}
	if pr.Number != 1 || fake.Count("GET /repos/acme/incidents/pulls/1") != 2 {
		t.Errorf("got PR %d after %d requests, want PR 1 after 2", pr.Number, fake.Count("GET /repos/acme/incidents/pulls/1"))
	}
}

// Issue "Hardening", item 16: the sticky comment is found by its marker
// and by its author. A comment that anyone else wrote is never edited,
// even when it starts with the marker: a new comment is created instead.
// UpsertComment used to edit the first comment that contained the marker,
// whoever wrote it.
func TestHardening16StickyCommentOnlyOwn(t *testing.T) {
	m := forge.Marker("ping")
	for _, tc := range []struct {
		name, login, appLogin string
		foreign               []string // authors of comments that start with the marker
		ownAuthor             string   // an earlier comment of ours, or ""
	}{
		// Actions' GITHUB_TOKEN: GET /user answers 403; Baton's comments
		// are github-actions[bot]'s.
		{name: "actions token", login: "github-actions[bot]", foreign: []string{"mallory", "other-app[bot]"}},
		// A personal token: GET /user names its user.
		{name: "personal token", login: "ann", foreign: []string{"mallory", "github-actions[bot]"}},
		// A GitHub App's token with Options.AppLogin.
		{name: "app token", login: "baton-app[bot]", appLogin: "baton-app[bot]", foreign: []string{"mallory"}, ownAuthor: "baton-app[bot]"},
		{name: "actions token, earlier comment", login: "github-actions[bot]", foreign: []string{"mallory"}, ownAuthor: "github-actions[bot]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFake(t)
			fake.Login = tc.login
			fake.AddPR(forgetest.PR{Head: "b", Base: "main", Author: "mallory"})
			var foreign []forgetest.Comment
			for _, a := range tc.foreign {
				foreign = append(foreign, fake.AddComment(1, a, m+"\nforged by "+a))
			}
			foreign = append(foreign, fake.AddComment(1, "mallory", "quoting "+m+" in the middle"))
			var own forgetest.Comment
			if tc.ownAuthor != "" {
				own = fake.AddComment(1, tc.ownAuthor, m+"\nold")
			}
			c, err := forge.New(forge.Options{Token: token, APIURL: fake.APIURL(), Repo: "acme/incidents", AppLogin: tc.appLogin})
			if err != nil {
				t.Fatal(err)
			}
			for run, want := range []string{forge.CommentCreated, forge.CommentUnchanged} {
				if tc.ownAuthor != "" && run == 0 {
					want = forge.CommentEdited
				}
				got, _, err := c.UpsertComment(t.Context(), 1, m, "IMOC: bob")
				if err != nil || got != want {
					t.Fatalf("run %d: %s %v, want %s", run+1, got, err, want)
				}
			}
			cs := fake.CommentsOn(1)
			for i, f := range foreign {
				if cs[i] != f {
					t.Errorf("a foreign comment changed: %+v, was %+v", cs[i], f)
				}
			}
			mine := cs[len(foreign):]
			if len(mine) != 1 || mine[0].Body != m+"\nIMOC: bob" || (tc.ownAuthor != "" && mine[0].ID != own.ID) {
				t.Errorf("own comments: %+v", mine)
			}
			for _, r := range fake.Requests() {
				if r.Method == http.MethodPatch && r.Path != fmt.Sprintf("/repos/acme/incidents/issues/comments/%d", own.ID) {
					t.Errorf("edited someone else's comment: %s", r)
				}
			}
			if n := fake.Count("GET /user"); n != 1 {
				t.Errorf("GET /user %d times, want once (cached)", n)
			}
		})
	}
}

// Without AppLogin, a GitHub App's token cannot tell its own comments from
// others': it writes a new one rather than edit one it cannot prove is its
// own.
func TestStickyCommentAppWithoutLogin(t *testing.T) {
	fake := newFake(t)
	fake.Login = "baton-app[bot]"
	fake.AddPR(forgetest.PR{Head: "b", Base: "main"})
	fake.AddComment(1, "baton-app[bot]", forge.Marker("ping")+"\nold")
	got, _, err := client(t, fake, nil).UpsertComment(t.Context(), 1, forge.Marker("ping"), "new")
	if err != nil || got != forge.CommentCreated || fake.Count("PATCH /repos/acme/incidents/issues/comments/*") != 0 {
		t.Errorf("%s %v", got, err)
	}
}

// GET /user failing for another reason than an integration token is an
// error, not a guess.
func TestSelfError(t *testing.T) {
	fake := newFake(t)
	fake.Login = "ann"
	fake.AddPR(forgetest.PR{Head: "b", Base: "main"})
	fake.AddComment(1, "ann", forge.Marker("ping")+"\nold")
	fake.Script("GET /user", forgetest.Response{Status: 500, Body: `{"message":"boom"}`}, forgetest.Response{Status: 500, Body: `{"message":"boom"}`},
		forgetest.Response{Status: 500, Body: `{"message":"boom"}`}, forgetest.Response{Status: 500, Body: `{"message":"boom"}`})
	_, _, err := client(t, fake, nil).UpsertComment(t.Context(), 1, forge.Marker("ping"), "new")
	if err == nil || !strings.Contains(err.Error(), "reading the token's user") || fake.Count("POST /repos/acme/incidents/issues/1/comments") != 0 {
		t.Errorf("err = %v", err)
	}
}

// A fork's pull request from a branch named like Baton's is not Baton's:
// FindOrCreatePR does not adopt it even when GitHub's head filter lets it
// through.
func TestFindOrCreatePRIgnoresForks(t *testing.T) {
	fake := newFake(t)
	fake.AddPR(forgetest.PR{Head: "baton/incident/x", Base: "main", Author: "mallory", HeadOwner: "mallory"})
	fake.Script("GET /repos/acme/incidents/pulls", forgetest.Response{Status: 200, Body: `[{"number":1,"head":{"ref":"baton/incident/x","label":"mallory:baton/incident/x","repo":{"full_name":"mallory/incidents"}}}]`})
	pr, created, err := client(t, fake, nil).FindOrCreatePR(t.Context(), forge.NewPR{Head: "baton/incident/x", Base: "main", Title: "t"})
	if err != nil || !created || pr.Number != 2 {
		t.Fatalf("%+v %v %v", pr, created, err)
	}
}

// The token goes only to the API's origin: plain http only on loopback, and
// no redirect to another host is followed (go-github would add the token
// to the redirected request).
func TestTokenStaysWithTheAPI(t *testing.T) {
	for _, api := range []string{"http://api.github.example/", "http://user:pw@127.0.0.1/api/v3"} {
		if _, err := forge.New(forge.Options{Token: token, Repo: "a/b", APIURL: api}); err == nil {
			t.Errorf("%s accepted", api)
		}
	}
	for _, api := range []string{"http://127.0.0.1:9/api/v3", "http://localhost:9/", "http://[::1]:9/", "https://ghe.example/api/v3"} {
		if _, err := forge.New(forge.Options{Token: token, Repo: "a/b", APIURL: api}); err != nil {
			t.Errorf("%s refused: %v", api, err)
		}
	}

	var leaked []string
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked = append(leaked, r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"number":1}`)
	}))
	defer evil.Close()
	fake := newFake(t)
	fake.Script("GET /repos/acme/incidents/pulls/1", forgetest.Response{Status: 302, Header: map[string]string{"Location": evil.URL + "/steal"}})
	_, err := client(t, fake, nil).PR(t.Context(), 1)
	if err == nil || !strings.Contains(err.Error(), "refusing a redirect") {
		t.Errorf("err = %v", err)
	}
	if len(leaked) != 0 {
		t.Errorf("the other host got %d requests (Authorization %q)", len(leaked), leaked)
	}
	// A redirect within the API is followed (renamed repositories).
	fake.AddPR(forgetest.PR{Head: "b", Base: "main"})
	fake.Script("GET /repos/acme/incidents/pulls/1", forgetest.Response{Status: 301, Header: map[string]string{"Location": fake.APIURL() + "repos/acme/incidents/pulls/1"}})
	if pr, err := client(t, fake, nil).PR(t.Context(), 1); err != nil || pr.Number != 1 {
		t.Errorf("same-host redirect: %+v %v", pr, err)
	}
}
