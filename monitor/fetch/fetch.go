// Package fetch makes polite, bounded HTTP GETs for redline. It owns the one
// shared http.Client and everything that makes it a good citizen: timeouts,
// a body cap, redirect and scheme checks, conditional GET, retries with
// backoff, per-host concurrency and rate limits, and robots.txt. It does no
// parsing of pages.
//
// Every connection goes through a Guard, which refuses loopback, private,
// link-local and other non-global addresses unless they are allowed: see
// Guard, Options.Guard and Request.AllowPrivate.
package fetch

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
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

	"golang.org/x/time/rate"

	"github.com/redline-news/redline/internal/retry"
)

// DefaultUserAgent names redline so site owners can see who is asking.
const DefaultUserAgent = "redline/0.1 (+https://github.com/redline-news/redline; change monitor)"

// Unlimited turns a per-host limit off: use it for Options.HostConcurrency,
// Options.HostRate and their Request overrides.
const Unlimited = -1

// RobotsPolicy says whether robots.txt is obeyed.
type RobotsPolicy int8

const (
	// RobotsDefault inherits: a Request follows its Client, and a Client
	// obeys robots.txt.
	RobotsDefault RobotsPolicy = iota
	// RobotsObey checks robots.txt before every fetch.
	RobotsObey
	// RobotsIgnore skips robots.txt, for a source that has permission.
	RobotsIgnore
)

// Options configure a Client. Zero values take the defaults in New; a
// negative value turns a limit off where the field says so.
type Options struct {
	// UserAgent is sent with every request; its product token (the part
	// before the first "/", "redline" by default) is what robots.txt
	// groups are matched against. Default DefaultUserAgent.
	UserAgent string
	// Timeout bounds one attempt: connect, TLS, headers and body.
	// Retries each get their own. Default 30s.
	Timeout time.Duration
	// ConnectTimeout bounds the TCP connect. Default 10s.
	ConnectTimeout time.Duration
	// TLSHandshakeTimeout bounds the TLS handshake. Default 10s.
	TLSHandshakeTimeout time.Duration
	// ResponseHeaderTimeout bounds the wait for response headers once the
	// request is sent. Default 20s.
	ResponseHeaderTimeout time.Duration
	// MaxBodyBytes caps a body after gzip decoding, so a small compressed
	// bomb is refused too. Default 10 MiB.
	MaxBodyBytes int64
	// MaxRedirects caps the redirects followed. Default 10.
	MaxRedirects int
	// MaxHeaderBytes caps a response's headers, so a header bomb (1 MB of
	// headers, 10 000 Set-Cookie) costs no memory. Default 64 KiB.
	MaxHeaderBytes int64
	// MaxRetries is how many times a transient failure (connection error,
	// timeout, 429, 500, 502, 503, 504) is retried. Default 2; negative
	// for none.
	MaxRetries int
	// RetryBaseDelay and RetryMaxDelay shape the backoff: before retry n,
	// wait a random time up to min(RetryMaxDelay, RetryBaseDelay·2^(n-1)).
	// Defaults 1s and 30s.
	RetryBaseDelay time.Duration
	RetryMaxDelay  time.Duration
	// MaxRetryAfter caps how long a Retry-After on a 429 or 503 is obeyed.
	// A longer one ends the fetch with ErrRetryAfterTooLong. Default 5m.
	MaxRetryAfter time.Duration
	// HostConcurrency caps requests in flight to one host. Default 2;
	// Unlimited for none.
	HostConcurrency int
	// HostRate caps requests per second to one host, burst 1. A robots.txt
	// Crawl-delay lowers it further. Default 1; Unlimited for none.
	HostRate float64
	// Robots says whether robots.txt is obeyed. Default obey.
	Robots RobotsPolicy
	Logger *slog.Logger
	// RootCAs, if set, replaces the system's trusted roots: a private CA,
	// or a test's own server. Certificates are always verified; there is
	// no insecure mode.
	RootCAs *x509.CertPool
	// Guard decides which addresses may be dialled, on every redirect and
	// DNS answer. Nil means NewGuard(GuardOptions{}): non-global addresses
	// refused, the system resolver. ConnectTimeout applies on top of it.
	Guard *Guard
}

