package notify

import "strings"

// Slack incoming webhooks take a message with Block Kit blocks; "text" is
// the notification's fallback. Text from the repository goes into
// plain_text objects, which Slack shows as written (no formatting, links
// or mentions); what must be mrkdwn (bold labels) escapes &, < and >, so
// that nothing becomes a link or a mention (<!channel>, <@U123>).

type slackText struct {
	Type  string `json:"type"`
	Text  string `json:"text"`
	Emoji *bool  `json:"emoji,omitempty"`
}

type slackBlock struct {
	Type     string      `json:"type"`
	Text     *slackText  `json:"text,omitempty"`
	Fields   []slackText `json:"fields,omitempty"`
	Elements []any       `json:"elements,omitempty"`
}

type slackButton struct {
	Type string    `json:"type"`
	Text slackText `json:"text"`
	URL  string    `json:"url"`
}

type slackPayload struct {
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks"`
}

// Block Kit limits (characters): a header's text, a section's text, a
// field, and the fields of one section.
const (
	slackHeaderMax  = 150
	slackSectionMax = 3000
	slackFieldMax   = 2000
	slackFieldsMax  = 10
)

func plain(s string) *slackText {
	no := false
	return &slackText{Type: "plain_text", Text: s, Emoji: &no}
}

// slackEscape escapes text for mrkdwn: &, < and > only, as Slack asks.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func slackMessage(c card) slackPayload {
	p := slackPayload{Text: slackEscape(cut(c.Title, slackSectionMax))}
	p.Blocks = append(p.Blocks, slackBlock{Type: "header", Text: plain(cut(c.Title, slackHeaderMax))})
	if c.Lead != "" {
		p.Blocks = append(p.Blocks, slackBlock{Type: "section", Text: &slackText{Type: "mrkdwn", Text: "*" + slackEscape(cut(c.Lead, slackSectionMax-2)) + "*"}})
	}
	if c.Text != "" {
		p.Blocks = append(p.Blocks, slackBlock{Type: "section", Text: plain(cut(c.Text, slackSectionMax))})
	}
	var fields []slackText
	for _, f := range c.Facts {
		if len(fields) == slackFieldsMax {
			break
		}
		fields = append(fields, slackText{Type: "mrkdwn", Text: "*" + slackEscape(f.Name) + "*\n" + slackEscape(cut(f.Value, slackFieldMax-len(f.Name)-3))})
	}
	if len(fields) > 0 {
		p.Blocks = append(p.Blocks, slackBlock{Type: "section", Fields: fields})
	}
	if c.Link != "" {
		p.Blocks = append(p.Blocks, slackBlock{Type: "actions", Elements: []any{
			slackButton{Type: "button", Text: *plain(c.LinkText), URL: c.Link},
		}})
	}
	p.Blocks = append(p.Blocks, slackBlock{Type: "context", Elements: []any{slackText{Type: "mrkdwn", Text: slackEscape(cut(c.Footer, slackSectionMax))}}})
	return p
}
