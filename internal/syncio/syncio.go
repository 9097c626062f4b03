// Package syncio holds the two writers redline shares between goroutines:
// one that serialises writes to another writer (the demo's stdout, which
// the site's editor and the monitor both print to), and a buffer that
// logs or output can be written to while a test reads it.
package syncio

import (
	"bytes"
	"io"
	"sync"
)

// Writer serialises writes to W, so lines written at once by several
// goroutines never interleave.
type Writer struct {
	mu sync.Mutex
	W  io.Writer
}

func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.W.Write(p)
}

// Buffer is a bytes.Buffer safe for concurrent writes and reads.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String returns what has been written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
