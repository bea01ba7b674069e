package schema

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// File and folder names of an incidents repository.
const (
	ConfigFile     = "baton.yaml"
	PeopleFile     = "people.yaml"
	RotationsDir   = "rotations"
	IncidentsDir   = "incidents"
	IncidentFile   = "incident.md"
	PostmortemFile = "postmortem.md"
)

// Repo is a whole incidents repository, parsed once. Slices are sorted:
// rotations by ID, incidents by ID (and so by date).
type Repo struct {
	Config    *Config
	People    []Person
	Rotations []*Rotation
	Incidents []*Incident

	people    map[string]*Person
	rotations map[string]*Rotation
	incidents map[string]*Incident
	// rotationFiles holds every rotation id with a file, parsed or not, so
	// that a broken rotation file is reported once and not again by each
	// reference to it.
	rotationFiles map[string]bool
	// peopleIncomplete and configIncomplete are set when people.yaml or
	// baton.yaml could not be decoded completely; references into them are
	// then not checked, because a broken file would make every reference
	// look wrong.
	peopleIncomplete, configIncomplete bool
	// personCause matches "<person> caused|broke|…" for the blameless lint.
	personCause *regexp.Regexp
	// personMention finds any person's name, handle, login or e-mail,
	// which public text must not contain.
	personMention *personMatcher
}

// Person returns the person with the given handle, or nil.
func (r *Repo) Person(handle string) *Person { return r.people[handle] }

// Rotation returns the rotation with the given id, or nil.
func (r *Repo) Rotation(id string) *Rotation { return r.rotations[id] }

// Incident returns the incident with the given id, or nil.
func (r *Repo) Incident(id string) *Incident { return r.incidents[id] }

var (
	idRE     = regexp.MustCompile(`^([0-9]{4})-([0-9]{2})-([0-9]{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$`)
	handleRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
)

// CheckID reports whether id is a valid incident id (YYYY-MM-DD-slug, the
// slug made of lower-case letters, digits and single hyphens, 3–60
// characters). Use it before turning user input into a path: a valid id
// cannot escape the incidents folder.
func CheckID(id string) error {
	m := idRE.FindStringSubmatch(id)
	if m == nil {
		return fmt.Errorf("incident id %q is not YYYY-MM-DD-slug (slug: lower-case letters, digits and single hyphens)", truncate(id, 80))
	}
	if _, err := time.Parse("2006-01-02", id[:10]); err != nil {
		return fmt.Errorf("incident id %q does not start with a real date", id)
	}
	if n := len(m[4]); n < 3 || n > 60 {
		return fmt.Errorf("incident id %q has a slug of %d characters; it must have 3 to 60", id, n)
	}
	return nil
}

// CheckHandle reports whether s is a valid handle or id: lower-case letters,
// digits and single hyphens.
func CheckHandle(s string) bool { return handleRE.MatchString(s) && len(s) <= 64 }

// Load reads and checks the incidents repository rooted at fsys. It always
// returns a Repo (possibly partial: files that could not be parsed are left
// out) and every problem found, sorted by file and position. Checks that
// depend on the current time are in [CheckPolicy]; checks that need
// rotation arithmetic are in package oncall.
func Load(ctx context.Context, fsys fs.FS) (*Repo, Problems) {
	l := &loader{fsys: fsys, cache: &fieldCache{}}
	repo := l.load(ctx)
	if ctx.Err() == nil {
		repo.Incidents = l.loadIncidents(ctx, repo)
		for _, in := range repo.Incidents {
			repo.incidents[in.ID] = in
		}
	}
	l.problems.Sort()
	return repo, l.problems
}

// LoadRotations reads and checks what on-call questions need: baton.yaml,
// people.yaml and rotations/, with the same code and the same problems for
// these files as [Load], but without reading incidents/ (the Repo has no
// incidents). Problems in incidents cannot affect these files, and in a
// large repository reading every incident costs a hundred times more.
func LoadRotations(ctx context.Context, fsys fs.FS) (*Repo, Problems) {
	l := &loader{fsys: fsys, cache: &fieldCache{}}
	repo := l.load(ctx)
	l.problems.Sort()
	return repo, l.problems
}

