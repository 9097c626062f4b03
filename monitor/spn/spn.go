// Package spn submits pages to the Wayback Machine's Save Page Now 2 API
// (SPN2) and waits for the capture: a POST of the page's URL answers a job
// ID, whose status is polled until the archive says it made the capture,
// at a time stamp that names it (https://web.archive.org/web/<timestamp>/
// <url>). Archiver runs it over the store's queue of versions to capture.
// It stores nothing itself and renders nothing.
package spn

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/redline-news/redline/internal/retry"
	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/monitor/fetch"
)

// DefaultSaveURL is the Internet Archive's SPN2 endpoint.
const DefaultSaveURL = "https://web.archive.org/save"

// userAgent names redline to the archive.
const userAgent = "redline-archive/0.1 (+https://github.com/redline-news/redline)"

// maxBody caps what is read of an answer: SPN2's JSON is a few hundred
// bytes, and a hostile or broken endpoint must not make us read more.
const maxBody = 64 << 10

// Options configure a Client. Zero durations and counts take the
// defaults New documents.
type Options struct {
	// SaveURL is the SPN2 endpoint (DefaultSaveURL when empty); job
	// status is read at SaveURL/status/<job_id>, and captures are named
	// under the same scheme and host, /web/<timestamp>/<url>.
	SaveURL string
	// AccessKey and SecretKey are the archive.org S3-like keys, sent as
	// "Authorization: LOW key:secret". Both are required.
	AccessKey, SecretKey string
	// Dial opens every connection: pass a fetch.Guard's DialContext so
	// the archive is reached under the same address policy as fetches.
	// Required.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Interval is the least time between two submissions (rate limit):
	// 10s, as SPN2 allows a few captures a minute per account.
	Interval time.Duration
	// PollInterval is the wait before each status read: 5s. MaxPolls
	// bounds them: 60; a job still pending then fails this round.
	PollInterval time.Duration
	MaxPolls     int
	// Tries is how many times one request is sent when the answer is 429
	// or 5xx, or the connection fails: 3. Backoff spaces them (full
	// jitter from 2s, at most 1m) unless a Retry-After says how long;
	// one longer than MaxRetryAfter (5m) ends the round instead.
	Tries         int
	Backoff       retry.Backoff
	MaxRetryAfter time.Duration
	// Timeout bounds each request: 60s (a submission may wait for the
	// archive's queue).
	Timeout time.Duration
	Logger  *slog.Logger     // nil discards
	Now     func() time.Time // time.Now when nil
	// Sleep waits; retry.Sleep when nil. Tests record the waits instead.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client submits pages to SPN2. It is safe for concurrent use; its
// submissions take turns under Interval.
type Client struct {
	opt    Options
	http   *http.Client
	save   string // SaveURL without a trailing slash
	origin string // SaveURL's scheme and host, under which captures are named
	auth   string

	mu   sync.Mutex
	next time.Time // the earliest time of the next submission
}

// Capture is a page's copy the archive made.
type Capture struct {
	JobID     string
	URL       string    // the page, as the archive names it
	Timestamp string    // the archive's 14-digit time stamp, "20250314092653"
	At        time.Time // Timestamp, read as UTC
	// Archive is the capture's address: <origin>/web/<Timestamp>/<URL>.
	Archive string
}

// Error is a failed submission or job, as the archive or the network
// said it.
type Error struct {
	URL    string // the page submitted
	Status int    // the HTTP status, 0 when the failure came in a JSON answer or the network
	// Code is SPN2's status_ext ("error:too-many-daily-captures"), or
	// "pending" for a job that did not finish in MaxPolls polls.
	Code    string
	Message string // what the archive said, one safe line
	Err     error  // the network's error, if that was it
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "save %s to the Wayback Machine: ", e.URL)
	parts := []string{}
	if e.Status != 0 {
		parts = append(parts, fmt.Sprintf("HTTP %d %s", e.Status, http.StatusText(e.Status)))
	}
	if e.Code != "" {
		parts = append(parts, e.Code)
	}
	if e.Message != "" {
		parts = append(parts, e.Message)
	}
	if e.Err != nil {
		parts = append(parts, e.Err.Error())
	}
	b.WriteString(strings.Join(parts, ": "))
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// New returns a Client, or an error naming the option that is wrong. It
// does no I/O.
func New(opt Options) (*Client, error) {
	opt.SaveURL = cmp.Or(opt.SaveURL, DefaultSaveURL)
	u, err := url.Parse(opt.SaveURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("save_url %q: not an http or https URL with a host", opt.SaveURL)
	}
	if opt.AccessKey == "" || opt.SecretKey == "" {
		return nil, errors.New("wayback: access and secret keys missing")
	}
	if strings.ContainsAny(opt.AccessKey+opt.SecretKey, ": \r\n") {
		return nil, errors.New("wayback: a key holds a colon, a space or a line break")
	}
	if opt.Dial == nil {
		return nil, errors.New("wayback: no dialer given")
	}
	opt.Interval = cmp.Or(opt.Interval, 10*time.Second)
	opt.PollInterval = cmp.Or(opt.PollInterval, 5*time.Second)
	opt.MaxPolls = cmp.Or(opt.MaxPolls, 60)
	opt.Tries = cmp.Or(opt.Tries, 3)
	if opt.Backoff.Base == 0 {
		opt.Backoff = retry.Backoff{Base: 2 * time.Second, Max: time.Minute}
	}
	opt.MaxRetryAfter = cmp.Or(opt.MaxRetryAfter, 5*time.Minute)
	opt.Timeout = cmp.Or(opt.Timeout, time.Minute)
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Sleep == nil {
		opt.Sleep = retry.Sleep
	}
	return &Client{
		opt:    opt,
		http:   fetch.NewServiceClient(opt.Dial, opt.Timeout),
		save:   strings.TrimSuffix(opt.SaveURL, "/"),
		origin: u.Scheme + "://" + u.Host,
		auth:   "LOW " + opt.AccessKey + ":" + opt.SecretKey,
	}, nil
}

// answer is SPN2's JSON, for a submission and for a job's status.
type answer struct {
	URL         string `json:"url"`
	JobID       string `json:"job_id"`
	Status      string `json:"status"`
	StatusExt   string `json:"status_ext"`
	Message     string `json:"message"`
	Timestamp   string `json:"timestamp"`
	OriginalURL string `json:"original_url"`
}

// Save submits page and waits for its capture. A 429 or 5xx answer, or a
// lost connection, is tried again (Tries) after the wait its Retry-After
// asks for or a backoff; any other failure, a job that fails, or one still
// pending after MaxPolls polls is an *Error.
func (c *Client) Save(ctx context.Context, page string) (Capture, error) {
	if err := c.turn(ctx); err != nil {
		return Capture{}, &Error{URL: page, Err: err}
	}
	form := url.Values{"url": {page}}
	a, err := c.do(ctx, page, http.MethodPost, c.save, strings.NewReader(form.Encode()))
	if err != nil {
		return Capture{}, err
	}
	if a.JobID == "" {
		return Capture{}, jobError(page, a, "no job_id in the answer")
	}
	log := c.opt.Logger.With("url", page, "job_id", a.JobID)
	log.Debug("submitted to the Wayback Machine")
	status := c.save + "/status/" + url.PathEscape(a.JobID)
	for range c.opt.MaxPolls {
		if err := c.opt.Sleep(ctx, c.opt.PollInterval); err != nil {
			return Capture{}, &Error{URL: page, Err: err}
		}
		s, err := c.do(ctx, page, http.MethodGet, status, nil)
		if err != nil {
			return Capture{}, err
		}
		switch s.Status {
		case "pending":
			continue
		case "success":
			return c.capture(page, a.JobID, s)
		}
		return Capture{}, jobError(page, s, "job "+a.JobID+" failed")
	}
	return Capture{}, &Error{URL: page, Code: "pending", Message: fmt.Sprintf("job %s not done after %d polls", sanitize.Line(a.JobID), c.opt.MaxPolls)}
}

// turn waits until the next submission may go, and books the one after.
func (c *Client) turn(ctx context.Context) error {
	c.mu.Lock()
	now := c.opt.Now()
	at := c.next
	if at.Before(now) {
		at = now
	}
	c.next = at.Add(c.opt.Interval)
	c.mu.Unlock()
	return c.opt.Sleep(ctx, at.Sub(now))
}

// capture reads a successful job's status.
func (c *Client) capture(page, job string, s answer) (Capture, error) {
	at, err := time.Parse("20060102150405", s.Timestamp)
	if err != nil || len(s.Timestamp) != 14 {
		return Capture{}, &Error{URL: page, Code: "bad answer", Message: fmt.Sprintf("job %s: timestamp %q is not 14 digits", sanitize.Line(job), sanitize.Line(s.Timestamp))}
	}
	orig := page
	if u, err := url.Parse(s.OriginalURL); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		orig = s.OriginalURL
	}
	return Capture{JobID: job, URL: orig, Timestamp: s.Timestamp, At: at, Archive: CaptureURL(c.origin, s.Timestamp, orig)}, nil
}

