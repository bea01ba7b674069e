package notify

import (
	"strconv"
	"strings"
)

// Discord webhooks take a message with embeds. Text from the repository
// is escaped for Discord's Markdown (a backslash before each character
// that formats, quotes or links), "@" is followed by a zero-width space so
// that @everyone and @here read as text, and allowed_mentions mentions
// nobody whatever the text says.

type discordPayload struct {
	AllowedMentions discordMentions `json:"allowed_mentions"`
	Embeds          []discordEmbed  `json:"embeds"`
}

type discordMentions struct {
	Parse []string `json:"parse"`
}

type discordEmbed struct {
	Title       string         `json:"title"`
	URL         string         `json:"url,omitempty"`
	Description string         `json:"description,omitempty"`
	Color       int            `json:"color"`
	Fields      []discordField `json:"fields,omitempty"`
	Footer      *discordFooter `json:"footer,omitempty"`
	Timestamp   string         `json:"timestamp,omitempty"`
}

type discordField struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Inline bool   `json:"inline"`
}

type discordFooter struct {
	Text string `json:"text"`
}

// Discord's embed limits (characters).
const (
	discordTitleMax       = 256
	discordDescriptionMax = 4096
	discordFieldNameMax   = 256
	discordFieldValueMax  = 1024
	discordFieldsMax      = 25
	discordFooterMax      = 2048
)

// discordSpecial are the characters Discord's Markdown gives a meaning
// anywhere in a line; discordLeading those that matter at its start
// (headings, lists).
const (
	discordSpecial = "\\*_~`|>[]()<"
	discordLeading = "#-+"
)

// discordEscape escapes s for Discord's Markdown after cutting it to n
// characters (the escapes may make it longer than n; the limits leave
// room).
func discordEscape(s string, n int) string {
	s = cut(s, n)
	var b strings.Builder
	lineStart, digits := true, false
	for _, r := range s {
		switch {
		case strings.ContainsRune(discordSpecial, r),
			lineStart && strings.ContainsRune(discordLeading, r),
			digits && r == '.':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '@':
			b.WriteString("@\u200b")
		default:
			b.WriteRune(r)
		}
		digits = r >= '0' && r <= '9' && (lineStart || digits)
		lineStart = r == '\n' || lineStart && r == ' '
	}
	return b.String()
}

func discordMessage(c card) discordPayload {
	e := discordEmbed{
		Title:  discordEscape(c.Title, discordTitleMax/2),
		URL:    c.Link,
		Color:  colourInt(c.Colour),
		Footer: &discordFooter{Text: cut(c.Footer, discordFooterMax)},
	}
	var desc []string
	if c.Lead != "" {
		desc = append(desc, "**"+discordEscape(c.Lead, 200)+"**")
	}
	if c.Text != "" {
		// Escaping at most doubles each part: "**" lead "**\n" text.
		desc = append(desc, discordEscape(c.Text, (discordDescriptionMax-2*200-5)/2))
	}
	e.Description = strings.Join(desc, "\n")
	for _, f := range c.Facts {
		if len(e.Fields) == discordFieldsMax {
			break
		}
		e.Fields = append(e.Fields, discordField{
			Name:   discordEscape(f.Name, discordFieldNameMax/2),
			Value:  discordEscape(f.Value, discordFieldValueMax/2),
			Inline: f.Name != "Affects",
		})
	}
	if !c.When.IsZero() {
		e.Timestamp = c.When.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	return discordPayload{AllowedMentions: discordMentions{Parse: []string{}}, Embeds: []discordEmbed{e}}
}

// colourInt turns #rrggbb into the integer Discord wants.
func colourInt(hex string) int {
	n, _ := strconv.ParseInt(strings.TrimPrefix(hex, "#"), 16, 32)
	return int(n)
}