type loader struct {
	fsys     fs.FS
	cache    *fieldCache
	problems Problems
}

func (l *loader) reporter(file string) reporter { return reporter{file: file, ps: &l.problems} }

// load reads and checks baton.yaml, people.yaml and rotations/.
func (l *loader) load(ctx context.Context) *Repo {
	repo := &Repo{
		people:    map[string]*Person{},
		rotations: map[string]*Rotation{},
		incidents: map[string]*Incident{},

		rotationFiles: map[string]bool{},
	}
	n := len(l.problems)
	repo.Config = l.loadConfig()
	repo.configIncomplete = l.problems[n:].decodeFailed()
	n = len(l.problems)
	repo.People = l.loadPeople()
	repo.peopleIncomplete = l.problems[n:].decodeFailed()
	for i := range repo.People {
		p := &repo.People[i]
		if p.Handle != "" && repo.people[p.Handle] == nil {
			repo.people[p.Handle] = p
		}
	}
	repo.personCause = personCauseRE(repo)
	repo.personMention = newPersonMatcher(repo.People)
	repo.Rotations = l.loadRotations(repo.rotationFiles)
	for _, rot := range repo.Rotations {
		repo.rotations[rot.ID] = rot
	}
	l.checkConfigRefs(repo)
	for _, rot := range repo.Rotations {
		checkRotation(repo, rot, l.reporter(rot.Path))
	}
	for _, p := range l.problems {
		if rot := repo.rotations[strings.TrimSuffix(path.Base(p.File), ".yaml")]; rot != nil && p.Level == Error && p.File == rot.Path {
			rot.HasErrors = true
		}
	}
	if ctx.Err() != nil {
		l.reporter(".").errorf(Pos{}, "load/cancelled", "", "loading stopped: %v", ctx.Err())
	}
	return repo
}

// decodeFailed reports whether ps holds a problem that means a file could
// not be read or decoded completely.
func (ps Problems) decodeFailed() bool {
	for _, p := range ps {
		if p.Level == Error && (strings.HasPrefix(p.Code, "yaml/") || strings.HasPrefix(p.Code, "file/") || p.Code == "repo/missing-file") {
			return true
		}
	}
	return false
}

// parseYAMLFile reads name and decodes it into v. It reports whether v was
// filled (possibly with problems).
func (l *loader) parseYAMLFile(name string, v any, required bool) bool {
	r := l.reporter(name)
	if _, err := fs.Stat(l.fsys, name); err != nil && !isSymlink(l.fsys, name) {
		if required {
			r.errorf(Pos{}, "repo/missing-file", "run `baton init` to scaffold an incidents repository, or pass --repo DIR", "%s is missing", name)
		}
		return false
	}
	how := unlisted
	if isSymlink(l.fsys, name) {
		how = listedLink
	}
	data := readFile(l.fsys, name, how, r)
	if data == nil {
		return false
	}
	return decodeYAML(data, 0, r, l.cache, v)
}

func isSymlink(fsys fs.FS, name string) bool {
	info, err := fs.Lstat(fsys, name)
	return err == nil && info.Mode()&fs.ModeSymlink != 0
}

// decodeYAML parses one YAML document and decodes it strictly into v (a
// pointer to a struct).
func decodeYAML(data []byte, lineOff int, r reporter, cache *fieldCache, v any) bool {
	d := newDecoder(r, lineOff, cache)
	root, ok := d.parseYAML(data)
	if !ok {
		return false
	}
	if root == nil {
		r.errorf(Pos{1 + lineOff, 1}, "file/empty", "see docs/ for the file format", "the YAML document is empty")
		return false
	}
	ok = d.decode(root, reflectValue(v), 0)
	// A document that blew the node budget is dropped whole: checking a
	// partial expansion would only add noise to the one problem that matters.
	return ok && d.budget >= 0
}

