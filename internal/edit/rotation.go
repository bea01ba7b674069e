package edit

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/batonhq/baton/oncall"
	"github.com/batonhq/baton/schema"
)

// AddOverrides appends overrides to the overrides list of a rotation file
// (creating the list at the end of the file when it has none), keeping
// every other byte: comments, key order, quoting and the other entries.
// New entries are written in flow style ({kind: replace, …}, one per line)
// unless the list's last entry is a block mapping, whose style they then
// follow. Instants keep the offset they were given in.
//
// An override the file already has (same kind, user, replaces, from and
// until, whatever the reason) is not added again; when all of them are
// there, the result has no files and a note says so. The result's ID is
// the rotation's id.
func AddOverrides(repo *schema.Repo, fsys fs.FS, rotation string, overrides []schema.Override) (*Result, error) {
	rot, err := rotationOf(repo, rotation)
	if err != nil {
		return nil, err
	}
	res := &Result{ID: rot.ID}
	var add []schema.Override
	for _, o := range overrides {
		if !o.Until.After(o.From) {
			return nil, errorf("--until is the end of the override and must be after --from", "the override ends (%s) before it starts (%s)", stamp(o.Until), stamp(o.From))
		}
		if slices.ContainsFunc(rot.Overrides, func(x schema.Override) bool { return sameOverride(x, o) }) ||
			slices.ContainsFunc(add, func(x schema.Override) bool { return sameOverride(x, o) }) {
			continue
		}
		add = append(add, o)
	}
	if len(add) == 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%s already has %s; nothing changed", rot.Path, plural(len(overrides), "this override", "these overrides")))
		return res, nil
	}
	data, err := fs.ReadFile(fsys, rot.Path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", rot.Path, err)
	}
	flow, err := overridesStyle(data)
	if err != nil {
		return nil, editError(rot.Path, err)
	}
	refuse := func(err error) error {
		return &Error{Msg: fmt.Sprintf("cannot edit %s safely: %v", rot.Path, err),
			Hint: "add the override by hand; Baton appends only to an overrides list written in block style (- one entry per line)"}
	}
	for _, o := range add {
		if flow {
			text, err := overrideLine(o)
			if err == nil {
				data, err = appendFlowLine(rot.Path, data, "overrides", text)
			}
			if err != nil {
				return nil, refuse(err)
			}
			continue
		}
		if data, err = AppendListItem(rot.Path, data, "overrides", overrideNode(o)); err != nil {
			return nil, refuse(err)
		}
	}
	// Read back, the file must end with exactly these overrides.
	parsed, ps := schema.ParseRotation(rot.Path, data)
	if parsed == nil || ps.HasErrors() || len(parsed.Overrides) < len(add) {
		return nil, refuse(fmt.Errorf("the edited file does not read back: %v", ps))
	}
	for i, o := range parsed.Overrides[len(parsed.Overrides)-len(add):] {
		if !sameOverride(o, add[i]) || o.Reason != add[i].Reason {
			return nil, refuse(fmt.Errorf("override %d reads back differently", i+1))
		}
	}
	if n := len(overrides) - len(add); n > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%s already has %d of the overrides; added the other %d", rot.Path, n, len(add)))
	}
	res.Files = []File{{Path: rot.Path, Data: data}}
	return res, nil
}

// Swap plans how a and b exchange the shifts that contain t on a rotation
// (oncall.PlanSwap) and adds the overrides that do it (AddOverrides), with
// reason (by default "swap: a and b"). Asked again, it finds the overrides
// in the file and changes nothing.
func Swap(repo *schema.Repo, fsys fs.FS, rotation, a, b string, t time.Time, reason string) (*Result, oncall.SwapPlan, error) {
	rot, err := rotationOf(repo, rotation)
	if err != nil {
		return nil, oncall.SwapPlan{}, err
	}
	if rot.HasErrors {
		return nil, oncall.SwapPlan{}, errorf("run `baton validate` and fix the errors first", "%s has validation errors, so its shifts cannot be worked out", rot.Path)
	}
	if strings.TrimSpace(reason) == "" {
		reason = "swap: " + a + " and " + b
	}
	plan, err := oncall.PlanSwap(rot, a, b, t, reason)
	if err != nil {
		if se, ok := err.(*oncall.SwapError); ok {
			return nil, plan, &Error{Msg: se.Msg, Hint: se.Hint}
		}
		return nil, plan, err
	}
	res, err := AddOverrides(repo, fsys, rotation, plan.Overrides)
	return res, plan, err
}

