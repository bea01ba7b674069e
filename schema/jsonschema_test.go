package schema

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

// The JSON Schema tests keep the hand-written schemas in schema/jsonschema
// honest three ways: they must be valid draft 2020-12 schemas, they must
// describe exactly the keys and value shapes of the Go types (checked by
// reflection, so the two cannot drift apart), and every real file must pass
// them while broken files fail both them and the Go loader.

// jsGoTypes maps each schema to the Go type its document decodes into.
var jsGoTypes = map[string]reflect.Type{
	"config":     reflect.TypeFor[Config](),
	"people":     reflect.TypeFor[People](),
	"rotation":   reflect.TypeFor[Rotation](),
	"incident":   reflect.TypeFor[Incident](),
	"postmortem": reflect.TypeFor[Postmortem](),
}

// jsExampleRoots are incidents repositories whose files must all pass the
// schemas: this package's fixture, the example organisation at the
// repository root and the `baton init` scaffold.
var jsExampleRoots = []string{
	filepath.Join("testdata", "jsonschema", "repo"),
	"..",
	filepath.Join("..", "cmd", "baton", "scaffold"),
}

func TestJSONSchemaNames(t *testing.T) {
	names := JSONSchemaNames()
	if len(names) != len(jsGoTypes) {
		t.Fatalf("JSONSchemaNames() = %v, want one per Go document type", names)
	}
	embedded, err := fs.Glob(jsonSchemaFS, "jsonschema/*.json")
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, f := range embedded {
		files = append(files, strings.TrimSuffix(path.Base(f), ".json"))
	}
	if got, want := slices.Sorted(slices.Values(files)), slices.Sorted(slices.Values(names)); !slices.Equal(got, want) {
		t.Errorf("embedded schema files %v, want %v", got, want)
	}
	for _, name := range names {
		if _, ok := jsGoTypes[name]; !ok {
			t.Errorf("schema %q has no Go type in jsGoTypes", name)
		}
		data, ok := JSONSchema(name)
		if !ok || len(data) == 0 {
			t.Errorf("JSONSchema(%q) not found", name)
			continue
		}
		// The files are what `baton schema` prints: keep them in one
		// canonical layout (json.Indent with two spaces), as gofmt does for
		// Go, so that diffs stay small.
		var compact, canonical bytes.Buffer
		if err := json.Compact(&compact, data); err != nil {
			t.Errorf("%s.json is not valid JSON: %v", name, err)
			continue
		}
		_ = json.Indent(&canonical, compact.Bytes(), "", "  ")
		canonical.WriteByte('\n')
		if !bytes.Equal(canonical.Bytes(), data) {
			t.Errorf("%s.json is not in canonical layout (json.Indent with two spaces and a final newline)", name)
		}
		var top map[string]any
		if err := json.Unmarshal(data, &top); err != nil {
			t.Fatalf("%s.json: %v", name, err)
		}
		if top["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
			t.Errorf("%s.json: $schema = %v", name, top["$schema"])
		}
		if top["$id"] != JSONSchemaURL(name) {
			t.Errorf("%s.json: $id = %v, want %s", name, top["$id"], JSONSchemaURL(name))
		}
		if s, _ := top["title"].(string); s == "" || strings.Contains(s, "\n") {
			t.Errorf("%s.json: want a one-line title (baton schema lists it)", name)
		}
	}
	if _, ok := JSONSchema("nope"); ok {
		t.Error(`JSONSchema("nope") found something`)
	}
	if _, ok := JSONSchema("../schema"); ok {
		t.Error(`JSONSchema("../schema") found something`)
	}
}

// jsCompile compiles every schema with format assertions on, so that
// "date-time", "date", "email" and "uri" are checked too.
func jsCompile(t *testing.T) map[string]*jsonschema.Schema { return jsCompileFormats(t, true) }

