package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	neturl "net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/spf13/cobra"
	"golang.org/x/net/netutil"

	"github.com/batonhq/baton/generator"
	"github.com/batonhq/baton/schema"
)

// serveDebounce is how long serve waits after the last file change before
// it rebuilds, so that an editor's burst of writes causes one build.
const serveDebounce = 150 * time.Millisecond

// eventsPath is the Server-Sent Events endpoint the injected script
// listens on. Sites never contain it: the script is added only to
// responses of baton serve.
const eventsPath = "/_baton/events"

type serveOptions struct {
	*globals
	addr        string
	audience    string
	allowRemote bool
	// limits of the HTTP server; tests shorten them.
	limits serveLimits
}

// serveLimits protect the preview server from clients that hold
// connections: a slow or half-sent request, an idle keep-alive connection,
// thousands of connections at once.
type serveLimits struct {
	readHeader time.Duration // to receive a request's headers
	read       time.Duration // to receive a whole request
	write      time.Duration // to send a response (event streams: each event)
	idle       time.Duration // a keep-alive connection between requests
	grace      time.Duration // in-flight requests on Ctrl-C, before connections are closed
	maxConns   int           // connections served at once; more wait to be accepted
}

func defaultServeLimits() serveLimits {
	return serveLimits{
		readHeader: 10 * time.Second,
		read:       30 * time.Second,
		write:      30 * time.Second,
		idle:       60 * time.Second,
		grace:      time.Second,
		maxConns:   256,
	}
}