// rotationOf returns the rotation with the given id, or an error with the
// ids there are.
func rotationOf(repo *schema.Repo, id string) (*schema.Rotation, error) {
	if rot := repo.Rotation(id); rot != nil {
		return rot, nil
	}
	var ids []string
	for _, r := range repo.Rotations {
		ids = append(ids, r.ID)
	}
	hint := "add rotations/" + id + ".yaml, or pick an existing rotation"
	if len(ids) > 0 {
		hint = "the rotations are: " + strings.Join(ids, ", ")
	}
	if !schema.CheckHandle(id) {
		id = fmt.Sprintf("%.40q", id)
	}
	return nil, &Error{Msg: fmt.Sprintf("there is no rotation %s (or its file does not parse)", id), Hint: hint}
}

// sameOverride reports whether two overrides do the same thing.
func sameOverride(a, b schema.Override) bool {
	return a.Kind == b.Kind && a.User == b.User && a.Replaces == b.Replaces && a.From.Equal(b.From) && a.Until.Equal(b.Until)
}

// overridesStyle reports whether new overrides should be written in flow
// style: yes, unless the list's last entry is a block mapping.
func overridesStyle(data []byte) (flow bool, err error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return false, err
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return true, nil
	}
	_, v := lookup(doc.Content[0], "overrides")
	if v == nil || v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
		return true, nil
	}
	last := v.Content[len(v.Content)-1]
	return last.Kind != yaml.MappingNode || last.Style&yaml.FlowStyle != 0, nil
}

// overrideNode renders an override as a block YAML mapping: kind, user,
// replaces, from, until, reason.
func overrideNode(o schema.Override) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	add := func(k string, v *yaml.Node) { n.Content = append(n.Content, str(k), v) }
	add("kind", str(o.Kind))
	add("user", str(o.User))
	if o.Replaces != "" {
		add("replaces", str(o.Replaces))
	}
	add("from", timestamp(o.From))
	add("until", timestamp(o.Until))
	if o.Reason != "" {
		add("reason", str(o.Reason))
	}
	return n
}

// overrideLine renders an override as one line of flow YAML, the way
// people write them: {kind: replace, user: …, from: …, until: …}. Instants
// are written plain (yaml.v3 would quote them in a flow mapping); other
// values are quoted where flow style needs it.
func overrideLine(o schema.Override) (string, error) {
	var parts []string
	add := func(k, v string) error {
		text, err := flowScalar(v)
		if err != nil {
			return err
		}
		parts = append(parts, k+": "+text)
		return nil
	}
	if err := add("kind", o.Kind); err != nil {
		return "", err
	}
	if err := add("user", o.User); err != nil {
		return "", err
	}
	if o.Replaces != "" {
		if err := add("replaces", o.Replaces); err != nil {
			return "", err
		}
	}
	parts = append(parts, "from: "+stamp(o.From), "until: "+stamp(o.Until))
	if o.Reason != "" {
		if err := add("reason", o.Reason); err != nil {
			return "", err
		}
	}
	return "{" + strings.Join(parts, ", ") + "}", nil
}

// flowScalar renders a string as a YAML scalar that may stand in a flow
// collection, on one line.
func flowScalar(s string) (string, error) {
	b, err := yaml.Marshal(&yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle, Content: []*yaml.Node{str(s)}})
	if err != nil {
		return "", err
	}
	text := strings.TrimSuffix(string(b), "\n")
	if !strings.HasPrefix(text, "[") || !strings.HasSuffix(text, "]") || strings.Contains(text, "\n") {
		return "", fmt.Errorf("value %q does not fit on one line", s)
	}
	return text[1 : len(text)-1], nil
}

// plural returns one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
