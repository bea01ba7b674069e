package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/batonhq/baton/generator"
	"github.com/batonhq/baton/schema"
)

type buildOptions struct {
	*globals
	out      string
	audience string
	baseURL  string
	force    bool
	// removeAll deletes folders for generator.Write; nil means
	// os.RemoveAll. Tests inject failures.
	removeAll func(string) error
}

func newBuildCmd(g *globals) *cobra.Command {
	o := &buildOptions{globals: g}
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Render the status site (HTML pages, Atom feed, Statuspage-compatible JSON API)",
		Long: `Build renders the static site of the repository into --out: the status page,
the incident history, one page per incident and postmortem, feed.xml and the
Statuspage-compatible api/v2/*.json files.

--audience public (the default) shows only public incidents and never names a
person; --audience internal shows everything (roles, narratives, internal
incidents, and oncall/: who is the IMOC now, the handoffs of the next 14 days
and an iCalendar file per rotation) and must not be published.

The same repository and --now give byte-identical output. Build refuses to
run while validation reports errors about the files, unless --force. Errors
about the process (an overdue postmortem, a shift during time away) do not
stop it: the status page never waits on them.

The new site is written next to --out and then takes its place; a failed or
interrupted build leaves the previous site untouched. On Linux and macOS the
two folders swap atomically, so a web server reading --out always finds a
whole site; elsewhere --out is missing for an instant. Builds into the same
folder take turns (lock file .NAME.lock next to it), and a build removes the
temporary folders that killed builds left there.

Build replaces only a missing or empty folder or a site Baton wrote: every
site holds .baton-site, which records its audience (it is harmless to
publish). A site of the other audience is replaced only with --force. See
docs/build-and-serve.md.

Without --out the public site goes to public/ and the internal one to
internal-site/, both at the top of the repository (whatever the current
folder), so that an internal build never lands where the public site is
published. A --out given on the command line is relative to the current
folder.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context()) },
	}
	f := cmd.Flags()
	f.StringVar(&o.out, "out", "", "write the site into `DIR` (replaced as a whole; default: public/, or internal-site/ for --audience internal, in the repository)")
	f.StringVar(&o.audience, "audience", "public", "`AUDIENCE`: public or internal")
	f.StringVar(&o.baseURL, "base-url", "", "absolute `URL` the site is published at (default: site.base_url)")
	f.BoolVar(&o.force, "force", false, "build even when validation reports errors, and replace a site built for the other audience")
	return cmd
}

func (o *buildOptions) run(ctx context.Context) error {
	audience, err := parseAudience(o.audience)
	if err != nil {
		return err
	}
	if o.out == "" {
		o.out = filepath.Join(o.repoDir, defaultOut(audience))
	}
	start := o.env.now()
	repo, problems, now, err := checkRepo(ctx, o.globals)
	if err != nil {
		return err
	}
	blocking, process := 0, 0
	for _, p := range problems {
		switch {
		case p.Level != schema.Error:
		case p.IsProcess():
			process++
		default:
			blocking++
		}
	}
	if blocking > 0 || process > 0 {
		writeText(o.stderr, problems)
	}
	if blocking > 0 && !o.force {
		return problemsErrorf("not building: validation found %s", plural(blocking, "error")).
			withHint("fix them (`baton validate` lists them again), or pass --force to build anyway")
	}
	if process > 0 {
		// An overdue postmortem or a shift during time away needs someone's
		// attention, but the site is right: it is built all the same, so
		// that the status page never waits on the process.
		fmt.Fprintf(o.stderr, "baton: note: building despite %s about the incident process (overdue postmortems, shifts during time away); `baton validate` still fails on them\n", plural(process, "error"))
	}

	stop := o.progress(start)
	site, err := o.build(ctx, repo, audience, now)
	stop()
	if err != nil {
		return err
	}
	elapsed := o.env.now().Sub(start)
	fmt.Fprintf(o.stdout, "built %s and %s (%s) into %s in %s\n",
		plural(site.Pages, "page"), plural(site.Incidents, "incident"), audience,
		filepath.Clean(o.out)+string(filepath.Separator), elapsed.Round(time.Millisecond))
	return nil
}

// parseAudience parses --audience, suggesting the audience meant.
func parseAudience(v string) (generator.Audience, error) {
	a, err := generator.ParseAudience(v)
	if err != nil {
		return a, didYouMean(usageErrorf("%v", err), "--audience", v, []string{"public", "internal"}).
			withHint("use --audience public or --audience internal")
	}
	return a, nil
}

// defaultOut is the folder, in the repository, that a build for audience
// goes to without --out.
func defaultOut(audience generator.Audience) string {
	if audience == generator.Internal {
		return "internal-site"
	}
	return "public"
}

func (o *buildOptions) build(ctx context.Context, repo *schema.Repo, audience generator.Audience, now time.Time) (*generator.Site, error) {
	root, err := o.openRoot()
	if err != nil {
		return nil, err
	}
	defer root.Close()
	site, err := generator.Build(ctx, repo, generator.Options{
		Now: now, Audience: audience, BaseURL: o.baseURL, Assets: root.FS(),
	})
	if err != nil {
		return nil, failuref("building the site: %w", err)
	}
	err = generator.Write(ctx, o.out, site.Files, generator.WriteOptions{
		Audience: audience, ReplaceOtherAudience: o.force, RemoveAll: o.removeAll,
	})
	if err := o.writeError(err, o.out); err != nil {
		return nil, err
	}
	return site, nil
}

// writeError turns an error of generator.Write into what the person needs
// to know: whether the site in out changed, and what to do. A site that is
// in place with only the previous one left over is a warning, not an
// error (nil).
func (o *buildOptions) writeError(err error, out string) error {
	var (
		notSite  *generator.NotASiteError
		audience *generator.AudienceError
		locked   *generator.LockedError
		cleanup  *generator.CleanupError
		aside    *generator.MovedAsideError
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &cleanup):
		fmt.Fprintf(o.stderr, "baton: warning: could not remove the previous site at %s: %v; the next build into %s removes it, or delete it by hand\n", cleanup.Old, cleanup.Err, out)
		return nil
	case errors.As(err, &notSite):
		return failuref("%v", err).withHint("pick an empty or new folder for --out; Baton replaces only folders it wrote (they hold %s)", generator.MarkerFile)
	case errors.As(err, &audience):
		return failuref("%v", err).withHint("use another --out, or pass --force to replace the %s site", audience.Existing)
	case errors.As(err, &locked):
		return failuref("%v", err).withHint("wait for the other build to finish; if none is running, delete %s", locked.Lock)
	case errors.As(err, &aside):
		return failuref("writing the site: %v", err).withHint("move %s back to %s by hand", aside.Old, aside.Dir)
	case errors.Is(err, context.Canceled):
		return err
	}
	return failuref("writing the site: %w", err).withHint("the previous contents of %s are unchanged", out)
}

// progress shows "building… Ns" on a terminal once building has taken more
// than a second. The returned function stops it and clears the line.
func (o *buildOptions) progress(start time.Time) (stop func()) {
	f, ok := terminal(o.stderr)
	if !ok {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		shown := false
		for {
			select {
			case <-done:
				if shown {
					fmt.Fprint(f, "\r\033[K")
				}
				return
			case <-tick.C:
				if d := o.env.now().Sub(start); d > time.Second {
					fmt.Fprintf(f, "\rbuilding… %ds", int(d.Seconds()))
					shown = true
				}
			}
		}
	}()
	return func() { close(done); <-finished }
}
