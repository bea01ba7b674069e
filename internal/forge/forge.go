// Package forge is Baton's only user of go-github: the few GitHub REST
// operations the incident workflow needs, made idempotent so that running a
// command twice never opens a second pull request or a second comment.
//
//   - find-or-create the pull request of a branch (searched by head first;
//     GitHub's 422 "already exists" counts as found);
//   - request a review, add assignees, add a label (created with a colour
//     when missing), each skipped when already done;
//   - keep one sticky comment per issue or pull request, found by a hidden
//     marker at its start and edited in place, only when the token's own
//     user wrote it (see [Client.UpsertComment]);
//   - read a pull request, its changed files, and files at a revision.
//
// Requests that hit GitHub's rate limits (403 with X-RateLimit-Remaining: 0,
// secondary limits, 429 with Retry-After) are retried, bounded in count and
// in total waiting time, and never beyond the context's deadline. Errors say
// what failed and how to fix it ([Error]); they never contain the token.
//
// The token goes only to the API root: plain http is refused except on a
// loopback address, and a redirect to another scheme, host or port is
// refused rather than followed (go-github adds the token to every request it
// sends, redirected or not).
//
// The package does not know about incidents: callers pass logins, labels and
// Markdown. It is not for reading the GitHub Actions environment beyond
// [Options] (package cmd/baton does that).
package forge

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/batonhq/baton/internal/httpretry"
)

// DefaultAPIURL is GitHub.com's REST API.
const DefaultAPIURL = "https://api.github.com/"

// Options configure a Client.
type Options struct {
	// Token authenticates every request. It never appears in errors.
	Token string
	// APIURL is the REST API root (GITHUB_API_URL; GitHub Enterprise is
	// https://HOST/api/v3). Default: DefaultAPIURL.
	APIURL string
	// Repo is "owner/name".
	Repo string
	// HTTPClient is the underlying client (default: a new one). Its
	// Timeout is not used: Retry.AttemptTimeout bounds each attempt, so that
	// waiting for a rate limit is not cut short.
	HTTPClient *http.Client
	// Retry bounds the rate-limit retries; zero values take defaults.
	Retry RetryPolicy
	// Now is the clock, used to wait for X-RateLimit-Reset and Retry-After
	// dates (default time.Now).
	Now func() time.Time
	// Sleep waits for d or until ctx is done. Default: a timer. Tests
	// replace it to avoid waiting.
	Sleep func(ctx context.Context, d time.Duration) error
	// AppLogin is the login a GitHub App's installation token writes as
	// ("<app-slug>[bot]"). It matters only for tokens that cannot read
	// GET /user; see [Client.Self].
	AppLogin string
}

// ActionsLogin is the user GitHub Actions' GITHUB_TOKEN writes as.
const ActionsLogin = "github-actions[bot]"

// Client talks to one repository.
type Client struct {
	gh          *github.Client
	owner, repo string
	token       string
	appLogin    string

	selfMu sync.Mutex
	self   []string // logins the token writes as, once known
}

// New returns a client for o.Repo.
func New(o Options) (*Client, error) {
	owner, name, ok := strings.Cut(o.Repo, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return nil, &Error{Msg: fmt.Sprintf("repository %q is not owner/name", o.Repo), Hint: "set github.repo in baton.yaml, e.g. acme/incidents"}
	}
	if o.Token == "" {
		return nil, &Error{Msg: "no GitHub token", Hint: "set GITHUB_TOKEN (in Actions: env: GITHUB_TOKEN: ${{ github.token }}) or GH_TOKEN, or pass --token"}
	}
	api := o.APIURL
	if api == "" {
		api = DefaultAPIURL
	}
	u, err := url.Parse(api)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return nil, &Error{Msg: fmt.Sprintf("GITHUB_API_URL %q is not an http(s) URL", api), Hint: "GitHub Enterprise: https://HOST/api/v3"}
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return nil, &Error{Msg: fmt.Sprintf("GITHUB_API_URL %q is plain http: Baton sends the token only over HTTPS", api), Hint: "use https://HOST/api/v3 (plain http is accepted only on a loopback address)"}
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	hc := o.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	rt := httpretry.New(hc.Transport, o.Retry, githubClassifier)
	rt.Now, rt.Sleep = o.Now, o.Sleep
	hc2 := *hc
	hc2.Transport = rt
	// Each attempt has its own timeout (Retry.AttemptTimeout); a client-wide
	// timeout would also cut the waits between attempts.
	hc2.Timeout = 0
	// go-github sets the Authorization header in its transport, so on every
	// hop of a redirect: follow none that leaves the API's origin.
	hc2.CheckRedirect = sameOriginRedirects
	gh := github.NewClient(&hc2).WithAuthToken(o.Token)
	gh.BaseURL = u
	gh.UserAgent = "baton"
	return &Client{gh: gh, owner: owner, repo: name, token: o.Token, appLogin: o.AppLogin}, nil
}

