// Package gitrepo is Baton's only user of go-git. It reads any revision of
// an incidents repository as an fs.FS, lists the files changed between two
// revisions, and publishes edits: a commit built directly from a parent
// commit's tree plus the edited files (the working tree and the index are
// never touched), a branch pointing at it, and a push over HTTPS with a
// token or to any remote go-git supports.
//
// The token is sent only over HTTPS to one host ([Options.TokenHost]), as
// the remote URL go-git will really use says (after the repository's
// url.<base>.insteadOf rules): scheme https, that host (case folded), port
// empty or 443 unless the host names another, and no credentials of its own
// in the URL. Any other remote (plain http, another host, SSH, a path) gets
// go-git's own authentication for its transport (the URL's credentials, the
// SSH agent), and an authentication failure there says how to configure
// credentials. go-git drops credentials on a redirect that leaves the
// remote's origin.
//
// It knows nothing about incidents: callers pass paths, bytes and branch
// names. It does not read the environment. Errors never contain the token,
// nor credentials embedded in a remote URL.
package gitrepo

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
)

// Repo is an opened git repository.
type Repo struct {
	repo *git.Repository
	// token authenticates HTTPS remotes on tokenHost; empty for none.
	token     string
	tokenHost string
	caBundle  []byte
}

// DefaultTokenHost is where a token goes when Options.TokenHost is empty.
const DefaultTokenHost = "github.com"

// Options configure how a repository talks to its remotes.
type Options struct {
	// Token is a GitHub access token, sent as the password of the user
	// x-access-token, only to https://TokenHost remotes. It is never logged.
	Token string
	// TokenHost is the host, with a port when it is not 443, that Token
	// belongs to: DefaultTokenHost, or a GitHub Enterprise Server's host
	// (the host of GITHUB_SERVER_URL).
	TokenHost string
	// CABundle holds PEM certificates trusted for HTTPS remotes besides the
	// system's (a GitHub Enterprise Server with a private CA).
	CABundle []byte
}

// Open opens the repository that contains dir (dir or one of its parents
// holds .git).
func Open(ctx context.Context, dir string, o Options) (*Repo, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return nil, fmt.Errorf("opening the git repository at %s: %w", dir, err)
	}
	host := o.TokenHost
	if host == "" {
		host = DefaultTokenHost
	}
	return &Repo{repo: r, token: o.Token, tokenHost: host, caBundle: o.CABundle}, nil
}

// File is one file of a commit: a slash-separated path and its content.
type File struct {
	Path string
	Data []byte
}

// Signature is who made a commit.
type Signature struct {
	Name, Email string
}

// DefaultSignature is used when no git identity is configured, as in
// GitHub Actions.
var DefaultSignature = Signature{Name: "baton", Email: "baton@localhost"}

// Identity returns the user's git identity (user.name and user.email from
// the repository's configuration, then the global one), or
// DefaultSignature when there is none.
func (r *Repo) Identity() Signature {
	var s Signature
	if cfg, err := r.repo.ConfigScoped(config.SystemScope); err == nil {
		s = Signature{cfg.User.Name, cfg.User.Email}
		if s.Name == "" {
			s.Name = cfg.Author.Name
		}
		if s.Email == "" {
			s.Email = cfg.Author.Email
		}
	}
	if s.Name == "" || s.Email == "" {
		return DefaultSignature
	}
	return s
}

// Resolve returns the commit hash a revision (branch, remote branch such as
// origin/main, tag or hash) names.
func (r *Repo) Resolve(rev string) (string, error) {
	h, err := r.repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return "", fmt.Errorf("resolving %s: %w", rev, err)
	}
	return h.String(), nil
}

// RemoteURL returns the first URL of a remote, with any credentials removed.
func (r *Repo) RemoteURL(remote string) (string, error) {
	rem, err := r.repo.Remote(remote)
	if err != nil {
		return "", fmt.Errorf("remote %s: %w", remote, err)
	}
	return redactURL(rem.Config().URLs[0]), nil
}

// auth returns the authentication for a remote: the token as basic auth
// when TokenAllowed says the remote's URL may have it, else nil (go-git's
// default for the transport).
func (r *Repo) auth(remote string) transport.AuthMethod {
	if r.token == "" {
		return nil
	}
	rem, err := r.repo.Remote(remote)
	if err != nil || len(rem.Config().URLs) == 0 {
		return nil
	}
	// URLs[0] is what go-git connects to, insteadOf rules applied.
	if TokenAllowed(rem.Config().URLs[0], r.tokenHost) {
		return &githttp.BasicAuth{Username: "x-access-token", Password: r.token}
	}
	return nil
}

