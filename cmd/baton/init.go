package main

import "github.com/spf13/cobra"

func newInitCmd(g *globals) *cobra.Command {
	return &cobra.Command{Use: "init [DIR]", Short: "Scaffold a new incidents repository", Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error { return failuref("init is not written yet") }}
}