// isLoopback reports whether host is localhost or a loopback IP address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// sameOriginRedirects follows redirects only within the scheme, host and
// port of the first request (GitHub moves renamed repositories that way),
// at most five.
func sameOriginRedirects(req *http.Request, via []*http.Request) error {
	first := via[0].URL
	if !strings.EqualFold(req.URL.Scheme, first.Scheme) || !strings.EqualFold(req.URL.Host, first.Host) {
		return fmt.Errorf("refusing a redirect from %s to another host (%s): the token is sent only to the API", first.Host, req.URL.Host)
	}
	if len(via) >= 5 {
		return errors.New("too many redirects")
	}
	return nil
}

// Repo returns "owner/name".
func (c *Client) Repo() string { return c.owner + "/" + c.repo }

// PR is the part of a pull request Baton uses.
type PR struct {
	Number    int
	URL       string
	Title     string
	Author    string
	HeadRef   string
	HeadSHA   string
	BaseRef   string
	Assignees []string
	Labels    []string
	Reviewers []string // requested reviewers
	State     string
}

func toPR(p *github.PullRequest) *PR {
	out := &PR{
		Number: p.GetNumber(), URL: p.GetHTMLURL(), Title: p.GetTitle(), Author: p.GetUser().GetLogin(),
		HeadRef: p.GetHead().GetRef(), HeadSHA: p.GetHead().GetSHA(), BaseRef: p.GetBase().GetRef(), State: p.GetState(),
	}
	for _, a := range p.Assignees {
		out.Assignees = append(out.Assignees, a.GetLogin())
	}
	for _, l := range p.Labels {
		out.Labels = append(out.Labels, l.GetName())
	}
	for _, r := range p.RequestedReviewers {
		out.Reviewers = append(out.Reviewers, r.GetLogin())
	}
	return out
}

// NewPR describes a pull request to open.
type NewPR struct {
	Head, Base, Title, Body string
}

// FindOrCreatePR returns the open pull request whose head is the branch,
// opening one when there is none. created says which.
func (c *Client) FindOrCreatePR(ctx context.Context, n NewPR) (pr *PR, created bool, err error) {
	if pr, err := c.findPR(ctx, n.Head); err != nil || pr != nil {
		return pr, false, err
	}
	p, _, err := c.gh.PullRequests.Create(ctx, c.owner, c.repo, &github.NewPullRequest{
		Title: &n.Title, Head: &n.Head, Base: &n.Base, Body: &n.Body,
	})
	if err != nil {
		if alreadyExists(err) {
			// Opened concurrently, or the search missed it: look again.
			if pr, ferr := c.findPR(ctx, n.Head); ferr != nil || pr != nil {
				return pr, false, ferr
			}
		}
		return nil, false, c.wrap(err, "opening a pull request from "+n.Head)
	}
	return toPR(p), true, nil
}

func (c *Client) findPR(ctx context.Context, head string) (*PR, error) {
	ps, _, err := c.gh.PullRequests.List(ctx, c.owner, c.repo, &github.PullRequestListOptions{
		State: "open", Head: c.owner + ":" + head, ListOptions: github.ListOptions{PerPage: 10},
	})
	if err != nil {
		return nil, c.wrap(err, "looking for the pull request of "+head)
	}
	for _, p := range ps {
		// Only a branch of this repository: a fork's pull request from a
		// branch of the same name is someone else's.
		if p.GetHead().GetRef() == head && strings.EqualFold(p.GetHead().GetRepo().GetFullName(), c.Repo()) {
			return toPR(p), nil
		}
	}
	return nil, nil
}