// jsCompileFormats compiles every schema, asserting formats or not. Draft
// 2020-12 makes "format" an annotation by default, and editors mostly treat
// it so: the patterns alone must catch malformed values.
func jsCompileFormats(t *testing.T, assertFormat bool) map[string]*jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if assertFormat {
		c.AssertFormat()
	}
	for _, name := range JSONSchemaNames() {
		data, _ := JSONSchema(name)
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s.json: %v", name, err)
		}
		if err := c.AddResource(JSONSchemaURL(name), doc); err != nil {
			t.Fatalf("%s.json: %v", name, err)
		}
	}
	out := map[string]*jsonschema.Schema{}
	for _, name := range JSONSchemaNames() {
		sch, err := c.Compile(JSONSchemaURL(name))
		if err != nil {
			t.Fatalf("%s.json does not compile as a 2020-12 schema: %v", name, err)
		}
		out[name] = sch
	}
	return out
}

func TestJSONSchemasCompile(t *testing.T) { jsCompile(t) }

// TestJSONSchemasMatchGoTypes walks each Go document type by reflection, as
// the strict decoder sees it (yaml tags, embedded Meta skipped), and checks
// that the schema has exactly the same keys at every level, with matching
// value shapes, closed objects and documented properties.
func TestJSONSchemasMatchGoTypes(t *testing.T) {
	for _, name := range JSONSchemaNames() {
		t.Run(name, func(t *testing.T) {
			data, _ := JSONSchema(name)
			var root map[string]any
			if err := json.Unmarshal(data, &root); err != nil {
				t.Fatal(err)
			}
			w := &jsShapeWalker{t: t, root: root}
			w.check(name, root, jsGoTypes[name], true)
		})
	}
}

type jsShapeWalker struct {
	t    *testing.T
	root map[string]any
}

// jsYAMLKeys returns the keys the strict decoder accepts for a struct type.
func jsYAMLKeys(typ reflect.Type) []string {
	var keys []string
	for i := range typ.NumField() {
		f := typ.Field(i)
		if f.Anonymous && f.Type == metaType {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		keys = append(keys, name)
	}
	return keys
}

func jsFieldByKey(typ reflect.Type, key string) reflect.StructField {
	for i := range typ.NumField() {
		f := typ.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == key || name == "" && strings.ToLower(f.Name) == key {
			return f
		}
	}
	panic("no field " + key)
}

// alternatives follows $ref and flattens anyOf/oneOf, returning the non-null
// alternatives, each merged with the keywords next to the $ref, and whether
// null is allowed.
func (w *jsShapeWalker) alternatives(s map[string]any) (alts []map[string]any, nullable bool) {
	merged := map[string]any{}
	for k, v := range s {
		merged[k] = v
	}
	for {
		ref, ok := merged["$ref"].(string)
		if !ok {
			break
		}
		delete(merged, "$ref")
		def := w.resolve(ref)
		for k, v := range def {
			if _, set := merged[k]; !set || k == "$ref" {
				merged[k] = v
			}
		}
	}
	for _, kw := range []string{"anyOf", "oneOf"} {
		// With a type of its own, anyOf adds constraints (like the
		// rotation's "time_zone here or on every layer"), not shapes.
		if branches, ok := merged[kw].([]any); ok && merged["type"] == nil {
			for _, b := range branches {
				a, n := w.alternatives(b.(map[string]any))
				alts = append(alts, a...)
				nullable = nullable || n
			}
			return alts, nullable
		}
	}
	types := jsTypes(merged)
	if slices.Contains(types, "null") {
		nullable = true
		types = slices.DeleteFunc(types, func(s string) bool { return s == "null" })
	}
	if len(types) == 0 && nullable {
		return nil, true
	}
	return []map[string]any{merged}, nullable
}

func (w *jsShapeWalker) resolve(ref string) map[string]any {
	name, ok := strings.CutPrefix(ref, "#/$defs/")
	if !ok {
		w.t.Fatalf("unsupported $ref %q (use #/$defs/NAME)", ref)
	}
	defs, _ := w.root["$defs"].(map[string]any)
	def, ok := defs[name].(map[string]any)
	if !ok {
		w.t.Fatalf("$ref %q: no such definition", ref)
	}
	return def
}

// jsTypes returns the JSON types a schema allows, from "type" or, for
// enumerations and constants, from their values.
func jsTypes(s map[string]any) []string {
	switch t := s["type"].(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			out = append(out, x.(string))
		}
		return out
	}
	var values []any
	if e, ok := s["enum"].([]any); ok {
		values = e
	} else if c, ok := s["const"]; ok {
		values = []any{c}
	}
	var out []string
	for _, v := range values {
		var ty string
		switch v.(type) {
		case nil:
			ty = "null"
		case string:
			ty = "string"
		case bool:
			ty = "boolean"
		case float64:
			ty = "number"
		default:
			ty = "object"
		}
		if !slices.Contains(out, ty) {
			out = append(out, ty)
		}
	}
	return out
}

