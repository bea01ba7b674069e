package notify

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzEscapes: whatever an incident says, each format's escaping keeps it
// within the format's limits, leaves no special character unescaped, and
// the payload is valid JSON that mentions nobody.
func FuzzEscapes(f *testing.F) {
	for _, s := range []string{"", "plain", "<!channel> @everyone *b* _i_ [x](http://e)", "- list\n1. item\n# head", "\\*", "é\u200d\u202e", strings.Repeat("*", 5000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := card{Title: s, Lead: s, Text: s, Facts: []fact{{"Status", s}}, Footer: s, Link: "https://status.example/x/"}
		d := discordEscape(s, 1000)
		if !utf8.ValidString(s) {
			return
		}
		for i, r := range []rune(d) {
			if strings.ContainsRune(discordSpecial, r) && r != '\\' {
				if i == 0 || []rune(d)[i-1] != '\\' {
					t.Fatalf("discord: %q unescaped in %q", r, d)
				}
			}
		}
		if strings.Contains(d, "@everyone") || strings.Contains(d, "@here") {
			t.Fatalf("discord: a mention survives in %q", d)
		}
		tm := teamsEscape(s)
		for i, r := range []rune(tm) {
			if strings.ContainsRune(teamsSpecial, r) && r != '\\' && (i == 0 || []rune(tm)[i-1] != '\\') {
				t.Fatalf("teams: %q unescaped in %q", r, tm)
			}
		}
		sl := slackEscape(s)
		if strings.ContainsAny(strings.NewReplacer("&amp;", "", "&lt;", "", "&gt;", "").Replace(sl), "<>&") {
			t.Fatalf("slack: unescaped in %q", sl)
		}
		for _, p := range []any{slackMessage(c), discordMessage(c), teamsMessage(c)} {
			b, err := json.Marshal(p)
			if err != nil || !json.Valid(b) {
				t.Fatalf("%T: %v", p, err)
			}
		}
		e := discordMessage(c).Embeds[0]
		if utf8.RuneCountInString(e.Title) > discordTitleMax || utf8.RuneCountInString(e.Description) > discordDescriptionMax {
			t.Fatalf("discord over its limits: %d %d", utf8.RuneCountInString(e.Title), utf8.RuneCountInString(e.Description))
		}
		if h := slackMessage(c).Blocks[0].Text.Text; utf8.RuneCountInString(h) > slackHeaderMax {
			t.Fatalf("slack header of %d characters", utf8.RuneCountInString(h))
		}
		if got := cutBytes(s, 50); len(got) > 50 || !utf8.ValidString(got) {
			t.Fatalf("cutBytes(%q, 50) = %q", s, got)
		}
	})
}

// FuzzRedact: an error that quotes any part of the address or the secret
// comes out without it.
func FuzzRedact(f *testing.F) {
	f.Add("https://hooks.example.com/services/T0/B0/token0123?sig=abcd", "s3cr3t", "failed for https://hooks.example.com/services/T0/B0/token0123?sig=abcd")
	f.Add("http://user:pass@127.0.0.1:8080/p/q", "k", "dial tcp 127.0.0.1:8080: refused /p/q user:pass")
	f.Fuzz(func(t *testing.T, raw, secret, msg string) {
		tg := Target{ID: "t", URL: raw, Secret: secret}
		out := redact(msg+" "+raw+" "+secret, tg)
		if len(raw) >= 4 && strings.Contains(out, raw) {
			t.Fatalf("the address survives: %q", out)
		}
		if len(secret) >= 4 && strings.Contains(out, secret) {
			t.Fatalf("the secret survives: %q", out)
		}
		if u, err := url.Parse(raw); err == nil && len(u.Host) >= 4 && strings.Contains(out, u.Host) && !strings.Contains("[redacted]", u.Host) {
			t.Fatalf("the host survives: %q", out)
		}
	})
}
