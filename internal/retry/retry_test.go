package retry

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestAfter(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"120", 2 * time.Minute, true},
		{" 5\t", 5 * time.Second, true}, // a header's optional whitespace
		{"1 20", 0, false},              // inner space: not delay-seconds
		{"-3", 0, false},
		{"+3", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{`"7"`, 0, false},
		{"86400", MaxAfter, true},
		{"86401", MaxAfter, true},
		{"999999999999", MaxAfter, true}, // years: capped, not 2060
		{"99999999999999999999999999999999999999999999", MaxAfter, true}, // overflows int64: still the cap
		{now.Add(time.Hour).Format(http.TimeFormat), time.Hour, true},
		{now.Add(90 * 24 * time.Hour).Format(http.TimeFormat), MaxAfter, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true}, // past: retry now
		{now.Format(http.TimeFormat), 0, true},
		{"Monday, 07-Dec-26 13:00:00 GMT", time.Hour, true}, // RFC 850
		{"Mon Dec  7 13:00:00 2026", time.Hour, true},       // asctime
		{"Mon, 07 Dec 2026 13:00:00 +0100", 0, false},       // not GMT: not an HTTP-date
	}
	for _, tt := range tests {
		got, ok := After(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("After(%q) = %s, %v; want %s, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestBackoff(t *testing.T) {
	top := func(d time.Duration) time.Duration { return d }
	bottom := func(time.Duration) time.Duration { return 0 }
	b := Backoff{Base: time.Second, Max: 8 * time.Second}
	wantBounds := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second, 8 * time.Second}
	for i, want := range wantBounds {
		n := i + 1
		if got := b.Bound(n); got != want {
			t.Errorf("Bound(%d) = %s, want %s", n, got, want)
		}
		for _, j := range []Jitter{Full, Equal} {
			b.Jitter = j
			b.Draw = top
			if got := b.Delay(n); got != want {
				t.Errorf("jitter %d: Delay(%d) at the top of the draw = %s, want %s", j, n, got, want)
			}
			b.Draw = bottom
			low := time.Duration(0)
			if j == Equal {
				low = want / 2
			}
			if got := b.Delay(n); got != low {
				t.Errorf("jitter %d: Delay(%d) at the bottom of the draw = %s, want %s", j, n, got, low)
			}
			b.Draw = nil
			for range 100 {
				if got := b.Delay(n); got < low || got > want {
					t.Fatalf("jitter %d: Delay(%d) = %s, outside [%s, %s]", j, n, got, low, want)
				}
			}
		}
	}
	if got := (Backoff{Base: time.Hour, Max: time.Minute}).Bound(1); got != time.Minute {
		t.Errorf("a base over the max: %s, want the max", got)
	}
}

func TestSleep(t *testing.T) {
	if err := Sleep(t.Context(), time.Millisecond); err != nil {
		t.Errorf("a short sleep: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled, an hour's sleep: %v, want context.Canceled at once", err)
	}
	if err := Sleep(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled, no sleep: %v", err)
	}
	if err := Sleep(t.Context(), -time.Second); err != nil {
		t.Errorf("a negative sleep: %v", err)
	}
}

// TestReset: the rate-limit reset headers of Mastodon (a time, or Unix
// seconds) and Bluesky (Unix seconds), capped, never negative, and 0 when
// unreadable.
func TestReset(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, header, value string
		want                time.Duration
	}{
		{"mastodon time", "X-RateLimit-Reset", "2026-12-07T12:05:00.000000Z", 5 * time.Minute},
		{"mastodon seconds", "X-RateLimit-Reset", " 1796645100 ", 5 * time.Minute},
		{"bluesky", "RateLimit-Reset", "1796645130", 5*time.Minute + 30*time.Second},
		{"past", "RateLimit-Reset", "1796644000", 0},
		{"capped", "X-RateLimit-Reset", "2027-12-07T12:00:00Z", MaxAfter},
		{"malformed", "X-RateLimit-Reset", "soon", 0},
		{"zero", "RateLimit-Reset", "0", 0},
		{"none", "Retry-After", "60", 0},
	} {
		h := http.Header{}
		h.Set(tc.header, tc.value)
		if got := Reset(h, now); got != tc.want {
			t.Errorf("%s: Reset(%s: %q) = %v, want %v", tc.name, tc.header, tc.value, got, tc.want)
		}
	}
}