func (w *jsShapeWalker) check(at string, s map[string]any, typ reflect.Type, required bool) {
	t := w.t
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	alts, nullable := w.alternatives(s)
	if len(alts) != 1 {
		t.Errorf("%s: want exactly one non-null alternative, got %d", at, len(alts))
		return
	}
	a := alts[0]
	// A null value counts as absent in the Go decoder: optional scalars
	// accept it (editors show `resolved:` as fine), required ones do not.
	if required && nullable {
		t.Errorf("%s: required, but the schema allows null", at)
	}
	if !required && !nullable {
		t.Errorf("%s: optional, so the schema must allow null (the decoder treats it as absent)", at)
	}
	types := slices.DeleteFunc(jsTypes(a), func(s string) bool { return s == "null" })
	want := ""
	_, isScalar := reflect.New(typ).Interface().(scalarValue)
	switch {
	case typ == reflect.TypeFor[time.Time]():
		want = "string"
		if a["format"] != "date-time" || a["pattern"] == nil {
			t.Errorf("%s: an instant needs format date-time and a pattern requiring an offset", at)
		}
	case isScalar:
		want = "string"
		if a["pattern"] == nil {
			t.Errorf("%s: %s values need a pattern", at, typ.Name())
		}
	case typ.Kind() == reflect.String:
		want = "string"
	case typ.Kind() == reflect.Int:
		want = "integer"
	case typ.Kind() == reflect.Bool:
		want = "boolean"
	case typ.Kind() == reflect.Slice:
		want = "array"
	case typ.Kind() == reflect.Struct, typ.Kind() == reflect.Map:
		want = "object"
	default:
		t.Errorf("%s: Go type %s has no JSON Schema mapping in this test", at, typ)
		return
	}
	if !slices.Equal(types, []string{want}) {
		t.Errorf("%s: schema type %v, Go type %s wants %q", at, types, typ, want)
		return
	}
	switch want {
	case "array":
		items, ok := a["items"].(map[string]any)
		if !ok {
			t.Errorf("%s: array without items", at)
			return
		}
		w.check(at+"[]", items, typ.Elem(), true)
	case "object":
		if isScalar {
			return
		}
		if typ.Kind() == reflect.Map {
			// A mapping of free-form text keys: every value has the
			// map's element type.
			if typ.Key().Kind() != reflect.String || a["properties"] != nil {
				t.Errorf("%s: a map needs text keys and no fixed properties", at)
			}
			values, ok := a["additionalProperties"].(map[string]any)
			if !ok {
				t.Errorf("%s: a map needs an additionalProperties schema for its values", at)
				return
			}
			w.check(at+"{}", values, typ.Elem(), true)
			return
		}
		if a["additionalProperties"] != false {
			t.Errorf("%s: want additionalProperties: false (the decoder is strict)", at)
		}
		props, _ := a["properties"].(map[string]any)
		keys := jsYAMLKeys(typ)
		var schemaKeys []string
		for k := range props {
			schemaKeys = append(schemaKeys, k)
		}
		for _, k := range keys {
			if _, ok := props[k]; !ok {
				t.Errorf("%s: Go %s accepts key %q; the schema does not", at, typ.Name(), k)
			}
		}
		for _, k := range schemaKeys {
			if !slices.Contains(keys, k) {
				t.Errorf("%s: the schema has key %q; Go %s does not", at, k, typ.Name())
			}
		}
		var req []string
		if r, ok := a["required"].([]any); ok {
			for _, x := range r {
				req = append(req, x.(string))
				if !slices.Contains(keys, x.(string)) {
					t.Errorf("%s: required key %q is not a property", at, x)
				}
			}
		}
		for _, k := range keys {
			p, ok := props[k].(map[string]any)
			if !ok {
				continue
			}
			for _, doc := range []string{"title", "description"} {
				if s, _ := p[doc].(string); strings.TrimSpace(s) == "" {
					t.Errorf("%s.%s: no %s (editors show it)", at, k, doc)
				}
			}
			w.check(at+"."+k, p, jsFieldByKey(typ, k).Type, slices.Contains(req, k))
		}
	}
}

