package fetch

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// hostIdle is how long a host's entry outlives its last request. Evicting
// idle entries keeps memory flat when thousands of hosts come and go.
const hostIdle = 10 * time.Minute

// errWaitPastDeadline: the host's rate limit would make us wait past the
// caller's deadline, so we fail now instead of sleeping into a timeout.
var errWaitPastDeadline = errors.New("wait would pass the deadline")

// hostLimits holds, per host (host:port), the requests in flight and a rate
// limiter. Entries are made lazily and evicted when idle. One mutex guards
// the map and every entry; the critical sections are a few assignments.
type hostLimits struct {
	clock     *clock
	mu        sync.Mutex
	m         map[string]*hostEntry
	lastSweep time.Time
}

type hostEntry struct {
	active   int           // requests holding a slot
	waiting  int           // requests waiting for a slot; the entry must not be evicted under them
	freed    chan struct{} // closed and replaced when a slot is freed
	lim      *rate.Limiter // burst 1; nil until a request has a finite rate
	lastUsed time.Time
}

func newHostLimits(clk *clock) *hostLimits {
	return &hostLimits{clock: clk, m: make(map[string]*hostEntry)}
}

// acquire waits for a slot and a rate token for host under lim, or until
// ctx is done. The caller must call release when its request is over.
//
// Limits come with each request rather than with the entry, because a
// source can set its own: each waiter checks the slot count against its own
// concurrency, and the limiter takes the rate of the latest request.
func (h *hostLimits) acquire(ctx context.Context, host string, lim limits) (release func(), err error) {
	h.mu.Lock()
	e := h.entry(host)
	for lim.concurrency > 0 && e.active >= lim.concurrency {
		freed := e.freed
		e.waiting++
		h.mu.Unlock()
		select {
		case <-ctx.Done():
			h.mu.Lock()
			e.waiting--
			h.mu.Unlock()
			return nil, ctx.Err()
		case <-freed:
		}
		h.mu.Lock()
		e.waiting--
	}
	e.active++
	now := h.clock.now()
	var res *rate.Reservation
	if lim.rate != rate.Inf {
		switch {
		case e.lim == nil:
			e.lim = rate.NewLimiter(lim.rate, 1)
		case e.lim.Limit() != lim.rate:
			e.lim.SetLimitAt(now, lim.rate)
		}
		res = e.lim.ReserveN(now, 1)
	}
	h.mu.Unlock()

	release = func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		e.active--
		e.lastUsed = h.clock.now()
		close(e.freed)
		e.freed = make(chan struct{})
	}
	if res == nil {
		return release, nil
	}
	d := res.DelayFrom(now)
	if d <= 0 {
		return release, nil
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		res.CancelAt(now)
		release()
		return nil, fmt.Errorf("%s is limited to %g requests/s; the next slot is in %s: %w", host, float64(lim.rate), d, errWaitPastDeadline)
	}
	if err := h.clock.sleep(ctx, d); err != nil {
		res.CancelAt(h.clock.now())
		release()
		return nil, err
	}
	return release, nil
}

// entry returns host's entry, making it if needed. h.mu must be held.
func (h *hostLimits) entry(host string) *hostEntry {
	now := h.clock.now()
	if e, ok := h.m[host]; ok {
		e.lastUsed = now
		return e
	}
	h.sweep(now)
	e := &hostEntry{freed: make(chan struct{}), lastUsed: now}
	h.m[host] = e
	return e
}

// sweep drops entries idle for hostIdle whose limiter is full again, so
// forgetting them cannot let a request through early. At most once per
// hostIdle, so the cost is amortised over many requests. h.mu must be held.
func (h *hostLimits) sweep(now time.Time) {
	if now.Sub(h.lastSweep) < hostIdle {
		return
	}
	h.lastSweep = now
	for host, e := range h.m {
		if e.active == 0 && e.waiting == 0 && now.Sub(e.lastUsed) >= hostIdle && (e.lim == nil || e.lim.TokensAt(now) >= 1) {
			delete(h.m, host)
		}
	}
}

func (h *hostLimits) len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.m)
}
