package edit

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// AppendListItem appends item to the block list under the top-level key of
// the YAML file data (baton.yaml's components, people.yaml's people),
// creating the key at the end of the file when it is absent. Every other
// byte is kept: comments, key order, quoting and the other entries. name is
// the file's name, for messages. It refuses (with an error) a file whose
// list is written in flow style or whose other keys the splice would
// change.
func AppendListItem(name string, data []byte, key string, item *yaml.Node) ([]byte, error) {
	return appendList(name, data, key, func(d *document, indent string) ([]string, error) {
		return d.renderBlock(&yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{item}}, indent)
	})
}

// appendFlowLine is AppendListItem for an entry already written as one
// line of flow YAML (text, without the "- "): the list gets the line
// "- text" at its indentation.
func appendFlowLine(name string, data []byte, key, text string) ([]byte, error) {
	if strings.ContainsAny(text, "\r\n") {
		return nil, fmt.Errorf("%s: an entry written on one line cannot hold a line break", name)
	}
	return appendList(name, data, key, func(d *document, indent string) ([]string, error) {
		return []string{indent + "- " + text + d.nl}, nil
	})
}

// appendList is AppendListItem with the entry's lines rendered by render
// at the given indentation.
func appendList(name string, data []byte, key string, render itemRenderer) ([]byte, error) {
	d := &document{nl: "\n"}
	s := string(data)
	if strings.Contains(s, "\r\n") {
		d.nl = "\r\n"
	}
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += d.nl
	}
	for line := range strings.SplitAfterSeq(s, "\n") {
		if line != "" {
			d.lines = append(d.lines, line)
		}
	}
	if strings.TrimSpace(s) == "" {
		d.lines = nil
	}
	var before map[string]any
	if len(d.lines) > 0 {
		var err error
		if before, err = d.decoded(); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if _, err := d.root(); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	if len(d.lines) == 0 {
		lines, err := render(d, "  ")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		d.lines = append([]string{key + ":" + d.nl}, lines...)
	} else if err := d.appendItemWith(key, render, nil); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	out := []byte(d.text())
	after, err := d.decoded()
	if err != nil {
		return nil, fmt.Errorf("%s: the edit does not parse: %w", name, err)
	}
	if err := checkOnly(before, after, key); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	old, _ := before[key].([]any)
	now, _ := after[key].([]any)
	if len(now) != len(old)+1 {
		return nil, fmt.Errorf("%s: appending to %s did not add exactly one entry", name, key)
	}
	return out, nil
}

// Slug turns a title into an id part: lower-case ASCII words joined by
// single hyphens, at most 60 characters, cut at a word boundary, accents
// dropped. It is the slug `baton declare` uses.
func Slug(title string) string { return slug(title) }

// UniqueID returns date-slug, or date-slug-2, -3, … while taken says the id
// is in use, keeping the slug within its length limit.
func UniqueID(date, slug string, taken func(string) bool) string {
	return uniqueID(date, slug, taken)
}