// CaptureURL is the address of the capture of page at timestamp in the
// archive at origin: https://web.archive.org/web/20250314092653/https://….
func CaptureURL(origin, timestamp, page string) string {
	return origin + "/web/" + timestamp + "/" + page
}

// maxMessage bounds, in runes, the archive's message an *Error repeats:
// the archive writes it, so it is cleaned and cut like scraped text.
const maxMessage = 301

// jobError is the *Error of an answer that reports a failure, or lacks
// what it should have.
func jobError(page string, a answer, fallback string) *Error {
	msg := sanitize.Line(a.Message)
	if msg == "" {
		msg = fallback
	}
	msg = sanitize.Cut(msg, maxMessage)
	return &Error{URL: page, Code: sanitize.Line(cmp.Or(a.StatusExt, a.Status)), Message: msg}
}

// do sends one request, tried again as Save says, and decodes its JSON.
func (c *Client) do(ctx context.Context, page, method, target string, body *strings.Reader) (answer, error) {
	var last error
	for try := 1; ; try++ {
		a, wait, err := c.once(ctx, page, method, target, body)
		if err == nil || wait < 0 || try >= c.opt.Tries {
			return a, err
		}
		last = err
		if wait == 0 {
			wait = c.opt.Backoff.Delay(try)
		}
		if wait > c.opt.MaxRetryAfter {
			return answer{}, err
		}
		c.opt.Logger.Debug("wayback: trying again", "url", page, "try", try, "wait", wait, "err", last)
		if err := c.opt.Sleep(ctx, wait); err != nil {
			return answer{}, &Error{URL: page, Err: err}
		}
		if body != nil {
			if _, err := body.Seek(0, io.SeekStart); err != nil {
				return answer{}, &Error{URL: page, Err: err}
			}
		}
	}
}