// alreadyExists recognises GitHub's 422 "A pull request already exists" and
// "already_exists" validation errors.
func alreadyExists(err error) bool {
	var er *github.ErrorResponse
	if !errors.As(err, &er) || er.Response == nil || er.Response.StatusCode != http.StatusUnprocessableEntity {
		return false
	}
	for _, e := range er.Errors {
		if e.Code == "already_exists" || strings.Contains(e.Message, "already exists") {
			return true
		}
	}
	return strings.Contains(er.Message, "already exists")
}

// PR returns pull request number n.
func (c *Client) PR(ctx context.Context, n int) (*PR, error) {
	p, _, err := c.gh.PullRequests.Get(ctx, c.owner, c.repo, n)
	if err != nil {
		return nil, c.wrap(err, fmt.Sprintf("reading pull request #%d", n))
	}
	return toPR(p), nil
}

// PRFiles returns the paths a pull request changes (both sides of renames).
func (c *Client) PRFiles(ctx context.Context, n int) ([]string, error) {
	var out []string
	opts := &github.ListOptions{PerPage: 100}
	for page := 0; page < 30; page++ {
		fs, resp, err := c.gh.PullRequests.ListFiles(ctx, c.owner, c.repo, n, opts)
		if err != nil {
			return nil, c.wrap(err, fmt.Sprintf("listing the files of pull request #%d", n))
		}
		for _, f := range fs {
			out = append(out, f.GetFilename())
			if p := f.GetPreviousFilename(); p != "" {
				out = append(out, p)
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// maxFile bounds files read through the API.
const maxFile = 4 << 20

// File returns the content of a file at a revision, or ok=false when it
// does not exist there.
func (c *Client) File(ctx context.Context, path, ref string) (data []byte, ok bool, err error) {
	fc, _, resp, err := c.gh.Repositories.GetContents(ctx, c.owner, c.repo, path, &github.RepositoryContentGetOptions{Ref: ref})
	if err != nil {
		if resp != nil && resp.StatusCode == http.StatusNotFound {
			return nil, false, nil
		}
		return nil, false, c.wrap(err, "reading "+path+" at "+ref)
	}
	if fc == nil {
		return nil, false, &Error{Msg: path + " is a folder, not a file"}
	}
	if fc.GetSize() > maxFile {
		return nil, false, &Error{Msg: fmt.Sprintf("%s is larger than %d bytes", path, maxFile)}
	}
	s, err := fc.GetContent()
	if err != nil {
		return nil, false, fmt.Errorf("decoding %s: %w", path, err)
	}
	return []byte(s), true, nil
}

// ErrCannotRequestReview is returned (wrapped) when GitHub refuses a review
// request for a login: the pull request's author, or someone without
// access. Callers fall back to an @-mention.
var ErrCannotRequestReview = errors.New("review cannot be requested")

// RequestReview asks login to review pull request n, unless they are
// already requested or have reviewed it.
func (c *Client) RequestReview(ctx context.Context, pr *PR, login string) (requested bool, err error) {
	if slices.ContainsFunc(pr.Reviewers, func(s string) bool { return strings.EqualFold(s, login) }) {
		return false, nil
	}
	if strings.EqualFold(pr.Author, login) {
		return false, fmt.Errorf("%s opened #%d: %w", login, pr.Number, ErrCannotRequestReview)
	}
	reviews, _, err := c.gh.PullRequests.ListReviews(ctx, c.owner, c.repo, pr.Number, &github.ListOptions{PerPage: 100})
	if err != nil {
		return false, c.wrap(err, fmt.Sprintf("listing the reviews of #%d", pr.Number))
	}
	for _, r := range reviews {
		if strings.EqualFold(r.GetUser().GetLogin(), login) {
			return false, nil
		}
	}
	_, _, err = c.gh.PullRequests.RequestReviewers(ctx, c.owner, c.repo, pr.Number, github.ReviewersRequest{Reviewers: []string{login}})
	if err != nil {
		var er *github.ErrorResponse
		if errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusUnprocessableEntity {
			return false, fmt.Errorf("%s on #%d: %s: %w", login, pr.Number, er.Message, ErrCannotRequestReview)
		}
		return false, c.wrap(err, fmt.Sprintf("requesting a review from %s on #%d", login, pr.Number))
	}
	pr.Reviewers = append(pr.Reviewers, login)
	return true, nil
}

// Assign adds the logins not yet assigned to issue or pull request n.
func (c *Client) Assign(ctx context.Context, n int, have []string, logins ...string) ([]string, error) {
	var add []string
	for _, l := range logins {
		if l != "" && !slices.ContainsFunc(have, func(s string) bool { return strings.EqualFold(s, l) }) && !slices.Contains(add, l) {
			add = append(add, l)
		}
	}
	if len(add) == 0 {
		return nil, nil
	}
	if _, _, err := c.gh.Issues.AddAssignees(ctx, c.owner, c.repo, n, add); err != nil {
		return nil, c.wrap(err, fmt.Sprintf("assigning %s to #%d", strings.Join(add, ", "), n))
	}
	return add, nil
}

// Label describes a label to ensure.
type Label struct {
	Name, Color, Description string
}

// AddLabel adds the label to issue or pull request n unless it is in have,
// creating the label in the repository first when it does not exist.
func (c *Client) AddLabel(ctx context.Context, n int, have []string, l Label) (added bool, err error) {
	if slices.Contains(have, l.Name) {
		return false, nil
	}
	if _, resp, err := c.gh.Issues.GetLabel(ctx, c.owner, c.repo, l.Name); err != nil {
		if resp == nil || resp.StatusCode != http.StatusNotFound {
			return false, c.wrap(err, "reading label "+l.Name)
		}
		_, _, err := c.gh.Issues.CreateLabel(ctx, c.owner, c.repo, &github.Label{Name: &l.Name, Color: &l.Color, Description: &l.Description})
		if err != nil && !alreadyExists(err) {
			return false, c.wrap(err, "creating label "+l.Name)
		}
	}
	if _, _, err := c.gh.Issues.AddLabelsToIssue(ctx, c.owner, c.repo, n, []string{l.Name}); err != nil {
		return false, c.wrap(err, fmt.Sprintf("labelling #%d", n))
	}
	return true, nil
}

// Marker returns the hidden HTML comment that identifies a sticky comment.
func Marker(key string) string { return "<!-- baton:" + key + " -->" }

// Comment outcomes of UpsertComment.
const (
	CommentCreated   = "created"
	CommentEdited    = "edited"
	CommentUnchanged = "unchanged"
)

// UpsertComment keeps one comment on issue or pull request n that starts
// with marker and was written by the token's own user ([Client.Self]): it
// is created when missing and edited in place when its body differs. A
// comment by anyone else is never edited, whatever it contains. The marker
// is put at the start of body. It returns what happened and the comment's
// URL.
func (c *Client) UpsertComment(ctx context.Context, n int, marker, body string) (outcome, link string, err error) {
	if !strings.HasPrefix(body, marker) {
		body = marker + "\n" + body
	}
	opts := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	for page := 0; page < 50; page++ {
		cs, resp, err := c.gh.Issues.ListComments(ctx, c.owner, c.repo, n, opts)
		if err != nil {
			return "", "", c.wrap(err, fmt.Sprintf("listing the comments of #%d", n))
		}
		for _, cm := range cs {
			if !strings.HasPrefix(cm.GetBody(), marker) {
				continue
			}
			self, err := c.Self(ctx)
			if err != nil {
				return "", "", err
			}
			if !slices.ContainsFunc(self, func(l string) bool { return strings.EqualFold(l, cm.GetUser().GetLogin()) }) {
				continue // someone else's comment that carries the marker
			}
			if cm.GetBody() == body {
				return CommentUnchanged, cm.GetHTMLURL(), nil
			}
			ed, _, err := c.gh.Issues.EditComment(ctx, c.owner, c.repo, cm.GetID(), &github.IssueComment{Body: &body})
			if err != nil {
				return "", "", c.wrap(err, fmt.Sprintf("editing comment %d on #%d", cm.GetID(), n))
			}
			return CommentEdited, ed.GetHTMLURL(), nil
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	cm, _, err := c.gh.Issues.CreateComment(ctx, c.owner, c.repo, n, &github.IssueComment{Body: &body})
	if err != nil {
		return "", "", c.wrap(err, fmt.Sprintf("commenting on #%d", n))
	}
	return CommentCreated, cm.GetHTMLURL(), nil
}

// Self returns the logins whose comments the client may edit as its own:
// the token's user from GET /user. Tokens of GitHub Apps, including
// Actions' GITHUB_TOKEN, cannot read GET /user (GitHub answers 403
// "Resource not accessible by integration"); they write as a bot, so Self
// is then [ActionsLogin] and Options.AppLogin when set. The answer is
// asked for once per client.
func (c *Client) Self(ctx context.Context) ([]string, error) {
	c.selfMu.Lock()
	defer c.selfMu.Unlock()
	if c.self != nil {
		return c.self, nil
	}
	u, resp, err := c.gh.Users.Get(ctx, "")
	switch {
	case err == nil && u.GetLogin() != "":
		c.self = []string{u.GetLogin()}
	case resp != nil && resp.StatusCode == http.StatusForbidden && !isRateLimit(err):
		c.self = []string{ActionsLogin}
		if c.appLogin != "" {
			c.self = append(c.self, c.appLogin)
		}
	case err == nil:
		return nil, &Error{Msg: "GitHub did not say whose token this is (GET /user has no login)"}
	default:
		return nil, c.wrap(err, "reading the token's user")
	}
	return c.self, nil
}

func isRateLimit(err error) bool {
	var rl *github.RateLimitError
	var ab *github.AbuseRateLimitError
	return errors.As(err, &rl) || errors.As(err, &ab)
}

// Error is a GitHub request that failed, with a hint for people.
type Error struct {
	Status int // HTTP status, 0 when no response
	Msg    string
	Hint   string
	err    error
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.err }

// wrap turns a go-github error into an Error that says what was being done
// and how to fix it, without the token.
func (c *Client) wrap(err error, doing string) error {
	e := &Error{Msg: doing + ": " + err.Error(), err: err}
	var er *github.ErrorResponse
	var rl *github.RateLimitError
	var ab *github.AbuseRateLimitError
	switch {
	case errors.As(err, &rl):
		e.Status = http.StatusForbidden
		e.Msg = fmt.Sprintf("%s: GitHub's rate limit is exhausted until %s", doing, rl.Rate.Reset.UTC().Format(time.RFC3339))
		e.Hint = "wait for the reset, or use a token with a higher limit (a GitHub App token in Actions)"
	case errors.As(err, &ab):
		e.Status = http.StatusForbidden
		e.Msg = doing + ": GitHub's secondary rate limit was hit and retries did not clear it"
		e.Hint = "run the command again in a few minutes"
	case errors.As(err, &er) && er.Response != nil:
		e.Status = er.Response.StatusCode
		e.Msg = fmt.Sprintf("%s: GitHub answered %d %s", doing, er.Response.StatusCode, er.Message)
		switch er.Response.StatusCode {
		case http.StatusUnauthorized:
			e.Hint = "the token was rejected: check GITHUB_TOKEN, GH_TOKEN or --token (it may have expired or been revoked)"
		case http.StatusNotFound:
			e.Hint = fmt.Sprintf("check github.repo (%s) in baton.yaml; GitHub also answers 404 when the token cannot see the repository: give it access to %s (fine-grained tokens: Contents, Pull requests and Issues read and write)", c.Repo(), c.Repo())
		case http.StatusForbidden:
			e.Hint = "the token lacks a permission: in Actions grant permissions: contents: write, pull-requests: write, issues: write"
			if strings.Contains(er.Message, "not permitted to create or approve pull requests") {
				e.Hint = "enable Settings → Actions → General → \"Allow GitHub Actions to create and approve pull requests\""
			}
		case http.StatusUnprocessableEntity:
			for _, v := range er.Errors {
				if v.Message != "" {
					e.Msg += ": " + v.Message
				}
			}
		}
	}
	e.Msg = c.redact(e.Msg)
	return e
}

func (c *Client) redact(s string) string {
	if c.token == "" {
		return s
	}
	return strings.ReplaceAll(s, c.token, "***")
}
