package schema

import (
	"embed"
	"slices"
)

// JSONSchemaBaseURL is where the published JSON Schemas live; a schema's
// $id is JSONSchemaBaseURL + name + ".json". YAML files point editors at
// them with a modeline such as
//
//	# yaml-language-server: $schema=https://raw.githubusercontent.com/batonhq/baton/main/schema/jsonschema/config.json
const JSONSchemaBaseURL = "https://raw.githubusercontent.com/batonhq/baton/main/schema/jsonschema/"

//go:embed jsonschema/*.json
var jsonSchemaFS embed.FS

// jsonSchemaNames lists the schemas in the order docs/file-formats.md
// introduces the file formats.
var jsonSchemaNames = []string{"config", "people", "rotation", "incident", "postmortem"}

// JSONSchemaNames returns the names of the published JSON Schemas (draft
// 2020-12), one per file format: "config" (baton.yaml), "people"
// (people.yaml), "rotation" (rotations/<id>.yaml), "incident" (the front
// matter of incident.md) and "postmortem" (the front matter of
// postmortem.md).
//
// The schemas describe the same keys and value shapes as the Go types and
// the static rules of validation that JSON Schema can express (required
// keys, enumerations, patterns of ids, handles and times). Rules that need
// other files (does this handle exist?) or arithmetic (are the times in
// order?) are left to `baton validate`.
func JSONSchemaNames() []string { return slices.Clone(jsonSchemaNames) }

// JSONSchema returns the JSON Schema with the given name (see
// [JSONSchemaNames]) as indented JSON, and whether it exists.
func JSONSchema(name string) ([]byte, bool) {
	if !slices.Contains(jsonSchemaNames, name) {
		return nil, false
	}
	data, err := jsonSchemaFS.ReadFile("jsonschema/" + name + ".json")
	if err != nil {
		return nil, false
	}
	return data, true
}

// JSONSchemaURL returns the $id of the named schema: the URL YAML files use
// in their yaml-language-server modeline.
func JSONSchemaURL(name string) string { return JSONSchemaBaseURL + name + ".json" }
