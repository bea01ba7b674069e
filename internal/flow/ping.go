package flow

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton/internal/edit"
	"github.com/batonhq/baton/internal/forge"
	"github.com/batonhq/baton/oncall"
	"github.com/batonhq/baton/schema"
)

// MaxIncidents is the most incidents and postmortems one pull request may
// touch for ping to act on it. A larger one gets a neutral comment and no
// review requests, assignments or labels: it is almost certainly not an
// incident update, and the work ping does grows with it.
const MaxIncidents = 10

// PingMarker is the hidden marker of ping's sticky comment.
var PingMarker = forge.Marker("ping")

// Target is an incident that a pull request touches.
type Target struct {
	ID string
	// Postmortem says whether the pull request touches its postmortem.
	Postmortem bool
}

// PingRequest is one `baton ping`.
type PingRequest struct {
	// PR is the pull request's number.
	PR int
	// Base is the checkout of the pull request's base branch. people.yaml,
	// rotations/ and baton.yaml come only from here, whatever the pull
	// request changes; the touched incident files are read from the pull
	// request's head through the API, as data, and so are its rotation
	// files and people.yaml, only to show what they would change.
	Base fs.FS
	// Now is the instant postmortem due dates are judged at, and the start
	// of the RotaDays compared for a pull request that changes rotations.
	Now time.Time
}

// Held says why a ping made no requests.
const (
	HeldTooMany = "too-many" // more than MaxIncidents incidents, or MaxRotaFiles rotation files
	HeldInvalid = "invalid"  // the touched incident, rotation or people files do not validate
)

// PingResult is what a ping did.
type PingResult struct {
	// PR is the pull request's number.
	PR int
	// Touched are the incidents the pull request touches, by path.
	Touched []Target
	// RotaFiles are the rotation files and people.yaml it touches, and
	// RotaChanged the people whose shifts those changes move (within
	// RotaDays of Now), sorted by handle.
	RotaFiles, RotaChanged []string
	// Did lists what changed on GitHub, e.g. "requested review from bob",
	// "assigned carol", "labelled SEV2", "comment edited".
	Did []string
	// Comment is the sticky comment's outcome (forge.CommentCreated, …)
	// and Link its URL; both empty when no comment was written.
	Comment, Link string
	// Notes are remarks for the job's log.
	Notes []string
	// Held is HeldTooMany or HeldInvalid when the ping held back. With
	// HeldTooMany it made no requests, assignments or labels and wrote a
	// neutral comment. With HeldInvalid the part whose files do not
	// validate (the incidents, or the rotations and people.yaml) got a
	// neutral section and no requests; the other part, if it validates, was
	// pinged as usual.
	Held string
	// Problems are the validation errors that held it back (HeldInvalid).
	Problems schema.Problems
}