// jsDoc is one document to validate: a YAML file, or the front matter of a
// Markdown file.
type jsDoc struct {
	schema string
	file   string // path inside the repository
	yaml   []byte
}

// jsFindDocs lists the documents of an incidents repository by the layout
// of an incidents repository.
func jsFindDocs(t *testing.T, fsys fs.FS) []jsDoc {
	t.Helper()
	var docs []jsDoc
	add := func(schema, name string) {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(name, ".md") {
			var ps Problems
			fm, _, _, _, ok := splitFrontMatter(data, reporter{file: name, ps: &ps})
			if !ok {
				t.Errorf("%s: no front matter: %v", name, ps)
				return
			}
			data = fm
		}
		docs = append(docs, jsDoc{schema: schema, file: name, yaml: data})
	}
	for _, f := range []struct{ schema, name string }{{"config", ConfigFile}, {"people", PeopleFile}} {
		if _, err := fs.Stat(fsys, f.name); err == nil {
			add(f.schema, f.name)
		}
	}
	rotations, _ := fs.Glob(fsys, RotationsDir+"/*.yaml")
	for _, r := range rotations {
		add("rotation", r)
	}
	for _, f := range []struct{ schema, name string }{{"incident", IncidentFile}, {"postmortem", PostmortemFile}} {
		matches, _ := fs.Glob(fsys, IncidentsDir+"/*/*/"+f.name)
		for _, m := range matches {
			add(f.schema, m)
		}
	}
	return docs
}

// jsInstance turns YAML into the JSON value a JSON Schema validator (or an
// editor's YAML language server) sees. Scalars keep their original text
// unless they are numbers, booleans or null, so unquoted timestamps stay
// the strings they are in the file rather than yaml.v3's time.Time.
func jsInstance(data []byte) (any, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return jsNodeValue(doc.Content[0], 0)
}

func jsNodeValue(n *yaml.Node, depth int) (any, error) {
	if depth > 100 {
		return nil, fmt.Errorf("line %d: nested too deeply", n.Line)
	}
	switch n.Kind {
	case yaml.AliasNode:
		return jsNodeValue(n.Alias, depth+1)
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := jsNodeValue(n.Content[i+1], depth+1)
			if err != nil {
				return nil, err
			}
			m[n.Content[i].Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		s := []any{}
		for _, c := range n.Content {
			v, err := jsNodeValue(c, depth+1)
			if err != nil {
				return nil, err
			}
			s = append(s, v)
		}
		return s, nil
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return nil, nil
		case "!!bool":
			var b bool
			err := n.Decode(&b)
			return b, err
		case "!!int":
			i, err := strconv.ParseInt(n.Value, 0, 64)
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", n.Line, err)
			}
			return json.Number(strconv.FormatInt(i, 10)), nil
		case "!!float":
			var f float64
			if err := n.Decode(&f); err != nil {
				return nil, err
			}
			return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), nil
		}
		return n.Value, nil
	}
	return nil, fmt.Errorf("line %d: unsupported YAML node", n.Line)
}

// TestJSONSchemasAcceptExamples validates every file of the fixture, the
// example organisation and the init scaffold against its schema.
func TestJSONSchemasAcceptExamples(t *testing.T) {
	schemas := jsCompile(t)
	for _, root := range jsExampleRoots {
		t.Run(filepath.ToSlash(root), func(t *testing.T) {
			docs := jsFindDocs(t, os.DirFS(root))
			seen := map[string]bool{}
			for _, d := range docs {
				seen[d.schema] = true
				inst, err := jsInstance(d.yaml)
				if err != nil {
					t.Errorf("%s: %v", d.file, err)
					continue
				}
				if err := schemas[d.schema].Validate(inst); err != nil {
					t.Errorf("%s does not match the %s schema:\n%v", d.file, d.schema, err)
				}
			}
			// Every root is a complete repository: each kind of file
			// must have been checked at least once.
			for _, name := range JSONSchemaNames() {
				if !seen[name] {
					t.Errorf("no %s file found under %s", name, root)
				}
			}
		})
	}
}

