package schema

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Notification target kinds.
const (
	NotifySlack   = "slack"
	NotifyDiscord = "discord"
	NotifyTeams   = "teams"
	NotifyWebhook = "webhook"
)

// NotifyKinds lists the kinds of notification targets.
var NotifyKinds = []string{NotifySlack, NotifyDiscord, NotifyTeams, NotifyWebhook}

// Notification events.
const (
	EventDeclared    = "declared"
	EventUpdated     = "updated"
	EventResolved    = "resolved"
	EventPostmortem  = "postmortem"
	EventMaintenance = "maintenance"
	EventHandoff     = "handoff"
)

// NotifyEvents lists the events a target may subscribe to.
var NotifyEvents = []string{EventDeclared, EventUpdated, EventResolved, EventPostmortem, EventMaintenance, EventHandoff}

// DefaultNotifyEvents are the events of a target that lists none: all
// but handoff, which names people and goes only where it is asked for.
func DefaultNotifyEvents() []string {
	return []string{EventDeclared, EventUpdated, EventResolved, EventPostmortem, EventMaintenance}
}

// NotifyTarget is one entry of notify: in baton.yaml: a chat channel or a
// webhook that `baton notify` sends incident events to. The endpoint and
// the signing secret are secrets: the file names the environment variables
// that hold them, never the values.
type NotifyTarget struct {
	Meta
	// ID names the target in output and summaries ([a-z0-9-], unique).
	ID string `yaml:"id"`
	// Kind is slack, discord, teams or webhook.
	Kind string `yaml:"kind"`
	// URLEnv names the environment variable that holds the endpoint.
	URLEnv string `yaml:"url_env"`
	// SecretEnv names the environment variable that holds the key of the
	// webhook's HMAC-SHA256 signature (kind webhook only).
	SecretEnv string `yaml:"secret_env"`
	// Audience is public (the default: only what the public site shows)
	// or internal (everything, people included).
	Audience string `yaml:"audience"`
	// Events are the events the target receives (default:
	// DefaultNotifyEvents).
	Events []string `yaml:"events"`
	// Severities and Components, when set, keep only incident events of
	// those severities and events of incidents or maintenances that
	// affect one of those components.
	Severities []string `yaml:"severities"`
	Components []string `yaml:"components"`
}

// SubscribeLink is one entry of site.subscribe: a public place where people
// can follow the status (a chat invitation, a mailing list), listed in the
// status page's Subscribe section.
type SubscribeLink struct {
	Meta
	Name string `yaml:"name"`
	URL  string `yaml:"url"`
}

// Wants reports whether the target subscribes to the event.
func (t *NotifyTarget) Wants(event string) bool { return slices.Contains(t.Events, event) }

// envNameRE is what an environment variable name looks like to a shell and
// to GitHub Actions.
var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// looksLikeURL says whether a value that should name a variable holds an
// address instead.
func looksLikeURL(s string) bool {
	l := strings.ToLower(s)
	return strings.Contains(l, "://") || strings.HasPrefix(l, "hooks.") || strings.Contains(l, "webhook.office.com")
}

