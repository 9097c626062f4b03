package monitor

import "github.com/prometheus/client_golang/prometheus"

// ChangesForTest exposes the changes counter to the metrics test.
func (m *Metrics) ChangesForTest() *prometheus.CounterVec { return m.changes }
