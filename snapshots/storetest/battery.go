package storetest

import (
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
)

// batteryCases are the store faults of the reliability battery (group D)
// every store must survive the same way, named by their battery ids.
var batteryCases = []testCase{
	{"S07_clock_backwards", func(t *testing.T, s snapshots.Store) {
		// The clock steps back an hour (NTP, a restored VM) and then
		// forward two: versions are numbered by sequence, never by time,
		// keep the times observed, and chain.
		a := AddArticle(t, s, "https://news.example/clock")
		offsets := []time.Duration{0, -time.Hour, time.Hour}
		for i, off := range offsets {
			c := newCheck(a, 1)
			c.At = base.Add(off)
			v := newVersion(i + 1)
			v.At = time.Time{} // taken from the check
			save(t, s, c, v)
			if v.Number != i+1 {
				t.Errorf("save %d: version number %d, want %d", i, v.Number, i+1)
			}
		}
		vs := versions(t, s, snapshots.VersionFilter{ArticleID: a.ID})
		if len(vs) != len(offsets) {
			t.Fatalf("%d versions, want %d", len(vs), len(offsets))
		}
		for i, v := range vs {
			if want := base.Add(offsets[i]); v.Number != i+1 || !v.At.Equal(want) {
				t.Errorf("versions[%d] = number %d at %v, want number %d at %v", i, v.Number, v.At, i+1, want)
			}
		}
		rep, err := snapshots.Verify(t.Context(), s, snapshots.VerifyFilter{})
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
		for _, p := range rep.Problems {
			t.Errorf("Verify: %v", p)
		}
	}},
	{"S11_duplicate_content", func(t *testing.T, s snapshots.Store) {
		// The same bytes fetched again: no new version, but the visit is
		// recorded as a check confirming the latest one.
		a, first := withVersion(t, s, "https://news.example/same")
		again := newVersion(1)
		c := newCheck(a, 2)
		save(t, s, c, again)
		if c.Outcome != snapshots.OutcomeUnchanged || c.Version != first.Number {
			t.Errorf("second save: outcome %q version %d, want %q confirming version %d",
				c.Outcome, c.Version, snapshots.OutcomeUnchanged, first.Number)
		}
		if vs := versions(t, s, snapshots.VersionFilter{ArticleID: a.ID}); len(vs) != 1 {
			t.Errorf("%d versions, want 1", len(vs))
		}
		if cs := checks(t, s, snapshots.CheckFilter{ArticleID: a.ID}); len(cs) != 2 {
			t.Errorf("%d checks, want 2 (the revisit is recorded)", len(cs))
		}
	}},
}
