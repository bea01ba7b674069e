package schema

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// oracleMentionRE is the regular expression that found mentions of people
// before personMatcher, kept as the oracle that personMatcher must agree
// with. It matches any person's handle, full name, first name, GitHub
// login or e-mail address as a whole word: the identifiers in any case,
// the names as people.yaml spells them.
func oracleMentionRE(people []Person) *regexp.Regexp {
	if len(people) == 0 {
		return nil
	}
	seen := map[string]bool{}
	var ids, names []string
	add := func(list *[]string, s string, fold bool) {
		s = strings.TrimSpace(s)
		key := s
		if fold {
			key = strings.ToLower(s)
		}
		if len(s) < 2 || seen[key] || seen[strings.ToLower(s)] {
			return
		}
		seen[key] = true
		*list = append(*list, regexp.QuoteMeta(s))
	}
	for _, p := range people {
		add(&ids, p.Handle, true)
		add(&ids, p.GitHub, true)
		add(&ids, p.Email, true)
	}
	for _, p := range people {
		add(&names, p.Name, false)
		if first, _, ok := strings.Cut(p.Name, " "); ok {
			add(&names, first, false)
		}
	}
	// With nothing to look for, the expression would be "@?()" and
	// match the empty string everywhere: personMatcher looks for nothing
	// instead, and the oracle says so.
	if len(ids)+len(names) == 0 {
		return nil
	}
	byLen := func(a, b string) int { return len(b) - len(a) }
	slices.SortStableFunc(ids, byLen)
	slices.SortStableFunc(names, byLen)
	var alts []string
	if len(names) > 0 {
		alts = append(alts, strings.Join(names, "|"))
	}
	if len(ids) > 0 {
		alts = append(alts, "(?i:"+strings.Join(ids, "|")+")")
	}
	re, err := regexp.Compile(`(?:^|[^\pL\pN_@.-])@?(` + strings.Join(alts, "|") + `)(?:$|[^\pL\pN_@-])`)
	if err != nil {
		return nil
	}
	return re
}

// checkAgainstOracle fails t when the matcher and the oracle disagree on
// text.
func checkAgainstOracle(t *testing.T, people []Person, text string) {
	t.Helper()
	checkWith(t, oracleMentionRE(people), newPersonMatcher(people), people, text)
}

func checkWith(t *testing.T, re *regexp.Regexp, m *personMatcher, people []Person, text string) {
	t.Helper()
	if (re == nil) != (m == nil) {
		t.Fatalf("people %+v: oracle %v, matcher %v", people, re, m)
	}
	if re == nil {
		return
	}
	want := re.FindStringSubmatchIndex(text)
	start, end, ok := m.find(text)
	if ok != (want != nil) || ok && (start != want[2] || end != want[3]) {
		t.Fatalf("people %q\ntext %q\nregexp: %v (%q)\nmatcher: %v %d %d (%q)", spellings(people), text,
			want, group(text, want), ok, start, end, text[start:end])
	}
}

func group(s string, loc []int) string {
	if loc == nil {
		return ""
	}
	return s[loc[2]:loc[3]]
}

func spellings(people []Person) []string {
	var out []string
	for _, p := range people {
		out = append(out, p.Handle+"|"+p.Name+"|"+p.GitHub+"|"+p.Email)
	}
	return out
}

// mentionPeople is a directory with the cases that make matching subtle:
// names that are prefixes of each other, names that are ordinary words,
// letters outside ASCII at either end, a handle that is also a first name,
// identifiers with capitals, and case-folding orbits of more than two runes
// (k, K and the Kelvin sign; s, S and the long s).
var mentionPeople = []Person{
	{Handle: "alice", Name: "Alice Ng", GitHub: "alice-ng", Email: "alice@test.example"},
	{Handle: "al", Name: "Al Ng", GitHub: "AlNg"},
	{Handle: "wmark", Name: "Will Mark", GitHub: "WillM"},
	{Handle: "emile", Name: "Émile Zoë", Email: "émile@test.example"},
	{Handle: "zoe", Name: "Zoë Ång", GitHub: "zoe-a"},
	{Handle: "kim", Name: "Kim Sœur", GitHub: "kims"},
	{Handle: "sam", Name: "Sam Ißler", GitHub: "SAM-ISS", Email: "sam.iss@test.example"},
	{Handle: "lukasz", Name: "Łukasz Ø", GitHub: "lukasz0"},
	{Handle: "x", Name: "  Bo  ", GitHub: "b"},
	{Handle: "kai", Name: "Kai Kai"},
	{Handle: "tara-o", Name: "Tara", Email: "TARA@test.example"},
	{Handle: "dave", Name: "Dave Ümlaut-Smith Jr.", GitHub: "dave_"},
}

