package postgres_test

import (
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/monitor/sitetest"
)

// TestMonitors_ShareOneCycle: three monitors (as three `redline run`
// processes would be, each with its own store connection) share the due
// checks of one feed of 1,000 articles through PostgreSQL: in a cycle
// every article is fetched exactly once, by one of them.
func TestMonitors_ShareOneCycle(t *testing.T) {
	const n = 1000
	site := sitetest.NewScale(n)
	var mu sync.Mutex
	hits := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/story/") {
			mu.Lock()
			hits[r.URL.Path]++
			mu.Unlock()
		}
		site.ServeHTTP(w, r)
	}))
	defer srv.Close()
	dsn := newSchema(t)
	clock := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	var monitors []*monitor.Monitor
	for i, name := range []string{"w1", "w2", "w3"} {
		monitors = append(monitors, monitor.New(monitor.Options{
			Store:       open(t, dsn),
			Client:      fetch.New(fetch.Options{Guard: fetch.NewGuard(fetch.GuardOptions{Allow: []netip.AddrPort{srv.Listener.Addr().(*net.TCPAddr).AddrPort()}}), HostRate: fetch.Unlimited, HostConcurrency: fetch.Unlimited, Robots: fetch.RobotsIgnore}),
			Sources:     []monitor.Source{{Name: "scale", Feed: srv.URL + "/feed.xml"}},
			Concurrency: 8 + 4*i,
			Worker:      name,
			Now:         func() time.Time { return clock },
			Logger:      slog.New(slog.DiscardHandler),
		}))
	}
	cycle := func(want int) map[string]int {
		t.Helper()
		mu.Lock()
		clear(hits)
		mu.Unlock()
		var wg sync.WaitGroup
		counts := make([]int, len(monitors))
		for i, m := range monitors {
			wg.Go(func() {
				for _, r := range m.CheckDue(t.Context()) {
					if r.Err != nil {
						t.Errorf("worker %d: %s: %v", i, r.URL, r.Err)
					}
					counts[i]++
				}
			})
		}
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		if len(hits) != want {
			t.Errorf("%d articles fetched, want %d", len(hits), want)
		}
		for path, k := range hits {
			if k != 1 {
				t.Errorf("%s fetched %d times in one cycle", path, k)
			}
		}
		t.Logf("checks per worker: %v", counts)
		return hits
	}
	cycle(n) // every article is new, so due
	clock = clock.Add(5 * time.Minute)
	cycle(0) // nothing due yet
	clock = clock.Add(20 * time.Minute)
	cycle(n) // due again after their 15-minute (+ jitter) cadence
}
