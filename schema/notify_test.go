package schema

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const testNotify = `notify:
  - id: team
    kind: slack
    url_env: SLACK_URL
    audience: internal
    events: [declared, resolved, handoff]
    severities: [SEV1, SEV2]
    components: [api]
  - id: customers
    kind: webhook
    url_env: HOOK_URL
    secret_env: HOOK_SECRET
`

// TestNotifyRules breaks one rule of notify: and site.subscribe at a time
// and expects exactly the problem, its place and its message.
func TestNotifyRules(t *testing.T) {
	tests := []struct {
		name, old, new string
		want           []string // "line:col level code: message"
	}{
		{"valid", "", "", nil},
		{"missing id", "  - id: team\n    kind: slack", "  - kind: slack", []string{"13:5 error config/missing-field: notify target 1 has no id"}},
		{"bad id", "id: team", "id: Team", []string{"13:9 error config/bad-id: notify target id \"Team\" is not valid"}},
		{"duplicate id", "id: customers", "id: team", []string{"20:9 error config/duplicate-id: notify target \"team\" is defined twice"}},
		{"unknown kind", "kind: slack", "kind: slak", []string{"14:11 error config/bad-notify: kind \"slak\" is not allowed"}},
		{"no url_env", "    url_env: SLACK_URL\n", "", []string{"13:5 error config/missing-field: notify target team has no url_env"}},
		{"URL in url_env", "url_env: SLACK_URL", "url_env: https://hooks.slack.com/services/T000/B000/SECRETPART",
			[]string{"15:14 error config/secret-in-file: notify target team: url_env holds an address, not the name of an environment variable"}},
		{"URL in secret_env", "secret_env: HOOK_SECRET", "secret_env: https://example.com/SECRETPART",
			[]string{"23:17 error config/secret-in-file: notify target customers: secret_env holds an address, not the name of an environment variable"}},
		{"url instead of url_env", "url_env: SLACK_URL", "url: https://hooks.slack.com/services/T000/B000/SECRETPART",
			[]string{"13:5 error config/missing-field: notify target team has no url_env", "15:5 error yaml/unknown-key: unknown key \"url\""}},
		{"bad env name", "url_env: HOOK_URL", "url_env: hook-url", []string{"22:14 error config/bad-env: notify target customers: url_env is not the name of an environment variable"}},
		{"unsigned webhook", "    secret_env: HOOK_SECRET\n", "", []string{"20:5 warning config/unsigned-webhook: notify target customers sends unsigned webhooks: a receiver cannot tell them from forgeries"}},
		{"secret on slack", "    url_env: SLACK_URL\n", "    url_env: SLACK_URL\n    secret_env: X\n", []string{"16:17 error config/bad-notify: notify target team: secret_env applies only to kind webhook"}},
		{"bad audience", "audience: internal", "audience: team", []string{"16:15 error config/bad-notify: audience \"team\" is not allowed"}},
		{"public handoff", "audience: internal", "audience: public", []string{"17:34 error config/public-handoff: notify target team is public, and handoff announcements name people"}},
		{"default audience with handoff", "    audience: internal\n", "", []string{"16:34 error config/public-handoff: notify target team is public, and handoff announcements name people"}},
		{"unknown event", "[declared, resolved, handoff]", "[declared, resolve, handoff]", []string{"17:24 error config/bad-notify: notify target team: unknown event \"resolve\""}},
		{"duplicate event", "[declared, resolved, handoff]", "[declared, declared, handoff]", []string{"17:24 error config/bad-notify: notify target team lists the event declared twice"}},
		{"empty events", "[declared, resolved, handoff]", "[]", []string{"17:13 error config/bad-notify: notify target team has an empty events list and would never send anything"}},
		{"unknown severity", "[SEV1, SEV2]", "[SEV1, SEV9]", []string{"18:24 error config/unknown-severity: notify target team: severity \"SEV9\" is not in baton.yaml"}},
		{"unknown component", "components: [api]", "components: [apu]", []string{"19:18 error config/unknown-component: notify target team: component \"apu\" is not in baton.yaml"}},
		{"subscribe bad url", "", "site:\n  subscribe:\n    - {name: Chat, url: irc://chat.example/status}\n", []string{"3:25 error config/bad-url: site.subscribe url \"irc://chat.example/status\" is not an absolute http(s) URL"}},
		{"subscribe no name", "", "site:\n  subscribe:\n    - {url: https://chat.example/status}\n", []string{"3:7 error config/missing-field: site.subscribe link 1 has no name"}},
		{"subscribe names a person", "", "site:\n  subscribe:\n    - {name: Alice Ng's channel, url: https://chat.example/status}\n", []string{"3:14 error config/names-person: the name of a site.subscribe link names \"Alice Ng\"; it is public, and the public site names nobody"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := testRepo()
			cfg := testConfig + testNotify
			if strings.HasPrefix(tt.new, "site:\n") {
				cfg = strings.Replace(cfg, "site:\n", tt.new, 1)
			} else if tt.old != "" {
				if strings.Count(cfg, tt.old) != 1 {
					t.Fatalf("%q occurs %d times", tt.old, strings.Count(cfg, tt.old))
				}
				cfg = strings.Replace(cfg, tt.old, tt.new, 1)
			}
			fsys["baton.yaml"].Data = []byte(cfg)
			_, ps := loadAll(t, fsys)
			var got []string
			for _, p := range ps {
				got = append(got, strings.TrimPrefix(p.String(), "baton.yaml:"))
				if strings.Contains(p.Message+p.Hint, "SECRETPART") {
					t.Errorf("the problem repeats the secret: %s (hint %s)", p.Message, p.Hint)
				}
			}
			var want []string
			for _, w := range tt.want {
				lc, rest, _ := strings.Cut(w, " ")
				level, rest, _ := strings.Cut(rest, " ")
				code, msg, _ := strings.Cut(rest, ": ")
				want = append(want, lc+": "+level+": "+msg+" ("+code+")")
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s\n%s", diff, ps.textAt(fsys))
			}
		})
	}
}

