package monitor

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the monitor's Prometheus metrics. A nil *Metrics records
// nothing, so the monitor needs no checks for it.
type Metrics struct {
	checks  *prometheus.CounterVec
	changes *prometheus.CounterVec
	fetch   *prometheus.HistogramVec
	queue   prometheus.Gauge
}

// NewMetrics creates the metrics and registers them with reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		checks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "redline_checks_total",
			Help: "Article checks by result: new_version, unchanged, not_modified or failed.",
		}, []string{"result"}),
		changes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "redline_changes_total",
			Help: "Changes found in articles, by kind and severity.",
		}, []string{"kind", "severity"}),
		fetch: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "redline_fetch_duration_seconds",
			Help:    "Time to fetch and extract one article, by outcome (ok or error).",
			Buckets: prometheus.ExponentialBuckets(0.005, 2.5, 10),
		}, []string{"outcome"}),
		queue: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "redline_queue_depth",
			Help: "Articles of the running cycles waiting for a worker.",
		}),
	}
	for _, c := range []prometheus.Collector{m.checks, m.changes, m.fetch, m.queue} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

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
	m.fetch.WithLabelValues(outcome).Observe(d.Seconds())
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
	m.checks.WithLabelValues(result).Inc()
	if r.Changes != nil {
		for _, c := range r.Changes.Changes {
			for _, k := range c.Kinds {
				m.changes.WithLabelValues(string(k), c.Severity.String()).Inc()
			}
		}
	}
}