// Client fetches pages. It is safe for concurrent use.
type Client struct {
	http *http.Client
	// private sends requests with AllowPrivate. A separate transport keeps
	// their connections in a separate pool: a connection to a private
	// address opened for one source must never carry a request from
	// another source, or from a redirect, that was not allowed there.
	private *http.Client
	opt     Options
	log     *slog.Logger
	agent   string // product token matched against robots.txt groups
	clock   *clock
	jitter  func(bound time.Duration) time.Duration
	hosts   *hostLimits
	robots  *robotsCache
}

// clock is time as the Client sees it; tests replace it so backoff, rate
// limits and robots.txt expiry run without real waits.
type clock struct {
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

// Request is one GET, optionally conditional. The limit fields override the
// Client's for this request (a source's own settings); zero inherits.
type Request struct {
	URL  string
	ETag string // sent as If-None-Match
	// Accept is sent as Accept; "" asks for a page (HTML first). A
	// browser's script or data request asks for what it will read.
	Accept       string
	LastModified string // sent as If-Modified-Since

	HostConcurrency int          // 0: Options.HostConcurrency; Unlimited for none
	HostRate        float64      // 0: Options.HostRate; Unlimited for none
	Robots          RobotsPolicy // RobotsDefault: Options.Robots
	// AllowPrivate lets this request, its redirects and its robots.txt
	// reach any address, as a source with allow_private does: its dials
	// run under WithAllowPrivate, over connections no other request uses.
	AllowPrivate bool
}

// Response is what a fetch returned.
type Response struct {
	Status   int
	FinalURL string
	Header   http.Header
	Body     []byte
	SHA256   string // hex SHA-256 of Body
	Attempts int    // HTTP attempts made, 1 unless retried
	// Decoded says the server sent the body gzip-encoded and the transport
	// decoded it: Body is not the bytes sent, so a digest of those (a web
	// archive's) cannot be checked against it.
	Decoded bool
}

// NotModified reports a 304 answer to a conditional request.
func (r *Response) NotModified() bool { return r.Status == http.StatusNotModified }

// New returns a Client. It does no I/O.
func New(opt Options) *Client {
	opt = withDefaults(opt)
	clk := &clock{now: time.Now, sleep: retry.Sleep}
	c := &Client{
		opt:    opt,
		log:    opt.Logger,
		agent:  productToken(opt.UserAgent),
		clock:  clk,
		hosts:  newHostLimits(clk),
		robots: newRobotsCache(clk),
	}
	guard := opt.Guard
	if guard == nil {
		guard = NewGuard(GuardOptions{})
	}
	c.http = c.newHTTPClient(guard.DialContext)
	c.private = c.newHTTPClient(func(ctx context.Context, network, addr string) (net.Conn, error) {
		return guard.DialContext(WithAllowPrivate(ctx), network, addr)
	})
	// Once a public address has answered, a chain's later hops go over
	// the public pool (see TrackHops).
	c.private.Transport = PrivateRouter(c.http.Transport, c.private.Transport)
	return c
}

// maxIdleConns bounds the idle connections kept for reuse, over all hosts:
// room for a thousand hosts' next page.
const maxIdleConns = 1024

// newHTTPClient returns an http.Client whose every connection is made by
// dial, under the connect timeout.
func (c *Client) newHTTPClient(dial func(ctx context.Context, network, addr string) (net.Conn, error)) *http.Client {
	opt := c.opt
	tr := &http.Transport{
		// No proxy: through one, the Guard would judge the proxy's address
		// instead of the site's, and the proxy would reach what it likes.
		Proxy:                 nil,
		DialContext:           dialWithTimeout(dial, opt.ConnectTimeout),
		TLSHandshakeTimeout:   opt.TLSHandshakeTimeout,
		ResponseHeaderTimeout: opt.ResponseHeaderTimeout,
		ExpectContinueTimeout: time.Second,
		// A monitor visits its hosts in turn: a pool smaller than the hosts
		// it watches drops each host's connection before its next page,
		// and every page pays a new connection. Idle connections still
		// close after IdleConnTimeout.
		MaxIdleConns:           maxIdleConns,
		MaxIdleConnsPerHost:    4,
		IdleConnTimeout:        90 * time.Second,
		MaxResponseHeaderBytes: opt.MaxHeaderBytes,
		ForceAttemptHTTP2:      true,
		TLSClientConfig:        &tls.Config{RootCAs: opt.RootCAs, MinVersion: tls.VersionTLS12},
		// Compression stays on: we never set Accept-Encoding ourselves, so
		// the transport asks for gzip and decodes it, and the body cap
		// counts decoded bytes.
	}
	return &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > opt.MaxRedirects {
				return &redirectError{fmt.Sprintf("stopped after %d redirects (%s → %s)", opt.MaxRedirects, via[0].URL, req.URL)}
			}
			if err := checkScheme(req.URL); err != nil {
				return &redirectError{fmt.Sprintf("unsupported redirect target %q: %v", req.URL.Redacted(), err)}
			}
			if h, ok := req.Context().Value(hopsKey{}).(*int); ok {
				*h = len(via)
			}
			return nil
		},
	}
}

