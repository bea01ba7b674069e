package notify

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/internal/httpretry"
	"github.com/batonhq/baton/internal/notify/notifytest"
	"github.com/batonhq/baton/schema"
	"github.com/batonhq/baton/view"
)

// sleeps records the waits of a Sender without waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.d)
}

func testSender(sl *sleeps) *Sender {
	return &Sender{Sleep: sl.sleep, UserAgent: "baton-test"}
}

// body is a valid payload of kind for the fakes.
func body(t *testing.T, kind string) []byte {
	t.Helper()
	repo := loadRepo(t, testRepo())
	b, err := Payload(kind, message(t, repo, view.Public, "2026-11-20-checkout-errors", schema.EventDeclared, 1))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const evID = "2026-11-20-checkout-errors:declared"

// TestPostToFakes sends one payload of each kind to the fake of that
// kind, which checks the shape and (for the webhook) the signature.
func TestPostToFakes(t *testing.T) {
	for _, kind := range schema.NotifyKinds {
		t.Run(kind, func(t *testing.T) {
			fake := notifytest.New(t, kind, "a-signing-key")
			var sl sleeps
			err := testSender(&sl).Post(t.Context(), Target{ID: "t", Kind: kind, URL: fake.URL(), Secret: "a-signing-key"}, evID, body(t, kind))
			if err != nil {
				t.Fatal(err)
			}
			if got := fake.EventIDs(); !slices.Equal(got, []string{evID}) {
				t.Errorf("received %v", got)
			}
		})
	}
}

// TestWrongSignature: a receiver with another key refuses the request,
// and the error quotes its answer.
func TestWrongSignature(t *testing.T) {
	ft := &fakeTB{}
	fake := notifytest.New(ft, schema.NotifyWebhook, "the-receivers-key")
	var sl sleeps
	err := testSender(&sl).Post(t.Context(), Target{ID: "t", Kind: schema.NotifyWebhook, URL: fake.URL(), Secret: "another-key"}, evID, body(t, schema.NotifyWebhook))
	if err == nil || !strings.Contains(err.Error(), "HTTP 400 Bad Request: the X-Baton-Signature-256 signature does not verify") {
		t.Errorf("error %v", err)
	}
	if len(ft.errors) != 1 {
		t.Errorf("the fake reported %v", ft.errors)
	}
}

// fakeTB collects the errors a fake reports, for tests that expect them.
type fakeTB struct {
	mu     sync.Mutex
	errors []string
	clean  []func()
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, format)
}
func (f *fakeTB) Cleanup(fn func()) { f.clean = append(f.clean, fn) }

func TestSignAndVerify(t *testing.T) {
	sig := Sign([]byte("key"), []byte(`{"a":1}`))
	// printf '%s' '{"a":1}' | openssl dgst -sha256 -hmac key
	if sig != "sha256=88a67f24bbcdaed0e6c997404bb79a743baf44c6bab2f4c27328e3009d22e342" {
		t.Errorf("Sign = %s", sig)
	}
	if !Verify([]byte("key"), []byte(`{"a":1}`), sig) || Verify([]byte("key"), []byte(`{"a":2}`), sig) ||
		Verify([]byte("other"), []byte(`{"a":1}`), sig) || Verify([]byte("key"), []byte(`{"a":1}`), strings.TrimPrefix(sig, "sha256=")) {
		t.Error("Verify accepts what it should refuse, or refuses the signature")
	}
}

// TestRetries: 429 with Retry-After waits as asked, 500 and 503 back off,
// a refusal that lasts ends in an error after the policy's attempts, and
// a Retry-After beyond the longest wait is not waited for.
func TestRetries(t *testing.T) {
	tests := []struct {
		name     string
		script   []notifytest.Answer
		waits    []time.Duration
		attempts int
		err      string
	}{
		{"429 with Retry-After", []notifytest.Answer{{Status: 429, RetryAfter: "7"}}, []time.Duration{7 * time.Second}, 2, ""},
		{"500 then 503", []notifytest.Answer{{Status: 500}, {Status: 503}}, []time.Duration{2 * time.Second, 4 * time.Second}, 3, ""},
		{"always 502", []notifytest.Answer{{Status: 502}, {Status: 502}, {Status: 502}, {Status: 502, Body: "bad\ngateway"}},
			[]time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second}, 4, "HTTP 502 Bad Gateway: bad gateway"},
		{"Retry-After of an hour", []notifytest.Answer{{Status: 429, RetryAfter: "3600", Body: "slow down"}}, nil, 1,
			"HTTP 429 Too Many Requests (Retry-After 3600): slow down"},
		{"404 is not retried", []notifytest.Answer{{Status: 404, Body: "no_service"}}, nil, 1, "HTTP 404 Not Found: no_service"},
	}
	for _, tt := range tests {
		for _, kind := range []string{schema.NotifySlack, schema.NotifyWebhook} {
			t.Run(tt.name+"/"+kind, func(t *testing.T) {
				fake := notifytest.New(t, kind, "")
				fake.Script(tt.script...)
				var sl sleeps
				err := testSender(&sl).Post(t.Context(), Target{ID: "t", Kind: kind, URL: fake.URL()}, evID, body(t, kind))
				switch {
				case tt.err == "" && err != nil:
					t.Errorf("error %v", err)
				case tt.err != "" && (err == nil || err.Error() != tt.err):
					t.Errorf("error %v, want %s", err, tt.err)
				}
				if got := sl.all(); !slices.Equal(got, tt.waits) {
					t.Errorf("waits %v, want %v", got, tt.waits)
				}
				if fake.Attempts() != tt.attempts {
					t.Errorf("%d attempts, want %d", fake.Attempts(), tt.attempts)
				}
			})
		}
	}
}

