package tsa_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/monitor/tsa"
	"github.com/redline-news/redline/monitor/tsa/tsatest"
	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/sqlite"
)

// TestAudit_Order: token times must follow the version order. A version
// whose token is dated before an earlier version's, or well before the
// version was seen, is a problem naming the URL and version; a version
// without a token is counted, not failed.
func TestAudit_Order(t *testing.T) {
	a := tsatest.Start(t)
	now := time.Now().Truncate(time.Second)
	for _, tc := range []struct {
		name   string
		stamps []time.Duration // each version's token time after its version's At; nil: unstamped
		want   string          // the problem, "" for none
		bad    int             // its version
	}{
		{"in_order", []time.Duration{time.Second, time.Second, time.Second}, "", 0},
		{"skew_allowed", []time.Duration{-time.Minute, time.Second, time.Second}, "", 0},
		{"before_earlier_token", []time.Duration{3 * time.Hour, time.Second, time.Second}, "before version 1's token", 2},
		{"before_seen", []time.Duration{time.Second, -30 * time.Minute, time.Second}, "before the version was seen", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := sqlite.New(filepath.Join(t.TempDir(), "s.db"), nil)
			if err := st.Open(t.Context()); err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			art, err := st.AddArticle(t.Context(), snapshots.Article{URL: "https://news.example/a", Source: "x", FirstSeen: now})
			if err != nil {
				t.Fatal(err)
			}
			for i, d := range tc.stamps {
				seen := now.Add(time.Duration(i-3) * time.Hour) // hours apart, within the TSA certificate's day
				c := &snapshots.Check{ArticleID: art.ID, At: seen, Status: 200, Outcome: snapshots.OutcomeNew}
				text := strings.Repeat("x", i+1)
				v := &snapshots.Version{At: seen, Title: "T", Text: text, Raw: []byte(text)}
				if err := st.Save(t.Context(), c, v); err != nil {
					t.Fatal(err)
				}
				digest, err := tsa.Digest(v.ChainHash)
				if err != nil {
					t.Fatal(err)
				}
				at := seen.Add(d)
				if err := st.SaveTimestamp(t.Context(), snapshots.Timestamp{VersionID: v.ID, Token: a.Token(t, digest, at), Time: at, TSA: a.URL}); err != nil {
					t.Fatal(err)
				}
			}
			// One more version, never stamped.
			c := &snapshots.Check{ArticleID: art.ID, At: now, Status: 200, Outcome: snapshots.OutcomeNew}
			if err := st.Save(t.Context(), c, &snapshots.Version{At: now, Title: "T", Text: "last", Raw: []byte("last")}); err != nil {
				t.Fatal(err)
			}
			rep, err := tsa.Audit(t.Context(), st, a.Roots, "")
			if err != nil {
				t.Fatal(err)
			}
			if rep.Unstamped != 1 {
				t.Errorf("Unstamped = %d, want 1", rep.Unstamped)
			}
			if tc.want == "" {
				if len(rep.Problems) != 0 || rep.Verified != len(tc.stamps) {
					t.Fatalf("Audit = %+v, want %d verified and no problem", rep, len(tc.stamps))
				}
				return
			}
			if len(rep.Problems) != 1 {
				t.Fatalf("Audit problems = %v, want one", rep.Problems)
			}
			p := rep.Problems[0]
			if p.URL != art.URL || p.Version != tc.bad || !strings.Contains(p.Err.Error(), tc.want) {
				t.Fatalf("problem %s, want %s version %d: …%s…", p, art.URL, tc.bad, tc.want)
			}
		})
	}
}

// TestAudit_MergedArticles: tokens taken before two articles were merged
// into one (which re-chained their versions) still verify, against the
// chain hashes the versions had then; a token over nothing the version
// ever had does not.
func TestAudit_MergedArticles(t *testing.T) {
	a := tsatest.Start(t)
	now := time.Now().Truncate(time.Second)
	st := sqlite.New(filepath.Join(t.TempDir(), "s.db"), nil)
	if err := st.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var arts []snapshots.Article
	for _, u := range []string{"https://news.example/amp/a", "https://news.example/a"} {
		art, err := st.AddArticle(t.Context(), snapshots.Article{URL: u, Source: "x", FirstSeen: now})
		if err != nil {
			t.Fatal(err)
		}
		arts = append(arts, art)
	}
	var forged int64
	for i := range 4 {
		seen := now.Add(time.Duration(i-4) * time.Hour)
		art := arts[i%2] // the two articles' checks take turns
		c := &snapshots.Check{ArticleID: art.ID, At: seen, Status: 200, Outcome: snapshots.OutcomeNew}
		text := strings.Repeat("x", i+1)
		v := &snapshots.Version{At: seen, Title: "T", Text: text, Raw: []byte(text)}
		if err := st.Save(t.Context(), c, v); err != nil {
			t.Fatal(err)
		}
		signed := v.ChainHash
		if i == 3 {
			signed, forged = snapshots.RawHash([]byte("not this version")), v.ID
		}
		digest, err := tsa.Digest(signed)
		if err != nil {
			t.Fatal(err)
		}
		at := seen.Add(time.Second)
		if err := st.SaveTimestamp(t.Context(), snapshots.Timestamp{VersionID: v.ID, Token: a.Token(t, digest, at), Time: at, TSA: a.URL}); err != nil {
			t.Fatal(err)
		}
	}
	merged, err := st.Canonicalize(t.Context(), arts[0].ID, arts[1].URL, now)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := tsa.Audit(t.Context(), st, a.Roots, "")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Verified != 3 || len(rep.Problems) != 1 || rep.Problems[0].URL != merged.URL || rep.Problems[0].Version != 4 {
		t.Errorf("Audit after the merge = %+v, want 3 verified and version 4 (id %d, forged) a problem", rep, forged)
	}
}
