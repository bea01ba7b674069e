// Package notifytest fakes the endpoints that notifications go to, for
// tests: a Slack incoming webhook, a Discord webhook, a Microsoft Teams
// Workflows webhook and a generic receiver that verifies the
// X-Baton-Signature-256 header. Each runs on httptest under the path its
// real counterpart uses (the path holds the secret part, as in a real
// webhook address), checks that every request is the shape its
// counterpart accepts (failing the test, and answering 400, when it is
// not), records what it received, and answers as its counterpart does on
// success (Slack 200 "ok", Discord 204, Teams 202, the receiver 200).
// Scripted answers can be queued in front to test rate limits, errors and
// timeouts.
package notifytest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"
)

// TB is the part of testing.TB the fakes need.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Cleanup(func())
}

// Received is one request a fake accepted.
type Received struct {
	// EventID is the X-Baton-Event-Id header.
	EventID string
	Body    []byte
}

// Answer is a scripted answer.
type Answer struct {
	// Status is the HTTP status (after Delay).
	Status int
	// RetryAfter, when set, is the Retry-After header.
	RetryAfter string
	// Body is the answer's body.
	Body string
	// Delay is how long the fake waits before answering: longer than the
	// sender's attempt timeout, it is a timeout (the request was still
	// received).
	Delay time.Duration
}

// Server is one fake endpoint.
type Server struct {
	// Kind is slack, discord, teams or webhook.
	Kind string
	// Secret is the generic receiver's signing key ("" accepts unsigned
	// requests).
	Secret string

	t    TB
	srv  *httptest.Server
	path string

	mu       sync.Mutex
	script   []Answer
	received []Received
	attempts int
}

// path is where a fake of kind listens: shaped like the real addresses,
// whose last parts are the secret.
func path(kind string) (string, bool) {
	switch kind {
	case "slack":
		return "/services/T0000FAKE/B0000FAKE/s3cr3tSlackToken0123", true
	case "discord":
		return "/api/webhooks/1234567890/s3cr3tDiscordToken0123", true
	case "teams":
		return "/workflows/abcdef/triggers/manual/paths/invoke?api-version=1&sig=s3cr3tTeamsSig0123", true
	case "webhook":
		return "/hooks/baton?token=s3cr3tReceiverToken0123", true
	}
	return "/", false
}

// New starts a fake of kind (slack, discord, teams or webhook) that lives
// until the test ends.
func New(t TB, kind, secret string) *Server {
	t.Helper()
	p, ok := path(kind)
	if !ok {
		t.Errorf("notifytest: unknown kind %q", kind)
	}
	s := &Server{Kind: kind, Secret: secret, t: t, path: p}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the fake's address: a secret, as a real webhook's is.
func (s *Server) URL() string { return s.srv.URL + s.path }

// Close stops the fake: later requests fail to connect.
func (s *Server) Close() { s.srv.Close() }

// Script queues answers given before the normal ones, in order.
func (s *Server) Script(as ...Answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script, as...)
}

// Received returns what the fake accepted, in order.
func (s *Server) Received() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.received)
}

// EventIDs returns the event ids of what the fake accepted, in order.
func (s *Server) EventIDs() []string {
	var ids []string
	for _, r := range s.Received() {
		ids = append(ids, r.EventID)
	}
	return ids
}

// Attempts counts every request, scripted answers included.
func (s *Server) Attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	s.mu.Lock()
	s.attempts++
	var scripted *Answer
	if len(s.script) > 0 {
		a := s.script[0]
		s.script = s.script[1:]
		scripted = &a
	}
	s.mu.Unlock()
	if scripted != nil {
		if scripted.Delay > 0 {
			select {
			case <-time.After(scripted.Delay):
			case <-r.Context().Done():
				return
			}
		}
		if scripted.RetryAfter != "" {
			w.Header().Set("Retry-After", scripted.RetryAfter)
		}
		w.WriteHeader(scripted.Status)
		_, _ = io.WriteString(w, scripted.Body)
		return
	}
	if r.Method != http.MethodPost || r.URL.RequestURI() != s.path {
		s.t.Errorf("notifytest %s: unexpected %s %s", s.Kind, r.Method, r.URL.Path)
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		s.reject(w, "Content-Type %q, want application/json", ct)
		return
	}
	id := r.Header.Get("X-Baton-Event-Id")
	if id == "" {
		s.reject(w, "no X-Baton-Event-Id header")
		return
	}
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		s.reject(w, "the body is not a JSON object: %v", err)
		return
	}
	if msg := s.check(r, id, body, doc); msg != "" {
		s.reject(w, "%s", msg)
		return
	}
	s.mu.Lock()
	s.received = append(s.received, Received{EventID: id, Body: body})
	s.mu.Unlock()
	switch s.Kind {
	case "slack":
		_, _ = io.WriteString(w, "ok")
	case "discord":
		w.WriteHeader(http.StatusNoContent)
	case "teams":
		w.WriteHeader(http.StatusAccepted)
	default:
		_, _ = io.WriteString(w, `{"ok":true}`)
	}
}