// Ping does the IMOC workflow on a pull request: for each incident or
// postmortem it touches, a review request to the IMOC, the owner assigned,
// the severity label, and one sticky comment with the roles and next steps.
// When it changes rotations/ or people.yaml, the comment also shows who
// gains and loses which shifts in the next RotaDays days (the base branch
// against the base branch with the pull request's versions of those
// files), new gaps and new conflicts with time away, and Ping asks
// everyone whose shifts change for a review.
//
// Everything the pull request holds is untrusted: the people asked for a
// review, assigned or mentioned come only from the base branch's
// people.yaml, the IMOC asked is the one the base branch's rotation had on
// call when the incident was declared (or the one the base branch's file
// names), labels are the base branch's severities, a pull request whose
// incident, rotation or people files do not validate gets a neutral
// comment and nothing else, and every string from it is escaped
// (EscapeMarkdown). Its rotation files and people.yaml are data: they
// decide whose shifts the comment shows as changing, and so which people
// of the base branch's people.yaml are asked (at most MaxRotaReviewers),
// nothing else.
func Ping(ctx context.Context, gh Forge, req PingRequest) (*PingResult, error) {
	out := &PingResult{PR: req.PR}
	pr, err := gh.PR(ctx, req.PR)
	if err != nil {
		return out, err
	}
	paths, err := gh.PRFiles(ctx, req.PR)
	if err != nil {
		return out, err
	}
	var touched []string
	for _, p := range paths {
		if IsRotaFile(p) {
			out.RotaFiles = append(out.RotaFiles, p)
			continue
		}
		id, ok := incidentFileID(p)
		if !ok {
			continue
		}
		touched = append(touched, p)
		i := slices.IndexFunc(out.Touched, func(t Target) bool { return t.ID == id })
		if i < 0 {
			out.Touched = append(out.Touched, Target{ID: id})
			i = len(out.Touched) - 1
		}
		if path.Base(p) == schema.PostmortemFile {
			out.Touched[i].Postmortem = true
		}
	}
	if len(out.Touched) == 0 && len(out.RotaFiles) == 0 {
		return out, nil
	}
	if len(out.Touched) > MaxIncidents {
		out.Held = HeldTooMany
		body := fmt.Sprintf("## Baton\n\nThis pull request touches %d incidents. Baton pings the IMOC on pull requests that touch at most %d, so it has asked nobody to review this one. Split it, or ask the IMOCs for a review yourself.\n", len(out.Touched), MaxIncidents)
		return out, comment(ctx, gh, pr, body, out)
	}
	if len(out.RotaFiles) > MaxRotaFiles {
		out.Held = HeldTooMany
		body := fmt.Sprintf("## Baton\n\nThis pull request touches %d rotation files. Baton shows what a pull request does to people's shifts when it touches at most %d, so it has asked nobody to review this one. Split it, or ask the people concerned for a review yourself.\n", len(out.RotaFiles), MaxRotaFiles)
		return out, comment(ctx, gh, pr, body, out)
	}
	// The touched files as the pull request has them, read as data.
	read := func(paths []string) ([]edit.File, error) {
		var files []edit.File
		for _, p := range paths {
			data, exists, err := gh.File(ctx, p, pr.HeadSHA)
			if err != nil {
				return nil, err
			}
			if !exists {
				data = nil // deleted by the pull request
			} else if data == nil {
				data = []byte{}
			}
			files = append(files, edit.File{Path: p, Data: data})
		}
		return files, nil
	}
	files, err := read(touched)
	if err != nil {
		return out, err
	}
	rotaFiles, err := read(out.RotaFiles)
	if err != nil {
		return out, err
	}
	base, baseProblems := schema.Load(ctx, req.Base)
	// Incidents are checked against the base branch's people and
	// rotations; the rotation files against the base branch's other files.
	after, ps := schema.Load(ctx, Overlay(req.Base, files))
	var head *schema.Repo
	var rps schema.Problems
	if len(rotaFiles) > 0 {
		head, rps = schema.Load(ctx, Overlay(req.Base, rotaFiles))
	}
	if err := ctx.Err(); err != nil {
		return out, err // a partly loaded repository would look invalid
	}
	dirs := map[string]bool{}
	for _, f := range files {
		dirs[path.Dir(f.Path)] = true
	}
	var incBad, rotaBad schema.Problems
	for _, p := range ps {
		if p.Level == schema.Error && (dirs[p.File] || dirs[path.Dir(p.File)]) {
			incBad = append(incBad, p)
		}
	}
	if head != nil {
		edited := map[string]bool{}
		for _, f := range rotaFiles {
			edited[f.Path] = true
		}
		had := rotaErrors(baseProblems, nil)
		for _, p := range rotaErrors(rps, nil) {
			if edited[p.File] || !slices.Contains(had, p) {
				rotaBad = append(rotaBad, p)
			}
		}
	}
	out.Problems = append(incBad, rotaBad...)
	if len(out.Problems) > 0 {
		out.Held = HeldInvalid
	}
	incOK, rotaOK := len(files) > 0 && len(incBad) == 0, head != nil && len(rotaBad) == 0
	if !incOK && !rotaOK {
		return out, comment(ctx, gh, pr, "## Baton\n\n"+invalidText(out.Problems, len(incBad) > 0, len(rotaBad) > 0), out)
	}
	// One part does not validate: it gets a neutral section, the other is
	// pinged.
	targets := out.Touched
	var extras []*extraSection
	if len(incBad) > 0 {
		targets = nil
		extras = append(extras, &extraSection{render: func([]string) string {
			return "### Incidents\n\n" + invalidText(incBad, true, false)
		}})
	}
	switch {
	case rotaOK:
		rp, changed := newRotaPing(base, head, req.Now, pr.BaseRef)
		out.RotaChanged = changed
		extras = append(extras, rp)
	case len(rotaBad) > 0:
		extras = append(extras, &extraSection{render: func([]string) string {
			return "### Rotations\n\n" + invalidText(rotaBad, false, true)
		}})
	}
	res, err := pingPR(ctx, gh, pr, base, after, targets, nil, req.Now, extras...)
	if res != nil {
		out.Did, out.Comment, out.Link = res.Did, res.Comment, res.Link
		out.Notes = append(out.Notes, res.Notes...)
	}
	return out, err
}