// once sends one request. wait is -1 when the failure is final, else what
// a Retry-After asked for (0: none said).
func (c *Client) once(ctx context.Context, page, method, target string, body *strings.Reader) (a answer, wait time.Duration, err error) {
	ctx, cancel := context.WithTimeout(ctx, c.opt.Timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = body
	}
	req, err := http.NewRequestWithContext(fetch.TrackHops(ctx), method, target, rd)
	if err != nil {
		return a, -1, &Error{URL: page, Err: err}
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", c.auth)
	req.Header.Set("User-Agent", userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its message repeats the URL
		}
		var ae *fetch.AddrError
		if errors.As(err, &ae) || ctx.Err() != nil && errors.Is(err, context.Canceled) {
			return a, -1, &Error{URL: page, Err: err}
		}
		return a, 0, &Error{URL: page, Err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return a, 0, &Error{URL: page, Status: resp.StatusCode, Err: err}
	}
	jsonErr := json.Unmarshal(raw, &a)
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		e := &Error{URL: page, Status: resp.StatusCode}
		if jsonErr == nil {
			e.Code, e.Message = jobError(page, a, "").Code, jobError(page, a, "").Message
		}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
			after, _ := retry.After(resp.Header.Get("Retry-After"), c.opt.Now())
			return answer{}, after, e
		}
		return answer{}, -1, e
	}
	if jsonErr != nil {
		return answer{}, -1, &Error{URL: page, Status: resp.StatusCode, Code: "bad answer", Message: "not JSON: " + sanitize.Line(jsonErr.Error())}
	}
	if a.Status == "error" {
		return answer{}, -1, jobError(page, a, "the archive refused it")
	}
	return a, -1, nil
}
