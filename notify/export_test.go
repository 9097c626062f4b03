package notify

import (
	"context"
	"time"
)

// SetSleep replaces the wait between tries, so tests see the waits
// without spending them.
func SetSleep(d *Dispatcher, f func(ctx context.Context, d time.Duration) error) { d.sleep = f }
