package storetest

import (
	"context"
	"errors"
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

// opener counts its Open and Close calls; Open fails with openErr.
type opener struct {
	snapshots.Store
	openErr        error
	opened, closed int
}

func (o *opener) Open(context.Context) error { o.opened++; return o.openErr }
func (o *opener) Close() error               { o.closed++; return nil }

// TestOpen: Open opens the store and closes it when the test ends; a
// store that does not open fails the test, naming Open.
func TestOpen(t *testing.T) {
	o := &opener{}
	t.Run("opens", func(t *testing.T) {
		if got := Open(t, o); got != o || o.opened != 1 || o.closed != 0 {
			t.Errorf("Open returned %p, opened %d, closed %d; want the store, opened once, not closed", got, o.opened, o.closed)
		}
	})
	if o.closed != 1 {
		t.Errorf("closed %d times when the test ended, want 1", o.closed)
	}
	r := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Open(r, &opener{openErr: errors.New("no such file")})
	}()
	<-done
	if r.msg != "Open: no such file" {
		t.Errorf("a store that does not open failed with %q, want Open: no such file", r.msg)
	}
}