// TestJSONSchemasFixtureIsValid makes sure the fixture the broken cases
// start from is valid for the Go loader too.
func TestJSONSchemasFixtureIsValid(t *testing.T) {
	fsys := jsFixture(t)
	repo, ps := Load(context.Background(), fsys)
	ps = append(ps, CheckPolicy(repo, time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC))...)
	if len(ps) > 0 {
		t.Errorf("fixture has problems:\n%v", ps)
	}
}

func jsFixture(t *testing.T) fstest.MapFS {
	t.Helper()
	root := filepath.Join("testdata", "jsonschema", "repo")
	m := fstest.MapFS{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		m[filepath.ToSlash(rel)] = &fstest.MapFile{Data: data}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// jsMutate replaces the first old in file with new (also removing what
// follows old up to cutTo, when set) and returns the file's schema name and
// its JSON instance.
func jsMutate(t *testing.T, fsys fstest.MapFS, file, old, new, cutTo string) (string, any) {
	t.Helper()
	text := string(fsys[file].Data)
	before, after, ok := strings.Cut(text, old)
	if !ok {
		t.Fatalf("%s does not contain %q", file, old)
	}
	if cutTo != "" {
		i := strings.Index(after, cutTo)
		if i < 0 {
			t.Fatalf("%s does not contain %q after %q", file, cutTo, old)
		}
		after = after[i:]
	}
	fsys[file] = &fstest.MapFile{Data: []byte(before + new + after)}
	for _, d := range jsFindDocs(t, fsys) {
		if d.file == file {
			inst, err := jsInstance(d.yaml)
			if err != nil {
				t.Fatalf("%s: broken YAML: %v", file, err)
			}
			return d.schema, inst
		}
	}
	t.Fatalf("%s not found", file)
	return "", nil
}

// TestJSONSchemasAcceptEquivalentForms changes the fixture in ways the Go
// loader accepts without a problem (empty values, lower-case weekdays,
// seconds in wall-clock times…); the schemas must accept them too.
func TestJSONSchemasAcceptEquivalentForms(t *testing.T) {
	schemas := jsCompile(t)
	tests := []struct{ name, file, old, new string }{
		{"empty optional list", jsIncidentFile, "tags: [deploy]", "tags:"},
		{"empty optional text", PeopleFile, "email: alice@acme.example", "email:"},
		{"empty optional enum", jsPostmortemFile, "    status: open\n", "    status:\n"},
		{"empty optional section", ConfigFile, "training:\n  incidents: 3\n  major: 1\n", "training:\n"},
		{"empty optional instant", jsIncidentFile, "mitigated: 2026-11-20T14:47:00Z", "mitigated:"},
		{"lower-case weekdays", jsRotationFile, "handoff_days: [MO, TU,", "handoff_days: [mo, Tu,"},
		{"wall clock with seconds", jsRotationFile, "anchor: 2025-01-06T09:00, every: 1w", "anchor: 2025-01-06T09:00:30, every: 1w"},
		{"quoted instant", jsIncidentFile, "declared: 2026-11-20T14:03:00Z", `declared: "2026-11-20T14:03:00Z"`},
		{"instant with offset", jsIncidentFile, "declared: 2026-11-20T14:03:00Z", "declared: 2026-11-20T09:03:00-05:00"},
		{"window to 24:00", jsRotationFile, `to: "17:00"`, `to: "24:00"`},
		{"interval in hours", jsRotationFile, "every: 1w", "every: 12h"},
		{"monthly on day 28", jsRotationFile, "anchor: 2025-01-06T09:00, every: 1w", "anchor: 2025-01-28T09:00, every: 1mo"},
		{"notify target with defaults", ConfigFile, "    secret_env: STATUS_WEBHOOK_SECRET\n    audience: public\n", "    secret_env: STATUS_WEBHOOK_SECRET\n"},
		{"notify empty secret_env on slack", ConfigFile, "    url_env: SLACK_INCIDENTS_URL\n", "    url_env: SLACK_INCIDENTS_URL\n    secret_env:\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := jsFixture(t)
			schemaName, inst := jsMutate(t, fsys, tt.file, tt.old, tt.new, "")
			if err := schemas[schemaName].Validate(inst); err != nil {
				t.Errorf("the %s schema rejects it: %v", schemaName, err)
			}
			if _, ps := Load(context.Background(), fsys); len(ps) > 0 {
				t.Errorf("the Go loader reports problems:\n%v", ps)
			}
		})
	}
}

const (
	jsIncidentFile   = "incidents/2026/2026-11-20-checkout-errors-eu/incident.md"
	jsPostmortemFile = "incidents/2026/2026-11-20-checkout-errors-eu/postmortem.md"
	jsRotationFile   = "rotations/imoc-platform.yaml"
)

// TestJSONSchemasRejectBrokenFiles breaks the fixture one thing at a time.
// Each broken file must fail its JSON Schema and be an error for the Go
// loader: the schemas and the Go rules agree on what is wrong.
func TestJSONSchemasRejectBrokenFiles(t *testing.T) {
	schemas := jsCompile(t)
	annotationOnly := jsCompileFormats(t, false)
	tests := []struct {
		name, file, old, new string
		cutTo                string // if set, also remove what follows old up to cutTo
	}{
		{"config unknown key", ConfigFile, "site:\n", "colour: blue\nsite:\n", ""},
		{"config unknown nested key", ConfigFile, "  default_branch: main", "  default_brnch: main", ""},
		{"config missing site title", ConfigFile, "  title: Acme Status\n", "", ""},
		{"config tier out of range", ConfigFile, "tier: 2}", "tier: 7}", ""},
		{"config required postmortem without due_days", ConfigFile, "{required: true, due_days: 5}", "{required: true}", ""},
		{"config bad component id", ConfigFile, "id: checkout-api", "id: Checkout_API", ""},
		{"config tier as text", ConfigFile, "tier: 2}", "tier: two}", ""},
		{"config bad since date", ConfigFile, "  title: Acme Status\n", "  title: Acme Status\n  since: 2026-13-01\n", ""},
		{"config since as an instant", ConfigFile, "  title: Acme Status\n", "  title: Acme Status\n  since: 2026-01-01T00:00:00Z\n", ""},
		{"config subscribe link not http", ConfigFile, "url: https://chat.acme.example/invite/status", "url: irc://chat.acme.example/status", ""},
		{"config subscribe link without name", ConfigFile, "name: Community chat, ", "", ""},
		{"config notify unknown kind", ConfigFile, "kind: slack", "kind: mattermost", ""},
		{"config notify URL in url_env", ConfigFile, "url_env: SLACK_INCIDENTS_URL", "url_env: https://hooks.slack.com/services/T0/B0/XXXX", ""},
		{"config notify url key", ConfigFile, "url_env: SLACK_INCIDENTS_URL", "url: https://hooks.slack.com/services/T0/B0/XXXX", ""},
		{"config notify without url_env", ConfigFile, "    url_env: STATUS_WEBHOOK_URL\n", "", ""},
		{"config notify bad id", ConfigFile, "id: team\n", "id: Team\n", ""},
		{"config notify unknown event", ConfigFile, "events: [declared,", "events: [opened,", ""},
		{"config notify empty events", ConfigFile, "events: [declared, updated, resolved, postmortem, maintenance, handoff]", "events: []", ""},
		{"config notify public handoff", ConfigFile, "    audience: internal\n", "    audience: public\n", ""},
		{"config notify default audience with handoff", ConfigFile, "    audience: internal\n", "", ""},
		{"config notify bad audience", ConfigFile, "audience: internal", "audience: team", ""},
		{"config notify secret on slack", ConfigFile, "    url_env: SLACK_INCIDENTS_URL\n", "    url_env: SLACK_INCIDENTS_URL\n    secret_env: SLACK_SECRET\n", ""},
		{"config notify env name with dash", ConfigFile, "secret_env: STATUS_WEBHOOK_SECRET", "secret_env: STATUS-WEBHOOK-SECRET", ""},
		{"people bad handle", PeopleFile, "handle: carol", "handle: Carol", ""},
		{"people wrong imoc enum", PeopleFile, "imoc: trainee", "imoc: shadow", ""},
		{"people unknown key", PeopleFile, "github: carol-d", "gitlab: carol-d", ""},
		{"people missing name", PeopleFile, "name: Dave Kim, ", "", ""},
		{"people away without until", PeopleFile, "from: 2026-12-21, until: 2027-01-02", "from: 2026-12-21", ""},
		{"people away bad date", PeopleFile, "until: 2027-01-02", "until: 2027-01-32", ""},
		{"people away unknown key", PeopleFile, "reason: holiday", "why: holiday", ""},
		{"rotation every with unknown unit", jsRotationFile, "every: 1w", "every: 1y", ""},
		{"rotation anchor with offset", jsRotationFile, "anchor: 2025-01-06T09:00, every: 1w", "anchor: 2025-01-06T09:00Z, every: 1w", ""},
		{"rotation wrong override kind", jsRotationFile, "kind: add", "kind: swap", ""},
		{"rotation replace without replaces", jsRotationFile, "replaces: bob, ", "", ""},
		{"rotation replaces with add", jsRotationFile, "kind: add, user: alice", "kind: add, replaces: bob, user: alice", ""},
		{"rotation bad weekday", jsRotationFile, "handoff_days: [MO,", "handoff_days: [MON,", ""},
		{"rotation handoff_days with every 2d", jsRotationFile, "every: 1d, handoff_days", "every: 2d, handoff_days", ""},
		{"rotation monthly anchor on day 31", jsRotationFile, "anchor: 2025-01-06T09:00, every: 1w", "anchor: 2025-01-31T09:00, every: 1mo", ""},
		{"rotation bad clock", jsRotationFile, `from: "09:00"`, `from: "9:00"`, ""},
		{"rotation window from 24:00", jsRotationFile, `from: "09:00"`, `from: "24:00"`, ""},
		{"rotation bad exclude date", jsRotationFile, "[2025-12-25]", "[2025-12-32]", ""},
		{"rotation no time zone", jsRotationFile, "time_zone: America/New_York\nlayers", "layers", ""},
		{"rotation override instant without offset", jsRotationFile, "until: 2025-03-02T00:00:00Z", "until: 2025-03-02T00:00:00", ""},
		{"rotation shadow bad handle", jsRotationFile, "user: erin", "user: '@erin'", ""},
		{name: "rotation no layers", file: jsRotationFile, old: "layers:\n", new: "layers: []\n", cutTo: "overrides:"},
		{"incident unknown key", jsIncidentFile, "severity: SEV2", "severty: SEV2", ""},
		{"incident wrong status", jsIncidentFile, "status: resolved\nvisibility", "status: fixed\nvisibility", ""},
		{"incident maintenance status on incident", jsIncidentFile, "status: investigating", "status: scheduled", ""},
		{"incident declared without offset", jsIncidentFile, "declared: 2026-11-20T14:03:00Z", "declared: 2026-11-20T14:03:00", ""},
		{"incident declared as a date", jsIncidentFile, "declared: 2026-11-20T14:03:00Z", "declared: 2026-11-20", ""},
		{"incident bad owner handle", jsIncidentFile, "owner: carol", "owner: Carol", ""},
		{"incident wrong impact", jsIncidentFile, "impact: partial_outage", "impact: down", ""},
		{"incident under_maintenance on incident", jsIncidentFile, "impact: partial_outage", "impact: under_maintenance", ""},
		{"incident wrong visibility", jsIncidentFile, "visibility: public", "visibility: secret", ""},
		{"incident resolved without resolved", jsIncidentFile, "resolved: 2026-11-20T15:30:00+00:00\n", "", ""},
		{"incident missing declared", jsIncidentFile, "declared: 2026-11-20T14:03:00Z\n", "", ""},
		{"incident missing severity", jsIncidentFile, "severity: SEV2\n", "", ""},
		{name: "incident public without updates", file: jsIncidentFile, old: "updates:\n", new: "updates: []\n", cutTo: "tags:"},
		{name: "incident public with empty updates", file: jsIncidentFile, old: "updates:\n", new: "updates:\n", cutTo: "tags:"},
		{"incident update without message", jsIncidentFile, "    message: Checkouts work normally again.\n", "", ""},
		{"incident scheduled on incident", jsIncidentFile, "tags:", "scheduled: {from: 2026-12-01T02:00:00Z, until: 2026-12-01T04:00:00Z}\ntags:", ""},
		{"incident shadows not a list", jsIncidentFile, "shadows: [erin]", "shadows: erin", ""},
		{"postmortem wrong status", jsPostmortemFile, "status: published", "status: done", ""},
		{"postmortem unknown action item key", jsPostmortemFile, "    priority: P1", "    prio: P1", ""},
		{"postmortem wrong priority", jsPostmortemFile, "priority: P2", "priority: P4", ""},
		{"postmortem wrong action type", jsPostmortemFile, "type: prevent", "type: blame", ""},
		{"postmortem bad due date", jsPostmortemFile, "due: 2026-12-15", "due: 2026-13-15", ""},
		{"postmortem link not http", jsPostmortemFile, "link: https://github.com/acme/app/issues/990", "link: ftp://example.com/990", ""},
		{"postmortem approved without approval", jsPostmortemFile, "approved: {by: bob, at: 2026-11-25T10:00:00Z}\n", "", ""},
		{"postmortem approval instant without offset", jsPostmortemFile, "at: 2026-11-25T10:00:00Z", "at: 2026-11-25T10:00:00", ""},
		{"postmortem public draft", jsPostmortemFile, "status: published", "status: draft", ""},
		{"postmortem no authors", jsPostmortemFile, "authors: [carol]", "authors: []", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := jsFixture(t)
			schemaName, inst := jsMutate(t, fsys, tt.file, tt.old, tt.new, tt.cutTo)
			err := schemas[schemaName].Validate(inst)
			if err == nil {
				t.Errorf("the %s schema accepts the broken file", schemaName)
			} else {
				t.Logf("JSON Schema: %v", err)
			}
			if annotationOnly[schemaName].Validate(inst) == nil {
				t.Errorf("the %s schema accepts the broken file when formats are not asserted", schemaName)
			}

			_, ps := Load(context.Background(), fsys)
			var errs Problems
			for _, p := range ps {
				if p.Level == Error && p.File == tt.file {
					errs = append(errs, p)
				}
			}
			if len(errs) == 0 {
				t.Errorf("the Go loader reports no error in %s:\n%v", tt.file, ps)
			} else {
				t.Logf("Go: %v", errs)
			}
		})
	}
}

