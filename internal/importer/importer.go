// Package importer brings data from other tools into a Baton repository:
// status page history from Atlassian Statuspage and on-call schedules from
// PagerDuty, Opsgenie and Grafana OnCall. Each source lives in a
// subpackage that turns the vendor's documented JSON responses into a
// [Plan]: the files to create, the components and people to append to
// baton.yaml and people.yaml, and a note per item (imported, already
// there, or not representable in Baton and why). The translation is a pure
// function of the decoded responses and the loaded repository; fetching
// those responses ([Client]) and writing the plan ([Apply]) are separate.
//
// The rules every importer follows are the ones `baton declare` follows:
// an existing file is never overwritten (a re-run skips what is there and
// says so), baton.yaml and people.yaml are edited by splicing so comments
// and order survive, and the repository is validated after writing.
// Where a source feature has no exact Baton equivalent the importer says
// so for that item and writes nothing for it, rather than a schedule that
// differs from the vendor's.
//
// The package does not print, decide exit codes or read the environment;
// package cmd/baton does that.
package importer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/batonhq/baton/internal/edit"
	"github.com/batonhq/baton/schema"
)

// Note kinds.
const (
	// Imported: the item will be (or was) written.
	Imported = "imported"
	// Exists: the item is already in the repository; nothing is written.
	Exists = "exists"
	// Unsupported: the item has no exact Baton equivalent; nothing is
	// written for it.
	Unsupported = "unsupported"
	// Info: a remark about an imported item (a conversion, a default).
	Info = "note"
)

// Note is what happened to one item of the source.
type Note struct {
	// Kind is Imported, Exists, Unsupported or Info.
	Kind string
	// Item names the item: "incident 2026-03-02-api-errors", "schedule
	// PABC123 (Primary)".
	Item string
	// Text says what was done or why not.
	Text string
}

func (n Note) String() string {
	if n.Text == "" {
		return n.Kind + ": " + n.Item
	}
	return n.Kind + ": " + n.Item + ": " + n.Text
}

// File is a new file for the repository, at a slash-separated path.
type File struct {
	Path string
	Data []byte
	// Item names what the file holds, for notes.
	Item string
}

// NewPerson is a person to append to people.yaml.
type NewPerson struct {
	schema.Person
	// Comment is written above the entry (e.g. "set github: to their
	// GitHub login").
	Comment string
}

// Plan is everything an import would change. Build it with the methods
// below; Apply writes it.
type Plan struct {
	// Source names the vendor, for comments in written files
	// ("PagerDuty").
	Source     string
	Files      []File
	Components []schema.Component
	People     []NewPerson
	Notes      []Note
}

// Note records a note.
func (p *Plan) Note(kind, item, format string, args ...any) {
	p.Notes = append(p.Notes, Note{Kind: kind, Item: item, Text: fmt.Sprintf(format, args...)})
}

// AddFile adds a new file and an Imported note for it.
func (p *Plan) AddFile(item, path string, data []byte) {
	p.Files = append(p.Files, File{Path: path, Data: data, Item: item})
}

// HasUnsupported reports whether any item could not be imported.
func (p *Plan) HasUnsupported() bool {
	return slices.ContainsFunc(p.Notes, func(n Note) bool { return n.Kind == Unsupported })
}

// People matches a vendor's users to people.yaml by e-mail address (case
// does not matter) and adds the ones it does not know, with a handle made
// from the address (or the name) and `imoc: qualified` because they take
// shifts. It is shared by the schedule importers.
type People struct {
	repo   *schema.Repo
	plan   *Plan
	byKey  map[string]string // vendor user id → handle
	taken  map[string]bool
	source string
}

// NewPeople returns a matcher that adds unknown people to plan.
func NewPeople(repo *schema.Repo, plan *Plan) *People {
	pm := &People{repo: repo, plan: plan, byKey: map[string]string{}, taken: map[string]bool{}, source: plan.Source}
	for _, p := range repo.People {
		pm.taken[p.Handle] = true
	}
	return pm
}

// User is a vendor's user as the schedule importers see it.
type User struct {
	// ID is the vendor's id (or, where the vendor has none, the e-mail).
	ID       string
	Name     string
	Email    string
	TimeZone string
}

// Handle returns the handle of u: the person in people.yaml with u's
// e-mail, or a new person added to the plan.
func (pm *People) Handle(u User) string {
	key := u.ID
	if key == "" {
		key = strings.ToLower(u.Email)
	}
	if h, ok := pm.byKey[key]; ok {
		return h
	}
	if u.Email != "" {
		for _, p := range pm.repo.People {
			if p.Email != "" && strings.EqualFold(p.Email, u.Email) {
				pm.byKey[key] = p.Handle
				return p.Handle
			}
		}
	}
	base := ""
	if local, _, ok := strings.Cut(u.Email, "@"); ok {
		base = handleOf(local)
	}
	if base == "" {
		base = handleOf(u.Name)
	}
	if base == "" {
		base = "person"
	}
	h := base
	for n := 2; pm.taken[h]; n++ {
		h = fmt.Sprintf("%s-%d", base, n)
	}
	pm.taken[h] = true
	pm.byKey[key] = h
	name := strings.TrimSpace(u.Name)
	if name == "" {
		name = h
	}
	np := NewPerson{Person: schema.Person{Handle: h, Name: name, Email: u.Email, IMOC: schema.IMOCQualified}}
	if u.TimeZone != "" {
		np.TimeZone = u.TimeZone
	}
	np.Comment = fmt.Sprintf("Imported from %s: set github: to their GitHub login.", pm.source)
	if u.Email == "" {
		np.Comment = fmt.Sprintf("Imported from %s without an e-mail address: check that this is not someone already listed, and set github:.", pm.source)
	}
	pm.plan.People = append(pm.plan.People, np)
	pm.plan.Note(Info, "person "+h, "%s is not in people.yaml (matched by e-mail); added with imoc: qualified: set their GitHub login", describeUser(u))
	return h
}

func describeUser(u User) string {
	switch {
	case u.Name != "" && u.Email != "":
		return fmt.Sprintf("%s <%s>", u.Name, u.Email)
	case u.Email != "":
		return u.Email
	}
	return u.Name
}

// DropPeople forgets the people a plan would add, and their notes: for a
// schedule that is not imported after all.
func (p *Plan) DropPeople() {
	p.People = nil
	p.Notes = slices.DeleteFunc(p.Notes, func(n Note) bool {
		return n.Kind == Info && strings.HasPrefix(n.Item, "person ")
	})
}

// handleOf makes a handle from an e-mail's local part or a name: the
// slug `baton declare` makes of titles, without its padding of short ones.
func handleOf(s string) string {
	h := edit.Slug(s)
	if strings.HasPrefix(h, "incident") && !strings.HasPrefix(edit.Slug("x "+s), "x-incident") {
		h = strings.TrimPrefix(strings.TrimPrefix(h, "incident"), "-")
	}
	return h
}
