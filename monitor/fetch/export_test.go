package fetch

import (
	"context"
	"time"

	"github.com/redline-news/redline/internal/retry"
)

// SetClock replaces c's clock, so tests run backoff, rate limits and
// robots.txt expiry without waiting.
func SetClock(c *Client, now func() time.Time, sleep func(context.Context, time.Duration) error) {
	c.clock.now, c.clock.sleep = now, sleep
}

// SetJitter replaces the full-jitter draw, to make backoff deterministic.
func SetJitter(c *Client, f func(bound time.Duration) time.Duration) { c.jitter = f }

// HostEntries and RobotsEntries count the cached per-host state.
func HostEntries(c *Client) int   { return c.hosts.len() }
func RobotsEntries(c *Client) int { return c.robots.len() }

var (
	Sleep           = retry.Sleep
	ParseRetryAfter = func(v string, now time.Time) time.Duration { d, _ := retry.After(v, now); return d }
)