// TokenAllowed reports whether a GitHub token for host (host or host:port)
// may be sent to the git remote rawURL: only over https, to that host
// exactly (compared case-insensitively, with the default port 443 when
// none is given), and only when the URL carries no credentials of its own.
// Everything else, including SSH, scp-like and file remotes, is refused.
func TokenAllowed(rawURL, host string) bool {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "https" || u.User != nil || u.Opaque != "" || u.Host == "" {
		return false
	}
	want, err := url.Parse("https://" + host)
	if err != nil || want.Hostname() == "" || want.User != nil || want.Path != "" {
		return false
	}
	port := func(p string) string {
		if p == "" {
			return "443"
		}
		return p
	}
	return strings.EqualFold(u.Hostname(), want.Hostname()) && port(u.Port()) == port(want.Port())
}

// remoteErr turns a failed fetch, list or push into an error without
// secrets, with a hint when the remote wanted credentials.
func (r *Repo) remoteErr(remote string, err error) error {
	err = r.redact(err)
	if !errors.Is(err, transport.ErrAuthenticationRequired) && !errors.Is(err, transport.ErrAuthorizationFailed) {
		return err
	}
	u := "(unknown)"
	if rem, rerr := r.repo.Remote(remote); rerr == nil && len(rem.Config().URLs) > 0 {
		u = rem.Config().URLs[0]
	}
	e := &Error{Msg: err.Error(), err: err}
	switch {
	case r.token != "" && TokenAllowed(u, r.tokenHost):
		e.Hint = "the remote refused the token: it needs write access to the repository's contents (in Actions: permissions: contents: write)"
	case r.token != "":
		e.Hint = fmt.Sprintf("the GitHub token is sent only over HTTPS to %s, and the remote %s is %s: give git credentials for that remote (an SSH remote uses your SSH agent), or point it at https://%s/OWNER/REPO", r.tokenHost, remote, redactURL(u), r.tokenHost)
	default:
		e.Hint = fmt.Sprintf("set GITHUB_TOKEN (or GH_TOKEN, or --token) for an https://%s remote, or use a remote whose credentials git already has (SSH with your agent)", r.tokenHost)
	}
	return e
}

// Error is a git operation that failed, with a hint for people. It never
// contains the token.
type Error struct {
	Msg  string
	Hint string
	err  error
}

func (e *Error) Error() string { return e.Msg }

// Is lets callers test for the sentinel errors of the underlying failure.
func (e *Error) Is(target error) bool { return errors.Is(e.err, target) }

// RemoteBranches returns the commit hashes of the given branches on the
// remote; branches the remote does not have are absent from the map.
func (r *Repo) RemoteBranches(ctx context.Context, remote string, branches ...string) (map[string]string, error) {
	rem, err := r.repo.Remote(remote)
	if err != nil {
		return nil, fmt.Errorf("remote %s: %w", remote, err)
	}
	refs, err := rem.ListContext(ctx, &git.ListOptions{Auth: r.auth(remote), CABundle: r.caBundle})
	if err != nil {
		return nil, r.remoteErr(remote, fmt.Errorf("listing the branches of %s: %w", remote, err))
	}
	out := map[string]string{}
	for _, ref := range refs {
		if ref.Name().IsBranch() && slices.Contains(branches, ref.Name().Short()) {
			out[ref.Name().Short()] = ref.Hash().String()
		}
	}
	return out, nil
}

// Fetch fetches the given branches of the remote into its remote-tracking
// branches (refs/remotes/<remote>/<branch>). Branches the remote does not
// have are skipped; the map says which were fetched, with their hashes.
func (r *Repo) Fetch(ctx context.Context, remote string, branches ...string) (map[string]string, error) {
	have, err := r.RemoteBranches(ctx, remote, branches...)
	if err != nil {
		return nil, err
	}
	if len(have) == 0 {
		return have, nil
	}
	var specs []config.RefSpec
	for _, b := range branches {
		if _, ok := have[b]; ok {
			specs = append(specs, config.RefSpec(fmt.Sprintf("+refs/heads/%s:refs/remotes/%s/%s", b, remote, b)))
		}
	}
	err = r.repo.FetchContext(ctx, &git.FetchOptions{RemoteName: remote, RefSpecs: specs, Auth: r.auth(remote), CABundle: r.caBundle, Force: true})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return nil, r.remoteErr(remote, fmt.Errorf("fetching from %s: %w", remote, err))
	}
	return have, nil
}