// mentionPieces are the fragments random texts are made of: people's
// spellings in several cases, and the characters around words.
var mentionPieces = func() []string {
	pieces := []string{
		" ", " ", " ", ".", "-", "@", "_", ",", "(", ")", "'", "’", "\n", "\t", "—", "é", "1", "x", "X", "ß", "\xff",
		"K", "ſ", "K", "k", "s", "S", "İ", "ı", "the IMOC", "an engineer", "ops.", "@@", "..", "Ç", "日本", "٣",
	}
	for _, p := range mentionPeople {
		for _, s := range []string{p.Handle, p.Name, p.GitHub, p.Email} {
			if s == "" {
				continue
			}
			pieces = append(pieces, s, strings.ToUpper(s), strings.ToLower(s), strings.TrimSpace(s))
			if first, rest, ok := strings.Cut(s, " "); ok {
				pieces = append(pieces, first, rest)
			}
			if len(s) > 2 {
				pieces = append(pieces, s[:len(s)-1], s[1:])
			}
		}
	}
	return pieces
}()

// TestPersonMatcherMatchesOracle compares the matcher with the regular
// expression it replaced on random texts made of people's spellings and
// what surrounds words, over random subsets of mentionPeople (so that the
// order of preference between spellings changes too).
func TestPersonMatcherMatchesOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	iterations := 400
	if testing.Short() {
		iterations = 40
	}
	for range iterations {
		people := slices.Clone(mentionPeople)
		rng.Shuffle(len(people), func(i, j int) { people[i], people[j] = people[j], people[i] })
		people = people[:1+rng.IntN(len(people))]
		re, m := oracleMentionRE(people), newPersonMatcher(people)
		for range 500 {
			var b strings.Builder
			for range rng.IntN(12) {
				b.WriteString(mentionPieces[rng.IntN(len(mentionPieces))])
			}
			checkWith(t, re, m, people, b.String())
		}
	}
}

// TestPersonMatcher pins the rules the matcher documents, each with the
// mention it must report (or none).
func TestPersonMatcher(t *testing.T) {
	m := newPersonMatcher(mentionPeople)
	for _, tc := range []struct{ text, want string }{
		{"after Alice Ng restarted it", "Alice Ng"},
		{"after Alice restarted it", "Alice"},
		{"after alice restarted it", "alice"},    // the handle, in any case
		{"after ALICE restarted it", "ALICE"},    // likewise
		{"after alice ng restarted it", "alice"}, // names keep their capitals
		{"ask @alice-ng", "alice-ng"},
		{"mail alice@test.example.", "alice@test.example"},
		{"ops.alice and x-alice and alice_x and alice2", ""},
		{"we will mark it", ""}, // "Will" is a name, with its capital
		{"Will did", "Will"},
		{"willm did", "willm"},
		{"Will Mark will fix it", "Will Mark"},
		{"(Émile) said", "Émile"},
		{"Zoë's fix", "Zoë"},
		{"Zoëy", ""},
		{"\u212Aim", "\u212Aim"}, // the Kelvin sign folds to k
		{"KIMS", "KIMS"},
		{"a b", ""}, // handles shorter than two characters are not looked for
		{"Bo did", "Bo"},
		{"Dave Ümlaut-Smith Jr. wrote", "Dave Ümlaut-Smith Jr."},
		{"日本Tara", ""},
		{"—Tara", "Tara"},
		{"tara-o@", ""},
		{"\xffTara\xff", "Tara"},
	} {
		start, end, ok := m.find(tc.text)
		got := ""
		if ok {
			got = tc.text[start:end]
		}
		if got != tc.want {
			t.Errorf("find(%q) = %q, want %q", tc.text, got, tc.want)
		}
		checkAgainstOracle(t, mentionPeople, tc.text)
	}
	if m := newPersonMatcher(nil); m != nil {
		t.Errorf("no people: matcher %v, want nil", m)
	}
	if m := newPersonMatcher([]Person{{Handle: "a", Name: "B"}}); m != nil {
		t.Errorf("no spelling of two characters or more: matcher %v, want nil", m)
	}
}

// FuzzPersonMatcher compares the matcher with the oracle on any people and
// text. Each line of spec is one person: handle|name|github|email.
func FuzzPersonMatcher(f *testing.F) {
	f.Add("alice|Alice Ng|alice-ng|alice@test.example\nbob|Bob|bobs|", "Then @alice-ng and Bob Stone fixed it.")
	f.Add("kim|Kim|k|", "\u212Aim ſam")
	f.Add("émile|Émile Zoë||", "(Émile) émile ÉMILE")
	f.Add("a.b|A.b|a-b|a@b", "x.a.b a.b. @a-b-")
	f.Add("x|@Tara||", "@@Tara @Tara")
	f.Fuzz(func(t *testing.T, spec, text string) {
		if len(spec) > 2000 || len(text) > 2000 {
			return
		}
		var people []Person
		for line := range strings.SplitSeq(spec, "\n") {
			f := strings.SplitN(line, "|", 4)
			for len(f) < 4 {
				f = append(f, "")
			}
			if !utf8.ValidString(line) {
				return // people.yaml is UTF-8 (readFile refuses anything else)
			}
			people = append(people, Person{Handle: f[0], Name: f[1], GitHub: f[2], Email: f[3]})
		}
		checkAgainstOracle(t, people, text)
	})
}