func newServeCmd(g *globals) *cobra.Command {
	o := &serveOptions{globals: g, limits: defaultServeLimits()}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Preview the site locally, rebuilding and reloading the browser on every change",
		Long: `Serve builds the site in memory and serves it on --addr (127.0.0.1:8080 by
default, so only this machine can see it). It watches the repository and
rebuilds shortly after files change; open pages reload themselves.

When the repository stops validating, pages show the problems on top of the
last good build until they are fixed. Nothing is written to disk, and the
reload script exists only in served pages, never in the output of baton
build. Without --now every rebuild uses the current time.

Serve is a preview for one person, not a web server for the public. On a
loopback address it answers only requests for localhost, 127.0.0.1 or [::1]
(so that a web page cannot read it through DNS rebinding). An address other
machines can reach (0.0.0.0:8080, :8080, [::]:8080, a LAN address) prints a
warning, answers only requests for an IP address, localhost or this
machine's name, and for --audience internal needs --allow-remote: the
internal site names people and shows internal incidents and on-call data.

Stop it with Ctrl-C (or SIGTERM): requests in flight get a second to finish,
then it exits with status 130.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context()) },
	}
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen on `HOST:PORT`")
	f.StringVar(&o.audience, "audience", "public", "`AUDIENCE`: public or internal")
	f.BoolVar(&o.allowRemote, "allow-remote", false, "serve the internal site on an address other machines can reach")
	return cmd
}

func (o *serveOptions) run(ctx context.Context) error {
	audience, err := parseAudience(o.audience)
	if err != nil {
		return err
	}
	if _, err := o.Now(); err != nil {
		return err
	}
	root, err := o.openRoot()
	if err != nil {
		return err
	}
	root.Close()
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return failuref("cannot listen on %s: %v", o.addr, err).withHint("pick another port with --addr 127.0.0.1:PORT")
	}
	defer ln.Close()
	local := isLoopback(ln.Addr())
	if !local && audience == generator.Internal && !o.allowRemote {
		ln.Close()
		return usageErrorf("--addr %s would serve the internal site to other machines", o.addr).
			withHint("use --addr 127.0.0.1:PORT; or pass --allow-remote if everyone who can reach this address may see people, internal incidents and on-call data")
	}

	url := "http://" + ln.Addr().String() + "/"
	s := newSiteServer(o.globals, audience, url)
	s.writeTimeout = o.limits.write
	s.rebuild(ctx)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	w, err := newRepoWatcher(o.repoDir)
	if err != nil {
		return failuref("watching %s: %w", o.repoDir, err)
	}
	defer w.close()

	var h http.Handler
	if local {
		h = loopbackHostOnly(s)
	} else {
		host, _ := os.Hostname()
		h = remoteHostOnly(s, host)
		fmt.Fprintf(o.stderr, "baton: warning: %s is reachable from other machines: anyone who can connect to it sees the %s site\n", ln.Addr(), audience)
		if audience == generator.Internal {
			fmt.Fprintf(o.stderr, "baton: warning: the internal site names people and shows internal incidents and on-call data\n")
		}
	}
	fmt.Fprintf(o.stdout, "serving the %s site of %s at %s (Ctrl-C to stop)\n", audience, o.repoDir, url)

	srv := newPreviewServer(h, o.limits, o.stderr)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(netutil.LimitListener(ln, o.limits.maxConns)) }()
	watchDone := make(chan struct{})
	go func() {
		defer close(watchDone)
		w.run(ctx, serveDebounce, func() { s.rebuild(ctx) }, func(err error) {
			fmt.Fprintf(o.stderr, "baton: warning: watching files: %v\n", err)
		})
	}()

	select {
	case <-ctx.Done():
	case err := <-errc:
		return failuref("serving: %w", err)
	}
	// Interrupted: stop accepting, end the event streams (which would keep
	// Shutdown waiting), give requests in flight a moment, then close every
	// connection, half-sent requests included.
	s.shutdown()
	grace, cancel := context.WithTimeout(context.WithoutCancel(ctx), o.limits.grace)
	if err := srv.Shutdown(grace); err != nil {
		srv.Close()
	}
	cancel()
	<-watchDone
	return ctx.Err()
}

// newPreviewServer is the HTTP server of baton serve, with limits.
func newPreviewServer(h http.Handler, l serveLimits, errLog io.Writer) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: l.readHeader,
		ReadTimeout:       l.read,
		WriteTimeout:      l.write,
		IdleTimeout:       l.idle,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          log.New(errLog, "baton: serve: ", 0),
	}
}

// isLoopback reports whether a listener's address is reachable from this
// machine only.
func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// siteState is one build: the site, or the problems that prevented it.
type siteState struct {
	version int
	site    *generator.Site // the last good site; nil before the first one
	// problems are the validation errors (or the build failure) of the
	// latest attempt; empty when the latest attempt produced site.
	problems []string
	// changed is closed when a newer state replaces this one.
	changed chan struct{}
}

// siteServer serves the latest build from memory and tells open pages to
// reload when a new one is ready.
type siteServer struct {
	g        *globals
	audience generator.Audience
	baseURL  string // where the site is served, for absolute links

	// writeTimeout bounds the sending of each event of an event stream
	// (whose connection otherwise has no deadline); zero means none.
	writeTimeout time.Duration

	mu     sync.Mutex
	state  *siteState
	closed chan struct{} // closed by shutdown
}

func newSiteServer(g *globals, audience generator.Audience, baseURL string) *siteServer {
	return &siteServer{g: g, audience: audience, baseURL: baseURL, state: &siteState{changed: make(chan struct{})}, closed: make(chan struct{})}
}

func (s *siteServer) current() *siteState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

func (s *siteServer) shutdown() {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.closed:
	default:
		close(s.closed)
	}
}

// rebuild loads, validates and builds the repository, and publishes the
// result: a new site, or the problems on top of the last good site. It
// reports what happened on stdout or stderr.
func (s *siteServer) rebuild(ctx context.Context) {
	start := s.g.env.now()
	site, problems := s.build(ctx)
	if ctx.Err() != nil {
		return
	}
	s.mu.Lock()
	old := s.state
	next := &siteState{version: old.version + 1, site: site, problems: problems, changed: make(chan struct{})}
	if site == nil {
		next.site = old.site
	}
	s.state = next
	close(old.changed)
	s.mu.Unlock()
	if len(problems) > 0 {
		serving := "serving the last good build"
		if next.site == nil {
			serving = "pages show the problems until they are fixed"
		}
		fmt.Fprintf(s.g.stderr, "baton: error: not built (%s); %s\n", plural(len(problems), "problem"), serving)
		for _, p := range problems {
			fmt.Fprintf(s.g.stderr, "  %s\n", oneLine(p))
		}
		return
	}
	fmt.Fprintf(s.g.stdout, "built %s and %s in %s\n", plural(site.Pages, "page"), plural(site.Incidents, "incident"),
		s.g.env.now().Sub(start).Round(time.Millisecond))
}

func (s *siteServer) build(ctx context.Context) (*generator.Site, []string) {
	repo, problems, now, err := checkRepo(ctx, s.g)
	if err != nil {
		return nil, []string{err.Error()}
	}
	if problems.HasErrors() {
		var out []string
		for _, p := range problems {
			if p.Level == schema.Error {
				out = append(out, p.String())
			}
		}
		return nil, out
	}
	root, err := os.OpenRoot(s.g.repoDir)
	if err != nil {
		return nil, []string{err.Error()}
	}
	defer root.Close()
	site, err := generator.Build(ctx, repo, generator.Options{Now: now, Audience: s.audience, BaseURL: s.baseURL, Assets: root.FS()})
	if err != nil {
		return nil, []string{"building the site: " + err.Error()}
	}
	return site, nil
}

// loopbackHostOnly refuses requests whose Host is not a loopback name. A
// server on 127.0.0.1 is out of other machines' reach, but a web page the
// user opens can point a name it controls at 127.0.0.1 (DNS rebinding)
// and read the internal site through the browser; such requests carry
// that name as their Host.
func loopbackHostOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
		ip := net.ParseIP(host)
		if !strings.EqualFold(host, "localhost") && (ip == nil || !ip.IsLoopback()) {
			http.Error(w, "baton serve answers only to localhost, 127.0.0.1 and [::1]", http.StatusMisdirectedRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// remoteHostOnly refuses requests whose Host is a name other than
// localhost or this machine's name (hostname, or hostname.local). Other
// machines reach the server by IP address or by those names; a DNS
// rebinding page uses a name of its own.
func remoteHostOnly(next http.Handler, hostname string) http.Handler {
	short, _, _ := strings.Cut(hostname, ".")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
		ok := net.ParseIP(host) != nil
		for _, name := range []string{"localhost", hostname, short, short + ".local"} {
			ok = ok || (name != "" && name != ".local" && strings.EqualFold(host, name))
		}
		if !ok {
			http.Error(w, "baton serve answers only to IP addresses, localhost and this machine's name", http.StatusMisdirectedRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ServeHTTP serves the files of the current site. "/dir/" serves
// dir/index.html; a missing file gets the site's 404.html with status 404.
// HTML responses get the reload script and, while the repository has
// problems, a panel listing them.
func (s *siteServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	st := s.current()
	if r.URL.Path == eventsPath {
		s.serveEvents(w, r, st)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff") // the types above are the whole truth
	if st.site == nil {
		s.writeHTML(w, http.StatusInternalServerError, errorPage(st.problems), st)
		return
	}
	name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
	if name == "" || strings.HasSuffix(r.URL.Path, "/") {
		name = path.Join(name, "index.html")
	}
	data, ok := st.site.Files[name]
	if !ok {
		if _, isDir := st.site.Files[name+"/index.html"]; isDir {
			if loc, ok := folderRedirect(name); ok {
				http.Redirect(w, r, loc, http.StatusMovedPermanently)
				return
			}
		}
		s.writeHTML(w, http.StatusNotFound, st.site.Files["404.html"], st)
		return
	}
	if strings.HasSuffix(name, ".html") {
		s.writeHTML(w, http.StatusOK, data, st)
		return
	}
	w.Header().Set("Content-Type", contentType(name))
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
}

// folderRedirect is where a request for the folder name (a cleaned site
// path without slashes around it) is sent: "/name/", built from the
// cleaned path rather than the request, escaped, and never starting with
// "//" or "/\\" (which browsers read as another site). ok is false when
// name cannot make such a path.
func folderRedirect(name string) (string, bool) {
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, `\`) {
		return "", false
	}
	loc := (&neturl.URL{Path: "/" + name + "/"}).EscapedPath()
	if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") {
		return "", false
	}
	return loc, true
}

// contentType is the media type of a site file. The files of incident
// folders are assets, typed by the asset policy that decides what build
// publishes (a file it refuses is served as a download, never as a page);
// the site's own files are typed by extension.
func contentType(name string) string {
	if strings.HasPrefix(name, "incidents/") && strings.Count(name, "/") == 2 && path.Base(name) != "index.html" {
		if t, ok := schema.AssetMediaType(name); ok {
			return t
		}
		return "application/octet-stream"
	}
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".ics":
		return "text/calendar; charset=utf-8"
	case ".xml":
		return "application/atom+xml; charset=utf-8"
	case ".json":
		return "application/json; charset=utf-8"
	}
	return "application/octet-stream"
}

// writeHTML writes page with the reload script (and the problems panel)
// inserted before </body>.
func (s *siteServer) writeHTML(w http.ResponseWriter, code int, page []byte, st *siteState) {
	var extra bytes.Buffer
	if len(st.problems) > 0 && st.site != nil {
		problemsPanel.Execute(&extra, st.problems)
	}
	fmt.Fprintf(&extra, reloadScript, st.version)
	out := page
	if i := bytes.LastIndex(page, []byte("</body>")); i >= 0 {
		out = make([]byte, 0, len(page)+extra.Len())
		out = append(append(append(out, page[:i]...), extra.Bytes()...), page[i:]...)
	} else {
		out = append(bytes.Clone(page), extra.Bytes()...)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(code)
	w.Write(out)
}

// serveEvents streams Server-Sent Events: the current build version at
// once, then one "reload" event per new build. The page's script reloads
// when the version differs from the one it was served with.
func (s *siteServer) serveEvents(w http.ResponseWriter, r *http.Request, st *siteState) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	// The stream outlives the server's read and write timeouts: lift them
	// for this request, and bound each event's write instead.
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Time{})
	rc.SetWriteDeadline(time.Time{})
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	for {
		if s.writeTimeout > 0 {
			rc.SetWriteDeadline(time.Now().Add(s.writeTimeout))
		}
		fmt.Fprintf(w, "retry: 1000\nevent: version\ndata: %d\n\n", st.version)
		if fl.Flush(); r.Context().Err() != nil {
			return
		}
		if s.writeTimeout > 0 {
			rc.SetWriteDeadline(time.Time{})
		}
		select {
		case <-st.changed:
			st = s.current()
		case <-r.Context().Done():
			return
		case <-s.closed:
			return
		}
	}
}

// reloadScript is added to every served HTML page (never to built sites).
// %d is the build the page belongs to.
const reloadScript = `<script>/* baton serve: reload when the site is rebuilt */
(function () {
  var served = "%d";
  if (!window.EventSource) return;
  var es = new EventSource("/_baton/events");
  es.addEventListener("version", function (e) {
    if (e.data !== served) { es.close(); location.reload(); }
  });
})();
</script>
`

var problemsPanel = template.Must(template.New("problems").Parse(`<aside role="alert" style="position:fixed;inset:auto 1rem 1rem 1rem;max-height:50vh;overflow:auto;z-index:10;background:#fff1f0;color:#5c0011;border:2px solid #cf222e;border-radius:6px;padding:.5rem 1rem;font:14px/1.4 ui-monospace,monospace">
<p><strong>baton serve: the repository has problems; showing the last good build.</strong></p>
<ul>{{range .}}<li>{{.}}</li>{{end}}</ul>
</aside>
`))

var errorTemplate = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Problems · baton serve</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}li{font-family:ui-monospace,monospace;white-space:pre-wrap;margin:.5rem 0}</style>
</head>
<body>
<h1>The site cannot be built</h1>
<p>Fix these problems and save; this page reloads by itself.</p>
<ul>{{range .}}<li>{{.}}</li>{{end}}</ul>
</body>
</html>
`))

