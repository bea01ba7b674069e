package importer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/batonhq/baton/internal/edit"
	"github.com/batonhq/baton/oncall"
	"github.com/batonhq/baton/schema"
)

// Options control Apply.
type Options struct {
	// DryRun lists what would be written and writes nothing.
	DryRun bool
	// Now is the instant validation takes as the present (policy deadlines,
	// rotation gaps).
	Now time.Time
}

// Report is what Apply did.
type Report struct {
	// Notes are the plan's notes followed by Apply's own (files that
	// already exist, lines appended to baton.yaml and people.yaml).
	Notes []Note
	// Written lists the paths written (or, for a dry run, that would be),
	// in order.
	Written []string
	// Problems are the validation problems of the repository after
	// writing (none for a dry run).
	Problems schema.Problems
}

// Apply writes the plan into the repository at root: new files through a
// temporary file and a rename, never replacing an existing file; new
// components appended to baton.yaml and new people to people.yaml, unless
// an entry with the same id or handle is there already. Then it validates
// the whole repository as `baton validate` does. A dry run only reports.
func Apply(ctx context.Context, root *os.Root, p *Plan, opt Options) (*Report, error) {
	rep := &Report{Notes: slices.Clone(p.Notes)}
	fsys := root.FS()
	for _, f := range p.Files {
		if _, err := fs.Stat(fsys, f.Path); err == nil {
			rep.Notes = append(rep.Notes, Note{Kind: Exists, Item: f.Item, Text: f.Path + " already exists; left as it is"})
			continue
		} else if !errors.Is(err, fs.ErrNotExist) {
			return rep, fmt.Errorf("checking %s: %w", f.Path, err)
		}
		if !opt.DryRun {
			if err := edit.WriteFile(root, f.Path, f.Data); err != nil {
				return rep, fmt.Errorf("writing %s: %w", f.Path, err)
			}
		}
		rep.Written = append(rep.Written, f.Path)
		rep.Notes = append(rep.Notes, Note{Kind: Imported, Item: f.Item, Text: f.Path})
	}
	if err := appendEntries(root, rep, opt, schema.ConfigFile, "components", len(p.Components), func(i int, have func(string) bool) (string, *yaml.Node) {
		c := p.Components[i]
		if have(c.ID) {
			return "", nil
		}
		return "component " + c.ID, componentNode(c)
	}, "id"); err != nil {
		return rep, err
	}
	if err := appendEntries(root, rep, opt, schema.PeopleFile, "people", len(p.People), func(i int, have func(string) bool) (string, *yaml.Node) {
		np := p.People[i]
		if have(np.Handle) {
			return "", nil
		}
		return "person " + np.Handle, personNode(np)
	}, "handle"); err != nil {
		return rep, err
	}
	if opt.DryRun {
		return rep, nil
	}
	repo, ps := schema.Load(ctx, root.FS())
	ps = append(ps, schema.CheckPolicy(repo, opt.Now)...)
	ps = append(ps, oncall.Check(repo, opt.Now)...)
	ps.Sort()
	rep.Problems = ps
	return rep, nil
}

// appendEntries appends n entries to the list under key in the YAML file
// name, skipping those whose idKey value the file already lists.
func appendEntries(root *os.Root, rep *Report, opt Options, name, key string, n int, entry func(i int, have func(string) bool) (string, *yaml.Node), idKey string) error {
	if n == 0 {
		return nil
	}
	data, err := root.ReadFile(name)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("reading %s: %w", name, err)
	}
	var doc struct {
		List []map[string]any `yaml:"list"`
	}
	var raw map[string]yaml.Node
	_ = yaml.Unmarshal(data, &raw)
	if node, ok := raw[key]; ok {
		_ = node.Decode(&doc.List)
	}
	have := func(id string) bool {
		return slices.ContainsFunc(doc.List, func(m map[string]any) bool { return fmt.Sprint(m[idKey]) == id })
	}
	changed := false
	for i := range n {
		item, node := entry(i, have)
		if node == nil {
			continue
		}
		data, err = edit.AppendListItem(name, data, key, node)
		if err != nil {
			return err
		}
		changed = true
		var m map[string]any
		_ = node.Decode(&m)
		doc.List = append(doc.List, m)
		rep.Notes = append(rep.Notes, Note{Kind: Imported, Item: item, Text: "appended to " + name})
	}
	if !changed {
		return nil
	}
	rep.Written = append(rep.Written, name)
	if opt.DryRun {
		return nil
	}
	if err := edit.WriteFile(root, name, data); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}

func scalar(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func mapping(kv ...string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			continue
		}
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: kv[i]}, scalar(kv[i+1]))
	}
	return n
}

func componentNode(c schema.Component) *yaml.Node {
	return mapping("id", c.ID, "name", c.Name, "group", c.Group, "description", c.Description)
}

func personNode(p NewPerson) *yaml.Node {
	n := mapping("handle", p.Handle, "name", p.Name, "email", p.Email, "time_zone", p.TimeZone, "imoc", p.IMOC)
	n.HeadComment = p.Comment
	return n
}

// Summary counts the notes by kind: "3 imported, 1 already there, 1
// unsupported".
func Summary(notes []Note) string {
	count := map[string]int{}
	for _, n := range notes {
		count[n.Kind]++
	}
	parts := []string{fmt.Sprintf("%d imported", count[Imported]), fmt.Sprintf("%d already there", count[Exists])}
	if count[Unsupported] > 0 {
		parts = append(parts, fmt.Sprintf("%d unsupported", count[Unsupported]))
	}
	return strings.Join(parts, ", ")
}
