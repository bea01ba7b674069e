// Package forgetest is a fake of the part of GitHub's REST API that Baton
// uses, for tests. It runs on httptest under a path prefix (so absolute-URL
// mistakes show), keeps state (pull requests, labels, comments, reviews,
// files), records every request, and fails the test on any request it does
// not expect. Scripted responses can be queued in front of a route to test
// rate limits and errors.
//
// GET /user answers as GitHub does: the login of Server.Login, except that
// a bot (a login ending in "[bot]", like the Actions GITHUB_TOKEN's
// github-actions[bot]) gets 403 "Resource not accessible by integration".
package forgetest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Prefix is the path under which the API is mounted.
const Prefix = "/api-v3"

// TB is the part of testing.TB the fake needs.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Cleanup(func())
}

// Request is one request the fake received.
type Request struct {
	Method, Path, Query string
	Body                string
	Auth                string
}

// String is "METHOD /path?query".
func (r Request) String() string {
	s := r.Method + " " + r.Path
	if r.Query != "" {
		s += "?" + r.Query
	}
	return s
}

// PR is a pull request of the fake.
type PR struct {
	Number     int      `json:"number"`
	Title      string   `json:"title"`
	Body       string   `json:"body"`
	Head       string   `json:"-"`
	HeadSHA    string   `json:"-"`
	Base       string   `json:"-"`
	Author     string   `json:"-"`
	State      string   `json:"state"`
	Assignees  []string `json:"-"`
	Labels     []string `json:"-"`
	Reviewers  []string `json:"-"`
	Files      []string `json:"-"`
	Reviews    []string `json:"-"` // logins that reviewed
	HTMLURL    string   `json:"html_url"`
	HeadRepoID int      `json:"-"`
	// HeadOwner owns the head branch's repository: a fork's owner, or
	// empty for a branch of the repository itself.
	HeadOwner string `json:"-"`
}

// Comment is an issue comment of the fake.
type Comment struct {
	ID     int64
	Issue  int
	Body   string
	Author string
}

// Response is a scripted reply.
type Response struct {
	Status int
	Header map[string]string
	Body   string
}

// Server is the fake GitHub.
type Server struct {
	*httptest.Server
	t     TB
	Owner string
	Repo  string
	// Token is the token every request must carry; empty accepts any.
	Token string
	// Login is the user the token belongs to (the author of PRs it opens
	// and comments it writes).
	Login string

	mu       sync.Mutex
	requests []Request
	PRs      []*PR
	Labels   map[string]string // name → colour
	Comments []*Comment
	// Contents maps "ref:path" to file content.
	Contents map[string]string
	scripted map[string][]Response
	nextID   int64
}

// New starts a fake for owner/repo. It is closed when the test ends.
func New(t TB, repo string) *Server {
	owner, name, _ := strings.Cut(repo, "/")
	s := &Server{t: t, Owner: owner, Repo: name, Login: "github-actions[bot]",
		Labels: map[string]string{}, Contents: map[string]string{}, scripted: map[string][]Response{}, nextID: 1000}
	mux := http.NewServeMux()
	mux.Handle(Prefix+"/", http.StripPrefix(Prefix, http.HandlerFunc(s.serve)))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("forgetest: request outside %s: %s %s", Prefix, r.Method, r.URL)
		http.Error(w, "outside the API prefix", http.StatusTeapot)
	})
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

// APIURL is the value for GITHUB_API_URL.
func (s *Server) APIURL() string { return s.URL + Prefix + "/" }

