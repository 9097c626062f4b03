package retrytest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

func TestWaits(t *testing.T) {
	var w Waits
	if err := w.Sleep(t.Context(), time.Second); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := w.Sleep(ctx, 2*time.Second); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep on a cancelled context = %v, want context.Canceled", err)
	}
	if got := w.All(); !slices.Equal(got, []time.Duration{time.Second, 2 * time.Second}) {
		t.Errorf("All = %v, want [1s 2s]", got)
	}
	if !w.Has(2*time.Second) || w.Has(3*time.Second) {
		t.Errorf("Has: 2s %v, 3s %v; want true, false", w.Has(2*time.Second), w.Has(3*time.Second))
	}
}