// errorPage lists the problems that stop the first build.
func errorPage(problems []string) []byte {
	var buf bytes.Buffer
	errorTemplate.Execute(&buf, problems)
	return buf.Bytes()
}

// repoWatcher watches a folder tree, adding folders as they appear.
type repoWatcher struct {
	root string
	w    *fsnotify.Watcher
}

func newRepoWatcher(root string) (*repoWatcher, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	rw := &repoWatcher{root: root, w: w}
	if err := rw.addTree(root); err != nil {
		w.Close()
		return nil, err
	}
	return rw, nil
}

func (rw *repoWatcher) close() { rw.w.Close() }

// ignored reports folders that never hold repository content: version
// control data and hidden folders (editors' and tools' state).
func ignored(name string) bool {
	return strings.HasPrefix(name, ".") || name == "node_modules"
}

// addTree watches dir and every folder below it.
func (rw *repoWatcher) addTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil // it vanished meanwhile
		}
		if !d.IsDir() {
			return nil
		}
		if p != dir && ignored(d.Name()) {
			return filepath.SkipDir
		}
		if err := rw.w.Add(p); err != nil && p == dir {
			return err
		}
		return nil
	})
}

// run calls rebuild once changes have been quiet for debounce, until ctx
// ends. New folders are watched (with everything already inside them).
func (rw *repoWatcher) run(ctx context.Context, debounce time.Duration, rebuild func(), warn func(error)) {
	timer := time.NewTimer(debounce)
	timer.Stop()
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-rw.w.Events:
			if !ok {
				return
			}
			if ev.Has(fsnotify.Create) {
				if info, err := os.Lstat(ev.Name); err == nil && info.IsDir() && !ignored(filepath.Base(ev.Name)) {
					if err := rw.addTree(ev.Name); err != nil {
						warn(err)
					}
				}
			}
			if ev.Has(fsnotify.Chmod) && !ev.Has(fsnotify.Write) {
				continue
			}
			timer.Reset(debounce)
		case err, ok := <-rw.w.Errors:
			if !ok {
				return
			}
			if !errors.Is(err, fsnotify.ErrEventOverflow) {
				warn(err)
			}
			timer.Reset(debounce) // after an overflow, changes were missed: rebuild
		case <-timer.C:
			rebuild()
		}
	}
}
