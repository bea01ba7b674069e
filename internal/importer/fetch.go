package importer

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/batonhq/baton/internal/httpretry"
)

// maxResponse bounds one response body.
const maxResponse = 64 << 20

// Client reads a vendor's REST API: JSON GETs against one base URL, with
// the vendor's authorization header, retried on rate limits and overload
// (reads are idempotent, so transport errors are retried too). The token
// is only ever sent to the base URL's host, and only over https (or plain
// http to a loopback address, for tests and local fakes).
type Client struct {
	base   *url.URL
	header http.Header
	http   *http.Client
}

// ClientOptions configure NewClient.
type ClientOptions struct {
	// Header is sent with every request (the authorization header).
	Header http.Header
	// Transport sends each attempt (default http.DefaultTransport).
	Transport http.RoundTripper
	// Policy bounds the retries (zero values take httpretry's defaults).
	Policy httpretry.Policy
	// Retry replaces the retrying transport's settings, for tests (nil:
	// keep them).
	Retry func(*httpretry.Transport)
}

// NewClient returns a client for the API at base. It refuses a base URL
// that is not https, except http to a loopback address.
func NewClient(base string, opt ClientOptions) (*Client, error) {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("%q is not an absolute URL", base)
	}
	if err := secureScheme(u); err != nil {
		return nil, err
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	u.RawQuery, u.Fragment = "", ""
	p := opt.Policy
	p.RetryErrors = true
	t := httpretry.New(opt.Transport, p, httpretry.Transient)
	if opt.Retry != nil {
		opt.Retry(t)
	}
	return &Client{base: u, header: opt.Header.Clone(), http: &http.Client{
		Transport: t,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if req.URL.Host != u.Host || secureScheme(req.URL) != nil {
				return fmt.Errorf("the API redirected to %s, another host; not following with the token", req.URL.Redacted())
			}
			return nil
		},
	}}, nil
}

func secureScheme(u *url.URL) error {
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		host := u.Hostname()
		if host == "localhost" {
			return nil
		}
		if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
			return nil
		}
		return fmt.Errorf("%s uses plain http; the token would travel unencrypted (use https; http only to a loopback address)", u.Redacted())
	}
	return fmt.Errorf("%s is not an http(s) URL", u.Redacted())
}

// URL resolves ref (a path relative to the base URL, with an optional
// query, or an absolute URL on the same host) and checks where it points.
func (c *Client) URL(ref string) (*url.URL, error) {
	r, err := url.Parse(ref)
	if err != nil {
		return nil, fmt.Errorf("%q is not a URL: %w", ref, err)
	}
	u := c.base.ResolveReference(r)
	if u.Host != c.base.Host || secureScheme(u) != nil {
		return nil, fmt.Errorf("the API pointed to %s, which is not on %s; not sending the token there", u.Redacted(), c.base.Host)
	}
	return u, nil
}

// StatusError is a response other than 2xx.
type StatusError struct {
	URL    string
	Status int
	Body   string
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("GET %s: %d %s", e.URL, e.Status, http.StatusText(e.Status))
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// Get fetches ref and decodes its JSON body into v.
func (c *Client) Get(ctx context.Context, ref string, v any) error {
	u, err := c.URL(ref)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	for k, vs := range c.header {
		req.Header[k] = vs
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", u.Redacted(), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		return &StatusError{URL: u.Redacted(), Status: resp.StatusCode, Body: strings.TrimSpace(string(b))}
	}
	dec := json.NewDecoder(io.LimitReader(resp.Body, maxResponse))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("GET %s: the response is not the JSON expected: %w", u.Redacted(), err)
	}
	return nil
}

// Follow fetches a list whose pages link to the next one: first is the
// reference of the first page, and each decoded page reports the next
// page's URL ("" or null at the end). A link to another host is refused
// like any other (see [Client.URL]). It stops with an error after limit
// pages, or when a page links back to one already read.
func (c *Client) Follow(ctx context.Context, limit int, first string, decode func() (target any, next func() string)) error {
	seen := map[string]bool{}
	ref := first
	for range limit {
		u, err := c.URL(ref)
		if err != nil {
			return err
		}
		if seen[u.String()] {
			return fmt.Errorf("the API's next page %s was already read; stopping", u.Redacted())
		}
		seen[u.String()] = true
		target, next := decode()
		if err := c.Get(ctx, ref, target); err != nil {
			return err
		}
		if ref = next(); ref == "" {
			return nil
		}
	}
	return fmt.Errorf("more than %d pages; stopping", limit)
}

// Pages fetches a list page by page: page(n) returns the reference of page
// n (from 1), and each decoded page reports how many items it held and
// whether another page follows. It stops after limit pages.
func (c *Client) Pages(ctx context.Context, limit int, page func(n int) string, decode func(n int) (target any, done func() (more bool))) error {
	for n := 1; n <= limit; n++ {
		target, done := decode(n)
		if err := c.Get(ctx, page(n), target); err != nil {
			return err
		}
		if !done() {
			return nil
		}
	}
	return fmt.Errorf("more than %d pages; stopping", limit)
}
