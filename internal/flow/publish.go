package flow

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/batonhq/baton/internal/edit"
	"github.com/batonhq/baton/internal/forge"
	"github.com/batonhq/baton/internal/gitrepo"
	"github.com/batonhq/baton/schema"
)

// Edit computes a change from the repository at a revision: the loaded
// repository and the files it was loaded from. Publish may call it twice
// (once more on the change's branch when that already exists), so it must
// not have side effects. Its error is returned inside an EditError.
type Edit func(repo *schema.Repo, fsys fs.FS) (*Change, error)

// Change is an edit ready to publish as a pull request.
type Change struct {
	// Branch is the pull request's head branch. A later run of the same
	// edit must name the same branch: that is how it finds its pull
	// request again.
	Branch string
	// Files are the files added or replaced; none means nothing to commit.
	Files []edit.File
	// Message is the commit message.
	Message string
	// Notes are remarks for the person running the command.
	Notes []string
	// Describe returns the pull request's title, body and pings from the
	// repository as the branch has it with the change. Nil: the branch
	// name is the title, and nobody is pinged.
	Describe func(after *schema.Repo) PRSpec
}

// PRSpec describes the pull request of a change.
type PRSpec struct {
	// Title and Body are used when the pull request is opened; an open one
	// keeps its own. Anything in them that comes from files must already
	// be escaped (EscapeTitle, EscapeMarkdown).
	Title, Body string
	// Reviewers are the handles (people.yaml) to request a review from
	// besides the pinged incidents' IMOCs: for a rotation change, the
	// people whose shifts change.
	Reviewers []string
	// Incidents are pinged as `baton ping` would: review request,
	// assignment, label and the sticky comment.
	Incidents []Target
}

// Publication is one Publish.
type Publication struct {
	// Remote is the git remote to fetch from and push to.
	Remote string
	// DefaultBranch is the branch pull requests go to.
	DefaultBranch string
	// Branch is the change's branch when it is known before the edit runs
	// (update and postmortem); the edit then runs on it when the remote
	// has it. Empty when only the edit knows it (declare): Publish then
	// runs the edit on the default branch, and once more on the branch
	// when the remote already has it.
	Branch string
	Edit   Edit
	// Now is when the change is made: the commit's time, and the instant
	// policies are checked at.
	Now time.Time
	// Signature signs the commit; the zero value means the clone's git
	// identity (gitrepo's DefaultSignature when there is none).
	Signature gitrepo.Signature
}

// Published is what Publish did. It is returned, as far as it got, with
// errors too.
type Published struct {
	// Branch is the change's branch, once the edit has named it.
	Branch string
	// Notes are the edit's remarks.
	Notes []string
	// Pushed is the commit pushed to Branch, or "" when nothing new was
	// pushed.
	Pushed string
	// PR is the pull request, nil when there was nothing to commit and no
	// branch from an earlier run.
	PR *forge.PR
	// Created says whether PR was opened now.
	Created bool
	// Ping is what pinging the pull request did, or nil.
	Ping *PingResult
}

