package monitor

import (
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/redline-news/redline/snapshots"
)

func TestCadenceNext(t *testing.T) {
	first := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		age      time.Duration
		min, max time.Duration // of next - now
		retired  bool
	}{
		{0, 15 * time.Minute, 16*time.Minute + 30*time.Second, false},
		{5 * time.Hour, 15 * time.Minute, 16*time.Minute + 30*time.Second, false},
		{6 * time.Hour, time.Hour, 66 * time.Minute, false},
		{47 * time.Hour, time.Hour, 66 * time.Minute, false},
		{3 * 24 * time.Hour, 24 * time.Hour, 24*time.Hour + 144*time.Minute, false},
		{30 * 24 * time.Hour, 0, 0, true},
	} {
		now := first.Add(tt.age)
		got := DefaultCadence.next("https://news.example/a", first, now)
		if tt.retired {
			if got != snapshots.Never {
				t.Errorf("age %s: next = %v, want Never", tt.age, got)
			}
			continue
		}
		if d := got.Sub(now); d < tt.min || d >= tt.max {
			t.Errorf("age %s: next in %s, want in [%s, %s)", tt.age, d, tt.min, tt.max)
		}
	}
}

// TestJitterSpreads: a thousand articles found at once are not all due in
// the same second, and each keeps its own offset.
func TestJitterSpreads(t *testing.T) {
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	seconds := map[int64]int{}
	for i := range 1000 {
		url := "https://news.example/story/" + string(rune('a'+i%26)) + time.Duration(i).String()
		n := DefaultCadence.next(url, now, now)
		if n != DefaultCadence.next(url, now, now) {
			t.Fatal("jitter is not fixed per URL")
		}
		seconds[n.Unix()]++
	}
	// The window is a tenth of 15 minutes: 90 seconds.
	if len(seconds) < 80 {
		t.Errorf("1000 articles fall due in %d distinct seconds, want them spread over the 90 s window", len(seconds))
	}
	for s, n := range seconds {
		if n > 40 {
			t.Errorf("%d articles due in the same second (%d)", n, s)
		}
	}
}

func TestJitterSchedule(t *testing.T) {
	spec, err := cron.ParseStandard("@every 15m")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	offsets := map[time.Duration]bool{}
	for _, name := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		j := jitterSchedule(spec, name)
		n1 := j.Next(now)
		n2 := j.Next(n1)
		if n2.Sub(n1) != 15*time.Minute {
			t.Errorf("source %s: interval %s, want 15m kept", name, n2.Sub(n1))
		}
		if off := n1.Sub(spec.Next(now)); off < -15*time.Minute || off > 90*time.Second {
			t.Errorf("source %s: offset %s beyond a tenth of the interval", name, off)
		}
		offsets[j.(jittered).offset] = true
	}
	if len(offsets) < 4 {
		t.Errorf("8 sources got %d distinct offsets, want them spread", len(offsets))
	}
	if err := (Cadence{{Until: time.Hour, Every: time.Minute}, {Until: time.Hour, Every: time.Hour}}).Validate(); err == nil {
		t.Error("Validate accepted stages out of order")
	}
	if err := (Cadence{{Until: time.Hour}}).Validate(); err == nil {
		t.Error("Validate accepted a zero interval")
	}
}
