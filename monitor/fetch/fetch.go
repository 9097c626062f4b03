// Package fetch makes polite, bounded HTTP GETs for redline. It owns the one
// shared http.Client; it does no parsing.
package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ErrBodyTooLarge is returned when a body exceeds Options.MaxBodyBytes.
var ErrBodyTooLarge = errors.New("body exceeds max_body_bytes")

// StatusError is returned for a response with a status of 400 or more.
type StatusError struct {
	URL    string
	Status int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s: HTTP %d %s", e.URL, e.Status, http.StatusText(e.Status))
}

// Options configure a Client. Zero values take the defaults in New.
type Options struct {
	UserAgent string
	// Timeout bounds a whole fetch: connect, headers and body.
	Timeout      time.Duration
	MaxBodyBytes int64
	MaxRedirects int
	Logger       *slog.Logger
	// DialContext replaces the dialer, for tests that must see every
	// connection attempt.
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Client fetches pages. It is safe for concurrent use.
type Client struct {
	http *http.Client
	opt  Options
	log  *slog.Logger
}

// Request is one GET, optionally conditional.
type Request struct {
	URL          string
	ETag         string // sent as If-None-Match
	LastModified string // sent as If-Modified-Since
}

// Response is what a fetch returned.
type Response struct {
	Status   int
	FinalURL string
	Header   http.Header
	Body     []byte
	SHA256   string // hex SHA-256 of Body
}

// NotModified reports a 304 answer to a conditional request.
func (r *Response) NotModified() bool { return r.Status == http.StatusNotModified }

// DefaultUserAgent names redline so site owners can see who is asking.
const DefaultUserAgent = "redline/0.1 (+https://github.com/redline-news/redline; change monitor)"

// New returns a Client. It does no I/O.
func New(opt Options) *Client {
	if opt.UserAgent == "" {
		opt.UserAgent = DefaultUserAgent
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 30 * time.Second
	}
	if opt.MaxBodyBytes <= 0 {
		opt.MaxBodyBytes = 10 << 20
	}
	if opt.MaxRedirects <= 0 {
		opt.MaxRedirects = 10
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	dial := opt.DialContext
	if dial == nil {
		dial = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	}
	tr := &http.Transport{
		Proxy:                  http.ProxyFromEnvironment,
		DialContext:            dial,
		TLSHandshakeTimeout:    10 * time.Second,
		ResponseHeaderTimeout:  opt.Timeout,
		ExpectContinueTimeout:  time.Second,
		MaxIdleConns:           100,
		MaxIdleConnsPerHost:    4,
		IdleConnTimeout:        90 * time.Second,
		MaxResponseHeaderBytes: 64 << 10, // a header bomb must not cost memory
		ForceAttemptHTTP2:      true,
	}
	c := &Client{opt: opt, log: opt.Logger}
	c.http = &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > opt.MaxRedirects {
				return fmt.Errorf("stopped after %d redirects (%s → %s)", opt.MaxRedirects, via[0].URL, req.URL)
			}
			if err := checkScheme(req.URL); err != nil {
				return fmt.Errorf("unsupported redirect target %q: %w", req.URL.Redacted(), err)
			}
			return nil
		},
	}
	return c
}

func checkScheme(u *url.URL) error {
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return errors.New("no host")
		}
		return nil
	default:
		return fmt.Errorf("scheme %q not allowed", u.Scheme)
	}
}

// Get fetches req.URL. A 304 answer is a Response with no body and no error.
// A status of 400 or more returns the Response and a *StatusError, so the
// caller can record the status.
func (c *Client) Get(ctx context.Context, req Request) (*Response, error) {
	u, err := url.Parse(req.URL)
	if err != nil {
		return nil, fmt.Errorf("fetch %q: %w", req.URL, err)
	}
	if err := checkScheme(u); err != nil {
		return nil, fmt.Errorf("fetch %s: %w", req.URL, err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.opt.Timeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", req.URL, err)
	}
	hreq.Header.Set("User-Agent", c.opt.UserAgent)
	hreq.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	if req.ETag != "" {
		hreq.Header.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		hreq.Header.Set("If-Modified-Since", req.LastModified)
	}
	start := time.Now()
	hresp, err := c.http.Do(hreq)
	if err != nil {
		var ne net.Error
		if ctx.Err() == context.DeadlineExceeded || (errors.As(err, &ne) && ne.Timeout()) {
			return nil, fmt.Errorf("fetch %s: timed out after %s: %w", req.URL, c.opt.Timeout, err)
		}
		return nil, fmt.Errorf("fetch %s: %w", req.URL, err)
	}
	defer hresp.Body.Close()
	resp := &Response{
		Status:   hresp.StatusCode,
		FinalURL: hresp.Request.URL.String(),
		Header:   hresp.Header,
	}
	// Read one byte past the cap so a body of exactly the cap is accepted
	// and a longer one is refused rather than silently cut.
	body, err := io.ReadAll(io.LimitReader(hresp.Body, c.opt.MaxBodyBytes+1))
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return resp, fmt.Errorf("fetch %s: timed out after %s reading body", req.URL, c.opt.Timeout)
		}
		return resp, fmt.Errorf("fetch %s: read body: %w", req.URL, err)
	}
	if int64(len(body)) > c.opt.MaxBodyBytes {
		return resp, fmt.Errorf("fetch %s: %w=%d", req.URL, ErrBodyTooLarge, c.opt.MaxBodyBytes)
	}
	resp.Body = body
	sum := sha256.Sum256(body)
	resp.SHA256 = hex.EncodeToString(sum[:])
	c.log.Debug("fetched", "url", req.URL, "status", resp.Status, "bytes", len(body), "elapsed", time.Since(start))
	if resp.Status >= 400 {
		return resp, &StatusError{URL: req.URL, Status: resp.Status}
	}
	return resp, nil
}
