package schema

import "time"

// Postmortem statuses, in order.
const (
	PMDraft     = "draft"
	PMInReview  = "in-review"
	PMApproved  = "approved"
	PMPublished = "published"
)

// PostmortemStatuses lists the postmortem statuses in order.
var PostmortemStatuses = []string{PMDraft, PMInReview, PMApproved, PMPublished}

// Postmortem is incidents/<YYYY>/<id>/postmortem.md.
type Postmortem struct {
	Meta
	// Path is the file's slash-separated path inside the repo.
	Path string `yaml:"-"`

	Status      string       `yaml:"status"`
	Visibility  string       `yaml:"visibility"`
	Authors     []string     `yaml:"authors"`
	Reviewers   []string     `yaml:"reviewers"`
	Approved    *Approval    `yaml:"approved"`
	ActionItems []ActionItem `yaml:"action_items"`
	Summary     string       `yaml:"summary"`

	// Body is the Markdown after the front matter.
	Body string `yaml:"-"`
	// BodyLine is the line number on which Body starts.
	BodyLine int `yaml:"-"`
	// Sections lists the body's level-2 headings in order.
	Sections []Heading `yaml:"-"`
}

// Heading is a Markdown heading found in a postmortem body.
type Heading struct {
	Text string
	Line int
}

// Approval records who approved a postmortem and when.
type Approval struct {
	Meta
	By string    `yaml:"by"`
	At time.Time `yaml:"at"`
}

// Action item fields' allowed values.
var (
	ActionTypes      = []string{"prevent", "mitigate", "detect", "process"}
	ActionPriorities = []string{"P1", "P2", "P3"}
	ActionStatuses   = []string{"open", "done", "wontfix"}
)

// ActionItem is one follow-up of a postmortem.
type ActionItem struct {
	Meta
	ID       string `yaml:"id"`
	Title    string `yaml:"title"`
	Type     string `yaml:"type"`
	Priority string `yaml:"priority"`
	Owner    string `yaml:"owner"`
	Due      Date   `yaml:"due"`
	Status   string `yaml:"status"`
	Link     string `yaml:"link"`
}

// IsApproved reports whether the postmortem has been approved (or
// published, which comes after approval).
func (p *Postmortem) IsApproved() bool {
	return p != nil && (p.Status == PMApproved || p.Status == PMPublished)
}

// IsPublic reports whether the postmortem may appear on the public site.
func (p *Postmortem) IsPublic() bool {
	return p != nil && p.Visibility == Public && p.Status == PMPublished
}