// maxProblemRows bounds the problems listed in a neutral comment.
const maxProblemRows = 20

// invalidText says that the incident files, or the rotation and people
// files, of a pull request do not validate, and lists the problems' files,
// lines and codes (never their messages, which quote the pull request).
func invalidText(ps schema.Problems, incidents, rota bool) string {
	var b strings.Builder
	switch {
	case incidents && rota:
		b.WriteString("The incident, rotation or people files in this pull request do not validate, so Baton has asked nobody to review it. Run `baton validate` and fix what it reports; Baton will ping the IMOC and the people whose shifts change when they do.\n\n")
	case rota:
		b.WriteString("The rotation or people files in this pull request do not validate, so Baton has not worked out whose shifts change and has asked nobody about them. Run `baton validate` and fix what it reports; Baton will ping the people whose shifts change when they do.\n\n")
	default:
		b.WriteString("The incident files in this pull request do not validate, so Baton has asked nobody to review it. Run `baton validate` and fix what it reports; Baton will ping the IMOC when they do.\n\n")
	}
	b.WriteString("| File | Line | Problem |\n|---|---|---|\n")
	for i, p := range ps {
		if i == maxProblemRows {
			fmt.Fprintf(&b, "\nAnd %d more.\n", len(ps)-maxProblemRows)
			break
		}
		fmt.Fprintf(&b, "| %s | %d | %s |\n", Code(p.File), max(p.Line, 1), Code(p.Code))
	}
	return b.String()
}

// comment writes body as the sticky comment and records what happened.
func comment(ctx context.Context, gh Forge, pr *forge.PR, body string, out *PingResult) error {
	body += "\n<sub>Written by `baton ping`; edited in place when the pull request changes.</sub>\n"
	outcome, link, err := gh.UpsertComment(ctx, pr.Number, PingMarker, body)
	if err != nil {
		return err
	}
	out.Comment, out.Link = outcome, link
	out.Did = append(out.Did, "comment "+outcome)
	return nil
}

// incidentFileID recognises incidents/<YYYY>/<id>/incident.md and
// postmortem.md and returns the id.
func incidentFileID(p string) (string, bool) {
	parts := strings.Split(p, "/")
	if len(parts) != 4 || parts[0] != schema.IncidentsDir || (parts[3] != schema.IncidentFile && parts[3] != schema.PostmortemFile) {
		return "", false
	}
	if schema.CheckID(parts[2]) != nil || parts[2][:4] != parts[1] {
		return "", false
	}
	return parts[2], true
}

// severityColours are label colours by rank, most severe first.
var severityColours = []string{"b60205", "d93f0b", "fbca04", "0e8a16", "c5def5"}