func TestNotifyDefaults(t *testing.T) {
	fsys := testRepo()
	fsys["baton.yaml"].Data = []byte(testConfig + testNotify)
	repo, ps := loadAll(t, fsys)
	if len(ps) != 0 {
		t.Fatalf("problems:\n%v", ps)
	}
	team, customers := repo.Config.Notify[0], repo.Config.Notify[1]
	if team.Audience != Internal || !slices.Equal(team.Events, []string{"declared", "resolved", "handoff"}) {
		t.Errorf("team = %+v", team)
	}
	if customers.Audience != Public || !slices.Equal(customers.Events, DefaultNotifyEvents()) || customers.Wants(EventHandoff) {
		t.Errorf("customers = %+v, want the public audience and every event but handoff", customers)
	}
}

func TestNotifySecretHint(t *testing.T) {
	fsys := testRepo()
	fsys["baton.yaml"].Data = []byte(strings.Replace(testConfig+testNotify, "url_env: SLACK_URL", "url_env: https://hooks.slack.com/x", 1))
	_, ps := loadAll(t, fsys)
	if len(ps) != 1 || !strings.Contains(ps[0].Hint, "rotate it") || !strings.Contains(ps[0].Hint, "url_env: SLACK_INCIDENTS_URL") {
		t.Errorf("problems %s", ps.text())
	}
}

// FuzzNotifyEnvNames: whatever url_env and secret_env hold, loading never
// fails, and a value that is not a variable name (it may be the secret
// itself) is never repeated in a problem.
func FuzzNotifyEnvNames(f *testing.F) {
	for _, s := range []string{"SLACK_URL", "https://hooks.slack.com/services/T/B/X", "hooks.slack.com/x", "1BAD", "a b", "", "x://y"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, urlEnv, secretEnv string) {
		q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
		fsys := testRepo()
		fsys["baton.yaml"].Data = []byte(testConfig + "notify:\n  - {id: hook, kind: webhook, url_env: " + q(urlEnv) + ", secret_env: " + q(secretEnv) + "}\n")
		_, ps := loadAll(t, fsys)
		for _, v := range []string{urlEnv, secretEnv} {
			if envNameRE.MatchString(v) || len(v) < 6 {
				continue
			}
			for _, p := range ps {
				if strings.Contains(p.Message, v) || strings.Contains(p.Hint, v) {
					t.Fatalf("the problem %q (hint %q) repeats %q", p.Message, p.Hint, v)
				}
			}
		}
	})
}
