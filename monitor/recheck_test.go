package monitor_test

import (
	"log/slog"
	"testing"
	"time"

	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/snapshots"
)

// TestMonitor_RecheckAfterChange: an article 3 days old, on the daily
// stage of its cadence, that changes is checked again at the first stage's
// interval (15 minutes), and its cadence counts its age from the change,
// so a story rewritten on day 3 is followed closely again. With the option
// off it stays on the daily stage.
func TestMonitor_RecheckAfterChange(t *testing.T) {
	for _, tc := range []struct {
		name     string
		on       bool
		min, max time.Duration // of the next check after the change
	}{
		{"on", true, 15 * time.Minute, 16*time.Minute + 30*time.Second},
		{"off", false, 24 * time.Hour, 24*time.Hour + 144*time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, srv := servePage(t, "Levee vote delayed", para1, para2)
			st := openStore(t)
			first := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
			now := first
			src := monitor.Source{Name: "ledger", URL: srv.URL + "/story", Cadence: monitor.DefaultCadence}
			m := monitor.New(monitor.Options{
				Store:              st,
				Client:             fetch.New(fetch.Options{Guard: allowing(t, srv), Timeout: 5 * time.Second, HostRate: fetch.Unlimited, HostConcurrency: fetch.Unlimited}),
				Sources:            []monitor.Source{src},
				Logger:             slog.New(slog.DiscardHandler),
				Now:                func() time.Time { return now },
				RecheckAfterChange: tc.on,
			})
			// check runs one cycle at the given age and returns how long
			// until the article is next due.
			check := func(age time.Duration, want snapshots.Outcome) time.Duration {
				t.Helper()
				now = first.Add(age)
				rs := m.Check(t.Context())
				if len(rs) != 1 || rs[0].Err != nil {
					t.Fatalf("at %s: results %+v", age, rs)
				}
				if rs[0].Check.Outcome != want {
					t.Fatalf("at %s: outcome %s, want %s", age, rs[0].Check.Outcome, want)
				}
				a, err := st.Article(t.Context(), src.URL)
				if err != nil {
					t.Fatal(err)
				}
				return a.NextCheck.Sub(now)
			}
			check(0, snapshots.OutcomeNew)
			if d := check(72*time.Hour, snapshots.OutcomeUnchanged); d < 24*time.Hour {
				t.Fatalf("day 3, unchanged: next check in %s, want the daily stage", d)
			}
			p.set(200, "Levee vote delayed", para1, para2, para3) // rewritten on day 3
			if d := check(73*time.Hour, snapshots.OutcomeNew); d < tc.min || d >= tc.max {
				t.Errorf("day 3, changed: next check in %s, want in [%s, %s)", d, tc.min, tc.max)
			}
			// Seven hours after the change the article is on the hourly
			// stage again, not back on the daily one.
			wantMin := time.Hour
			if !tc.on {
				wantMin = 24 * time.Hour
			}
			if d := check(80*time.Hour, snapshots.OutcomeUnchanged); d < wantMin || d >= wantMin+wantMin/10+time.Minute {
				t.Errorf("7h after the change, unchanged: next check in %s, want from %s", d, wantMin)
			}
		})
	}
}
