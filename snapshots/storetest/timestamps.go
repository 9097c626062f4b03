package storetest

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
)

// equalTimestamp compares timestamps; the token is bytes, shown as hex.
func equalTimestamp(t *testing.T, what string, got, want snapshots.Timestamp) {
	t.Helper()
	equalTimed(t, what, got, want, func(ts snapshots.Timestamp) any {
		return struct {
			snapshots.Timestamp
			Token string
		}{ts, string(ts.Token)}
	}, timeField[snapshots.Timestamp]{"Time", func(ts *snapshots.Timestamp) *time.Time { return &ts.Time }})
}

var timestampCases = []testCase{
	{"unstamped_until_saved_then_listed", func(t *testing.T, s snapshots.Store) {
		ts := storeAs[snapshots.Timestamper](t, s)
		a := AddArticle(t, s, "https://news.example/a")
		b := AddArticle(t, s, "https://news.example/b")
		save(t, s, newCheck(a, 1), newVersion(1))
		save(t, s, newCheck(b, 2), newVersion(2))
		save(t, s, newCheck(a, 3), newVersion(3))
		all := versions(t, s, snapshots.VersionFilter{})
		byID := map[int64]snapshots.Version{}
		for _, v := range all {
			byID[v.ID] = v
		}

		un, err := ts.Unstamped(t.Context(), 0)
		if err != nil {
			t.Fatalf("Unstamped: %v", err)
		}
		if len(un) != 3 {
			t.Fatalf("Unstamped of a store with 3 new versions = %d versions, want 3", len(un))
		}
		for i, v := range un {
			full := byID[v.ID]
			want := snapshots.Version{ID: full.ID, ArticleID: full.ArticleID, Number: full.Number, At: full.At, ChainHash: full.ChainHash}
			equalVersion(t, "Unstamped", v, want)
			if i > 0 && v.ID <= un[i-1].ID {
				t.Errorf("Unstamped not oldest saved first: %d after %d", v.ID, un[i-1].ID)
			}
		}
		if first, err := ts.Unstamped(t.Context(), 1); err != nil || len(first) != 1 || first[0].ID != un[0].ID {
			t.Fatalf("Unstamped(limit 1) = %v, %v; want the oldest alone", first, err)
		}
		if got, err := ts.Timestamps(t.Context(), snapshots.TimestampFilter{}); err != nil || len(got) != 0 {
			t.Fatalf("Timestamps of a store without any = %v, %v; want none", got, err)
		}

		// Stamp a's version 2 (saved third), then b's version 1.
		stamp := func(v snapshots.Version, token string, h int) snapshots.Timestamp {
			t.Helper()
			want := snapshots.Timestamp{VersionID: v.ID, ArticleID: v.ArticleID, Number: v.Number,
				Token: []byte(token), Time: at(h), TSA: "http://tsa.example/stamp"}
			in := want
			in.ArticleID, in.Number = 0, 0 // the store derives them
			if err := ts.SaveTimestamp(t.Context(), in); err != nil {
				t.Fatalf("SaveTimestamp(version %d): %v", v.ID, err)
			}
			return want
		}
		wantA2 := stamp(un[2], "\x30\x82\x00token a2 \xff\x00", 4)
		wantB1 := stamp(un[1], "token b1", 5)
		left, err := ts.Unstamped(t.Context(), 0)
		if err != nil || len(left) != 1 || left[0].ID != un[0].ID {
			t.Fatalf("Unstamped after two stamps = %v, %v; want only version %d", left, err, un[0].ID)
		}
		got, err := ts.Timestamps(t.Context(), snapshots.TimestampFilter{})
		if err != nil || len(got) != 2 {
			t.Fatalf("Timestamps = %v, %v; want 2", got, err)
		}
		// By article, then number.
		first, second := wantA2, wantB1
		if b.ID < a.ID {
			first, second = second, first
		}
		equalTimestamp(t, "Timestamps[0]", got[0], first)
		equalTimestamp(t, "Timestamps[1]", got[1], second)
		gotA, err := ts.Timestamps(t.Context(), snapshots.TimestampFilter{ArticleID: a.ID})
		if err != nil || len(gotA) != 1 {
			t.Fatalf("Timestamps of article a = %v, %v; want 1", gotA, err)
		}
		equalTimestamp(t, "Timestamps of article a", gotA[0], wantA2)
	}},
	{"save_replaces_and_refuses", func(t *testing.T, s snapshots.Store) {
		ts := storeAs[snapshots.Timestamper](t, s)
		a := AddArticle(t, s, "https://news.example/a")
		save(t, s, newCheck(a, 1), newVersion(1))
		v := versions(t, s, snapshots.VersionFilter{ArticleID: a.ID})[0]
		if err := ts.SaveTimestamp(t.Context(), snapshots.Timestamp{VersionID: v.ID, Token: []byte("old"), Time: at(2), TSA: "a"}); err != nil {
			t.Fatalf("SaveTimestamp: %v", err)
		}
		again := snapshots.Timestamp{VersionID: v.ID, Token: []byte("new"), Time: at(3), TSA: "b"}
		if err := ts.SaveTimestamp(t.Context(), again); err != nil {
			t.Fatalf("SaveTimestamp again: %v", err)
		}
		got, err := ts.Timestamps(t.Context(), snapshots.TimestampFilter{ArticleID: a.ID})
		if err != nil || len(got) != 1 || !bytes.Equal(got[0].Token, again.Token) || got[0].TSA != "b" || !got[0].Time.Equal(at(3)) {
			t.Fatalf("Timestamps after a second save = %+v, %v; want the second alone", got, err)
		}
		if err := ts.SaveTimestamp(t.Context(), snapshots.Timestamp{VersionID: v.ID + 1000, Token: []byte("x"), Time: at(2)}); !errors.Is(err, snapshots.ErrNotFound) {
			t.Errorf("SaveTimestamp of an unknown version: err = %v, want ErrNotFound", err)
		}
		if err := ts.SaveTimestamp(t.Context(), snapshots.Timestamp{VersionID: v.ID, Time: at(2)}); err == nil {
			t.Errorf("SaveTimestamp without a token: no error")
		}
		if err := ts.SaveTimestamp(t.Context(), snapshots.Timestamp{VersionID: v.ID, Token: []byte("x")}); err == nil {
			t.Errorf("SaveTimestamp without a time: no error")
		}
	}},
}