// Script queues responses for "METHOD /path" (without the prefix); they
// are served, in order, before the route's normal behaviour.
func (s *Server) Script(route string, rs ...Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scripted[route] = append(s.scripted[route], rs...)
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Count returns how many requests matched "METHOD /path" (a prefix match
// on the path when route ends in "*").
func (s *Server) Count(route string) int {
	n := 0
	for _, r := range s.Requests() {
		rs := r.Method + " " + r.Path
		if rs == route || (strings.HasSuffix(route, "*") && strings.HasPrefix(rs, strings.TrimSuffix(route, "*"))) {
			n++
		}
	}
	return n
}

// AddPR adds an open pull request and returns it.
func (s *Server) AddPR(p PR) *PR {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addPR(p)
}

func (s *Server) addPR(p PR) *PR {
	p.Number = len(s.PRs) + 1
	if p.State == "" {
		p.State = "open"
	}
	if p.HeadSHA == "" {
		p.HeadSHA = fmt.Sprintf("%040d", p.Number)
	}
	p.HTMLURL = fmt.Sprintf("https://github.example/%s/%s/pull/%d", s.Owner, s.Repo, p.Number)
	s.PRs = append(s.PRs, &p)
	return &p
}

// PR returns pull request n, or nil.
func (s *Server) PR(n int) *PR {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n < 1 || n > len(s.PRs) {
		return nil
	}
	return s.PRs[n-1]
}

// AddComment adds a comment by author on issue or pull request n, as
// someone other than the token's user would, and returns it.
func (s *Server) AddComment(n int, author, body string) Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	c := &Comment{ID: s.nextID, Issue: n, Body: body, Author: author}
	s.Comments = append(s.Comments, c)
	return *c
}

// CommentsOn returns the comments of issue or pull request n.
func (s *Server) CommentsOn(n int) []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Comment
	for _, c := range s.Comments {
		if c.Issue == n {
			out = append(out, *c)
		}
	}
	return out
}