// TestTimeout: an attempt that gets no answer in time is retried for a
// webhook, whose receiver deduplicates by the event id, but not for a
// chat, where it may already have been posted; either way the error says
// what happened.
func TestTimeout(t *testing.T) {
	for _, kind := range []string{schema.NotifyWebhook, schema.NotifyDiscord} {
		t.Run(kind, func(t *testing.T) {
			fake := notifytest.New(t, kind, "")
			fake.Script(notifytest.Answer{Status: 200, Delay: 2 * time.Second})
			var sl sleeps
			s := testSender(&sl)
			p := Policy(kind)
			p.AttemptTimeout = 100 * time.Millisecond
			s.Policy = &p
			err := s.Post(t.Context(), Target{ID: "t", Kind: kind, URL: fake.URL()}, evID, body(t, kind))
			if kind == schema.NotifyWebhook {
				if err != nil || fake.Attempts() != 2 || len(fake.Received()) != 1 {
					t.Errorf("error %v, %d attempts, %d received; want a retry that succeeds", err, fake.Attempts(), len(fake.Received()))
				}
				return
			}
			var de *DeliveryError
			if !errors.As(err, &de) || !de.Sent || !strings.Contains(err.Error(), "no answer within 100ms") || fake.Attempts() != 1 {
				t.Errorf("error %v (%+v), %d attempts; want one attempt that timed out", err, de, fake.Attempts())
			}
		})
	}
}

// TestErrorsNeverShowTheAddress: whatever fails (an answer that quotes
// the request, a refused connection, a bad address), the error names no
// part of the address nor the secret.
func TestErrorsNeverShowTheAddress(t *testing.T) {
	const secret = "s3cr3t-signing-key"
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no route for "+r.Host+r.URL.RequestURI()+" key "+secret, http.StatusNotFound)
	}))
	defer echo.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL + "/services/T0/B0/closedToken0123"
	closed.Close()
	var sl sleeps
	s := testSender(&sl)
	p := httpretry.Policy{Attempts: 1}
	s.Policy = &p
	for _, raw := range []string{
		echo.URL + "/services/T0/B0/echoToken0123?sig=q1w2e3r4",
		closedURL,
		"http://user:pa55word@hooks.example.com/path/token0123",
		"ftp://hooks.example.com/path/token0123",
		"https://hooks.example.com:bad/path/token0123",
		"not a url token0123",
	} {
		err := s.Post(t.Context(), Target{ID: "team", Kind: schema.NotifyWebhook, URL: raw, Secret: secret}, evID, []byte(`{}`))
		if err == nil {
			t.Errorf("%s: no error", raw)
			continue
		}
		msg := err.Error()
		u, _ := url.Parse(raw)
		parts := []string{"token0123", secret, "q1w2e3r4", "pa55word"}
		if u != nil && u.Host != "" {
			parts = append(parts, u.Host)
		}
		for _, part := range parts {
			if strings.Contains(msg, part) {
				t.Errorf("the error %q shows %q", msg, part)
			}
		}
		t.Logf("%s", msg)
	}
}

func TestCheckURL(t *testing.T) {
	for raw, ok := range map[string]bool{
		"https://hooks.slack.com/services/T/B/X": true,
		"http://127.0.0.1:8080/hook":             true,
		"http://localhost/hook":                  true,
		"http://[::1]:99/hook":                   true,
		"http://hooks.example.com/hook":          false,
		"ftp://hooks.example.com/hook":           false,
		"/relative/hook":                         false,
		"":                                       false,
	} {
		if err := (Target{URL: raw}).CheckURL(); (err == nil) != ok {
			t.Errorf("CheckURL(%q) = %v", raw, err)
		} else if err != nil && raw != "" && strings.Contains(err.Error(), raw) {
			t.Errorf("CheckURL(%q) quotes the address: %v", raw, err)
		}
	}
}
