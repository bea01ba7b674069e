package schema

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// A blameless rule: a pattern and how to say it better.
type blameRule struct {
	// keys are lower-case substrings one of which any match contains: a
	// cheap filter that spares most lines the regular expression.
	keys []string
	re   *regexp.Regexp
	msg  string
	hint string
}

var blameRules = []blameRule{
	{[]string{"have"}, regexp.MustCompile(`(?i)\b(should|could|would)(?: not|n't)? have\b`), "counterfactual %q judges the past by what is known now",
		"describe what happened and why it made sense at the time, e.g. \"the runbook did not cover this case\""},
	{[]string{"if only"}, regexp.MustCompile(`(?i)\bif only\b`), "counterfactual %q judges the past by what is known now",
		"describe what happened and what the system allowed"},
	{[]string{" error"}, regexp.MustCompile(`(?i)\b(human|operator|user) error\b`), "%q names a person as the cause",
		"name the conditions instead, e.g. \"the CLI accepted a production target without confirmation\""},
	{[]string{"careless", "negligen", "slopp", "lazy", "laziness", "incompeten", "reckless", "stupid"}, regexp.MustCompile(`(?i)\b(careless(ly|ness)?|negligen(t|tly|ce)|sloppy|sloppily|lazy|laziness|incompeten(t|ce)|reckless(ly|ness)?|stupid(ly|ity)?)\b`), "%q is a judgement of character",
		"describe the action and its context without judging the person"},
	{[]string{"obviously", "clearly", "simply", "just"}, regexp.MustCompile(`(?i)\b(obviously|clearly|simply|just)\b`), "%q minimises what was hard to see at the time",
		"remove the word; what is obvious in hindsight was not at the time"},
	{[]string{"whose fault", "who caused", "blam"}, regexp.MustCompile(`(?i)\b(whose fault|who caused|blame[sd]?|blaming)\b`), "%q seeks someone to blame",
		"ask what made the failure possible, not who"},
}

var personCauseVerbs = []string{"caused", "broke", "forgot", "failed to", "missed", "neglected"}

type blameFinding struct {
	pos  Pos
	msg  string
	hint string
}

// blamelessLint finds blaming language in Markdown text, skipping fenced
// code blocks and inline code. firstLine is the text's first line number.
func blamelessLint(repo *Repo, text string, firstLine int) []blameFinding {
	rules := blameRules
	if re := repo.personCause; re != nil {
		rules = append(rules[:len(rules):len(rules)], blameRule{personCauseVerbs, re, "%q names a person as the cause",
			"describe what the system did and what made the action possible, e.g. \"the deploy removed the index\""})
	}
	var out []blameFinding
	fence := ""
	for i, line := range strings.Split(text, "\n") {
		t := strings.TrimLeft(line, " ")
		if fence != "" {
			if strings.HasPrefix(t, fence) {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fence = t[:3]
			continue
		}
		masked := maskInlineCode(line)
		lower := strings.ToLower(masked)
		for _, rule := range rules {
			if !containsAny(lower, rule.keys) {
				continue
			}
			for _, loc := range rule.re.FindAllStringSubmatchIndex(masked, -1) {
				// A rule whose match includes its word edges marks the phrase
				// itself as the group "phrase".
				if g := rule.re.SubexpIndex("phrase"); g > 0 {
					loc = loc[2*g:]
				}
				phrase := line[loc[0]:loc[1]]
				out = append(out, blameFinding{
					pos:  Pos{firstLine + i, utf8.RuneCountInString(line[:loc[0]]) + 1},
					msg:  sprintfQ(rule.msg, phrase),
					hint: rule.hint,
				})
			}
		}
	}
	return out
}

func sprintfQ(format, phrase string) string {
	return strings.Replace(format, "%q", `"`+phrase+`"`, 1)
}

// maskInlineCode replaces `code spans` with spaces, keeping byte offsets.
func maskInlineCode(line string) string {
	if !strings.Contains(line, "`") {
		return line
	}
	b := []byte(line)
	in := false
	for i, c := range b {
		if c == '`' {
			in = !in
			continue
		}
		if in {
			b[i] = ' '
		}
	}
	return string(b)
}

// personCauseRE matches a person's handle, full name or first name followed
// by a verb that makes them the cause ("alice forgot", "Bob broke").
func personCauseRE(repo *Repo) *regexp.Regexp {
	if repo == nil || len(repo.People) == 0 {
		return nil
	}
	seen := map[string]bool{}
	var alts []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		if len(s) < 2 || seen[strings.ToLower(s)] {
			return
		}
		seen[strings.ToLower(s)] = true
		alts = append(alts, regexp.QuoteMeta(s))
	}
	for _, p := range repo.People {
		add(p.Handle)
		add(p.Name)
		if first, _, ok := strings.Cut(p.Name, " "); ok {
			add(first)
		}
	}
	// Word edges are spelled out: \b knows only ASCII letters, so it would
	// miss "Émile forgot".
	re, err := regexp.Compile(`(?i)(?:^|[^\pL\pN_])(?P<phrase>(?:` + strings.Join(alts, "|") + `)\s+(?:` + strings.Join(personCauseVerbs, "|") + `))(?:$|[^\pL\pN_])`)
	if err != nil {
		return nil
	}
	return re
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