// Publish computes an edit against the remote's default branch (or the
// change's branch from an earlier run), checks that the result validates,
// commits it on the change's branch without touching the working tree,
// pushes, finds or opens the pull request and pings it. Every step is
// idempotent: publishing the same edit twice leaves one branch, one pull
// request, one review request, one label and one comment.
func Publish(ctx context.Context, gh Forge, g Git, p Publication) (*Published, error) {
	out := &Published{}
	def := p.DefaultBranch
	wanted := []string{def}
	if p.Branch != "" {
		wanted = append(wanted, p.Branch)
	}
	have, err := g.Fetch(ctx, p.Remote, wanted...)
	if err != nil {
		return out, err
	}
	if _, ok := have[def]; !ok {
		return out, &Error{Msg: fmt.Sprintf("the remote %s has no branch %s", p.Remote, def), Hint: fmt.Sprintf("set github.default_branch in baton.yaml, or push %s first", def)}
	}
	load := func(rev string) (*schema.Repo, fs.FS, *Change, error) {
		fsys, err := g.FS(ctx, rev)
		if err != nil {
			return nil, nil, nil, err
		}
		repo, _ := schema.Load(ctx, fsys)
		if err := ctx.Err(); err != nil {
			return nil, nil, nil, err // an edit of a partly loaded repository could be wrong
		}
		ch, err := p.Edit(repo, fsys)
		if err != nil {
			return nil, nil, nil, &EditError{Err: err}
		}
		if ch.Branch == "" {
			return nil, nil, nil, errors.New("the edit names no branch")
		}
		return repo, fsys, ch, nil
	}
	baseRev := p.Remote + "/" + def
	if _, ok := have[p.Branch]; ok && p.Branch != "" {
		baseRev = p.Remote + "/" + p.Branch
	}
	repo, fsys, ch, err := load(baseRev)
	if err != nil {
		return out, err
	}
	if _, ok := have[ch.Branch]; !ok && ch.Branch != p.Branch {
		// The branch is known only now: continue on the branch of an
		// earlier run when there is one.
		more, err := g.Fetch(ctx, p.Remote, ch.Branch)
		if err != nil {
			return out, err
		}
		if h, ok := more[ch.Branch]; ok {
			have[ch.Branch] = h
			baseRev = p.Remote + "/" + ch.Branch
			if repo, fsys, ch, err = load(baseRev); err != nil {
				return out, err
			}
		}
	}
	branch := ch.Branch
	out.Branch, out.Notes = branch, ch.Notes
	_, onBranch := have[branch]
	if len(ch.Files) > 0 {
		bad, err := CheckEdit(ctx, fsys, ch.Files, p.Now)
		if err != nil {
			return out, err
		}
		if len(bad) > 0 {
			return out, &InvalidEditError{Problems: bad}
		}
		parent, err := g.Resolve(baseRev)
		if err != nil {
			return out, err
		}
		sig := p.Signature
		if sig == (gitrepo.Signature{}) {
			sig = g.Identity()
		}
		var files []gitrepo.File
		for _, f := range ch.Files {
			files = append(files, gitrepo.File{Path: f.Path, Data: f.Data})
		}
		hash, changed, err := g.Commit(ctx, parent, files, ch.Message, sig, p.Now)
		if err != nil {
			return out, fmt.Errorf("committing: %w", err)
		}
		if changed {
			if err := g.SetBranch(branch, hash); err != nil {
				return out, err
			}
			if err := g.Push(ctx, p.Remote, branch, false); err != nil {
				var ge *gitrepo.Error
				if errors.As(err, &ge) && ge.Hint != "" {
					return out, err
				}
				return out, &Error{Msg: err.Error(), Hint: fmt.Sprintf("someone else may have pushed to %s; run the command again", branch), Err: err}
			}
			out.Pushed = hash
			onBranch = true
		}
	}
	if !onBranch {
		return out, nil
	}
	// The repository as the pull request shows it.
	after, _ := schema.Load(ctx, Overlay(fsys, ch.Files))
	if err := ctx.Err(); err != nil {
		return out, err
	}
	spec := PRSpec{Title: branch, Body: "Opened by baton."}
	if ch.Describe != nil {
		spec = ch.Describe(after)
	}
	pr, created, err := gh.FindOrCreatePR(ctx, forge.NewPR{Head: branch, Base: def, Title: spec.Title, Body: spec.Body})
	if err != nil {
		return out, err
	}
	out.PR, out.Created = pr, created
	if len(spec.Incidents) > 0 || len(spec.Reviewers) > 0 {
		// The edit's author is trusted: the repository before the change
		// is the base the roles are checked against.
		res, err := pingPR(ctx, gh, pr, repo, after, spec.Incidents, spec.Reviewers, p.Now)
		out.Ping = res
		if err != nil {
			return out, err
		}
	}
	return out, nil
}