// hopsKey holds, in an attempt's context, how many redirects it has
// followed, so a refused dial can say which hop it was.
type hopsKey struct{}

func withDefaults(opt Options) Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if opt.UserAgent == "" {
		opt.UserAgent = DefaultUserAgent
	}
	def(&opt.Timeout, 30*time.Second)
	def(&opt.ConnectTimeout, 10*time.Second)
	def(&opt.TLSHandshakeTimeout, 10*time.Second)
	def(&opt.ResponseHeaderTimeout, 20*time.Second)
	def(&opt.RetryBaseDelay, time.Second)
	def(&opt.RetryMaxDelay, 30*time.Second)
	def(&opt.MaxRetryAfter, 5*time.Minute)
	if opt.MaxBodyBytes <= 0 {
		opt.MaxBodyBytes = 10 << 20
	}
	if opt.MaxRedirects <= 0 {
		opt.MaxRedirects = 10
	}
	if opt.MaxHeaderBytes <= 0 {
		opt.MaxHeaderBytes = 64 << 10
	}
	switch {
	case opt.MaxRetries == 0:
		opt.MaxRetries = 2
	case opt.MaxRetries < 0:
		opt.MaxRetries = 0
	}
	if opt.HostConcurrency == 0 {
		opt.HostConcurrency = 2
	}
	if opt.HostRate == 0 {
		opt.HostRate = 1
	}
	if opt.Robots == RobotsDefault {
		opt.Robots = RobotsObey
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	return opt
}

// dialWithTimeout bounds a connect by d whatever the dialer, and says so
// when it fires: "i/o timeout" alone does not tell connect from read.
func dialWithTimeout(dial func(ctx context.Context, network, addr string) (net.Conn, error), d time.Duration) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		dctx, cancel := context.WithTimeout(ctx, d)
		defer cancel()
		conn, err := dial(dctx, network, addr)
		if err != nil && ctx.Err() == nil && errors.Is(dctx.Err(), context.DeadlineExceeded) {
			return nil, &timeoutError{fmt.Sprintf("connect to %s timed out after %s", addr, d)}
		}
		return conn, err
	}
}

// productToken is the User-Agent's product name, which robots.txt groups
// name ("redline" in "redline/0.1 (+https://…)").
func productToken(ua string) string {
	tok, _, _ := strings.Cut(ua, "/")
	tok, _, _ = strings.Cut(tok, " ")
	return strings.ToLower(strings.TrimSpace(tok))
}

// redact drops a password from a URL for an error message.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Sprintf("%q", raw)
	}
	return u.Redacted()
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

// limits are the per-host limits in force for one request.
type limits struct {
	concurrency int        // 0: unlimited
	rate        rate.Limit // rate.Inf: unlimited
	robots      bool
	private     bool // Request.AllowPrivate
}

func (c *Client) limitsFor(req Request) limits {
	conc, rps, pol := c.opt.HostConcurrency, c.opt.HostRate, c.opt.Robots
	if req.HostConcurrency != 0 {
		conc = req.HostConcurrency
	}
	if req.HostRate != 0 {
		rps = req.HostRate
	}
	if req.Robots != RobotsDefault {
		pol = req.Robots
	}
	l := limits{concurrency: max(conc, 0), rate: rate.Inf, robots: pol == RobotsObey, private: req.AllowPrivate}
	if rps > 0 {
		l.rate = rate.Limit(rps)
	}
	return l
}

