package monitor

import (
	"time"

	"github.com/VictoriaMetrics/metrics"
)

// Metrics are the monitor's metrics, kept in their own set (never the
// library's global one) and served in the Prometheus text format. A nil
// *Metrics records nothing, so the monitor needs no checks for it.
//
// github.com/VictoriaMetrics/metrics rather than Prometheus's client: the
// same format from a library with no package initialisation to speak of,
// where client_golang's (its default registry, procfs, protobuf) cost every
// redline command 1–2 ms of start-up, a tenth of a one-shot `redline diff`.
type Metrics struct {
	set   *metrics.Set
	queue *metrics.Gauge
}

// fetchBuckets are the fetch latency histogram's upper bounds in seconds:
// 5 ms to about 19 s.
var fetchBuckets = []float64{0.005, 0.0125, 0.03125, 0.078125, 0.1953125, 0.48828125, 1.220703125, 3.0517578125, 7.62939453125, 19.073486328125}

// NewMetrics creates the metrics in set.
func NewMetrics(set *metrics.Set) *Metrics {
	return &Metrics{set: set, queue: set.NewGauge("redline_queue_depth", nil)}
}

// Label values are redline's own words (outcomes, change kinds, severities),
// never text from a page, so they need no escaping.

func (m *Metrics) queued(n int) {
	if m != nil {
		m.queue.Add(float64(n))
	}
}

func (m *Metrics) fetched(d time.Duration, err error) {
	if m == nil {
		return
	}
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.set.GetOrCreatePrometheusHistogramExt(`redline_fetch_duration_seconds{outcome="`+outcome+`"}`, fetchBuckets).Update(d.Seconds())
}

func (m *Metrics) checked(r Result) {
	if m == nil {
		return
	}
	result := string(r.Check.Outcome)
	if r.Err != nil {
		result = "failed"
	}
	if result == "" {
		result = "failed" // a store error before the check was recorded
	}
	m.set.GetOrCreateCounter(`redline_checks_total{result="` + result + `"}`).Inc()
	if r.Changes != nil {
		for _, c := range r.Changes.Changes {
			for _, k := range c.Kinds {
				m.set.GetOrCreateCounter(`redline_changes_total{kind="` + string(k) + `",severity="` + c.Severity.String() + `"}`).Inc()
			}
		}
	}
}
