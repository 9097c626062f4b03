package snapshots_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/sqlite"
	"github.com/redline-news/redline/snapshots/storetest"
)

var verifyBase = time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)

// openStore opens a SQLite store in a temporary directory for tb.
func openStore(tb testing.TB) *sqlite.Store {
	tb.Helper()
	return storetest.Open(tb, sqlite.New(filepath.Join(tb.TempDir(), "redline.db"), slog.New(slog.DiscardHandler)))
}

// fill stores n versions of each url, with one unchanged check after each.
func fill(tb testing.TB, s snapshots.Store, n int, urls ...string) {
	tb.Helper()
	ctx := context.Background()
	for _, u := range urls {
		a, err := s.AddArticle(ctx, snapshots.Article{URL: u, Source: "example", FirstSeen: verifyBase})
		if err != nil {
			tb.Fatalf("AddArticle: %v", err)
		}
		for i := 1; i <= n; i++ {
			at := verifyBase.Add(time.Duration(i) * time.Hour)
			v := &snapshots.Version{Title: "Headline " + u, Text: fmt.Sprintf("Text %d of %s.\n\nSecond paragraph.", i, u),
				Raw: fmt.Appendf(nil, "<html><p>%d %s</p></html>", i, u), Header: "HTTP 200\nContent-Type: text/html\n"}
			if i > 1 {
				v.Changes, v.Severity, v.Kinds = []byte(`{"changes":[]}`), "medium", []string{"sentence_changed"}
				v.Dek = fmt.Sprintf("Summary %d.", i)
			}
			c := &snapshots.Check{ArticleID: a.ID, At: at, Status: 200}
			if err := s.Save(ctx, c, v); err != nil {
				tb.Fatalf("Save: %v", err)
			}
			un := &snapshots.Check{ArticleID: a.ID, At: at.Add(time.Minute), Status: 200, Outcome: snapshots.OutcomeUnchanged,
				TextSHA256: v.TextSHA256, Version: v.Number}
			if err := s.Save(ctx, un, nil); err != nil {
				tb.Fatalf("Save unchanged: %v", err)
			}
		}
	}
}

// tampered is the store as an attacker who edited rows would leave it: it
// passes version number edited through edit, and hides the version
// numbered drop.
type tampered struct {
	snapshots.Store
	edited int
	edit   func(*snapshots.Version)
	drop   int
	check  func(*snapshots.Check)
}

func (t tampered) fix(vs []snapshots.Version) []snapshots.Version {
	var out []snapshots.Version
	for _, v := range vs {
		if v.Number == t.drop {
			continue
		}
		t.apply(&v)
		out = append(out, v)
	}
	return out
}

// apply edits v if it is the version to edit.
func (t tampered) apply(v *snapshots.Version) {
	if t.edit != nil && v.Number == t.edited {
		t.edit(v)
	}
}

func (t tampered) Versions(ctx context.Context, f snapshots.VersionFilter) ([]snapshots.Version, error) {
	vs, err := t.Store.Versions(ctx, f)
	return t.fix(vs), err
}

func (t tampered) Version(ctx context.Context, id int64, n int) (snapshots.Version, error) {
	if n == t.drop {
		return snapshots.Version{}, snapshots.ErrNotFound
	}
	v, err := t.Store.Version(ctx, id, n)
	if err == nil {
		t.apply(&v)
	}
	return v, err
}

func (t tampered) Checks(ctx context.Context, f snapshots.CheckFilter) ([]snapshots.Check, error) {
	cs, err := t.Store.Checks(ctx, f)
	for i := range cs {
		if t.check != nil {
			t.check(&cs[i])
		}
	}
	return cs, err
}

func TestVerify_Clean(t *testing.T) {
	s := openStore(t)
	fill(t, s, 3, "https://news.example/a", "https://news.example/b")
	rep, err := snapshots.Verify(t.Context(), s, snapshots.VerifyFilter{})
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if !rep.OK() || rep.Articles != 2 || rep.Versions != 6 || rep.Checks != 12 {
		t.Errorf("Verify = %+v, want 2 articles, 6 versions, 12 checks and no problem", rep)
	}
	rep, err = snapshots.Verify(t.Context(), s, snapshots.VerifyFilter{URL: "https://news.example/b"})
	if err != nil || !rep.OK() || rep.Articles != 1 || rep.Versions != 3 {
		t.Errorf("Verify(one URL) = %+v, %v; want 1 article, 3 versions", rep, err)
	}
	if _, err := snapshots.Verify(t.Context(), s, snapshots.VerifyFilter{URL: "https://news.example/none"}); err == nil {
		t.Error("Verify(unknown URL): err = nil, want an error")
	}
}

func TestVerify_Tampered(t *testing.T) {
	s := openStore(t)
	fill(t, s, 4, "https://news.example/a")
	const u = "https://news.example/a"
	for _, tc := range []struct {
		name  string
		store tampered
		want  []string // each a substring of one problem, in order
	}{
		{"text", tampered{edited: 2, edit: func(v *snapshots.Version) { v.Text = "Rewritten." }}, []string{u + " version 2: text hash: stored "}},
		{"title", tampered{edited: 1, edit: func(v *snapshots.Version) { v.Title = "Other" }}, []string{u + " version 1: text hash"}},
		{"dek", tampered{edited: 2, edit: func(v *snapshots.Version) { v.Dek = "Rewritten summary." }}, []string{u + " version 2: text hash: stored "}},
		{"dek_into_text", tampered{edited: 3, edit: func(v *snapshots.Version) { v.Text, v.Dek = v.Text+"\x1e"+v.Dek, "" }}, []string{u + " version 3: text hash: the text holds the dek separator"}},
		{"raw", tampered{edited: 3, edit: func(v *snapshots.Version) { v.Raw = []byte("<html>forged</html>") }}, []string{u + " version 3: raw hash"}},
		{"byline_breaks_chain", tampered{edited: 2, edit: func(v *snapshots.Version) { v.Byline = "Someone else" }}, []string{u + " version 2: chain hash"}},
		{"chain_hash", tampered{edited: 2, edit: func(v *snapshots.Version) { v.ChainHash = strings.Repeat("0", 64) }}, []string{u + " version 2: chain hash", u + " version 3: prev hash: stored "}},
		{"middle_deleted", tampered{drop: 2}, []string{
			u + " version 3: numbering: follows version 1",
			u + " version 3: prev hash",
			u + " version 2 check",
		}},
		{"check_text", tampered{check: func(c *snapshots.Check) {
			if c.Version == 4 && c.Outcome == snapshots.OutcomeUnchanged {
				c.TextSHA256 = strings.Repeat("1", 64)
			}
		}}, []string{u + " version 4 check"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.store.Store = s
			rep, err := snapshots.Verify(t.Context(), tc.store, snapshots.VerifyFilter{})
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			var got []string
			for _, p := range rep.Problems {
				got = append(got, p.String())
			}
			if len(got) < len(tc.want) {
				t.Fatalf("problems = %q, want %d matching %q", got, len(tc.want), tc.want)
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("problem %d = %q, want it to contain %q", i, got[i], w)
				}
			}
		})
	}
}

func TestVerify_ContextCancelled(t *testing.T) {
	s := openStore(t)
	fill(t, s, 1, "https://news.example/a")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := snapshots.Verify(ctx, s, snapshots.VerifyFilter{}); err == nil {
		t.Error("Verify with a cancelled context: err = nil, want an error")
	}
}