func (l *loader) loadConfig() *Config {
	c := &Config{}
	l.parseYAMLFile(ConfigFile, c, true)
	if len(c.Severities) == 0 {
		c.Severities = DefaultSeverities()
	}
	if len(c.Postmortem.RequiredSections) == 0 && !c.Postmortem.Has("required_sections") {
		c.Postmortem.RequiredSections = DefaultRequiredSections()
	}
	if c.Training.Incidents == 0 && !c.Training.Has("incidents") {
		c.Training.Incidents = 3
	}
	if c.Training.Major == 0 && !c.Training.Has("major") {
		c.Training.Major = 1
	}
	if c.GitHub.DefaultBranch == "" {
		c.GitHub.DefaultBranch = "main"
	}
	checkConfig(c, l.reporter(ConfigFile))
	return c
}

func (l *loader) loadPeople() []Person {
	var p People
	l.parseYAMLFile(PeopleFile, &p, true)
	checkPeople(&p, l.reporter(PeopleFile))
	return p.People
}

func (l *loader) loadRotations(files map[string]bool) []*Rotation {
	entries, err := fs.ReadDir(l.fsys, RotationsDir)
	if err != nil {
		l.dirError(RotationsDir, err)
		return nil
	}
	var out []*Rotation
	for _, e := range entries {
		name := path.Join(RotationsDir, e.Name())
		r := l.reporter(name)
		if e.IsDir() {
			r.warnf(Pos{}, "repo/unexpected-file", "rotations/ holds one <rotation-id>.yaml file per rotation", "unexpected folder in rotations/")
			continue
		}
		id, ok := strings.CutSuffix(e.Name(), ".yaml")
		if !ok {
			if strings.HasPrefix(e.Name(), ".") {
				continue
			}
			hint := "rotation files end in .yaml"
			if strings.HasSuffix(e.Name(), ".yml") {
				hint = "rename it to " + strings.TrimSuffix(e.Name(), ".yml") + ".yaml"
			}
			r.warnf(Pos{}, "repo/unexpected-file", hint, "unexpected file in rotations/ (ignored)")
			continue
		}
		if !CheckHandle(id) {
			r.errorf(Pos{}, "rotation/bad-id", "name the file with lower-case letters, digits and hyphens, e.g. imoc-platform.yaml", "rotation id %q is not valid", id)
			continue
		}
		files[id] = true
		rot := &Rotation{ID: id, Path: name}
		if !l.parseYAMLFile(name, rot, true) {
			continue
		}
		out = append(out, rot)
	}
	slices.SortFunc(out, func(a, b *Rotation) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// dirError reports a top-level folder that exists but cannot be listed (a
// symbolic link out of the repository, a file where a folder belongs,
// missing permissions). A missing folder is fine: a new repository may have
// no incidents yet.
func (l *loader) dirError(name string, err error) {
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	r := l.reporter(name)
	if isSymlink(l.fsys, name) {
		symlinkOK(l.fsys, name, r)
		return
	}
	r.errorf(Pos{}, "file/unreadable", fmt.Sprintf("%s must be a folder inside the repository", name), "cannot list %s: %v", name, unwrapPathError(err))
}

// incidentDir is one folder found under incidents/<YYYY>/.
type incidentDir struct {
	id, dir string
}

func (l *loader) loadIncidents(ctx context.Context, repo *Repo) []*Incident {
	dirs := l.findIncidentDirs()
	results := make([]struct {
		in       *Incident
		problems Problems
	}, len(dirs))

	// Parse and check incidents in parallel: this is where large
	// repositories spend their time. Each worker reports into its own
	// slice; results are merged in folder order.
	var wg sync.WaitGroup
	next := make(chan int)
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := range next {
				results[i].in = l.loadIncident(dirs[i], repo, &results[i].problems)
			}
		})
	}
	for i := range dirs {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if ctx.Err() != nil {
		l.reporter(IncidentsDir).errorf(Pos{}, "load/cancelled", "", "loading stopped: %v", ctx.Err())
	}

	var out []*Incident
	seen := map[string]string{}
	for _, res := range results {
		l.problems = append(l.problems, res.problems...)
		if res.in == nil {
			continue
		}
		if prev, dup := seen[res.in.ID]; dup {
			l.reporter(res.in.Path).errorf(Pos{}, "incident/duplicate-id", "rename one of the folders", "incident id %s is also used by %s", res.in.ID, prev)
			continue
		}
		seen[res.in.ID] = res.in.Path
		out = append(out, res.in)
	}
	slices.SortFunc(out, func(a, b *Incident) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

func (l *loader) findIncidentDirs() []incidentDir {
	years, err := fs.ReadDir(l.fsys, IncidentsDir)
	if err != nil {
		l.dirError(IncidentsDir, err)
		return nil
	}
	var dirs []incidentDir
	for _, y := range years {
		yname := path.Join(IncidentsDir, y.Name())
		if strings.HasPrefix(y.Name(), ".") {
			continue
		}
		if !y.IsDir() {
			if y.Name() != "README.md" {
				l.reporter(yname).warnf(Pos{}, "repo/unexpected-file", "incidents live in incidents/<YYYY>/<id>/incident.md", "unexpected file in incidents/ (ignored)")
			}
			continue
		}
		if len(y.Name()) != 4 || strings.Trim(y.Name(), "0123456789") != "" {
			l.reporter(yname).errorf(Pos{}, "repo/bad-year-folder", "incidents live in incidents/<YYYY>/<id>/incident.md", "folder %q under incidents/ is not a four-digit year", y.Name())
			continue
		}
		entries, err := fs.ReadDir(l.fsys, yname)
		if err != nil {
			l.reporter(yname).errorf(Pos{}, "file/unreadable", "", "cannot list folder: %v", unwrapPathError(err))
			continue
		}
		for _, e := range entries {
			dname := path.Join(yname, e.Name())
			r := l.reporter(dname)
			if strings.HasPrefix(e.Name(), ".") {
				continue
			}
			if !e.IsDir() {
				if e.Type()&fs.ModeSymlink != 0 && !symlinkOK(l.fsys, dname, r) {
					continue // one problem: the link leaves the repository
				}
				r.warnf(Pos{}, "repo/unexpected-file", "incidents live in incidents/<YYYY>/<id>/incident.md", "unexpected file in %s (ignored)", yname)
				continue
			}
			if err := CheckID(e.Name()); err != nil {
				r.errorf(Pos{}, "incident/bad-id", "rename the folder, e.g. 2026-11-20-checkout-errors-eu", "%v", err)
				continue
			}
			if e.Name()[:4] != y.Name() {
				r.errorf(Pos{}, "incident/year-mismatch", fmt.Sprintf("move it to incidents/%s/", e.Name()[:4]), "incident %s is filed under year %s", e.Name(), y.Name())
				continue
			}
			dirs = append(dirs, incidentDir{id: e.Name(), dir: dname})
		}
	}
	return dirs
}

// loadIncident lists an incident's folder and reads what it holds. It runs
// in the workers of loadIncidents: listing the folders is a good part of
// the work on a large repository.
func (l *loader) loadIncident(d incidentDir, repo *Repo, ps *Problems) *Incident {
	entries, err := fs.ReadDir(l.fsys, d.dir)
	if err != nil {
		reporter{file: d.dir, ps: ps}.errorf(Pos{}, "file/unreadable", "", "cannot list folder: %v", unwrapPathError(err))
		return nil
	}
	ipath := path.Join(d.dir, IncidentFile)
	r := reporter{file: ipath, ps: ps}
	i := slices.IndexFunc(entries, func(e fs.DirEntry) bool { return e.Name() == IncidentFile })
	if i < 0 {
		reporter{file: d.dir, ps: ps}.errorf(Pos{}, "incident/missing-file", "create it with `baton declare`, or remove the folder", "incident folder has no %s", IncidentFile)
		return nil
	}
	in := &Incident{ID: d.id, Dir: d.dir, Path: ipath}
	if !l.parseMarkdown(ipath, listedAs(entries[i].Type()), r, in, &in.Body, &in.BodyLine) {
		return nil
	}
	for _, e := range entries {
		f := e.Name()
		switch {
		case f == IncidentFile:
		case f == PostmortemFile:
			pm := &Postmortem{Path: path.Join(d.dir, f)}
			pr := reporter{file: pm.Path, ps: ps}
			if l.parseMarkdown(pm.Path, listedAs(e.Type()), pr, pm, &pm.Body, &pm.BodyLine) {
				pm.Sections = headings(pm.Body, pm.BodyLine, 2)
				in.Postmortem = pm
			}
		case strings.HasPrefix(f, "."):
		default:
			apath := path.Join(d.dir, f)
			ar := reporter{file: apath, ps: ps}
			if e.Type()&fs.ModeSymlink != 0 && !symlinkOK(l.fsys, apath, ar) {
				continue // one problem: the link leaves the repository
			}
			if err := CheckAsset(l.fsys, apath); err != nil {
				var ae *AssetError
				if errors.As(err, &ae) {
					ar.errorf(Pos{}, ae.Code, ae.Hint, "%s", ae.Message)
				} else {
					ar.errorf(Pos{}, "file/unreadable", "", "cannot read: %v", unwrapPathError(err))
				}
				continue
			}
			in.Assets = append(in.Assets, apath)
		}
	}
	checkIncident(repo, in, r)
	if in.Postmortem != nil {
		checkPostmortem(repo, in, in.Postmortem, reporter{file: in.Postmortem.Path, ps: ps})
	}
	return in
}

// parseMarkdown reads a Markdown file with front matter into v, storing the
// body and its first line.
func (l *loader) parseMarkdown(name string, how listed, r reporter, v any, body *string, bodyLine *int) bool {
	data := readFile(l.fsys, name, how, r)
	if data == nil {
		return false
	}
	fm, b, fmLine, bl, ok := splitFrontMatter(data, r)
	if !ok {
		return false
	}
	if !decodeYAML(fm, fmLine-1, r, l.cache, v) {
		return false
	}
	*body, *bodyLine = b, bl
	return true
}

// ParseIncident parses the bytes of one incident.md (without the checks
// that need the rest of the repository). It is what fuzzing exercises.
func ParseIncident(name string, data []byte) (*Incident, Problems) {
	var ps Problems
	r := reporter{file: name, ps: &ps}
	in := &Incident{Path: name}
	fm, b, fmLine, bl, ok := splitFrontMatter(data, r)
	if !ok || !decodeYAML(fm, fmLine-1, r, nil, in) {
		return nil, ps
	}
	in.Body, in.BodyLine = b, bl
	return in, ps
}

// ParsePostmortem parses the bytes of one postmortem.md (without the checks
// that need the rest of the repository).
func ParsePostmortem(name string, data []byte) (*Postmortem, Problems) {
	var ps Problems
	r := reporter{file: name, ps: &ps}
	pm := &Postmortem{Path: name}
	fm, b, fmLine, bl, ok := splitFrontMatter(data, r)
	if !ok || !decodeYAML(fm, fmLine-1, r, nil, pm) {
		return nil, ps
	}
	pm.Body, pm.BodyLine = b, bl
	pm.Sections = headings(b, bl, 2)
	return pm, ps
}

// ParseRotation parses the bytes of one rotation file (without the checks
// that need the rest of the repository).
func ParseRotation(name string, data []byte) (*Rotation, Problems) {
	var ps Problems
	r := reporter{file: name, ps: &ps}
	rot := &Rotation{Path: name, ID: strings.TrimSuffix(path.Base(name), ".yaml")}
	if !decodeYAML(data, 0, r, nil, rot) {
		return nil, ps
	}
	resolveRotationZones(rot, r)
	return rot, ps
}
