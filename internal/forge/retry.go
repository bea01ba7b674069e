package forge

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton/internal/httpretry"
)

// RetryPolicy bounds rate-limit retries: the count of attempts, the longest
// single wait, the total wait, and each attempt's own timeout (see
// [httpretry.Policy]; zero values take its defaults).
type RetryPolicy = httpretry.Policy

// secondaryWait is the wait after a secondary rate limit that names no
// Retry-After: one minute, as GitHub documents.
const secondaryWait = time.Minute

// githubClassifier retries what GitHub refused because of a rate limit:
// 403 with X-RateLimit-Remaining: 0 (until X-RateLimit-Reset), 403 and 429
// secondary limits (Retry-After, or a minute), waiting as long as GitHub
// asks. Any other 403 is a permission problem and is not retried.
func githubClassifier(resp *http.Response, now time.Time) (time.Duration, bool) {
	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusTooManyRequests {
		return 0, false
	}
	if d, ok := httpretry.RetryAfter(resp, now); ok {
		return d, true
	}
	if resp.Header.Get("X-RateLimit-Remaining") == "0" {
		reset, err := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64)
		if err != nil {
			return 0, false
		}
		// One second of margin: the reset is rounded down to the second.
		return max(0, time.Unix(reset, 0).Sub(now)) + time.Second, true
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return secondaryWait, true
	}
	// A 403 without rate-limit headers is a secondary limit only when the
	// body says so.
	b := httpretry.PeekBody(resp, 64<<10)
	if strings.Contains(strings.ToLower(string(b)), "secondary rate limit") {
		return secondaryWait, true
	}
	return 0, false
}
