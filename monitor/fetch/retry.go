package fetch

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/redline-news/redline/internal/retry"
)

// getWithRetry runs attempts until one succeeds, fails for good, or
// Options.MaxRetries retries are spent. It returns the last response, the
// number of attempts and the last error.
func (c *Client) getWithRetry(ctx context.Context, u *url.URL, name string, h http.Header, lim limits, maxBody int64, truncate bool) (*Response, int, error) {
	for n := 1; ; n++ {
		resp, err := c.attempt(ctx, u, name, h, lim, maxBody, truncate)
		if err == nil || n > c.opt.MaxRetries || !retryable(ctx, err) {
			return resp, n, err
		}
		delay := c.backoff(n)
		var se *StatusError
		if errors.As(err, &se) && se.RetryAfter > 0 {
			// The server said when; waiting longer than we are willing
			// to is the scheduler's job, so hand it the delay.
			if se.RetryAfter > c.opt.MaxRetryAfter {
				return resp, n, fmt.Errorf("%w; %w: over the %s cap", err, ErrRetryAfterTooLong, c.opt.MaxRetryAfter)
			}
			delay = se.RetryAfter
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < delay {
			if se != nil && se.RetryAfter > 0 {
				return resp, n, fmt.Errorf("%w; %w: past the deadline", err, ErrRetryAfterTooLong)
			}
			return resp, n, fmt.Errorf("%w; not retried: the next try, in %s, would be past the deadline", err, delay.Round(time.Millisecond))
		}
		c.log.Debug("retrying", "url", name, "attempt", n, "delay", delay, "err", err)
		if serr := c.clock.sleep(ctx, delay); serr != nil {
			return resp, n, fmt.Errorf("%w; stopped waiting to retry: %w", err, serr)
		}
	}
}

// retryable reports whether err is worth another try: a transient status
// or a failure in transport. Policy refusals, bad certificates, unknown
// hosts and oversized bodies fail the same way every time.
func retryable(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var se *StatusError
	if errors.As(err, &se) {
		switch se.Status {
		case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
			http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
		return false
	}
	var (
		re   *redirectError
		cert *tls.CertificateVerificationError
		dns  *net.DNSError
	)
	switch {
	case errors.Is(err, ErrBodyTooLarge), errors.Is(err, errWaitPastDeadline),
		errors.Is(err, ErrUnsupportedEncoding), errors.Is(err, ErrHeadersTooLarge),
		errors.As(err, &re), errors.As(err, &cert), errRefused(err):
		return false
	case errors.As(err, &dns):
		return !dns.IsNotFound
	}
	return true // refused or reset connections, timeouts, truncated bodies
}

// backoff is the wait before retry n: "full jitter" (a uniform random time
// up to the exponential bound), which spreads retries from many workers
// instead of having them hit a recovering host together.
func (c *Client) backoff(n int) time.Duration {
	return retry.Backoff{Base: c.opt.RetryBaseDelay, Max: c.opt.RetryMaxDelay, Jitter: retry.Full, Draw: c.jitter}.Delay(n)
}
