package flow

import (
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/batonhq/baton/internal/edit"
	"github.com/batonhq/baton/schema"
)

// Kind says which incident command an edit comes from; it decides the
// branch, the commit message and the pull request's title and body.
type Kind int

// The incident commands that publish with --pr.
const (
	Declare    Kind = iota // a new incident: baton/incident/<id>
	Update                 // a status update: baton/incident/<id>
	Postmortem             // a postmortem scaffold: baton/postmortem/<id>
)

// Branch returns the branch the edits of kind k to incident id go to.
func (k Kind) Branch(id string) string {
	if k == Postmortem {
		return "baton/postmortem/" + id
	}
	return "baton/incident/" + id
}

// IncidentEdit turns an edit of one incident (internal/edit) into an Edit
// for Publish: its branch, commit message, pull request title and body,
// and the incident to ping on the pull request.
func IncidentEdit(k Kind, mk func(repo *schema.Repo, fsys fs.FS) (*edit.Result, error)) Edit {
	return func(repo *schema.Repo, fsys fs.FS) (*Change, error) {
		res, err := mk(repo, fsys)
		if err != nil {
			return nil, err
		}
		id := res.ID
		msg := commitMessage(k, id, repo)
		if k == Declare && declaresMaintenance(res) {
			msg = "Schedule maintenance " + id + "\n\nCreated by baton declare --type maintenance.\n"
		}
		return &Change{
			Branch:  k.Branch(id),
			Files:   res.Files,
			Message: msg,
			Notes:   res.Notes,
			Describe: func(after *schema.Repo) PRSpec {
				in := after.Incident(id)
				spec := PRSpec{Title: prTitle(k, id, in), Body: prBody(k, id, in)}
				if in != nil {
					spec.Incidents = []Target{{ID: id, Postmortem: k == Postmortem}}
				}
				return spec
			},
		}, nil
	}
}

// declaresMaintenance reports whether a declaration creates a maintenance.
func declaresMaintenance(res *edit.Result) bool {
	for _, f := range res.Files {
		if path.Base(f.Path) == schema.IncidentFile {
			in, _ := schema.ParseIncident(f.Path, f.Data)
			return in != nil && in.IsMaintenance()
		}
	}
	return false
}

func commitMessage(k Kind, id string, repo *schema.Repo) string {
	switch k {
	case Declare:
		return "Declare " + id + "\n\nCreated by baton declare.\n"
	case Postmortem:
		return "Postmortem of " + id + ": scaffold\n\nCreated by baton postmortem.\n"
	}
	status := ""
	if in := repo.Incident(id); in != nil && schema.CheckHandle(in.Status) {
		status = " (was " + in.Status + ")"
	}
	return "Update " + id + status + "\n\nCreated by baton update.\n"
}

// prTitle is the pull request's title; the incident's title is file
// content, so it is escaped.
func prTitle(k Kind, id string, in *schema.Incident) string {
	t := id
	if in != nil && strings.TrimSpace(in.Title) != "" {
		t = EscapeTitle(in.Title)
	}
	switch {
	case k == Declare && in != nil && in.IsMaintenance():
		return "Schedule maintenance: " + t
	case k == Declare:
		return "Declare incident: " + t
	case k == Postmortem:
		return "Postmortem: " + t
	case in != nil && in.IsMaintenance():
		return "Maintenance: " + t
	}
	return "Incident: " + t
}

func prBody(k Kind, id string, in *schema.Incident) string {
	if in == nil {
		return "Opened by baton."
	}
	var b strings.Builder
	switch {
	case k == Postmortem:
		fmt.Fprintf(&b, "The postmortem of %s, scaffolded by `baton postmortem`. Fill in the sections, then ask the reviewers to approve.\n", Code(id))
	case in.IsMaintenance():
		fmt.Fprintf(&b, "Maintenance %s (%s). Status updates are committed here by `baton update --pr`; merging publishes them.\n", Code(id), EscapeMarkdown(in.Status))
	default:
		fmt.Fprintf(&b, "Incident %s (%s, %s). Status updates are committed here by `baton update --pr`; merging publishes them.\n", Code(id), EscapeMarkdown(in.Severity), EscapeMarkdown(in.Status))
	}
	b.WriteString("\nOpened by baton. Pull requests opened with the Actions GITHUB_TOKEN do not start other workflows: re-run checks by pushing a commit, or use a GitHub App token.\n")
	return b.String()
}
