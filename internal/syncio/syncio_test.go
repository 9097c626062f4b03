package syncio

import (
	"strings"
	"sync"
	"testing"
)

// TestConcurrentWrites checks that lines written at once by many
// goroutines arrive whole, through Writer and into Buffer.
func TestConcurrentWrites(t *testing.T) {
	var buf Buffer
	w := &Writer{W: &buf}
	line := strings.Repeat("x", 100) + "\n"
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			for range 20 {
				if _, err := w.Write([]byte(line)); err != nil {
					t.Error(err)
				}
				_ = buf.String()
			}
		})
	}
	wg.Wait()
	got := buf.String()
	if n := strings.Count(got, line); n != 1000 || len(got) != 1000*len(line) {
		t.Errorf("%d whole lines in %d bytes, want 1000", n, len(got))
	}
}
