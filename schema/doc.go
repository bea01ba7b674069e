// Package schema is Baton's domain: the types of an incidents repository,
// strict parsing that keeps the line and column of every value, and the
// validation rules that need no rotation arithmetic.
//
// It is for turning files into a checked [Repo] and a list of [Problems].
// It is not for rendering (package generator), rotation arithmetic
// (package oncall), editing files (internal/edit) or I/O beyond reading an
// [io/fs.FS]. It imports only the standard library and yaml.v3.
//
// # The repository
//
// An incidents repository is laid out as
//
//	baton.yaml                                    Config: site, GitHub, severities, components, policies
//	people.yaml                                   People: handles, names, GitHub logins, IMOC status, time away
//	rotations/<rotation-id>.yaml                  Rotation: layers, overrides, shadows
//	incidents/<YYYY>/<YYYY-MM-DD-slug>/incident.md    Incident: front matter + internal narrative
//	incidents/<YYYY>/<YYYY-MM-DD-slug>/postmortem.md  Postmortem (optional)
//	incidents/<YYYY>/<YYYY-MM-DD-slug>/<asset>        images and other files (optional)
//
// Markdown files start with YAML front matter between two "---" lines.
// Every key is documented for users in docs/file-formats.md, and as JSON
// Schemas (draft 2020-12) embedded here: see [JSONSchema].
//
// # Loading
//
// [Load] reads a whole repository once, from any [io/fs.FS]: the working
// tree (the CLI opens it through [os.Root], so symbolic links cannot leave
// it), a git revision, or a test's [testing/fstest.MapFS]. It never stops
// at the first problem and never fails: it returns the Repo it could build
// and every problem, sorted by file and position.
//
// Decoding is strict. Unknown keys are errors with a "did you mean" hint;
// duplicate keys, wrong types and malformed values are errors; every
// decoded struct embeds [Meta], which records where each key's value was
// ([Meta.PosOf]), so that later checks point at the exact line and column.
// Instants are RFC 3339 with an offset ([time.Time]); rotations use
// wall-clock values without a zone ([WallClock], [Clock], [Date]),
// interpreted in a layer's time zone by package oncall.
//
// Assets, the other files of an incident folder, are published on the
// status site and follow a policy of their own ([CheckAsset],
// [ReadAsset]): inert types only (no SVG, HTML or scripts), regular files
// with a single link, at most [MaxAssetSize].
//
// Hostile input is bounded: files over [MaxFileSize] are refused before
// they are read, documents that expand past a node budget (alias bombs) or
// nest too deeply are rejected, invalid UTF-8 and binary files are
// reported, and the parser's own failures become problems, never panics.
//
// # Validation
//
// Load applies every static rule of the file formats: references between
// files, roles (the owner owns the incident, a qualified IMOC owns the
// process, trainees shadow), time order, status updates, leveling guidance
// ([SuggestSeverity]), required postmortem sections, action items and the
// blameless-language lint. [CheckPolicy] adds the rules that depend on the
// current time (the postmortem due-date policy). One mistake gives one
// problem: checks that depend on a broken value are skipped rather than
// reported again. Problem codes are stable and listed in docs/validation.md.
package schema