// checkNotify fills the defaults of the notify: targets and
// site.subscribe and checks them (references to severities and components
// included: both are in baton.yaml). Error messages never repeat the value
// of url_env or secret_env when it is not a variable name: it may be the
// secret itself.
func checkNotify(c *Config, r reporter) {
	ids := map[string]bool{}
	var sevIDs, compIDs []string
	for _, s := range c.Severities {
		sevIDs = append(sevIDs, s.ID)
	}
	for _, co := range c.Components {
		compIDs = append(compIDs, co.ID)
	}
	for i := range c.Notify {
		t := &c.Notify[i]
		if t.Keys == nil {
			continue // not a mapping: reported by the decoder
		}
		name := fmt.Sprintf("notify target %d", i+1)
		switch {
		case t.ID == "":
			r.errorf(t.Pos, "config/missing-field", "add an id such as team-slack; output and summaries name the target by it", "%s has no id", name)
		case !CheckHandle(t.ID):
			r.errorf(t.PosOf("id"), "config/bad-id", "use lower-case letters, digits and hyphens, e.g. team-slack", "notify target id %q is not valid", t.ID)
		case ids[t.ID]:
			r.errorf(t.PosOf("id"), "config/duplicate-id", "", "notify target %q is defined twice", t.ID)
		}
		if t.ID != "" {
			ids[t.ID] = true
			name = "notify target " + t.ID
		}
		if t.Kind == "" {
			r.errorf(t.Pos, "config/missing-field", "add kind: slack, discord, teams or webhook", "%s has no kind", name)
		} else {
			oneOf(r, &t.Meta, "kind", t.Kind, "config/bad-notify", NotifyKinds...)
		}
		checkEnvName(r, t, "url_env", t.URLEnv, name, true)
		checkEnvName(r, t, "secret_env", t.SecretEnv, name, false)
		switch {
		case t.Kind == NotifyWebhook && t.SecretEnv == "":
			r.warnf(t.Pos, "config/unsigned-webhook", "set secret_env to the variable that holds a signing key (e.g. openssl rand -hex 32), so that receivers can check X-Baton-Signature-256", "%s sends unsigned webhooks: a receiver cannot tell them from forgeries", name)
		case t.Kind != NotifyWebhook && t.Kind != "" && t.SecretEnv != "":
			r.errorf(t.PosOf("secret_env"), "config/bad-notify", "remove secret_env: only kind webhook signs its requests; a chat webhook's address is its secret", "%s: secret_env applies only to kind webhook", name)
		}
		if t.Audience == "" {
			t.Audience = Public
		} else {
			oneOf(r, &t.Meta, "audience", t.Audience, "config/bad-notify", Public, Internal)
		}
		if t.Events == nil && !t.Has("events") {
			t.Events = DefaultNotifyEvents()
		} else if len(t.Events) == 0 {
			r.errorf(t.PosOf("events"), "config/bad-notify", "list events, or remove events: for all but handoff", "%s has an empty events list and would never send anything", name)
		}
		seen := map[string]bool{}
		for j, e := range t.Events {
			key := fmt.Sprintf("events.%d", j)
			if !slices.Contains(NotifyEvents, e) {
				hint := "use: " + strings.Join(NotifyEvents, ", ")
				if s := suggest(e, NotifyEvents); s != "" {
					hint = fmt.Sprintf("did you mean %q? (one of: %s)", s, strings.Join(NotifyEvents, ", "))
				}
				r.errorf(t.PosOf(key), "config/bad-notify", hint, "%s: unknown event %q", name, e)
				continue
			}
			if seen[e] {
				r.errorf(t.PosOf(key), "config/bad-notify", "remove one of the two", "%s lists the event %s twice", name, e)
			}
			seen[e] = true
			if e == EventHandoff && t.Audience == Public {
				r.errorf(t.PosOf(key), "config/public-handoff", "remove handoff from events, or set audience: internal for a team channel", "%s is public, and handoff announcements name people", name)
			}
		}
		checkRefs(r, t, "severities", t.Severities, sevIDs, name, "severity")
		checkRefs(r, t, "components", t.Components, compIDs, name, "component")
	}

	for i := range c.Site.Subscribe {
		l := &c.Site.Subscribe[i]
		if l.Keys == nil {
			continue
		}
		if l.Name == "" {
			r.errorf(l.Pos, "config/missing-field", "add name, e.g. \"Community chat\"", "site.subscribe link %d has no name", i+1)
		}
		switch {
		case l.URL == "":
			r.errorf(l.Pos, "config/missing-field", "add url, the public address people follow", "site.subscribe link %d has no url", i+1)
		case !absoluteHTTP(l.URL):
			r.errorf(l.PosOf("url"), "config/bad-url", "write an absolute http(s) URL, e.g. https://chat.example.com/invite/status", "site.subscribe url %q is not an absolute http(s) URL", l.URL)
		}
	}
}

// checkEnvName checks that value (at key) names an environment variable.
func checkEnvName(r reporter, t *NotifyTarget, key, value, name string, required bool) {
	switch {
	case value == "" && required:
		r.errorf(t.Pos, "config/missing-field", "add url_env: the name of the environment variable (a secret in CI) that holds the endpoint, e.g. SLACK_INCIDENTS_URL", "%s has no url_env", name)
	case value == "":
	case looksLikeURL(value):
		r.errorf(t.PosOf(key), "config/secret-in-file", "the address of a webhook is a secret: anyone who has it can post to the channel. Remove it from baton.yaml (and rotate it: it is in the git history), store it as a secret, and name the variable here, e.g. "+key+": SLACK_INCIDENTS_URL", "%s: %s holds an address, not the name of an environment variable", name, key)
	case !envNameRE.MatchString(value) || len(value) > 128:
		r.errorf(t.PosOf(key), "config/bad-env", "use letters, digits and underscores, not starting with a digit, e.g. STATUS_WEBHOOK_SECRET", "%s: %s is not the name of an environment variable", name, key)
	}
}

// checkRefs checks that every entry of list (at key) is one of known.
func checkRefs(r reporter, t *NotifyTarget, key string, list, known []string, name, what string) {
	if t.Has(key) && len(list) == 0 {
		r.errorf(t.PosOf(key), "config/bad-notify", "list some, or remove "+key+": to keep every "+what, "%s has an empty %s list and would never send anything", name, key)
	}
	for j, v := range list {
		if slices.Contains(known, v) {
			continue
		}
		hint := "use one of: " + strings.Join(known, ", ")
		if s := suggest(v, known); s != "" {
			hint = fmt.Sprintf("did you mean %q?", s)
		}
		r.errorf(t.PosOf(fmt.Sprintf("%s.%d", key, j)), "config/unknown-"+what, hint, "%s: %s %q is not in baton.yaml", name, what, v)
	}
}
