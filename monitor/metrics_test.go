package monitor_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/VictoriaMetrics/metrics"

	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/fetch"
)

func TestMonitor_Metrics(t *testing.T) {
	p, srv := servePage(t, "Story", "Trump said 97 percent of the drugs were stopped.")
	set := metrics.NewSet()
	m := monitor.New(monitor.Options{
		Store: openStore(t), Client: fetch.New(fetch.Options{Guard: allowing(t, srv), HostRate: fetch.Unlimited, HostConcurrency: fetch.Unlimited}),
		Metrics: monitor.NewMetrics(set),
		Sources: []monitor.Source{{Name: "s", URL: srv.URL + "/story"}},
	})
	m.Check(t.Context())
	p.set(200, "Story", "Trump said 90 percent of the drugs were stopped.")
	m.Check(t.Context())
	m.Check(t.Context())
	p.set(503, "", "")
	m.Check(t.Context())

	var b bytes.Buffer
	set.WritePrometheus(&b)
	got := map[string]string{} // series → value
	for line := range strings.Lines(b.String()) {
		if series, value, ok := strings.Cut(strings.TrimSpace(line), " "); ok && !strings.HasPrefix(series, "#") {
			got[series] = value
		}
	}
	for series, want := range map[string]string{
		`redline_checks_total{result="failed"}`:                            "1",
		`redline_checks_total{result="new_version"}`:                       "2",
		`redline_checks_total{result="unchanged"}`:                         "1",
		`redline_queue_depth`:                                              "0",
		`redline_changes_total{kind="number_changed",severity="high"}`:     "1",
		`redline_fetch_duration_seconds_count{outcome="ok"}`:               "3",
		`redline_fetch_duration_seconds_count{outcome="error"}`:            "1",
		`redline_fetch_duration_seconds_bucket{outcome="ok",le="+Inf"}`:    "3",
		`redline_fetch_duration_seconds_bucket{outcome="error",le="+Inf"}`: "1",
	} {
		if got[series] != want {
			t.Errorf("%s = %q, want %s", series, got[series], want)
		}
	}
	if _, ok := got[`redline_fetch_duration_seconds_bucket{outcome="ok",le="0.005"}`]; !ok {
		t.Errorf("fetch latency lacks its 5 ms bucket:\n%s", b.String())
	}
}
