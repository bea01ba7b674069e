package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton/internal/httpretry"
	"github.com/batonhq/baton/schema"
)

// Target is where one target's payloads go. URL and Secret are secrets:
// they never appear in an error of this package.
type Target struct {
	// ID names the target in errors.
	ID string
	// Kind is one of schema.NotifyKinds.
	Kind string
	// URL is the endpoint; Secret the signing key (kind webhook; may be
	// empty).
	URL, Secret string
}

// CheckURL says what is wrong with t.URL, without repeating it: it must
// be an absolute https address, or http to this machine (a receiver under
// test), so that no payload crosses a network in clear text.
func (t Target) CheckURL() error {
	if t.URL == "" {
		return errors.New("the address is empty")
	}
	u, err := url.Parse(t.URL)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return errors.New("the address is not an absolute URL")
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && loopback(u.Hostname()):
		return nil
	case u.Scheme == "http":
		return errors.New("the address is plain http: use https (plain http is allowed only to this machine)")
	}
	return fmt.Errorf("the address has the scheme %q: use https", u.Scheme)
}

// loopback reports whether host is this machine.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Policy is the retry policy of deliveries: each attempt has 15 seconds,
// 429 and 5xx answers are retried up to 4 attempts, waiting as Retry-After
// says (at most 60 seconds a wait, 2 minutes in all) or 2, 4, 8 seconds.
func Policy(kind string) httpretry.Policy {
	return httpretry.Policy{
		Attempts: 4, Backoff: 2 * time.Second, AttemptTimeout: 15 * time.Second,
		MaxWait: time.Minute, MaxTotal: 2 * time.Minute,
		// A webhook receiver deduplicates by the event id, so a request
		// that timed out (and may have arrived) can be sent again. Chat
		// endpoints do not: a timed-out post is reported, not repeated.
		RetryErrors: kind == schema.NotifyWebhook,
	}
}

// Sender posts payloads.
type Sender struct {
	// Base sends each attempt (default http.DefaultTransport). Tests use
	// an httptest server's client transport.
	Base http.RoundTripper
	// Sleep and Now replace the waits and the clock of the retries, for
	// tests; nil means the real ones.
	Sleep func(ctx context.Context, d time.Duration) error
	Now   func() time.Time
	// Policy overrides the retry policy of every kind when set (tests).
	Policy *httpretry.Policy
	// UserAgent is sent with every request.
	UserAgent string
}

// maxResponse is how much of an error answer an error quotes.
const maxResponse = 200

// Post sends body, the payload of event eventID, to t and returns nil on a
// 2xx answer. Every request carries X-Baton-Event-Id; a webhook with a
// secret also carries X-Baton-Signature-256. Errors say what happened
// (the status and the start of the answer, or the transport's failure)
// with t's address and secret removed. Redirects are not followed: a
// webhook that moved is an error to fix, not a reason to send the payload
// elsewhere.
func (s *Sender) Post(ctx context.Context, t Target, eventID string, body []byte) error {
	if err := t.CheckURL(); err != nil {
		return err
	}
	policy := Policy(t.Kind)
	if s.Policy != nil {
		policy = *s.Policy
	}
	tr := httpretry.New(s.Base, policy, httpretry.TransientOr500)
	tr.Sleep, tr.Now = s.Sleep, s.Now
	client := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL, bytes.NewReader(body))
	if err != nil {
		return errors.New(redact(err.Error(), t))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(EventIDHeader, eventID)
	if s.UserAgent != "" {
		req.Header.Set("User-Agent", s.UserAgent)
	}
	if t.Kind == schema.NotifyWebhook && t.Secret != "" {
		req.Header.Set(SignatureHeader, Sign([]byte(t.Secret), body))
	}
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // it quotes the address
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		msg := redact(err.Error(), t)
		if !policy.RetryErrors {
			msg += " (not sent again: it may have arrived)"
		}
		return &DeliveryError{Msg: msg, Sent: true}
	}
	defer httpretry.Drain(resp.Body)
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	text := strings.Join(strings.Fields(strings.ToValidUTF8(string(snippet), "")), " ")
	if len(snippet) > maxResponse {
		text = cutBytes(text, maxResponse)
	}
	msg := fmt.Sprintf("HTTP %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	if ra := resp.Header.Get("Retry-After"); ra != "" && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500) {
		msg += " (Retry-After " + redact(ra, t) + ")"
	}
	if text != "" {
		msg += ": " + redact(text, t)
	}
	return &DeliveryError{Msg: msg, Status: resp.StatusCode}
}

// DeliveryError is a payload that was not delivered.
type DeliveryError struct {
	Msg string
	// Status is the last answer's HTTP status (0: no answer).
	Status int
	// Sent is set when the request may have arrived (it timed out or the
	// connection broke after it was sent).
	Sent bool
}

func (e *DeliveryError) Error() string { return e.Msg }

// redact removes t's address (and its parts that could identify it: the
// host, the path, the query, credentials) and secret from s.
func redact(s string, t Target) string {
	var secrets []string
	add := func(v string) {
		if len(v) >= 4 {
			secrets = append(secrets, v)
		}
	}
	add(t.URL)
	add(t.Secret)
	if u, err := url.Parse(t.URL); err == nil {
		add(u.String())
		add(u.Redacted())
		add(u.Host)
		add(u.Hostname())
		if len(u.Path) > 1 {
			add(u.Path)
			add(u.EscapedPath())
		}
		add(u.RawQuery)
		if u.User != nil {
			add(u.User.String())
			if p, ok := u.User.Password(); ok {
				add(p)
			}
		}
	}
	// Longest first, so that a part inside another is not left behind.
	slices.SortStableFunc(secrets, func(a, b string) int { return len(b) - len(a) })
	for _, v := range secrets {
		s = strings.ReplaceAll(s, v, "[redacted]")
	}
	return s
}
