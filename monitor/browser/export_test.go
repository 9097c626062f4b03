package browser

import (
	"context"
	"os"
)

// Process returns the current browser process, nil before the first
// page: the crash test kills it.
func Process(b *Browser) (proc *os.Process, gone <-chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cur == nil {
		return nil, nil
	}
	return b.cur.proc(), b.cur.ctx.Done()
}

// OnLoaded sets a func run in each page's tab once it loaded; nil
// removes it.
func OnLoaded(b *Browser, fn func(ctx context.Context)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.onLoaded = fn
}
