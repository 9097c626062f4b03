package monitor

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/sqlite"
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

// TestDueNow: what Run checks at start. A source is checked then when the
// store has no article of it (never polled) or some of its articles are
// due; a source whose articles are all checked later, or retired, waits
// for its schedule.
func TestDueNow(t *testing.T) {
	st := sqlite.New(filepath.Join(t.TempDir(), "redline.db"), nil)
	if err := st.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	// add stores an article of source whose last check set next.
	add := func(source, url string, next time.Time) {
		t.Helper()
		a, err := st.AddArticle(t.Context(), snapshots.Article{URL: url, Source: source, FirstSeen: now.Add(-time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if next.IsZero() {
			return // never checked: due
		}
		c := &snapshots.Check{ArticleID: a.ID, At: now.Add(-time.Minute), Outcome: snapshots.OutcomeFailed, Error: "HTTP 503", NextCheck: next}
		if err := st.Save(t.Context(), c, nil); err != nil {
			t.Fatal(err)
		}
	}
	add("due", "https://news.example/due-1", now.Add(-time.Second))
	add("due", "https://news.example/due-2", time.Time{})
	add("due", "https://news.example/due-3", now.Add(time.Hour))
	add("later", "https://news.example/later", now.Add(time.Hour))
	add("retired", "https://news.example/retired", snapshots.Never)
	// The store answers with Status; a store without it (onlyStore) is
	// asked for the articles themselves. Both give the same answers.
	for _, m := range []*Monitor{New(Options{Store: st}), New(Options{Store: onlyStore{st}})} {
		for _, tc := range []struct {
			source    string
			due       int
			neverSeen bool
			atStart   bool
		}{
			{"due", 2, false, true},
			{"later", 0, false, false},
			{"retired", 0, false, false},
			{"fresh", 0, true, true},
		} {
			due, articles, err := m.dueNow(t.Context(), Source{Name: tc.source}, now, m.statusAt(t.Context(), now))
			if err != nil {
				t.Fatal(err)
			}
			if due != tc.due || (articles == 0) != tc.neverSeen || ChecksAtStart(articles, due) != tc.atStart {
				t.Errorf("%T: dueNow(%s) = %d due of %d articles; want %d due, never polled %v, checked at start %v",
					m.opt.Store, tc.source, due, articles, tc.due, tc.neverSeen, tc.atStart)
			}
		}
	}
}

// onlyStore is a store with nothing but the Store contract.
type onlyStore struct{ snapshots.Store }

// TestNextPoll: the first firing status reports is the one Run schedules,
// offset included, read in the configured zone.
func TestNextPoll(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := cron.ParseStandard("0 9 * * *") // 09:00 local, daily
	if err != nil {
		t.Fatal(err)
	}
	src := Source{Name: "ledger", Schedule: spec}
	now := time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC) // 07:00 in Paris
	got := NextPoll(src, now, paris)
	want := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC).Add(jitterSchedule(spec, "ledger").(jittered).offset)
	if !got.Equal(want) {
		t.Errorf("NextPoll = %v, want %v (09:00 Paris plus the source's offset)", got, want)
	}
	if got := NextPoll(Source{Name: "x"}, now, nil); !got.IsZero() {
		t.Errorf("NextPoll of a source without a schedule = %v, want zero", got)
	}
}