// Commit creates a commit whose tree is parent's tree with files added or
// replaced, and returns its hash. The working tree, the index and HEAD are
// left alone. When the files change nothing, it returns parent and false.
func (r *Repo) Commit(ctx context.Context, parent string, files []File, message string, sig Signature, when time.Time) (string, bool, error) {
	if err := ctx.Err(); err != nil {
		return "", false, err
	}
	pc, err := r.repo.CommitObject(plumbing.NewHash(parent))
	if err != nil {
		return "", false, fmt.Errorf("reading commit %s: %w", parent, err)
	}
	base, err := pc.Tree()
	if err != nil {
		return "", false, fmt.Errorf("reading the tree of %s: %w", parent, err)
	}
	changes := map[string][]byte{}
	for _, f := range files {
		if !validPath(f.Path) {
			return "", false, fmt.Errorf("invalid path %q", f.Path)
		}
		changes[f.Path] = f.Data
	}
	tree, err := r.writeTree(base, changes)
	if err != nil {
		return "", false, err
	}
	if tree == base.Hash {
		return parent, false, nil
	}
	s := object.Signature{Name: sig.Name, Email: sig.Email, When: when}
	c := &object.Commit{Author: s, Committer: s, Message: message, TreeHash: tree, ParentHashes: []plumbing.Hash{pc.Hash}}
	obj := r.repo.Storer.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return "", false, fmt.Errorf("encoding the commit: %w", err)
	}
	h, err := r.repo.Storer.SetEncodedObject(obj)
	if err != nil {
		return "", false, fmt.Errorf("storing the commit: %w", err)
	}
	return h.String(), true, nil
}

func validPath(p string) bool {
	if p == "" || strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") {
		return false
	}
	for seg := range strings.SplitSeq(p, "/") {
		if seg == "" || seg == "." || seg == ".." || strings.EqualFold(seg, ".git") {
			return false
		}
	}
	return true
}

// writeTree stores the tree base with changes applied (paths relative to
// base) and returns its hash. base may be nil (an empty tree).
func (r *Repo) writeTree(base *object.Tree, changes map[string][]byte) (plumbing.Hash, error) {
	entries := map[string]object.TreeEntry{}
	if base != nil {
		for _, e := range base.Entries {
			entries[e.Name] = e
		}
	}
	sub := map[string]map[string][]byte{}
	for p, data := range changes {
		if dir, rest, ok := strings.Cut(p, "/"); ok {
			if sub[dir] == nil {
				sub[dir] = map[string][]byte{}
			}
			sub[dir][rest] = data
			continue
		}
		obj := r.repo.Storer.NewEncodedObject()
		obj.SetType(plumbing.BlobObject)
		w, err := obj.Writer()
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if _, err := w.Write(data); err != nil {
			return plumbing.ZeroHash, err
		}
		if err := w.Close(); err != nil {
			return plumbing.ZeroHash, err
		}
		h, err := r.repo.Storer.SetEncodedObject(obj)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("storing %s: %w", p, err)
		}
		mode := filemode.Regular
		if e, ok := entries[p]; ok && e.Mode == filemode.Executable {
			mode = e.Mode
		}
		entries[p] = object.TreeEntry{Name: p, Mode: mode, Hash: h}
	}
	for dir, files := range sub {
		var child *object.Tree
		if e, ok := entries[dir]; ok && e.Mode == filemode.Dir {
			t, err := r.repo.TreeObject(e.Hash)
			if err != nil {
				return plumbing.ZeroHash, fmt.Errorf("reading tree %s: %w", dir, err)
			}
			child = t
		}
		h, err := r.writeTree(child, files)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		entries[dir] = object.TreeEntry{Name: dir, Mode: filemode.Dir, Hash: h}
	}
	t := &object.Tree{}
	for _, e := range entries {
		t.Entries = append(t.Entries, e)
	}
	// Git orders tree entries by name, comparing a folder as if its name
	// ended in "/".
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	slices.SortFunc(t.Entries, func(a, b object.TreeEntry) int { return strings.Compare(key(a), key(b)) })
	obj := r.repo.Storer.NewEncodedObject()
	if err := t.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return r.repo.Storer.SetEncodedObject(obj)
}

// SetBranch points the local branch refs/heads/<name> at a commit, creating
// it when needed. It refuses to move the branch HEAD is on, because that
// would leave the working tree out of step.
func (r *Repo) SetBranch(name, hash string) error {
	ref := plumbing.NewBranchReferenceName(name)
	if head, err := r.repo.Reference(plumbing.HEAD, false); err == nil && head.Type() == plumbing.SymbolicReference && head.Target() == ref {
		cur, err := r.repo.Reference(ref, true)
		if err == nil && cur.Hash().String() != hash {
			return fmt.Errorf("branch %s is checked out; switch to another branch first", name)
		}
	}
	if err := r.repo.Storer.SetReference(plumbing.NewHashReference(ref, plumbing.NewHash(hash))); err != nil {
		return fmt.Errorf("setting branch %s: %w", name, err)
	}
	return nil
}

