package monitor_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/fetch"
)

func TestMonitor_Metrics(t *testing.T) {
	p := &page{}
	p.set(200, "Story", "Trump said 97 percent of the drugs were stopped.")
	srv := httptest.NewServer(p)
	defer srv.Close()
	reg := prometheus.NewRegistry()
	metrics, err := monitor.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	m := monitor.New(monitor.Options{
		Store: openStore(t), Client: fetch.New(fetch.Options{Guard: allowing(t, srv), HostRate: fetch.Unlimited, HostConcurrency: fetch.Unlimited}), Metrics: metrics,
		Sources: []monitor.Source{{Name: "s", URL: srv.URL + "/story"}},
	})
	m.Check(t.Context())
	p.set(200, "Story", "Trump said 90 percent of the drugs were stopped.")
	m.Check(t.Context())
	m.Check(t.Context())
	p.set(503, "", "")
	m.Check(t.Context())

	want := `
# HELP redline_checks_total Article checks by result: new_version, unchanged, not_modified or failed.
# TYPE redline_checks_total counter
redline_checks_total{result="failed"} 1
redline_checks_total{result="new_version"} 2
redline_checks_total{result="unchanged"} 1
# HELP redline_queue_depth Articles of the running cycles waiting for a worker.
# TYPE redline_queue_depth gauge
redline_queue_depth 0
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "redline_checks_total", "redline_queue_depth"); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(metrics.ChangesForTest(), "redline_changes_total"); n == 0 {
		t.Error("no redline_changes_total series after a figure changed")
	}
	if got := testutil.ToFloat64(metrics.ChangesForTest().WithLabelValues("number_changed", "high")); got != 1 {
		t.Errorf(`redline_changes_total{kind="number_changed",severity="high"} = %v, want 1`, got)
	}
	if n := testutil.CollectAndCount(reg, "redline_fetch_duration_seconds"); n != 2 {
		t.Errorf("fetch latency series = %d, want ok and error", n)
	}
}
