package notify

import (
	"context"
	"time"
)

// SetSleep replaces the wait between tries, so tests see the waits
// without spending them.
func SetSleep(d *Dispatcher, f func(ctx context.Context, d time.Duration) error) { d.sleep = f }

// SetMaxBlob lowers the Bluesky notifier name's blob limit.
func SetMaxBlob(d *Dispatcher, name string, n int) {
	d.byName[name].n.(*thread).svc.(*bluesky).maxBlob = n
}
