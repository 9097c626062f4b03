package browser

import "os"

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
