package monitor_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/monitor/sitetest"
	"github.com/redline-news/redline/snapshots/sqlite"
)

// BenchmarkCycle checks a local site of 10,000 distinct 60 KB articles
// behind ten feed pages of a thousand (REDLINE_SCALE_ARTICLES overrides the count): a first
// cycle that fetches, extracts and stores every one, a second where nothing
// changed (conditional GETs answered 304), and a third after 5% of the
// articles changed (fetch, extract, diff, store). Per-host limits are
// lifted, as for a site that allows it. It reports pages per second for
// each cycle and the process's peak RSS (test server included).
//
//	go test ./monitor -run '^$' -bench Cycle -benchtime 1x
func BenchmarkCycle(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("REDLINE_SCALE_ARTICLES")); err == nil && v > 0 {
		n = v
	}
	for b.Loop() {
		site := sitetest.NewScale(n)
		srv := httptest.NewServer(site)
		st := sqlite.New(filepath.Join(b.TempDir(), "redline.db"), slog.New(slog.DiscardHandler))
		if err := st.Open(context.Background()); err != nil {
			b.Fatal(err)
		}
		m := monitor.New(monitor.Options{
			Store: st,
			Client: fetch.New(fetch.Options{
				Guard:   allowing(b, srv),
				Timeout: time.Minute, MaxBodyBytes: 32 << 20,
				HostConcurrency: 64, HostRate: fetch.Unlimited, Robots: fetch.RobotsObey,
			}),
			Sources:     scaleSources(srv.URL, n),
			Concurrency: 64,
			Logger:      slog.New(slog.DiscardHandler),
		})
		cycle := func(name string, wantNew, wantChanged int) float64 {
			start := time.Now()
			rs := m.Check(context.Background())
			elapsed := time.Since(start)
			var failed, news, changed int
			for _, r := range rs {
				switch {
				case r.Err != nil:
					failed++
					if failed == 1 {
						b.Errorf("%s: %s: %v", name, r.URL, r.Err)
					}
				case r.Changed():
					changed++
				case r.Version != nil:
					news++
				}
			}
			if len(rs) != n || failed > 0 || news != wantNew || changed != wantChanged {
				b.Fatalf("%s: %d results, %d failed, %d new, %d changed; want %d, 0, %d, %d", name, len(rs), failed, news, changed, n, wantNew, wantChanged)
			}
			return float64(n) / elapsed.Seconds()
		}
		first := cycle("first cycle", n, 0)
		unchanged := cycle("unchanged cycle", 0, 0)
		edited := site.Edit(20)
		third := cycle("edited cycle", 0, edited)
		b.ReportMetric(first, "pages/s-first")
		b.ReportMetric(unchanged, "pages/s-unchanged")
		b.ReportMetric(third, "pages/s-5%-edited")
		b.ReportMetric(unchanged/first, "x-faster-unchanged")
		b.ReportMetric(sitetest.PeakRSSMiB(), "peak-RSS-MiB")
		st.Close()
		srv.Close()
	}
}

// scaleSources are the feed pages listing n stories: a feed is read up to
// a thousand entries a poll.
func scaleSources(base string, n int) []monitor.Source {
	var srcs []monitor.Source
	for k := 0; k*sitetest.ScalePage < n; k++ {
		srcs = append(srcs, monitor.Source{Name: fmt.Sprintf("scale-%d", k), Feed: fmt.Sprintf("%s/feed.xml?page=%d", base, k)})
	}
	return srcs
}
