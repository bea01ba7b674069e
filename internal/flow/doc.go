// Package flow holds Baton's flows: the steps that combine git, GitHub and
// file edits into one piece of work, so that they are tested without the
// command line.
//
//   - Publish: an edit computed against the remote's default branch (or
//     the change's branch from an earlier run), validated, committed on a
//     branch without touching the working tree, pushed, and its pull
//     request found or opened and pinged. IncidentEdit adapts declare,
//     update and postmortem edits; other edits (rotation changes) bring
//     their own branch, title, body and reviewers.
//   - Ping: the IMOC workflow on a pull request that touches incidents:
//     review request, owner assignment, severity label and one sticky
//     comment with the roles and next steps; on one that changes
//     rotations/ or people.yaml, the comment also shows who gains and
//     loses which shifts, and the people whose shifts change are asked.
//   - CompareSchedules: what a change to the rotations does to who is on
//     call, between two revisions (baton schedule diff); RotaEdit
//     publishes overrides and swaps with the people they move as
//     reviewers.
//   - Notify: the events between two revisions of the repository, read
//     from git (LoadRange, Events: never the working tree), delivered to
//     the notify: targets of baton.yaml that want them, each target with
//     its audience's view, independently of the others. NotifyHandoff
//     sends the IMOC handoffs (Handoffs) to internal targets.
//   - EscapeMarkdown and EscapeTitle: the one escaping of file and pull
//     request content for everything Baton writes to GitHub.
//
// A pull request's content is untrusted. Ping decides who is asked,
// assigned, labelled or mentioned only from the base branch's checkout
// (people.yaml, rotations/, baton.yaml), reads the touched incident files
// from the pull request's head as data, and lets
// them drive nothing but the comment's text (escaped): the IMOC asked for
// a review is the one the base branch's rotation had on call when the
// incident was declared (or the one the base branch's file names), the
// owner assigned and the people mentioned must be in the base branch's
// people.yaml, labels are the base branch's severities, a pull request
// whose incident files do not validate gets a neutral comment and nothing
// else, and one that touches more than MaxIncidents incidents too. Its
// rotation files and people.yaml are read the same way, as data laid over
// the base branch's checkout, to compute whose shifts would change; they
// decide which of the base branch's people are asked (at most
// MaxRotaReviewers), and nothing else.
//
// The flows reach GitHub and git through the small Forge, Git and
// Revisions interfaces (implemented by package forge and package gitrepo),
// and notification endpoints through Poster (package notify), take the
// current time as an input, print nothing and return structured results
// that package cmd/baton prints. They are not for parsing flags, reading
// the environment or choosing exit codes (cmd/baton), nor for the file
// edits themselves (internal/edit) or talking HTTP (internal/forge,
// internal/notify).
package flow
