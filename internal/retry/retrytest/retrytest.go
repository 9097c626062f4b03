// Package retrytest stands in for retry.Sleep in tests: it records the
// waits a client asks for instead of sleeping, so a test of backoff and
// Retry-After takes no time and can assert each wait.
package retrytest

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Waits records the waits passed to its Sleep. It is safe for concurrent use.
type Waits struct {
	mu sync.Mutex
	d  []time.Duration
}

// Sleep records d and returns at once, with ctx's error as retry.Sleep does.
func (w *Waits) Sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.d = append(w.d, d)
	return ctx.Err()
}

// All returns the waits recorded so far, in order.
func (w *Waits) All() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.d)
}

// Has reports whether a wait of exactly d was recorded.
func (w *Waits) Has(d time.Duration) bool {
	return slices.Contains(w.All(), d)
}
