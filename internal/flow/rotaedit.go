package flow

import (
	"io/fs"
	"time"

	"github.com/batonhq/baton/internal/edit"
	"github.com/batonhq/baton/oncall"
	"github.com/batonhq/baton/schema"
)

// RotaEdit turns an edit of a rotation file (internal/edit's AddOverrides
// or Swap) into an Edit for Publish, on branch: title is the commit's
// first line and the pull request's title; the pull request's body shows
// who gains and loses which shifts over the RotaDays days from now,
// compared with the branch the edit was computed on (baseRef), and the
// people whose shifts change are asked to review.
func RotaEdit(branch, title, baseRef string, now time.Time, mk func(repo *schema.Repo, fsys fs.FS) (*edit.Result, error)) Edit {
	return func(repo *schema.Repo, fsys fs.FS) (*Change, error) {
		res, err := mk(repo, fsys)
		if err != nil {
			return nil, err
		}
		return &Change{
			Branch:  branch,
			Files:   res.Files,
			Message: title + "\n\nCreated by baton.\n",
			Notes:   res.Notes,
			Describe: func(after *schema.Repo) PRSpec {
				d := oncall.Compare(repo, after, now, now.AddDate(0, 0, RotaDays))
				changed := d.Changed()
				spec := PRSpec{Title: EscapeTitle(title)}
				asked := map[string]bool{}
				for _, pd := range changed {
					spec.Reviewers = append(spec.Reviewers, pd.Person)
					if p := after.Person(pd.Person); p != nil && p.GitHub != "" {
						asked[pd.Person] = true
					}
				}
				spec.Body = rotaSection(repo, after, d, changed, asked, false, nil, baseRef, false) +
					"\nOpened by baton. Pull requests opened with the Actions GITHUB_TOKEN do not start other workflows: re-run checks by pushing a commit, or use a GitHub App token.\n"
				return spec
			},
		}, nil
	}
}