// TestJSONSchemasAjvStrict compiles every published schema with Ajv in
// strict mode, the validator most editors and CI tools use: a keyword that
// applies to one type (items, properties, required, pattern) without that
// type beside it is an error there. It needs node and the npm packages ajv
// and ajv-formats in $BATON_AJV_DIR/node_modules (default: .cache/ajv at the
// repository root; .ci/run installs them). It skips without them, except
// when CI=true.
func TestJSONSchemasAjvStrict(t *testing.T) {
	node, err := exec.LookPath("node")
	dir := os.Getenv("BATON_AJV_DIR")
	if dir == "" {
		dir = filepath.Join("..", ".cache", "ajv")
	}
	modules, _ := filepath.Abs(filepath.Join(dir, "node_modules"))
	if _, serr := os.Stat(filepath.Join(modules, "ajv", "dist", "2020.js")); err != nil || serr != nil {
		msg := "node and ajv are needed: npm install --prefix .cache/ajv ajv@8.17.1 ajv-formats@3.0.1"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	files, err := filepath.Glob(filepath.Join("jsonschema", "*.json"))
	if err != nil || len(files) != 5 {
		t.Fatalf("schemas %v (%v), want 5", files, err)
	}
	cmd := exec.CommandContext(t.Context(), node, append([]string{filepath.Join("testdata", "ajv", "strict.js")}, files...)...)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("Ajv strict mode refuses a schema: %v\n%s", err, out)
	}
	if n := strings.Count(string(out), ": ok\n"); n != len(files) {
		t.Errorf("Ajv compiled %d of %d schemas:\n%s", n, len(files), out)
	}
}