// Push pushes the local branch to the same branch on the remote. Without
// force, the remote branch must be an ancestor of the local one.
func (r *Repo) Push(ctx context.Context, remote, branch string, force bool) error {
	spec := fmt.Sprintf("refs/heads/%s:refs/heads/%s", branch, branch)
	if force {
		spec = "+" + spec
	}
	err := r.repo.PushContext(ctx, &git.PushOptions{
		RemoteName: remote,
		RefSpecs:   []config.RefSpec{config.RefSpec(spec)},
		Auth:       r.auth(remote),
		CABundle:   r.caBundle,
	})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return r.remoteErr(remote, fmt.Errorf("pushing %s to %s: %w", branch, remote, err))
	}
	return nil
}

// ChangedFiles returns the paths that differ between two revisions, sorted
// (added, modified, deleted and both sides of renames).
func (r *Repo) ChangedFiles(ctx context.Context, from, to string) ([]string, error) {
	trees := make([]*object.Tree, 2)
	for i, rev := range []string{from, to} {
		_, t, err := r.commitTree(rev)
		if err != nil {
			return nil, err
		}
		trees[i] = t
	}
	changes, err := object.DiffTreeWithOptions(ctx, trees[0], trees[1], &object.DiffTreeOptions{})
	if err != nil {
		return nil, fmt.Errorf("comparing %s and %s: %w", from, to, err)
	}
	var out []string
	for _, c := range changes {
		for _, name := range []string{c.From.Name, c.To.Name} {
			if name != "" && !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// MergeBase returns the commit hash of a best common ancestor of the
// commits that revisions a and b name (as `git merge-base a b` does), or
// an error when they have none.
func (r *Repo) MergeBase(a, b string) (string, error) {
	ca, _, err := r.commitTree(a)
	if err != nil {
		return "", err
	}
	cb, _, err := r.commitTree(b)
	if err != nil {
		return "", err
	}
	bases, err := ca.MergeBase(cb)
	if err != nil {
		return "", fmt.Errorf("finding the merge base of %s and %s: %w", a, b, err)
	}
	if len(bases) == 0 {
		return "", &Error{Msg: fmt.Sprintf("%s and %s have no common ancestor", a, b), Hint: "name the revision to compare with explicitly"}
	}
	// Several best ancestors (criss-cross merges): take the smallest hash,
	// so that the answer does not depend on the walk's order.
	best := bases[0].Hash.String()
	for _, c := range bases[1:] {
		best = min(best, c.Hash.String())
	}
	return best, nil
}

// redact removes the token and any credentials in URLs from an error.
func (r *Repo) redact(err error) error {
	if err == nil {
		return nil
	}
	msg := urlCredRE.ReplaceAllString(err.Error(), "$1***@")
	if r.token != "" {
		msg = strings.ReplaceAll(msg, r.token, "***")
	}
	if msg == err.Error() {
		return err
	}
	return &redactedError{msg: msg, err: err}
}

var urlCredRE = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]+@`)

// redactedError keeps the original error for errors.Is while showing a
// message without secrets.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }

// Is lets callers test for sentinel errors (transport.ErrAuthenticationRequired…)
// without Unwrap exposing the unredacted message.
func (e *redactedError) Is(target error) bool { return errors.Is(e.err, target) }

func redactURL(u string) string {
	if p, err := url.Parse(u); err == nil && p.User != nil {
		p.User = nil
		return p.String()
	}
	return u
}

// IsGitRepo reports whether dir is inside a git repository.
func IsGitRepo(dir string) bool {
	_, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true})
	return err == nil
}

// Init creates an empty git repository in dir (a .git folder) whose
// first branch is branch, as `git init -b BRANCH` does.
func Init(ctx context.Context, dir, branch string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName(branch)},
	})
	if err != nil {
		return fmt.Errorf("creating a git repository in %s: %w", dir, err)
	}
	return nil
}

// UserEmail returns the git user.email (or author.email) that applies in
// dir: from the repository's configuration when dir is inside one, else
// from the global and system configuration. user.name need not be set.
// It returns "" when no email is configured.
func UserEmail(dir string) string {
	var cfg *config.Config
	if r, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true}); err == nil {
		cfg, _ = r.ConfigScoped(config.SystemScope)
	}
	if cfg == nil {
		for _, scope := range []config.Scope{config.GlobalScope, config.SystemScope} {
			c, err := config.LoadConfig(scope)
			if err != nil {
				continue
			}
			if e := cmp.Or(c.User.Email, c.Author.Email); e != "" {
				return e
			}
		}
		return ""
	}
	return cmp.Or(cfg.User.Email, cfg.Author.Email)
}