func (s *Server) reject(w http.ResponseWriter, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.t.Errorf("notifytest %s: %s", s.Kind, msg)
	http.Error(w, msg, http.StatusBadRequest)
}

// check says what is wrong with a request for the fake's kind, or "".
func (s *Server) check(r *http.Request, id string, body []byte, doc map[string]any) string {
	switch s.Kind {
	case "slack":
		text, _ := doc["text"].(string)
		blocks, _ := doc["blocks"].([]any)
		if text == "" || len(blocks) == 0 || len(blocks) > 50 {
			return "a Slack message needs text and 1 to 50 blocks"
		}
		for k := range doc {
			if k != "text" && k != "blocks" {
				return "unexpected key " + k
			}
		}
		for _, b := range blocks {
			bm, _ := b.(map[string]any)
			switch bm["type"] {
			case "header":
				t, _ := bm["text"].(map[string]any)
				if t["type"] != "plain_text" || len([]rune(t["text"].(string))) > 150 {
					return "a header needs plain_text of at most 150 characters"
				}
			case "section", "context", "actions", "divider":
			default:
				return fmt.Sprintf("unknown block type %v", bm["type"])
			}
		}
	case "discord":
		am, _ := doc["allowed_mentions"].(map[string]any)
		parse, ok := am["parse"].([]any)
		if !ok || len(parse) != 0 {
			return "allowed_mentions.parse must be an empty list (mention nobody)"
		}
		embeds, _ := doc["embeds"].([]any)
		if len(embeds) == 0 || len(embeds) > 10 {
			return "a Discord message needs 1 to 10 embeds"
		}
		for _, e := range embeds {
			em, _ := e.(map[string]any)
			title, _ := em["title"].(string)
			desc, _ := em["description"].(string)
			fields, _ := em["fields"].([]any)
			if title == "" || len([]rune(title)) > 256 || len([]rune(desc)) > 4096 || len(fields) > 25 {
				return "an embed needs a title (at most 256), a description of at most 4096 and at most 25 fields"
			}
		}
	case "teams":
		atts, _ := doc["attachments"].([]any)
		if doc["type"] != "message" || len(atts) != 1 {
			return `a Teams workflow message is {"type":"message","attachments":[one card]}`
		}
		a, _ := atts[0].(map[string]any)
		c, _ := a["content"].(map[string]any)
		if a["contentType"] != "application/vnd.microsoft.card.adaptive" || c["type"] != "AdaptiveCard" || c["version"] == nil {
			return "the attachment must be an Adaptive Card"
		}
	case "webhook":
		if s.Secret != "" {
			mac := hmac.New(sha256.New, []byte(s.Secret))
			mac.Write(body)
			want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
			if !hmac.Equal([]byte(r.Header.Get("X-Baton-Signature-256")), []byte(want)) {
				return "the X-Baton-Signature-256 signature does not verify"
			}
		}
		meta, _ := doc["meta"].(map[string]any)
		page, _ := doc["page"].(map[string]any)
		if meta["event_id"] != id {
			return "meta.event_id differs from X-Baton-Event-Id"
		}
		if page["id"] == nil || page["status_indicator"] == nil || page["status_description"] == nil {
			return "page needs id, status_indicator and status_description"
		}
		if doc["incident"] == nil && doc["handoff"] == nil {
			return "the body has neither incident nor handoff"
		}
	}
	if strings.Contains(string(body), s.path) {
		return "the body holds the webhook's own address"
	}
	return ""
}
