package httpretry

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// script serves the given statuses in turn (then 200), recording the bodies
// it received.
type script struct {
	mu       sync.Mutex
	statuses []int
	headers  []map[string]string
	bodies   []string
	hang     map[int]time.Duration // attempt index -> delay before answering
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	i := len(s.bodies)
	s.bodies = append(s.bodies, string(b))
	status := http.StatusOK
	if i < len(s.statuses) {
		status = s.statuses[i]
	}
	var h map[string]string
	if i < len(s.headers) {
		h = s.headers[i]
	}
	delay := s.hang[i]
	s.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	for k, v := range h {
		w.Header().Set(k, v)
	}
	w.WriteHeader(status)
	io.WriteString(w, "answer "+http.StatusText(status))
}

func (s *script) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.bodies)
}

// fakeSleep records waits without waiting.
type fakeSleep struct{ waits []time.Duration }

func (f *fakeSleep) sleep(ctx context.Context, d time.Duration) error {
	f.waits = append(f.waits, d)
	return ctx.Err()
}

func TestRetriesTransientAndResendsBody(t *testing.T) {
	s := &script{
		statuses: []int{429, 503, 502},
		headers:  []map[string]string{{"Retry-After": "7"}, nil, {"Retry-After": "Mon, 01 Dec 2026 10:00:05 GMT"}},
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	fs := &fakeSleep{}
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	tr := New(nil, Policy{Attempts: 5, Backoff: 2 * time.Second}, nil)
	tr.Sleep, tr.Now = fs.sleep, func() time.Time { return now }
	c := &http.Client{Transport: tr}

	resp, err := c.Post(srv.URL, "text/plain", strings.NewReader("payload"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "answer OK" {
		t.Fatalf("got %d %q, want 200 after retries", resp.StatusCode, b)
	}
	want := []time.Duration{7 * time.Second, 2 * time.Second, 5 * time.Second}
	if !equalDurations(fs.waits, want) {
		t.Errorf("waits %v, want %v (Retry-After seconds, backoff, Retry-After date)", fs.waits, want)
	}
	for i, body := range s.bodies {
		if body != "payload" {
			t.Errorf("attempt %d sent body %q, want the original", i+1, body)
		}
	}
}

func TestDoesNotRetryPermanentRefusals(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 422, 500} {
		s := &script{statuses: []int{status}}
		srv := httptest.NewServer(s)
		fs := &fakeSleep{}
		tr := New(nil, Policy{}, nil)
		tr.Sleep = fs.sleep
		resp, err := (&http.Client{Transport: tr}).Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		srv.Close()
		if resp.StatusCode != status || s.count() != 1 || len(fs.waits) != 0 {
			t.Errorf("status %d: got %d after %d requests and waits %v, want one request", status, resp.StatusCode, s.count(), fs.waits)
		}
	}
}

func TestBoundedAttemptsAndWaits(t *testing.T) {
	tests := []struct {
		name     string
		policy   Policy
		header   string
		requests int
		waits    []time.Duration
	}{
		{"attempts", Policy{Attempts: 3}, "1", 3, []time.Duration{time.Second, time.Second}},
		{"single wait too long", Policy{MaxWait: 10 * time.Second}, "11", 1, nil},
		{"total", Policy{Attempts: 10, MaxTotal: 25 * time.Second}, "10", 3, []time.Duration{10 * time.Second, 10 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := map[string]string{"Retry-After": tt.header}
			s := &script{statuses: make([]int, 20), headers: make([]map[string]string, 20)}
			for i := range s.statuses {
				s.statuses[i], s.headers[i] = 429, h
			}
			srv := httptest.NewServer(s)
			defer srv.Close()
			fs := &fakeSleep{}
			tr := New(nil, tt.policy, nil)
			tr.Sleep = fs.sleep
			resp, err := (&http.Client{Transport: tr}).Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 429 || string(b) != "answer Too Many Requests" {
				t.Errorf("got %d %q, want the last refusal with its body", resp.StatusCode, b)
			}
			if s.count() != tt.requests || !equalDurations(fs.waits, tt.waits) {
				t.Errorf("%d requests, waits %v; want %d, %v", s.count(), fs.waits, tt.requests, tt.waits)
			}
		})
	}
}

// The wait between attempts is not limited by the attempt timeout: a
// Retry-After longer than the timeout is really waited for (a client-wide
// timeout used to cut it).
func TestWaitLongerThanAttemptTimeout(t *testing.T) {
	s := &script{statuses: []int{429}, headers: []map[string]string{{"Retry-After": "1"}}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	tr := New(nil, Policy{AttemptTimeout: 300 * time.Millisecond}, nil)
	resp, err := (&http.Client{Transport: tr}).Get(srv.URL)
	if err != nil {
		t.Fatalf("a 1 s Retry-After with a 300 ms attempt timeout: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || s.count() != 2 {
		t.Errorf("got %d after %d requests, want 200 after 2", resp.StatusCode, s.count())
	}
}

func TestAttemptTimeout(t *testing.T) {
	t.Run("not retried by default", func(t *testing.T) {
		s := &script{hang: map[int]time.Duration{0: 5 * time.Second}}
		srv := httptest.NewServer(s)
		defer srv.Close()
		tr := New(nil, Policy{AttemptTimeout: 100 * time.Millisecond}, nil)
		_, err := (&http.Client{Transport: tr}).Get(srv.URL)
		if err == nil || !strings.Contains(err.Error(), "no answer within 100ms") {
			t.Fatalf("err = %v, want a timeout that names the limit", err)
		}
		if s.count() != 1 {
			t.Errorf("%d requests, want 1: errors are retried only with RetryErrors", s.count())
		}
	})
	t.Run("retried with RetryErrors", func(t *testing.T) {
		s := &script{hang: map[int]time.Duration{0: 5 * time.Second}}
		srv := httptest.NewServer(s)
		defer srv.Close()
		fs := &fakeSleep{}
		tr := New(nil, Policy{AttemptTimeout: 100 * time.Millisecond, RetryErrors: true}, nil)
		tr.Sleep = fs.sleep
		resp, err := (&http.Client{Transport: tr}).Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || s.count() != 2 || !equalDurations(fs.waits, []time.Duration{time.Second}) {
			t.Errorf("got %d after %d requests, waits %v; want 200 after 2, one backoff", resp.StatusCode, s.count(), fs.waits)
		}
	})
	t.Run("covers the body", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(200)
			w.(http.Flusher).Flush()
			select {
			case <-time.After(5 * time.Second):
			case <-r.Context().Done():
			}
		}))
		defer srv.Close()
		tr := New(nil, Policy{AttemptTimeout: 100 * time.Millisecond}, nil)
		resp, err := (&http.Client{Transport: tr}).Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if _, err := io.ReadAll(resp.Body); err == nil {
			t.Error("reading a body that never ends: no error, want the attempt timeout")
		}
	})
}

