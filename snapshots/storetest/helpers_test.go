package storetest

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/redline-news/redline/snapshots"
)

// fatalRecorder is a testing.TB whose Fatalf records the message and
// ends the goroutine, as testing's does.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (r *fatalRecorder) Helper() {}

func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// storeOnly has the methods of snapshots.Store and no other.
type storeOnly struct{ snapshots.Store }

// lister has those of snapshots.Lister too.
type lister struct {
	snapshots.Store
	snapshots.Lister
}

func TestStoreAs(t *testing.T) {
	run := func(s snapshots.Store) (snapshots.Lister, string) {
		r := &fatalRecorder{TB: t}
		var got snapshots.Lister
		done := make(chan struct{})
		go func() {
			defer close(done)
			got = storeAs[snapshots.Lister](r, s)
		}()
		<-done
		return got, r.msg
	}
	l := lister{}
	if got, msg := run(l); msg != "" || got == nil {
		t.Errorf("storeAs(a Lister) = %v, failed %q; want the store", got, msg)
	}
	want := "storetest.storeOnly does not implement snapshots.Lister"
	if _, msg := run(storeOnly{}); msg != want {
		t.Errorf("storeAs(a Store only) failed with %q, want %q", msg, want)
	}
}