// roles are the people of one incident that Baton may act on.
type roles struct {
	// imoc is the IMOC Baton asks for a review: the one the pull request
	// names when the base branch vouches for them (on call on the rotation
	// at declared, or named by the base branch's file), else the first
	// qualified IMOC on call then; nil when there is none.
	imoc *schema.Person
	// named is the IMOC the pull request names when Baton asks someone
	// else (or nobody).
	named string
	// rotation and declared are where and when imoc was looked up.
	rotation string
	declared time.Time
	owner    *schema.Person
	// shadows are the pull request's shadows; vouched says which of them
	// the base branch vouches for (only they are @-mentioned).
	shadows []*schema.Person
	vouched map[string]bool
}

// rolesOf decides the roles of in (as the pull request has it) from the
// base repository.
func rolesOf(base *schema.Repo, in *schema.Incident) roles {
	r := roles{vouched: map[string]bool{}}
	r.rotation, r.declared = in.RotationID(base.Config), in.Declared
	var vouchedIMOC []string
	if old := base.Incident(in.ID); old != nil {
		// An existing incident keeps the rotation and instant it was
		// declared with: a pull request cannot move them to pick someone.
		r.rotation, r.declared = old.RotationID(base.Config), old.Declared
		if old.IMOC != "" {
			vouchedIMOC = append(vouchedIMOC, old.IMOC)
		}
		for _, h := range old.Shadows {
			r.vouched[h] = true
		}
	}
	if rot := base.Rotation(r.rotation); rot != nil && !r.declared.IsZero() {
		st := oncall.At(rot, r.declared)
		vouchedIMOC = append(vouchedIMOC, st.IMOC...)
		for _, h := range st.Shadows {
			r.vouched[h] = true
		}
	}
	candidate := func(h string) *schema.Person {
		if p := base.Person(h); p != nil && p.Qualified() && h != in.Owner {
			return p
		}
		return nil
	}
	if in.IMOC != "" && slices.Contains(vouchedIMOC, in.IMOC) {
		r.imoc = candidate(in.IMOC)
	}
	for _, h := range vouchedIMOC {
		if r.imoc != nil {
			break
		}
		r.imoc = candidate(h)
	}
	if in.IMOC != "" && (r.imoc == nil || r.imoc.Handle != in.IMOC) {
		r.named = in.IMOC
	}
	r.owner = base.Person(in.Owner)
	for _, h := range in.Shadows {
		if p := base.Person(h); p != nil {
			r.shadows = append(r.shadows, p)
		}
	}
	return r
}

