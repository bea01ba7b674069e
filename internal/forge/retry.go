package forge

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy bounds rate-limit retries.
type RetryPolicy struct {
	// Attempts is the most requests made for one call (default 4).
	Attempts int
	// MaxWait is the longest single wait (default 2 minutes); a limit that
	// resets later is not waited for.
	MaxWait time.Duration
	// MaxTotal is the most time spent waiting over one call (default 3
	// minutes).
	MaxTotal time.Duration
	// Secondary is the wait after a secondary rate limit that names no
	// Retry-After (default one minute, as GitHub documents).
	Secondary time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.Attempts <= 0 {
		p.Attempts = 4
	}
	if p.MaxWait <= 0 {
		p.MaxWait = 2 * time.Minute
	}
	if p.MaxTotal <= 0 {
		p.MaxTotal = 3 * time.Minute
	}
	if p.Secondary <= 0 {
		p.Secondary = time.Minute
	}
	return p
}

// retryTransport retries requests that GitHub refused because of a rate
// limit, waiting as long as GitHub asks within the policy's bounds.
type retryTransport struct {
	base   http.RoundTripper
	policy RetryPolicy
	now    func() time.Time
	sleep  func(ctx context.Context, d time.Duration) error
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil && req.GetBody == nil {
		// Keep the body so that it can be sent again.
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	var waited time.Duration
	for attempt := 1; ; attempt++ {
		resp, err := t.base.RoundTrip(req)
		if err != nil || attempt >= t.policy.Attempts {
			return resp, err
		}
		d, ok := t.retryAfter(resp)
		if !ok || d > t.policy.MaxWait || waited+d > t.policy.MaxTotal {
			return resp, nil
		}
		if dl, has := req.Context().Deadline(); has && t.now != nil && t.now().Add(d).After(dl) {
			return resp, nil
		}
		drain(resp.Body)
		if err := t.sleep(req.Context(), d); err != nil {
			return nil, err
		}
		waited += d
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
		req = next
	}
}

// retryAfter says whether resp is a rate-limit refusal and how long to wait
// before trying again.
func (t *retryTransport) retryAfter(resp *http.Response) (time.Duration, bool) {
	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusTooManyRequests {
		return 0, false
	}
	if s := resp.Header.Get("Retry-After"); s != "" {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n >= 0 {
			return time.Duration(n) * time.Second, true
		}
		if at, err := http.ParseTime(s); err == nil && t.now != nil {
			return max(0, at.Sub(t.now())), true
		}
	}
	if resp.Header.Get("X-RateLimit-Remaining") == "0" {
		reset, err := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64)
		if err != nil || t.now == nil {
			return 0, false
		}
		// One second of margin: the reset is rounded down to the second.
		return max(0, time.Unix(reset, 0).Sub(t.now())) + time.Second, true
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return t.policy.Secondary, true
	}
	// A 403 without rate-limit headers is a secondary limit only when the
	// body says so; anything else is a permission problem, not retried.
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	if err == nil && strings.Contains(strings.ToLower(string(b)), "secondary rate limit") {
		return t.policy.Secondary, true
	}
	return 0, false
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}
