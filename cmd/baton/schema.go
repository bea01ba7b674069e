package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/schema"
)

type schemaOptions struct {
	*globals
	name string
}

func newSchemaCmd(g *globals) *cobra.Command {
	o := &schemaOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "schema [NAME]",
		Short: "Print the JSON Schemas (draft 2020-12) of the file formats",
		Long: `Schema prints the JSON Schema of a Baton file format, for editors and other
tools. Without NAME it lists the schemas.

Editors with the YAML language server (VS Code's YAML extension and others)
pick a schema from a first-line comment such as

  # yaml-language-server: $schema=` + schema.JSONSchemaURL("config") + `

which ` + "`baton init`" + ` writes into every YAML file it creates. The schemas check the
shape of each file; ` + "`baton validate`" + ` checks everything, including references
between files.`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.name = args[0]
			}
			return o.run()
		},
	}
	return cmd
}

func (o *schemaOptions) run() error {
	names := schema.JSONSchemaNames()
	if o.name == "" {
		tw := tabwriter.NewWriter(o.stdout, 0, 0, 2, ' ', 0)
		for _, name := range names {
			fmt.Fprintf(tw, "%s\t%s\n", name, schemaTitle(name))
		}
		if err := tw.Flush(); err != nil {
			return failuref("writing output: %w", err)
		}
		return nil
	}
	data, ok := schema.JSONSchema(o.name)
	if !ok {
		return usageErrorf("unknown schema %q", o.name).withHint("the schemas are: %s", strings.Join(names, ", "))
	}
	if _, err := rawWriter(o.stdout).Write(jsonInert(data)); err != nil {
		return failuref("writing output: %w", err)
	}
	return nil
}

// schemaTitle returns the one-line title of the named schema.
func schemaTitle(name string) string {
	data, _ := schema.JSONSchema(name)
	var s struct {
		Title string `json:"title"`
	}
	_ = json.Unmarshal(data, &s)
	return s.Title
}