// pingPR requests reviews, assigns, labels and writes the sticky comment
// for the targets (incidents as after has them, people, rotations and
// severities from base), requests reviews from the reviewers (handles in
// after's people.yaml), and adds the extra sections to the comment after
// asking their people for a review.
func pingPR(ctx context.Context, gh Forge, pr *forge.PR, base, after *schema.Repo, targets []Target, reviewers []string, now time.Time, extras ...*extraSection) (*PingResult, error) {
	out := &PingResult{PR: pr.Number, Touched: targets}
	request := func(login string) (mentioned bool, err error) {
		requested, err := gh.RequestReview(ctx, pr, login)
		switch {
		case errors.Is(err, forge.ErrCannotRequestReview):
			out.Did = append(out.Did, "mentioned "+login+" (review cannot be requested)")
			return true, nil
		case err != nil:
			return false, err
		case requested:
			out.Did = append(out.Did, "requested review from "+login)
		}
		return false, nil
	}
	for _, h := range reviewers {
		if p := after.Person(h); p != nil && p.GitHub != "" {
			if _, err := request(p.GitHub); err != nil {
				return out, err
			}
		}
	}
	var sections []string
	for _, t := range targets {
		in := after.Incident(t.ID)
		if in == nil {
			out.Notes = append(out.Notes, fmt.Sprintf("%s cannot be read from #%d (deleted, or it has errors that `baton validate` reports)", t.ID, pr.Number))
			continue
		}
		r := rolesOf(base, in)
		var mention []string
		if r.imoc != nil && r.imoc.GitHub != "" {
			m, err := request(r.imoc.GitHub)
			if err != nil {
				return out, err
			}
			if m {
				mention = append(mention, r.imoc.GitHub)
			}
		}
		if r.named != "" {
			who := "nobody"
			if r.imoc != nil {
				who = r.imoc.Handle
			}
			out.Notes = append(out.Notes, fmt.Sprintf("%s names IMOC %s, who was not on call on %s when it was declared; asked %s", t.ID, r.named, r.rotation, who))
		}
		if r.owner != nil && r.owner.GitHub != "" {
			added, err := gh.Assign(ctx, pr.Number, pr.Assignees, r.owner.GitHub)
			if err != nil {
				return out, err
			}
			if len(added) > 0 {
				pr.Assignees = append(pr.Assignees, added...)
				out.Did = append(out.Did, "assigned "+strings.Join(added, ", "))
			}
		}
		if sev, rank := base.Config.Severity(in.Severity); sev != nil {
			desc := sev.Name
			if sev.Description != "" {
				desc += ": " + sev.Description
			}
			if len([]rune(desc)) > 100 {
				desc = string([]rune(desc)[:97]) + "..."
			}
			added, err := gh.AddLabel(ctx, pr.Number, pr.Labels, forge.Label{Name: sev.ID, Color: severityColours[min(rank, len(severityColours)-1)], Description: desc})
			if err != nil {
				return out, err
			}
			if added {
				pr.Labels = append(pr.Labels, sev.ID)
				out.Did = append(out.Did, "labelled "+sev.ID)
			}
		}
		sections = append(sections, pingSection(base, in, r, t.Postmortem && in.Postmortem != nil, mention, now))
	}
	for _, x := range extras {
		var mention []string
		for _, p := range x.request {
			if strings.EqualFold(p.GitHub, pr.Author) {
				continue // their own change: GitHub would refuse, and a mention would be noise
			}
			m, err := request(p.GitHub)
			if err != nil {
				return out, err
			}
			if m {
				mention = append(mention, p.GitHub)
			}
		}
		sections = append(sections, x.render(mention))
	}
	if len(sections) == 0 {
		return out, nil
	}
	body := "## Baton\n\n" + strings.Join(sections, "\n---\n\n")
	return out, comment(ctx, gh, pr, body, out)
}