func TestContextCancelsWait(t *testing.T) {
	s := &script{statuses: []int{429}, headers: []map[string]string{{"Retry-After": "60"}}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	tr := New(nil, Policy{}, nil)
	tr.Sleep = func(ctx context.Context, d time.Duration) error {
		cancel()
		return Sleep(ctx, d)
	}
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	_, err := (&http.Client{Transport: tr}).Do(req)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestDeadlineShorterThanWait(t *testing.T) {
	s := &script{statuses: []int{429}, headers: []map[string]string{{"Retry-After": "60"}}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	fs := &fakeSleep{}
	tr := New(nil, Policy{}, nil)
	tr.Sleep = fs.sleep
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || len(fs.waits) != 0 {
		t.Errorf("got %d with waits %v; want the refusal at once, since the wait passes the deadline", resp.StatusCode, fs.waits)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		header string
		want   time.Duration
		ok     bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{" 12 ", 12 * time.Second, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"Mon, 01 Dec 2026 10:01:00 GMT", time.Minute, true},
		{"Mon, 01 Dec 2026 09:00:00 GMT", 0, true},
		{"99999999999", 24 * time.Hour, true},
	} {
		resp := &http.Response{Header: http.Header{}}
		if tt.header != "" {
			resp.Header.Set("Retry-After", tt.header)
		}
		got, ok := RetryAfter(resp, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Retry-After %q: got %v %v, want %v %v", tt.header, got, ok, tt.want, tt.ok)
		}
	}
}

func TestPeekBodyKeepsWholeBody(t *testing.T) {
	long := strings.Repeat("x", 100) + "tail"
	resp := &http.Response{Body: io.NopCloser(strings.NewReader(long))}
	if got := PeekBody(resp, 10); string(got) != long[:10] {
		t.Errorf("peek = %q", got)
	}
	b, _ := io.ReadAll(resp.Body)
	if string(b) != long {
		t.Errorf("body after peek = %q, want the whole original", b)
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
