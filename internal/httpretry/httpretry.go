// Package httpretry is an http.RoundTripper that retries requests a server
// refused for now (rate limits, overload) and waits as long as the server
// asks, within bounds.
//
// It separates two clocks that a plain http.Client.Timeout mixes up: each
// attempt has its own timeout ([Policy.AttemptTimeout], covering the request,
// the response headers and reading the body), while the waits between
// attempts are bounded on their own ([Policy.MaxWait] for one wait,
// [Policy.MaxTotal] for all of them). A client that uses this transport must
// not set http.Client.Timeout, or a 60-second Retry-After would be cut short
// by a 30-second client timeout.
//
// What counts as "try again later" is the [Classifier]'s decision: the
// default, [Transient], retries 429 and 502/503/504 responses, honouring
// Retry-After; package forge adds GitHub's 403 rate-limit rules. Transport
// errors (timeouts, resets) are retried only when [Policy.RetryErrors] is set,
// because a request that timed out may have been carried out: only callers
// whose receivers deduplicate (webhooks with an event id, idempotent reads)
// should set it.
//
// The package is not for anything else: it does not authenticate, log or
// follow redirects.
package httpretry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Policy bounds the retries of one request. Zero values take the defaults.
type Policy struct {
	// Attempts is the most requests made for one call (default 4).
	Attempts int
	// MaxWait is the longest single wait (default 2 minutes); a server that
	// asks for more is not waited for, and its answer is returned.
	MaxWait time.Duration
	// MaxTotal is the most time spent waiting over one call (default 3
	// minutes).
	MaxTotal time.Duration
	// Backoff is the first wait when the server names none; it doubles on
	// each retry (default 1 second).
	Backoff time.Duration
	// AttemptTimeout bounds one attempt, from sending the request to closing
	// the response body (default 30 seconds). Negative means no timeout.
	AttemptTimeout time.Duration
	// RetryErrors retries transport errors (timeouts, refused or reset
	// connections) as well as refusals. Set it only when repeating a request
	// that may have been carried out is harmless.
	RetryErrors bool
}

// WithDefaults returns p with its zero values replaced by the defaults.
func (p Policy) WithDefaults() Policy {
	if p.Attempts <= 0 {
		p.Attempts = 4
	}
	if p.MaxWait <= 0 {
		p.MaxWait = 2 * time.Minute
	}
	if p.MaxTotal <= 0 {
		p.MaxTotal = 3 * time.Minute
	}
	if p.Backoff <= 0 {
		p.Backoff = time.Second
	}
	if p.AttemptTimeout == 0 {
		p.AttemptTimeout = 30 * time.Second
	}
	return p
}

// A Classifier says whether resp asks to be tried again, and after how
// long. A zero wait with retry true means "use the policy's backoff". It may
// read resp.Body but must leave an equivalent body in its place (see
// [PeekBody]). now is the transport's clock.
type Classifier func(resp *http.Response, now time.Time) (wait time.Duration, retry bool)

// Transport retries requests according to a Policy and a Classifier.
type Transport struct {
	// Base sends each attempt (default http.DefaultTransport).
	Base http.RoundTripper
	// Policy bounds the retries.
	Policy Policy
	// Classify decides what is retried (default [Transient]).
	Classify Classifier
	// Now is the clock, used for Retry-After dates and reset times
	// (default time.Now).
	Now func() time.Time
	// Sleep waits for d or until ctx is done (default [Sleep]). Tests
	// replace it to avoid waiting.
	Sleep func(ctx context.Context, d time.Duration) error
}

// New returns a Transport over base with policy p (its defaults filled in)
// and classifier c (nil: [Transient]).
func New(base http.RoundTripper, p Policy, c Classifier) *Transport {
	return &Transport{Base: base, Policy: p.WithDefaults(), Classify: c}
}

