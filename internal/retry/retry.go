// Package retry holds what the fetcher, the notifiers and the PostgreSQL
// store share to try again: exponential backoff with jitter, the reading
// of a Retry-After header, and a pause that ends with its context.
package retry

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxAfter is the longest wait a Retry-After header is taken to ask for.
// A server may ask for years (or send a number that overflows); no check,
// delivery or write is put off by more than a day on its word.
const MaxAfter = 24 * time.Hour

// Jitter is how a backoff spreads its waits.
type Jitter int

const (
	// Full draws the wait uniformly from [0, bound]: retries of many
	// workers spread out the most ("full jitter").
	Full Jitter = iota
	// Equal draws it from [bound/2, bound]: spread, but a restarting
	// server still gets at least half the bound.
	Equal
)

// Backoff is exponential backoff: the bound before retry n (n ≥ 1) is
// Base·2ⁿ⁻¹, at most Max, and the wait is drawn under it as Jitter says.
type Backoff struct {
	Base, Max time.Duration
	Jitter    Jitter
	// Draw returns a uniform random duration in [0, d]; nil means
	// math/rand/v2. Tests pass a fixed draw.
	Draw func(d time.Duration) time.Duration
}

// Bound is the exponential bound before retry n, before jitter.
func (b Backoff) Bound(n int) time.Duration {
	d := b.Base
	for i := 1; i < n && d < b.Max; i++ {
		d *= 2
	}
	return max(min(d, b.Max), 0)
}

// Delay is the wait before retry n.
func (b Backoff) Delay(n int) time.Duration {
	bound := b.Bound(n)
	draw := b.Draw
	if draw == nil {
		draw = uniform
	}
	if b.Jitter == Equal {
		return bound/2 + draw(bound-bound/2)
	}
	return draw(bound)
}

func uniform(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d + 1)
}

// After reads a Retry-After header value (RFC 9110 §10.2.3): delay-seconds
// (digits only) or an HTTP-date in any of the three forms HTTP allows. It
// returns the wait asked for, capped at MaxAfter, and whether the value
// was readable. A date now or past asks for no wait (0, true); a missing
// or malformed value is (0, false). Surrounding spaces are a header's
// optional whitespace; a sign, a fraction or inner spaces make a value
// malformed.
func After(v string, now time.Time) (time.Duration, bool) {
	v = strings.Trim(v, " \t")
	if v == "" {
		return 0, false
	}
	if v[0] >= '0' && v[0] <= '9' {
		var secs time.Duration
		for i := 0; i < len(v); i++ {
			c := v[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			if secs < MaxAfter/time.Second { // past the cap, more digits change nothing (and cannot overflow)
				secs = secs*10 + time.Duration(c-'0')
			}
		}
		return min(secs*time.Second, MaxAfter), true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return min(max(t.Sub(now), 0), MaxAfter), true
}

// Reset reads when an API's rate limit window ends: Mastodon's
// X-RateLimit-Reset (an ISO 8601 time) or Bluesky's ratelimit-reset (Unix
// seconds). It returns the wait until then, capped at MaxAfter, or 0
// when neither header is readable.
func Reset(h http.Header, now time.Time) time.Duration {
	var at time.Time
	if v := strings.TrimSpace(h.Get("X-RateLimit-Reset")); v != "" {
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			at = t
		} else if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
			at = time.Unix(secs, 0)
		}
	}
	if v := strings.TrimSpace(h.Get("RateLimit-Reset")); at.IsZero() && v != "" {
		if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs > 0 {
			at = time.Unix(secs, 0)
		}
	}
	if at.IsZero() {
		return 0
	}
	return min(max(at.Sub(now), 0), MaxAfter)
}

// Sleep waits d or until ctx is done, whichever is first, and returns
// ctx.Err() in the second case. A d of zero or less does not wait.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
