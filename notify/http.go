package notify

import (
	"bytes"
	"cmp"
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

// StatusError is an answer with a status outside 2xx.
type StatusError struct {
	Method     string // "" is POST
	URL        string // scheme and host only: the path often is the credential
	Status     int
	RetryAfter time.Duration // from a 429 or 503 Retry-After (or rate-limit reset) header, 0 if none
	Body       string        // the start of the response body, made one safe line
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("%s %s: HTTP %d %s", cmp.Or(e.Method, http.MethodPost), e.URL, e.Status, http.StatusText(e.Status))
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
// no HTTPClient. Each try's context bounds a request; the redirect policy
// is net/http's (10 hops, http and https only), every hop dialled through
// dial.
func httpClient(dial func(ctx context.Context, network, addr string) (net.Conn, error)) *http.Client {
	return fetch.NewServiceClient(dial, 30*time.Second)
}

// post sends body to rawURL with the given headers and checks the answer.
func post(ctx context.Context, client *http.Client, rawURL string, body []byte, header http.Header, now time.Time) error {
	_, err := call(ctx, client, http.MethodPost, rawURL, body, header, 0, now)
	return err
}

// answer is a 2xx response: its status, headers and body.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// maxAnswerBytes caps the body call reads of an API's answer: a status
// or media object is a few KiB.
const maxAnswerBytes = 1 << 20

// call makes one request and checks the answer. It reads up to keep
// bytes of a 2xx body (0 for none); any other status is a *StatusError.
// Every request of every notifier goes through it, on the client New
// built over the Guard, so all obey the same address policy.
func call(ctx context.Context, client *http.Client, method, rawURL string, body []byte, header http.Header, keep int64, now time.Time) (answer, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(fetch.TrackHops(ctx), method, rawURL, rd)
	if err != nil {
		return answer{}, permanent(fmt.Errorf("%s %s: %w", method, redactURL(rawURL), unwrapURLError(err)))
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", userAgent)
	resp, err := client.Do(req)
	if err != nil {
		return answer{}, fmt.Errorf("%s %s: %w", method, redactURL(rawURL), unwrapURLError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		a := answer{status: resp.StatusCode, header: resp.Header}
		if keep > 0 {
			b, err := io.ReadAll(io.LimitReader(resp.Body, keep+1))
			if err != nil {
				return answer{}, fmt.Errorf("%s %s: reading the answer: %w", method, redactURL(rawURL), err)
			}
			if int64(len(b)) > keep {
				return answer{}, fmt.Errorf("%s %s: answer larger than %d bytes", method, redactURL(rawURL), keep)
			}
			a.body = b
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // Only for connection reuse; errors do not matter.
		return a, nil
	}
	// Read a little for the error message, then drain a bounded amount so
	// the connection can be reused; a hostile receiver cannot make us read
	// more than that.
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // Only for connection reuse; errors do not matter.
	se := &StatusError{URL: redactURL(rawURL), Status: resp.StatusCode, Body: plain(string(snippet), 200)}
	if method != http.MethodPost {
		se.Method = method
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		var ok bool
		if se.RetryAfter, ok = retry.After(resp.Header.Get("Retry-After"), now); !ok {
			se.RetryAfter = retry.Reset(resp.Header, now)
		}
	}
	return answer{}, se
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
