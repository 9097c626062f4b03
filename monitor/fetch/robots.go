package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
)

const (
	// robotsMaxBytes: RFC 9309 §2.5 asks crawlers to parse at least
	// 500 KiB; a longer file is cut there, not refused.
	robotsMaxBytes = 512 << 10
	// robotsTTL: RFC 9309 §2.4 says not to cache for more than 24 hours.
	robotsTTL = 24 * time.Hour
	// robotsErrorTTL is how long an unreadable robots.txt blocks a site
	// before we ask again; short, since the failure is often a blip.
	robotsErrorTTL = 10 * time.Minute
)

// robotsCache holds one robots.txt answer per site (scheme://host:port).
// Concurrent requests to a site wait for the one fetch in progress.
type robotsCache struct {
	clock     *clock
	mu        sync.Mutex
	m         map[string]*robotsEntry
	lastSweep time.Time
}

type robotsEntry struct {
	ready chan struct{} // closed once the fields below are set

	abandoned   bool             // the fetch's ctx ended: nothing learnt, ask again
	refused     error            // the Guard refused the address: nothing learnt about the site
	group       *robotstxt.Group // our agent's rules; nil for none
	unavailable error            // robots.txt answered with an error: disallow all
	// unreachable is why robots.txt got no answer at all (DNS, refused,
	// timeout): the page is not fetched either, and this is its error.
	unreachable error
	expires     time.Time
}

func newRobotsCache(clk *clock) *robotsCache {
	return &robotsCache{clock: clk, m: make(map[string]*robotsEntry)}
}

func (e *robotsEntry) isReady() bool {
	select {
	case <-e.ready:
		return true
	default:
		return false
	}
}

// robotsAllow checks u against its site's robots.txt and returns the
// Crawl-delay it sets for us. A refusal wraps ErrDisallowedByRobots.
func (c *Client) robotsAllow(ctx context.Context, u *url.URL, lim limits) (time.Duration, error) {
	site := u.Scheme + "://" + u.Host
	e, err := c.robotsFor(ctx, site, lim)
	if err != nil {
		return 0, err
	}
	switch {
	case e.unreachable != nil:
		// RFC 9309 §2.3.1.4 keeps the page unfetched, but robots.txt did
		// not refuse anything: the host could not be reached, which is
		// what the page's own fetch would have said.
		return 0, e.unreachable
	case e.unavailable != nil:
		return 0, fmt.Errorf("%w: robots.txt could not be read, which RFC 9309 treats as disallow-all: %v", ErrDisallowedByRobots, e.unavailable)
	case e.group == nil:
		return 0, nil
	case !e.group.Test(u.RequestURI()):
		return 0, fmt.Errorf("%w for %q (%s/robots.txt)", ErrDisallowedByRobots, c.agent, site)
	}
	return e.group.CrawlDelay, nil
}

// robotsFor returns site's cached robots.txt answer, fetching it if it is
// missing or expired.
func (c *Client) robotsFor(ctx context.Context, site string, lim limits) (*robotsEntry, error) {
	rc := c.robots
	for {
		rc.mu.Lock()
		now := rc.clock.now()
		e := rc.m[site]
		if e != nil && e.isReady() && !now.Before(e.expires) {
			delete(rc.m, site)
			e = nil
		}
		if e == nil {
			rc.sweep(now)
			e = &robotsEntry{ready: make(chan struct{})}
			rc.m[site] = e
			rc.mu.Unlock()
			c.loadRobots(ctx, site, lim, e)
			if e.abandoned || e.refused != nil {
				rc.mu.Lock()
				delete(rc.m, site)
				rc.mu.Unlock()
			}
			close(e.ready)
			switch {
			case e.abandoned:
				return nil, ctx.Err()
			case e.refused != nil:
				return nil, e.refused
			}
			return e, nil
		}
		rc.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-e.ready:
		}
		if !e.abandoned && e.refused == nil {
			return e, nil
		}
		// The fetcher gave up, or was not allowed to connect where this
		// request may be; take its place.
	}
}

// loadRobots fetches site's robots.txt under the same host limits as the
// page, and fills e as RFC 9309 §2.3.1 says.
func (c *Client) loadRobots(ctx context.Context, site string, lim limits, e *robotsEntry) {
	ru := site + "/robots.txt"
	u, err := url.Parse(ru)
	if err != nil {
		e.unavailable, e.expires = err, c.clock.now().Add(robotsErrorTTL)
		return
	}
	h := http.Header{}
	h.Set("Accept", "text/plain,*/*;q=0.5")
	resp, attempts, err := c.getWithRetry(ctx, u, ru, h, lim, robotsMaxBytes, true)
	now := c.clock.now()
	var se *StatusError
	switch {
	case ctx.Err() != nil:
		e.abandoned = true
	case errRefused(err):
		// Not cached as "unreachable, disallow all": a source allowed to
		// reach this address must not be blocked by one that was not.
		e.refused = fmt.Errorf("robots.txt: %w", err)
	case err == nil:
		e.expires = now.Add(robotsTTL)
		if resp.Status < 200 || resp.Status > 299 {
			return // an unfollowed 3xx or similar: no rules
		}
		data, perr := robotstxt.FromBytes(resp.Body)
		if perr != nil {
			// Not a robots.txt we can read (often an HTML page served
			// for every path): no rules we could obey.
			c.log.Debug("robots.txt unparsable, no rules", "url", ru, "err", perr)
			return
		}
		e.group = data.FindGroup(c.agent)
	case errors.As(err, &se) && se.Status >= 400 && se.Status < 500 && se.Status != http.StatusTooManyRequests:
		// §2.3.1.3: missing or forbidden robots.txt: no rules.
		e.expires = now.Add(robotsTTL)
	case resp == nil:
		// §2.3.1.4: unreachable: disallow all. No HTTP answer came back,
		// so the failure is the host's, not its robots.txt's.
		e.unreachable = err
		e.expires = now.Add(robotsErrorTTL)
	default:
		// §2.3.1.4: a server error: disallow all. A 429 is the server
		// asking us to back off, so it counts here too.
		e.unavailable = &Error{URL: ru, Attempts: attempts, Err: err}
		e.expires = now.Add(robotsErrorTTL)
	}
}

// sweep drops expired answers, at most once per robotsErrorTTL, so sites
// we stopped visiting do not pile up. rc.mu must be held.
func (rc *robotsCache) sweep(now time.Time) {
	if now.Sub(rc.lastSweep) < robotsErrorTTL {
		return
	}
	rc.lastSweep = now
	for site, e := range rc.m {
		if e.isReady() && !now.Before(e.expires) {
			delete(rc.m, site)
		}
	}
}

func (rc *robotsCache) len() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.m)
}