// withCrawlDelay lowers the rate to one request per Crawl-delay.
func (l limits) withCrawlDelay(d time.Duration) limits {
	if d > 0 {
		l.rate = min(l.rate, rate.Every(d))
	}
	return l
}

// Get fetches req.URL, after checking robots.txt and waiting for the host's
// limits, retrying transient failures. A 304 answer is a Response with no
// body and no error. A status of 400 or more returns the Response and an
// error holding a *StatusError, so the caller can record the status. Every
// error is an *Error naming the URL and the attempts made; it wraps
// ErrDisallowedByRobots, ErrBodyTooLarge, ErrRetryAfterTooLong or a
// *StatusError where they apply.
func (c *Client) Get(ctx context.Context, req Request) (*Response, error) {
	u, err := url.Parse(req.URL)
	if err != nil {
		return nil, &Error{URL: req.URL, Err: err}
	}
	if err := checkScheme(u); err != nil {
		return nil, &Error{URL: req.URL, Err: err}
	}
	lim := c.limitsFor(req)
	if lim.robots {
		delay, err := c.robotsAllow(ctx, u, lim)
		if err != nil {
			return nil, &Error{URL: req.URL, Err: err}
		}
		lim = lim.withCrawlDelay(delay)
	}
	h := http.Header{}
	h.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	if req.Accept != "" {
		h.Set("Accept", req.Accept)
	}
	if req.ETag != "" {
		h.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		h.Set("If-Modified-Since", req.LastModified)
	}
	resp, attempts, err := c.getWithRetry(ctx, u, req.URL, h, lim, c.opt.MaxBodyBytes, false)
	if resp != nil {
		resp.Attempts = attempts
	}
	if err != nil {
		return resp, &Error{URL: req.URL, Attempts: attempts, Err: err}
	}
	return resp, nil
}

// attempt makes one GET of u within the host's limits. name is the URL as
// the caller wrote it, for errors. With truncate, a body over maxBody is cut
// instead of refused (robots.txt, where RFC 9309 says to parse the first
// 500 KiB).
func (c *Client) attempt(ctx context.Context, u *url.URL, name string, h http.Header, lim limits, maxBody int64, truncate bool) (*Response, error) {
	release, err := c.hosts.acquire(ctx, u.Host, lim)
	if err != nil {
		return nil, err
	}
	defer release()
	actx, cancel := context.WithTimeout(ctx, c.opt.Timeout)
	defer cancel()
	hops := new(int)
	client := c.http
	if lim.private {
		client = c.private
		actx = TrackHops(WithAllowPrivate(actx))
	}
	hreq, err := http.NewRequestWithContext(context.WithValue(actx, hopsKey{}, hops), http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	hreq.Header = h.Clone()
	hreq.Header.Set("User-Agent", c.opt.UserAgent)
	start := time.Now()
	hresp, err := client.Do(hreq)
	if err != nil {
		// url.Error repeats the method and URL, which Error already says;
		// past a redirect, its URL is the hop that failed.
		var ue *url.Error
		if errors.As(err, &ue) {
			if strings.Contains(ue.Err.Error(), "server response headers exceeded") {
				// net/http has no sentinel for this; say which limit.
				ue.Err = fmt.Errorf("%w (max_header_bytes=%d): %w", ErrHeadersTooLarge, c.opt.MaxHeaderBytes, ue.Err)
			}
			err = ue.Err
			var re *redirectError
			if *hops > 0 && !errors.As(err, &re) {
				err = fmt.Errorf("redirect hop %d → %s: %w", *hops, redact(ue.URL), err)
			}
		}
		return nil, c.attemptError(ctx, actx, err, "")
	}
	defer hresp.Body.Close()
	resp := &Response{
		Status:   hresp.StatusCode,
		FinalURL: hresp.Request.URL.String(),
		Header:   hresp.Header,
		Decoded:  hresp.Uncompressed,
	}
	// The transport decodes the gzip it asked for and then drops the
	// header. Anything left (br, zstd, "gzip, gzip") we did not ask for and
	// do not decode: refuse it rather than store binary garbage as a page.
	if ce := strings.TrimSpace(hresp.Header.Get("Content-Encoding")); ce != "" && !strings.EqualFold(ce, "identity") {
		return resp, fmt.Errorf("%w %s", ErrUnsupportedEncoding, ce)
	}
	// A declared length past the cap is refused before reading a byte.
	if !truncate && !hresp.Uncompressed && hresp.ContentLength > maxBody {
		return resp, fmt.Errorf("%w=%d (Content-Length %d)", ErrBodyTooLarge, maxBody, hresp.ContentLength)
	}
	// Read one byte past the cap so a body of exactly the cap is accepted
	// and a longer one is refused rather than silently cut.
	body, over, err := readCapped(hresp.Body, maxBody, hresp.ContentLength, truncate)
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			err = fmt.Errorf("disconnect after %d of %d bytes: %w", len(body), hresp.ContentLength, err)
		}
		return resp, c.attemptError(ctx, actx, fmt.Errorf("read body: %w", err), " reading body")
	}
	if over && !truncate {
		if hresp.Uncompressed {
			// The cap counts decoded bytes: say so, or a 2 KiB
			// response refused as too large looks like a bug.
			return resp, fmt.Errorf("decompressed %w=%d", ErrBodyTooLarge, maxBody)
		}
		return resp, fmt.Errorf("%w=%d", ErrBodyTooLarge, maxBody)
	}
	resp.Body = body
	sum := sha256.Sum256(body)
	resp.SHA256 = hex.EncodeToString(sum[:])
	c.log.Debug("fetched", "url", name, "status", resp.Status, "bytes", len(body), "elapsed", time.Since(start))
	if resp.Status >= 400 {
		se := &StatusError{URL: name, Status: resp.Status}
		if resp.Status == http.StatusTooManyRequests || resp.Status == http.StatusServiceUnavailable {
			v := hresp.Header.Get("Retry-After")
			var ok bool
			if se.RetryAfter, ok = retry.After(v, c.clock.now()); !ok && v != "" {
				c.log.Warn("unreadable Retry-After ignored; backing off instead", "url", name, "retry_after", v)
			}
		}
		return resp, se
	}
	return resp, nil
}