// RoundTrip sends req, retrying as the policy allows. The returned error is
// the last attempt's; a wait cut short by the request's context returns the
// context's error.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	p := t.Policy.WithDefaults()
	base, classify, now, sleep := t.Base, t.Classify, t.Now, t.Sleep
	if base == nil {
		base = http.DefaultTransport
	}
	if classify == nil {
		classify = Transient
	}
	if now == nil {
		now = time.Now
	}
	if sleep == nil {
		sleep = Sleep
	}
	var body []byte
	if req.Body != nil && req.GetBody == nil {
		// Keep the body so that it can be sent again.
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	ctx := req.Context()
	var waited, backoff time.Duration = 0, p.Backoff
	for attempt := 1; ; attempt++ {
		next, err := rewind(req, body)
		if err != nil {
			return nil, err
		}
		resp, err := t.attempt(base, next, p.AttemptTimeout)
		last := attempt >= p.Attempts
		var wait time.Duration
		var retry bool
		switch {
		case err != nil:
			if ctx.Err() != nil || !p.RetryErrors || last {
				return nil, err
			}
			retry = true
		case last:
			return resp, nil
		default:
			wait, retry = classify(resp, now())
		}
		if !retry {
			return resp, nil
		}
		if wait <= 0 {
			wait = backoff
			backoff *= 2
		}
		if wait > p.MaxWait || waited+wait > p.MaxTotal {
			if err != nil {
				return nil, err
			}
			return resp, nil
		}
		if dl, ok := ctx.Deadline(); ok && now().Add(wait).After(dl) {
			if err != nil {
				return nil, err
			}
			return resp, nil
		}
		if resp != nil {
			Drain(resp.Body)
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
		waited += wait
	}
}

// attempt sends one request under its own timeout, which keeps running
// until the response body is closed.
func (t *Transport) attempt(base http.RoundTripper, req *http.Request, timeout time.Duration) (*http.Response, error) {
	if timeout < 0 {
		return base.RoundTrip(req)
	}
	ctx, cancel := context.WithTimeoutCause(req.Context(), timeout, errAttemptTimeout)
	resp, err := base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		if errors.Is(context.Cause(ctx), errAttemptTimeout) && req.Context().Err() == nil {
			return nil, fmt.Errorf("no answer within %s: %w", timeout, err)
		}
		return nil, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

var errAttemptTimeout = errors.New("attempt timed out")

// cancelBody ends an attempt's timeout when its body is closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// rewind returns a copy of req with a fresh body for one attempt.
func rewind(req *http.Request, body []byte) (*http.Request, error) {
	next := req.Clone(req.Context())
	switch {
	case req.GetBody != nil:
		b, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		next.Body = b
	case body != nil:
		next.Body = io.NopCloser(bytes.NewReader(body))
	}
	return next, nil
}

// Transient retries 429 Too Many Requests and 502, 503 and 504, waiting as
// Retry-After says (seconds or an HTTP date) or, without it, by backoff.
func Transient(resp *http.Response, now time.Time) (time.Duration, bool) {
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		d, _ := RetryAfter(resp, now)
		return d, true
	}
	return 0, false
}

// TransientOr500 is [Transient] plus 500 Internal Server Error, for
// receivers (such as chat webhooks) whose 500s are usually passing.
func TransientOr500(resp *http.Response, now time.Time) (time.Duration, bool) {
	if resp.StatusCode == http.StatusInternalServerError {
		d, _ := RetryAfter(resp, now)
		return d, true
	}
	return Transient(resp, now)
}

// RetryAfter reads resp's Retry-After header: a number of seconds or an HTTP
// date. ok is false when the header is absent or malformed.
func RetryAfter(resp *http.Response, now time.Time) (d time.Duration, ok bool) {
	s := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if s == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 {
		if n > int64(24*time.Hour/time.Second) {
			n = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(n) * time.Second, true
	}
	if at, err := http.ParseTime(s); err == nil {
		return max(0, at.Sub(now)), true
	}
	return 0, false
}

// PeekBody reads up to limit bytes of resp's body for a classifier and puts
// back a body that yields the whole original content.
func PeekBody(resp *http.Response, limit int64) []byte {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, limit))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(b), resp.Body), resp.Body}
	return b
}

// Drain reads what is left of a body (bounded) and closes it, so the
// connection can be reused.
func Drain(body io.ReadCloser) {
	if body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	_ = body.Close()
}

// Sleep waits for d or until ctx is done, and then returns ctx's error.
func Sleep(ctx context.Context, d time.Duration) error {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}
