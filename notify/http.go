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
	"time"

	"github.com/redline-news/redline/internal/retry"
	"github.com/redline-news/redline/monitor/fetch"
)

// userAgent names redline to webhook receivers.
const userAgent = "redline-notify/0.1 (+https://github.com/redline-news/redline)"

// StatusError is a webhook or Slack answer with a status outside 2xx.
type StatusError struct {
	URL        string // scheme and host only: the path often is the credential
	Status     int
	RetryAfter time.Duration // from a 429 or 503 Retry-After header, 0 if none
	Body       string        // the start of the response body, made one safe line
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("POST %s: HTTP %d %s", e.URL, e.Status, http.StatusText(e.Status))
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// Temporary reports whether the same request may succeed later: a
// timeout, too many requests or a server error. A 4xx such as 400 or 404
// needs the payload or the config fixed.
func (e *StatusError) Temporary() bool {
	switch e.Status {
	case http.StatusRequestTimeout, http.StatusTooEarly, http.StatusTooManyRequests:
		return true
	}
	return e.Status >= 500
}

// httpClient returns the client notify uses when given Options.Dial and
// no HTTPClient. Each try's context bounds a request; these timeouts only
// bound the stages, and the redirect policy is net/http's (10 hops, http
// and https only), every hop dialled through dial.
func httpClient(dial func(ctx context.Context, network, addr string) (net.Conn, error)) *http.Client {
	return &http.Client{Transport: &http.Transport{
		// No proxy: the address policy in dial must see the receiver's
		// address, not a proxy's.
		DialContext:            dial,
		TLSHandshakeTimeout:    10 * time.Second,
		ResponseHeaderTimeout:  30 * time.Second,
		MaxIdleConnsPerHost:    2,
		IdleConnTimeout:        90 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
		ForceAttemptHTTP2:      true,
	}}
}

// post sends body to rawURL with the given headers and checks the answer.
func post(ctx context.Context, client *http.Client, rawURL string, body []byte, header http.Header, now time.Time) error {
	req, err := http.NewRequestWithContext(fetch.TrackHops(ctx), http.MethodPost, rawURL, bytes.NewReader(body))
	if err != nil {
		return permanent(fmt.Errorf("POST %s: %w", redactURL(rawURL), unwrapURLError(err)))
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", userAgent)
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("POST %s: %w", redactURL(rawURL), unwrapURLError(err))
	}
	defer resp.Body.Close()
	// Read a little for the error message, then drain a bounded amount so
	// the connection can be reused; a hostile receiver cannot make us read
	// more than that.
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // Only for connection reuse; errors do not matter.
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	se := &StatusError{URL: redactURL(rawURL), Status: resp.StatusCode, Body: plain(string(snippet), 200)}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		se.RetryAfter, _ = retry.After(resp.Header.Get("Retry-After"), now)
	}
	return se
}

// unwrapURLError drops the *url.Error wrapper, whose message repeats the
// whole URL, token and all.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
