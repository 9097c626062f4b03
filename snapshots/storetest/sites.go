package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
)

// equalSite compares sites; the model is JSON, shown as text.
func equalSite(t *testing.T, what string, got, want snapshots.Site) {
	t.Helper()
	equalTimed(t, what, got, want, func(s snapshots.Site) any {
		return fmt.Sprintf("%+v (model %s)", s, s.Model)
	}, timeField[snapshots.Site]{"Updated", func(s *snapshots.Site) *time.Time { return &s.Updated }})
}

var siteCases = []testCase{
	{"round_trips_and_replaces", func(t *testing.T, s snapshots.Store) {
		ss := storeAs[snapshots.SiteStore](t, s)
		if _, err := ss.Site(t.Context(), "news.example"); !errors.Is(err, snapshots.ErrNotFound) {
			t.Fatalf("Site of an unknown host: err = %v, want ErrNotFound", err)
		}
		if got, err := ss.Sites(t.Context()); err != nil || len(got) != 0 {
			t.Fatalf("Sites of an empty store = %v, %v; want none", got, err)
		}
		first := snapshots.Site{Host: "news.example", Pages: 3, Updated: at(1),
			Model: []byte(`{"host":"news.example","pages":3,"blocks":{"nav":3}}`)}
		if err := ss.SaveSite(t.Context(), first); err != nil {
			t.Fatalf("SaveSite: %v", err)
		}
		got, err := ss.Site(t.Context(), first.Host)
		if err != nil {
			t.Fatalf("Site: %v", err)
		}
		equalSite(t, "Site after the first save", got, first)

		// The next save replaces the whole row: last writer wins.
		learned := snapshots.Site{Host: "news.example", Pages: 12, Container: "body > main > div.story",
			Boilerplate: 4, Updated: at(2), Model: []byte(`{"host":"news.example","pages":12,"ünïcode":"«»"}`)}
		if err := ss.SaveSite(t.Context(), learned); err != nil {
			t.Fatalf("SaveSite again: %v", err)
		}
		got, err = ss.Site(t.Context(), learned.Host)
		if err != nil {
			t.Fatalf("Site: %v", err)
		}
		equalSite(t, "Site after the second save", got, learned)

		other := snapshots.Site{Host: "another.example", Updated: at(3)} // no model yet
		if err := ss.SaveSite(t.Context(), other); err != nil {
			t.Fatalf("SaveSite(%s): %v", other.Host, err)
		}
		all, err := ss.Sites(t.Context())
		if err != nil {
			t.Fatalf("Sites: %v", err)
		}
		if len(all) != 2 {
			t.Fatalf("Sites = %d sites, want 2", len(all))
		}
		equalSite(t, "Sites[0]", all[0], other) // by host
		equalSite(t, "Sites[1]", all[1], learned)
	}},
	{"concurrent_saves_keep_one_whole_site", func(t *testing.T, s snapshots.Store) {
		// Workers of several processes save the same host's model at once:
		// the last writer wins, and what is stored is one save whole,
		// never columns of one with the model of another.
		ss := storeAs[snapshots.SiteStore](t, s)
		const n = 8
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Go(func() {
				errs <- ss.SaveSite(t.Context(), snapshots.Site{Host: "news.example", Pages: i, Container: fmt.Sprintf("div.c%d", i),
					Boilerplate: i, Updated: at(i), Model: fmt.Appendf(nil, `{"pages":%d}`, i)})
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("SaveSite: %v", err)
			}
		}
		got, err := ss.Site(t.Context(), "news.example")
		if err != nil {
			t.Fatal(err)
		}
		i := got.Pages
		want := snapshots.Site{Host: "news.example", Pages: i, Container: fmt.Sprintf("div.c%d", i),
			Boilerplate: i, Updated: at(i), Model: fmt.Appendf(nil, `{"pages":%d}`, i)}
		equalSite(t, "Site after concurrent saves", got, want)
	}},
	{"refuses_a_site_without_host_or_time", func(t *testing.T, s snapshots.Store) {
		ss := storeAs[snapshots.SiteStore](t, s)
		for _, bad := range []snapshots.Site{
			{Updated: at(1)},
			{Host: "news.example"},
			{Host: "news.example", Pages: -1, Updated: at(1)},
		} {
			if err := ss.SaveSite(t.Context(), bad); err == nil {
				t.Errorf("SaveSite(%+v) = nil, want an error", bad)
			}
		}
		if all, err := ss.Sites(t.Context()); err != nil || len(all) != 0 {
			t.Errorf("Sites after refused saves = %v, %v; want none", all, err)
		}
	}},
}
