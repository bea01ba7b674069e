package notify

import "strings"

// Microsoft Teams Workflows webhooks ("Post to a channel when a webhook
// request is received") take a message whose attachment is an Adaptive
// Card. TextBlock and FactSet text is Markdown (bold, italic, lists,
// links); text from the repository gets a backslash before each character
// that would format or link, and before a leading list marker.

type teamsPayload struct {
	Type        string            `json:"type"`
	Attachments []teamsAttachment `json:"attachments"`
}

type teamsAttachment struct {
	ContentType string    `json:"contentType"`
	ContentURL  *string   `json:"contentUrl"`
	Content     teamsCard `json:"content"`
}

type teamsCard struct {
	Schema  string        `json:"$schema"`
	Type    string        `json:"type"`
	Version string        `json:"version"`
	Body    []any         `json:"body"`
	Actions []teamsAction `json:"actions,omitempty"`
}

type teamsTextBlock struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	Size     string `json:"size,omitempty"`
	Weight   string `json:"weight,omitempty"`
	Color    string `json:"color,omitempty"`
	IsSubtle bool   `json:"isSubtle,omitempty"`
	Spacing  string `json:"spacing,omitempty"`
	Wrap     bool   `json:"wrap"`
}

type teamsFactSet struct {
	Type  string      `json:"type"`
	Facts []teamsFact `json:"facts"`
}

type teamsFact struct {
	Title string `json:"title"`
	Value string `json:"value"`
}

type teamsAction struct {
	Type  string `json:"type"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// teamsSpecial are the characters of Adaptive Card Markdown.
const teamsSpecial = "\\*_[]()`~<>"

// teamsTextMax bounds one text (Teams refuses messages over about 28 KB).
const teamsTextMax = 4000

// teamsEscape escapes s for Adaptive Card Markdown after cutting it: a
// backslash before each special character, before "-", "+" and "#" that
// start a line, and before the "." of a line that starts "1." (an
// ordered list).
func teamsEscape(s string) string {
	s = cut(s, teamsTextMax)
	var b strings.Builder
	lineStart, digits := true, false
	for _, r := range s {
		switch {
		case strings.ContainsRune(teamsSpecial, r):
			b.WriteByte('\\')
		case lineStart && (r == '-' || r == '+' || r == '#'):
			b.WriteByte('\\')
		case digits && r == '.':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
		isDigit := r >= '0' && r <= '9'
		digits = isDigit && (lineStart || digits)
		lineStart = r == '\n' || lineStart && r == ' '
	}
	return b.String()
}

// teamsColour is the Adaptive Card colour name of a state's colour.
func teamsColour(c string) string {
	switch c {
	case colourMajor, colourPartial:
		return "Attention"
	case colourDegraded:
		return "Warning"
	case colourResolved:
		return "Good"
	case colourMaintenance:
		return "Accent"
	}
	return "Default"
}

func teamsMessage(c card) teamsPayload {
	body := []any{teamsTextBlock{Type: "TextBlock", Text: teamsEscape(c.Title), Size: "Medium", Weight: "Bolder", Wrap: true}}
	if c.Lead != "" {
		body = append(body, teamsTextBlock{Type: "TextBlock", Text: teamsEscape(c.Lead), Weight: "Bolder", Color: teamsColour(c.Colour), Spacing: "None", Wrap: true})
	}
	if c.Text != "" {
		body = append(body, teamsTextBlock{Type: "TextBlock", Text: teamsEscape(c.Text), Wrap: true})
	}
	if len(c.Facts) > 0 {
		fs := teamsFactSet{Type: "FactSet"}
		for _, f := range c.Facts {
			fs.Facts = append(fs.Facts, teamsFact{Title: teamsEscape(f.Name), Value: teamsEscape(f.Value)})
		}
		body = append(body, fs)
	}
	body = append(body, teamsTextBlock{Type: "TextBlock", Text: teamsEscape(c.Footer), Size: "Small", IsSubtle: true, Wrap: true})
	card := teamsCard{Schema: "http://adaptivecards.io/schemas/adaptive-card.json", Type: "AdaptiveCard", Version: "1.4", Body: body}
	if c.Link != "" {
		card.Actions = []teamsAction{{Type: "Action.OpenUrl", Title: c.LinkText, URL: c.Link}}
	}
	return teamsPayload{Type: "message", Attachments: []teamsAttachment{{ContentType: "application/vnd.microsoft.card.adaptive", Content: card}}}
}
