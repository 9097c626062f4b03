// Package wait holds what the fetcher, the notifiers and the PostgreSQL
// store share to pause between attempts.
package wait

import (
	"context"
	"time"
)

// Sleep waits d or until ctx is done, whichever is first, and returns
// ctx.Err() in the second case. A d of zero or less does not wait.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
