package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
)

var threadCases = []testCase{
	{"last_post_is_the_highest_version", func(t *testing.T, s snapshots.Store) {
		ts := storeAs[snapshots.ThreadStore](t, s)
		const url = "https://news.example/a"
		if _, err := ts.LastThreadPost(t.Context(), "masto", url); !errors.Is(err, snapshots.ErrNotFound) {
			t.Fatalf("LastThreadPost before any post: %v, want ErrNotFound", err)
		}
		root := snapshots.ThreadPost{Notifier: "masto", URL: url, Version: 2, PostID: "101", RootID: "101", PostedAt: base}
		third := snapshots.ThreadPost{Notifier: "masto", URL: url, Version: 4, PostID: "at://did:plc:x/app.bsky.feed.post/3k", PostCID: "bafy«4»",
			RootID: "101", RootCID: "bafyroot", PostedAt: at(2)}
		second := snapshots.ThreadPost{Notifier: "masto", URL: url, Version: 3, PostID: "102", RootID: "101", PostedAt: at(1)}
		other := snapshots.ThreadPost{Notifier: "sky", URL: url, Version: 9, PostID: "900", RootID: "900", PostedAt: at(3)}
		// Added out of order: the last post is the highest version, not the
		// last added.
		for _, p := range []snapshots.ThreadPost{root, third, second, other} {
			if err := ts.AddThreadPost(t.Context(), p); err != nil {
				t.Fatalf("AddThreadPost(%s v%d): %v", p.Notifier, p.Version, err)
			}
		}
		got, err := ts.LastThreadPost(t.Context(), "masto", url)
		if err != nil {
			t.Fatal(err)
		}
		if !got.PostedAt.Equal(third.PostedAt) {
			t.Errorf("PostedAt = %v, want %v", got.PostedAt, third.PostedAt)
		}
		got.PostedAt = third.PostedAt
		if got != third {
			t.Errorf("LastThreadPost = %+v\nwant %+v", got, third)
		}
		if _, err := ts.LastThreadPost(t.Context(), "masto", url+"?other"); !errors.Is(err, snapshots.ErrNotFound) {
			t.Errorf("LastThreadPost of another URL: %v, want ErrNotFound", err)
		}
	}},
	{"adding_again_keeps_the_first", func(t *testing.T, s snapshots.Store) {
		ts := storeAs[snapshots.ThreadStore](t, s)
		p := snapshots.ThreadPost{Notifier: "sky", URL: "https://news.example/b", Version: 2, PostID: "first", RootID: "first", PostedAt: base}
		again := p
		again.PostID = "second"
		for _, q := range []snapshots.ThreadPost{p, again} {
			if err := ts.AddThreadPost(t.Context(), q); err != nil {
				t.Fatalf("AddThreadPost(%s): %v", q.PostID, err)
			}
		}
		if got, err := ts.LastThreadPost(t.Context(), p.Notifier, p.URL); err != nil || got.PostID != "first" {
			t.Errorf("LastThreadPost = %+v, %v; want the first post kept", got, err)
		}
	}},
	{"refuses_incomplete_posts", func(t *testing.T, s snapshots.Store) {
		ts := storeAs[snapshots.ThreadStore](t, s)
		good := snapshots.ThreadPost{Notifier: "sky", URL: "https://news.example/c", Version: 2, PostID: "p", RootID: "p", PostedAt: base}
		for name, edit := range map[string]func(*snapshots.ThreadPost){
			"notifier": func(p *snapshots.ThreadPost) { p.Notifier = "" },
			"url":      func(p *snapshots.ThreadPost) { p.URL = "" },
			"post id":  func(p *snapshots.ThreadPost) { p.PostID = "" },
			"version":  func(p *snapshots.ThreadPost) { p.Version = 0 },
			"time":     func(p *snapshots.ThreadPost) { p.PostedAt = time.Time{} },
		} {
			p := good
			edit(&p)
			if err := ts.AddThreadPost(t.Context(), p); err == nil {
				t.Errorf("AddThreadPost without a good %s: no error", name)
			}
		}
		if _, err := ts.LastThreadPost(t.Context(), good.Notifier, good.URL); !errors.Is(err, snapshots.ErrNotFound) {
			t.Errorf("after refused posts: %v, want ErrNotFound", err)
		}
	}},
}
