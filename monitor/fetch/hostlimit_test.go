package fetch_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redline-news/redline/monitor/fetch"
)

// crowd is a handler that records the most requests it saw in flight. Each
// request waits (up to 100ms) for a third to join it, so a missing limit of
// 2 shows up as 3.
type crowd struct {
	inflight, peak atomic.Int64
}

func (c *crowd) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := c.inflight.Add(1)
	defer c.inflight.Add(-1)
	for p := c.peak.Load(); n > p && !c.peak.CompareAndSwap(p, n); p = c.peak.Load() {
	}
	give := time.After(50 * time.Millisecond)
	for c.inflight.Load() < 3 {
		select {
		case <-give:
			return
		case <-time.After(time.Millisecond):
		}
	}
}

func getAll(t *testing.T, c *fetch.Client, req fetch.Request, n int) {
	t.Helper()
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if _, err := c.Get(t.Context(), req); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

func TestClient_HostConcurrency(t *testing.T) {
	tests := []struct {
		name string
		opt  int // Options.HostConcurrency
		req  int // Request.HostConcurrency
		want func(peak int64) bool
		says string
	}{
		{"default 2", 0, 0, func(p int64) bool { return p == 2 }, "2"},
		{"per request 1", 0, 1, func(p int64) bool { return p == 1 }, "1"},
		{"unlimited", fetch.Unlimited, 0, func(p int64) bool { return p >= 3 }, "3 or more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &crowd{}
			srv := httptest.NewServer(h)
			defer srv.Close()
			c := fetch.New(fetch.Options{Guard: allowing(t, srv), HostConcurrency: tt.opt, HostRate: fetch.Unlimited, Robots: fetch.RobotsIgnore})
			getAll(t, c, fetch.Request{URL: srv.URL, HostConcurrency: tt.req}, 10)
			if p := h.peak.Load(); !tt.want(p) {
				t.Errorf("server saw %d requests at once, want %s", p, tt.says)
			}
		})
	}
}

func TestClient_HostConcurrencyCancel(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
	}))
	defer srv.Close()
	c := fetch.New(fetch.Options{Guard: allowing(t, srv), HostConcurrency: 1, HostRate: fetch.Unlimited, Robots: fetch.RobotsIgnore})
	done := make(chan error)
	go func() {
		_, err := c.Get(t.Context(), fetch.Request{URL: srv.URL})
		done <- err
	}()
	<-started // the first request holds the host's only slot
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := c.Get(ctx, fetch.Request{URL: srv.URL}); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled while waiting for a slot", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Error(err)
	}
}

func TestClient_HostRate(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer other.Close()
	total := func(ds []time.Duration) (sum time.Duration) {
		for _, d := range ds {
			sum += d
		}
		return sum
	}
	tests := []struct {
		name    string
		optRate float64
		req     fetch.Request
		want    time.Duration // total wait for 5 requests; the first is free
	}{
		{"20 per second", 20, fetch.Request{URL: srv.URL}, 4 * 50 * time.Millisecond},
		{"per request 10 per second", 20, fetch.Request{URL: srv.URL, HostRate: 10}, 4 * 100 * time.Millisecond},
		{"default 1 per second", 0, fetch.Request{URL: srv.URL}, 4 * time.Second},
		{"unlimited", fetch.Unlimited, fetch.Request{URL: srv.URL}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fetch.New(fetch.Options{Guard: allowing(t, srv), HostRate: tt.optRate, Robots: fetch.RobotsIgnore})
			clk := useFakeClock(c)
			for range 5 {
				if _, err := c.Get(t.Context(), tt.req); err != nil {
					t.Fatal(err)
				}
			}
			// Rates are floats inside the limiter; allow a microsecond.
			if got := total(clk.sleeps()); got < tt.want-time.Microsecond || got > tt.want+time.Microsecond {
				t.Errorf("waited %s in all (%v), want %s", got, clk.sleeps(), tt.want)
			}
		})
	}
	t.Run("hosts do not share a limit", func(t *testing.T) {
		c := fetch.New(fetch.Options{Guard: allowing(t, srv, other), HostRate: 1, Robots: fetch.RobotsIgnore})
		clk := useFakeClock(c)
		for _, u := range []string{srv.URL, other.URL} {
			if _, err := c.Get(t.Context(), fetch.Request{URL: u}); err != nil {
				t.Fatal(err)
			}
		}
		if s := clk.sleeps(); len(s) != 0 {
			t.Errorf("waited %v, want no wait for one request to each of two hosts", s)
		}
	})
	t.Run("a wait past the deadline fails at once", func(t *testing.T) {
		c := fetch.New(fetch.Options{Guard: allowing(t, srv), HostRate: 0.001, Robots: fetch.RobotsIgnore})
		if _, err := c.Get(t.Context(), fetch.Request{URL: srv.URL}); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		start := time.Now()
		_, err := c.Get(ctx, fetch.Request{URL: srv.URL})
		if err == nil || !strings.Contains(err.Error(), "next slot") || !strings.Contains(err.Error(), srv.URL) {
			t.Errorf("got %v, want a refusal naming the URL and the wait", err)
		}
		if el := time.Since(start); el > 5*time.Second {
			t.Errorf("took %s, want at once", el)
		}
	})
}

func TestClient_HostEviction(t *testing.T) {
	var srvs []*httptest.Server
	for range 4 {
		s := httptest.NewServer(http.NotFoundHandler())
		defer s.Close()
		srvs = append(srvs, s)
	}
	c := fetch.New(fetch.Options{Guard: allowing(t, srvs...), HostRate: 1})
	clk := useFakeClock(c)
	for _, s := range srvs[:3] {
		c.Get(t.Context(), fetch.Request{URL: s.URL + "/page"})
	}
	if n, r := fetch.HostEntries(c), fetch.RobotsEntries(c); n != 3 || r != 3 {
		t.Fatalf("%d host and %d robots entries after 3 hosts, want 3 and 3", n, r)
	}
	clk.advance(25 * time.Hour) // idle hosts, expired robots.txt
	c.Get(t.Context(), fetch.Request{URL: srvs[3].URL + "/page"})
	if n, r := fetch.HostEntries(c), fetch.RobotsEntries(c); n != 1 || r != 1 {
		t.Errorf("%d host and %d robots entries after the others went idle, want 1 and 1", n, r)
	}
}