var (
	rePulls     = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/pulls$`)
	rePull      = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/pulls/(\d+)(/files|/reviews|/requested_reviewers)?$`)
	reIssue     = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/issues/(\d+)/(assignees|labels|comments)$`)
	reComment   = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/issues/comments/(\d+)$`)
	reLabels    = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/labels(?:/(.+))?$`)
	reContents  = regexp.MustCompile(`^/repos/([^/]+)/([^/]+)/contents/(.+)$`)
	validateErr = `{"message":"Validation Failed","errors":[{"resource":%q,"code":%q,"message":%q}]}`
)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	req := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Body: string(body), Auth: r.Header.Get("Authorization")}
	s.requests = append(s.requests, req)
	route := r.Method + " " + r.URL.Path
	if q := s.scripted[route]; len(q) > 0 {
		s.scripted[route] = q[1:]
		for k, v := range q[0].Header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(q[0].Status)
		_, _ = io.WriteString(w, q[0].Body)
		return
	}
	if s.Token != "" && req.Auth != "Bearer "+s.Token {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Bad credentials"})
		return
	}
	repoOK := func(m []string) bool { return m[1] == s.Owner && m[2] == s.Repo }
	in, _ := anyJSON(body).(map[string]any)
	if len(body) > 0 {
		if err := json.Unmarshal(body, new(any)); err != nil {
			s.t.Errorf("forgetest: %s: body is not JSON: %v", route, err)
		}
	}
	if r.URL.Path == "/user" && r.Method == http.MethodGet {
		if strings.HasSuffix(s.Login, "[bot]") {
			writeJSON(w, http.StatusForbidden, map[string]string{"message": "Resource not accessible by integration"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"login": s.Login, "type": "User"})
		return
	}
	switch m := []string(nil); {
	case func() bool { m = rePulls.FindStringSubmatch(r.URL.Path); return m != nil && repoOK(m) }():
		switch r.Method {
		case http.MethodGet:
			head := r.URL.Query().Get("head")
			var out []any
			for _, p := range s.PRs {
				if (r.URL.Query().Get("state") == "" || p.State == r.URL.Query().Get("state")) && (head == "" || head == s.headOwner(p)+":"+p.Head) {
					out = append(out, s.prJSON(p))
				}
			}
			writeJSON(w, http.StatusOK, out)
			return
		case http.MethodPost:
			head, _ := in["head"].(string)
			for _, p := range s.PRs {
				if p.Head == head && s.headOwner(p) == s.Owner && p.State == "open" {
					w.WriteHeader(http.StatusUnprocessableEntity)
					fmt.Fprintf(w, validateErr, "PullRequest", "custom", "A pull request already exists for "+s.Owner+":"+head+".")
					return
				}
			}
			p := s.addPR(PR{Head: head, Base: str(in["base"]), Title: str(in["title"]), Body: str(in["body"]), Author: s.Login})
			writeJSON(w, http.StatusCreated, s.prJSON(p))
			return
		}
	case func() bool { m = rePull.FindStringSubmatch(r.URL.Path); return m != nil && repoOK(m) }():
		p := s.pr(m[3])
		if p == nil {
			writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
			return
		}
		switch {
		case m[4] == "" && r.Method == http.MethodGet:
			writeJSON(w, http.StatusOK, s.prJSON(p))
			return
		case m[4] == "/files" && r.Method == http.MethodGet:
			var out []any
			for _, f := range p.Files {
				out = append(out, map[string]any{"filename": f, "status": "modified"})
			}
			writeJSON(w, http.StatusOK, out)
			return
		case m[4] == "/reviews" && r.Method == http.MethodGet:
			var out []any
			for i, l := range p.Reviews {
				out = append(out, map[string]any{"id": i + 1, "user": map[string]any{"login": l}, "state": "COMMENTED"})
			}
			writeJSON(w, http.StatusOK, out)
			return
		case m[4] == "/requested_reviewers" && r.Method == http.MethodPost:
			for _, l := range strs(in["reviewers"]) {
				if strings.EqualFold(l, p.Author) {
					w.WriteHeader(http.StatusUnprocessableEntity)
					fmt.Fprint(w, `{"message":"Review cannot be requested from pull request author."}`)
					return
				}
				if !slices.Contains(p.Reviewers, l) {
					p.Reviewers = append(p.Reviewers, l)
				}
			}
			writeJSON(w, http.StatusCreated, s.prJSON(p))
			return
		}
	case func() bool { m = reIssue.FindStringSubmatch(r.URL.Path); return m != nil && repoOK(m) }():
		n, _ := strconv.Atoi(m[3])
		p := s.pr(m[3])
		switch {
		case m[4] == "assignees" && r.Method == http.MethodPost && p != nil:
			for _, l := range strs(in["assignees"]) {
				if !slices.Contains(p.Assignees, l) {
					p.Assignees = append(p.Assignees, l)
				}
			}
			writeJSON(w, http.StatusCreated, map[string]any{"number": n})
			return
		case m[4] == "labels" && r.Method == http.MethodPost && p != nil:
			var names []string
			if arr, ok := anyJSON(body).([]any); ok {
				for _, x := range arr {
					names = append(names, str(x))
				}
			} else {
				names = strs(in["labels"])
			}
			for _, l := range names {
				if _, ok := s.Labels[l]; !ok {
					s.Labels[l] = "ededed"
				}
				if !slices.Contains(p.Labels, l) {
					p.Labels = append(p.Labels, l)
				}
			}
			writeJSON(w, http.StatusOK, []any{})
			return
		case m[4] == "comments" && r.Method == http.MethodGet:
			var out []any
			for _, c := range s.Comments {
				if c.Issue == n {
					out = append(out, s.commentJSON(c))
				}
			}
			writeJSON(w, http.StatusOK, out)
			return
		case m[4] == "comments" && r.Method == http.MethodPost:
			s.nextID++
			c := &Comment{ID: s.nextID, Issue: n, Body: str(in["body"]), Author: s.Login}
			s.Comments = append(s.Comments, c)
			writeJSON(w, http.StatusCreated, s.commentJSON(c))
			return
		}
	case func() bool { m = reComment.FindStringSubmatch(r.URL.Path); return m != nil && repoOK(m) }():
		id, _ := strconv.ParseInt(m[3], 10, 64)
		for _, c := range s.Comments {
			if c.ID == id && r.Method == http.MethodPatch {
				c.Body = str(in["body"])
				writeJSON(w, http.StatusOK, s.commentJSON(c))
				return
			}
		}
	case func() bool { m = reLabels.FindStringSubmatch(r.URL.Path); return m != nil && repoOK(m) }():
		switch {
		case m[3] != "" && r.Method == http.MethodGet:
			if c, ok := s.Labels[m[3]]; ok {
				writeJSON(w, http.StatusOK, map[string]any{"name": m[3], "color": c})
			} else {
				writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
			}
			return
		case m[3] == "" && r.Method == http.MethodPost:
			name := str(in["name"])
			if _, ok := s.Labels[name]; ok {
				w.WriteHeader(http.StatusUnprocessableEntity)
				fmt.Fprintf(w, validateErr, "Label", "already_exists", "")
				return
			}
			s.Labels[name] = str(in["color"])
			writeJSON(w, http.StatusCreated, map[string]any{"name": name, "color": in["color"]})
			return
		}
	case func() bool { m = reContents.FindStringSubmatch(r.URL.Path); return m != nil && repoOK(m) }():
		if r.Method == http.MethodGet {
			ref := r.URL.Query().Get("ref")
			data, ok := s.Contents[ref+":"+m[3]]
			if !ok {
				writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{
				"type": "file", "encoding": "base64", "path": m[3], "size": len(data),
				"content": base64.StdEncoding.EncodeToString([]byte(data)),
			})
			return
		}
	}
	s.t.Errorf("forgetest: unexpected request %s", req)
	http.Error(w, "unexpected request", http.StatusNotImplemented)
}

func (s *Server) pr(num string) *PR {
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || n > len(s.PRs) {
		return nil
	}
	return s.PRs[n-1]
}

func (s *Server) headOwner(p *PR) string {
	if p.HeadOwner != "" {
		return p.HeadOwner
	}
	return s.Owner
}

func (s *Server) prJSON(p *PR) map[string]any {
	users := func(ls []string) []any {
		out := []any{}
		for _, l := range ls {
			out = append(out, map[string]any{"login": l})
		}
		return out
	}
	labels := []any{}
	for _, l := range p.Labels {
		labels = append(labels, map[string]any{"name": l})
	}
	return map[string]any{
		"number": p.Number, "title": p.Title, "body": p.Body, "state": p.State, "html_url": p.HTMLURL,
		"user": map[string]any{"login": p.Author},
		"head": map[string]any{"ref": p.Head, "sha": p.HeadSHA, "label": s.headOwner(p) + ":" + p.Head,
			"repo": map[string]any{"full_name": s.headOwner(p) + "/" + s.Repo}},
		"base":                map[string]any{"ref": p.Base},
		"assignees":           users(p.Assignees),
		"requested_reviewers": users(p.Reviewers),
		"labels":              labels,
	}
}

func (s *Server) commentJSON(c *Comment) map[string]any {
	return map[string]any{
		"id": c.ID, "body": c.Body, "user": map[string]any{"login": c.Author, "type": userType(c.Author)},
		"html_url": fmt.Sprintf("https://github.example/%s/%s/issues/%d#issuecomment-%d", s.Owner, s.Repo, c.Issue, c.ID),
	}
}

func userType(login string) string {
	if strings.HasSuffix(login, "[bot]") {
		return "Bot"
	}
	return "User"
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func str(v any) string { s, _ := v.(string); return s }

func strs(v any) []string {
	var out []string
	if arr, ok := v.([]any); ok {
		for _, x := range arr {
			out = append(out, str(x))
		}
	}
	return out
}

func anyJSON(b []byte) any {
	var v any
	_ = json.Unmarshal(b, &v)
	return v
}
