package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"testing"
	"time"

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

// errorRecorder is a testing.TB that records what Errorf reports.
type errorRecorder struct {
	testing.TB
	errs []string
}

func (r *errorRecorder) Helper() {}

func (r *errorRecorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// TestEqualTimed: times compare with time.Equal, whatever their location;
// a time that differs is named; any other field that differs reports both
// values as show prints them.
func TestEqualTimed(t *testing.T) {
	at := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	field := timeField[snapshots.Check]{"At", func(c *snapshots.Check) *time.Time { return &c.At }}
	show := func(c snapshots.Check) any { return c.Status }
	for _, tc := range []struct {
		name      string
		got, want snapshots.Check
		errs      []string
	}{
		{"same_instant_elsewhere", snapshots.Check{At: at.In(time.FixedZone("CET", 3600)), Status: 200}, snapshots.Check{At: at, Status: 200}, nil},
		{"other_time", snapshots.Check{At: at.Add(time.Second), Status: 200}, snapshots.Check{At: at, Status: 200},
			[]string{"c: At = 2025-03-14 09:00:01 +0000 UTC, want 2025-03-14 09:00:00 +0000 UTC"}},
		{"other_field", snapshots.Check{At: at, Status: 304}, snapshots.Check{At: at, Status: 200},
			[]string{"c:\ngot  304\nwant 200"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &errorRecorder{TB: t}
			equalTimed(r, "c", tc.got, tc.want, show, field)
			if !reflect.DeepEqual(r.errs, tc.errs) {
				t.Errorf("reported %q, want %q", r.errs, tc.errs)
			}
		})
	}
}

// TestCorruptions: each damage changes a file of whole pages and leaves it
// whole pages long, or half as long when it truncates.
func TestCorruptions(t *testing.T) {
	orig := make([]byte, 40*PageSize)
	for i := range orig {
		orig[i] = byte(i)
	}
	for _, c := range Corruptions() {
		bad := c.Corrupt(append([]byte(nil), orig...))
		if len(bad)%PageSize != 0 || reflect.DeepEqual(bad, orig[:len(bad)]) && len(bad) == len(orig) {
			t.Errorf("%s: %d bytes, unchanged %v; want whole pages, damaged", c.Name, len(bad), reflect.DeepEqual(bad, orig))
		}
	}
}