// pingSection is the part of the sticky comment about one incident. Every
// string that comes from the pull request is escaped; people are named
// from the base branch's people.yaml.
func pingSection(base *schema.Repo, in *schema.Incident, r roles, isPM bool, mentions []string, now time.Time) string {
	c := base.Config
	loc := c.Location
	if loc == nil {
		loc = time.UTC
	}
	who := func(p *schema.Person, vouched bool) string {
		switch {
		case p == nil:
			return "—"
		case p.GitHub != "" && vouched:
			return Mention(p.GitHub) + " (" + EscapeMarkdown(p.Name) + ")"
		}
		return EscapeMarkdown(p.Name)
	}
	var b strings.Builder
	kind := "Incident"
	switch {
	case isPM:
		kind = "Postmortem of"
	case in.IsMaintenance():
		kind = "Maintenance"
	}
	fmt.Fprintf(&b, "### %s %s: %s\n\n", kind, Code(in.ID), EscapeMarkdown(in.Title))
	sev, _ := c.Severity(in.Severity)
	sevText := EscapeMarkdown(in.Severity)
	if sev != nil {
		sevText = fmt.Sprintf("**%s** (%s): %s", EscapeMarkdown(sev.ID), EscapeMarkdown(sev.Name), EscapeMarkdown(sev.Description))
	}
	b.WriteString("| | |\n|---|---|\n")
	if in.Severity != "" {
		fmt.Fprintf(&b, "| Severity | %s |\n", sevText)
	} else if in.IsMaintenance() {
		if w := in.Scheduled; w != nil {
			fmt.Fprintf(&b, "| Window | %s to %s |\n", w.From.In(loc).Format("2006-01-02 15:04 MST"), w.Until.In(loc).Format("2006-01-02 15:04 MST"))
		}
	}
	fmt.Fprintf(&b, "| Status | %s (declared %s) |\n", EscapeMarkdown(in.Status), in.Declared.In(loc).Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "| IMOC | %s |\n", who(r.imoc, true))
	fmt.Fprintf(&b, "| Owner | %s |\n", who(r.owner, true))
	var sh []string
	for _, p := range r.shadows {
		sh = append(sh, who(p, r.vouched[p.Handle]))
	}
	if len(sh) == 0 {
		sh = []string{"—"}
	}
	fmt.Fprintf(&b, "| Shadows | %s |\n", strings.Join(sh, ", "))
	due, required := schema.PostmortemDue(c, in)
	if required {
		state := "none yet"
		if in.Postmortem != nil {
			state = EscapeMarkdown(in.Postmortem.Status)
		}
		overdue := ""
		if !now.Before(due) && !in.Postmortem.IsApproved() {
			overdue = " **(overdue)**"
		}
		fmt.Fprintf(&b, "| Postmortem | approved by %s%s; %s |\n", due.In(loc).Format("2006-01-02"), overdue, state)
	}
	b.WriteString("\n")
	if in.IMOC == "" && r.imoc != nil {
		fmt.Fprintf(&b, "The incident names no IMOC; %s was on call on %s when it was declared: add `imoc: %s`.\n\n", Code(r.imoc.Handle), Code(r.rotation), r.imoc.Handle)
	}
	if r.named != "" {
		when := r.declared.In(loc).Format("2006-01-02 15:04 MST")
		if r.imoc != nil {
			fmt.Fprintf(&b, "The pull request names %s as the IMOC, but %s was on call on %s when the incident was declared (%s): Baton asks %s.\n\n",
				Code(r.named), Code(r.imoc.Handle), Code(r.rotation), when, Code(r.imoc.Handle))
		} else {
			fmt.Fprintf(&b, "The pull request names %s as the IMOC, but no other qualified IMOC was on call on %s when the incident was declared (%s): Baton has asked nobody to review it.\n\n",
				Code(r.named), Code(r.rotation), when)
		}
	}
	for _, m := range mentions {
		fmt.Fprintf(&b, "%s: GitHub does not let Baton request your review on this pull request (you may have opened it); please review it all the same.\n\n", Mention(m))
	}
	b.WriteString("**IMOC, next:**\n")
	switch {
	case r.imoc == nil:
		b.WriteString("- No IMOC is attached: nobody was on call when it was declared. Add `imoc:` to the incident.\n")
	case isPM:
		b.WriteString("- Review the postmortem: blameless wording, contributing factors rather than causes, action items with an owner, a due date and a link.\n")
		b.WriteString("- Approve by setting `status: approved` and `approved: {by, at}`.\n")
		if required {
			fmt.Fprintf(&b, "- It must be approved by %s.\n", due.In(loc).Format("2006-01-02"))
		}
	case in.IsResolved():
		b.WriteString("- Check the resolution update and the times (`mitigated`, `resolved`).\n")
		if required && in.Postmortem == nil && sev != nil {
			fmt.Fprintf(&b, "- %s requires a postmortem approved by %s: `baton postmortem %s --pr`.\n", EscapeMarkdown(sev.ID), due.In(loc).Format("2006-01-02"), in.ID)
		}
	default:
		b.WriteString("- Acknowledge, and check the severity is properly leveled for the impact.\n")
		b.WriteString("- Connect the owner and responders with the people and teams they need; keep status updates flowing (`baton update --pr`).\n")
		b.WriteString("- Keep the process blameless.\n")
		if sev != nil && sev.Postmortem.Required {
			fmt.Fprintf(&b, "- %s requires a postmortem within %d days of resolution.\n", EscapeMarkdown(sev.ID), sev.Postmortem.DueDays)
		}
	}
	return b.String()
}