// readCapped reads r to its end, or until it has given more than max
// bytes: then over is set, and body is the first max bytes when keep is
// set (a truncating fetch), nil otherwise. A declared length (-1 if
// unknown) sizes the buffer at once; otherwise the body is read in blocks
// joined at the end, so that a body running past the cap never holds more
// than the cap and one block (io.ReadAll's growing buffer held up to
// twice the cap).
func readCapped(r io.Reader, max, length int64, keep bool) (body []byte, over bool, err error) {
	r = io.LimitReader(r, max+1)
	var first []byte
	if length >= 0 && length <= max {
		first = make([]byte, 0, length+1) // +1: room to see EOF without growing
		for len(first) < cap(first) {
			var n int
			n, err = r.Read(first[len(first):cap(first)])
			first = first[:len(first)+n]
			if err != nil {
				break
			}
		}
		if err == io.EOF {
			return first, false, nil
		}
		if err != nil {
			return first, false, err
		}
		// More than declared: read on, within the cap; the transport
		// reports the mismatch.
	}
	const block = 64 << 10
	blocks := [][]byte{first}
	total := int64(len(first))
	for err == nil {
		b := make([]byte, block)
		n := 0
		for n < block && err == nil {
			var k int
			k, err = r.Read(b[n:])
			n += k
		}
		blocks = append(blocks, b[:n])
		total += int64(n)
	}
	if err != io.EOF {
		return joinUpTo(blocks, total), false, err // what came before the failure, for the message
	}
	over = total > max
	if over && !keep {
		return nil, true, nil
	}
	return joinUpTo(blocks, min(total, max)), over, nil
}

// joinUpTo returns the first n bytes of blocks, joined.
func joinUpTo(blocks [][]byte, n int64) []byte {
	out := make([]byte, 0, n)
	for _, b := range blocks {
		out = append(out, b[:min(int64(len(b)), n-int64(len(out)))]...)
	}
	return out
}

// attemptError says "timed out after Timeout" when this attempt's own
// deadline fired, rather than the caller's context.
func (c *Client) attemptError(ctx, actx context.Context, err error, while string) error {
	if ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
		return &timeoutError{fmt.Sprintf("timed out after %s%s", c.opt.Timeout, while)}
	}
	return err
}
