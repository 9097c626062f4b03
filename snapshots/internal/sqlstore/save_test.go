package sqlstore_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

// TestSaving: a nil check is refused before the store's save runs; the
// save is named for the store and in its error, with the article.
func TestSaving(t *testing.T) {
	fail := errors.New("disk full")
	if err := sqlstore.Saving(nil, nil, func(string) error {
		t.Error("save ran for a nil check")
		return nil
	}); err == nil || err.Error() != "save: nil check" {
		t.Errorf("nil check: error %v, want save: nil check", err)
	}
	for _, tc := range []struct {
		v       *snapshots.Version
		want    string
		wantErr string
	}{
		{nil, "save check", "save check of article 7: disk full"},
		{&snapshots.Version{}, "save version", "save version of article 7: disk full"},
	} {
		var named string
		err := sqlstore.Saving(&snapshots.Check{ArticleID: 7}, tc.v, func(what string) error {
			named = what
			return fail
		})
		if named != tc.want {
			t.Errorf("save named %q, want %q", named, tc.want)
		}
		if !errors.Is(err, fail) || err.Error() != tc.wantErr {
			t.Errorf("error %v, want %s wrapping the store's", err, tc.wantErr)
		}
		if err := sqlstore.Saving(&snapshots.Check{ArticleID: 7}, tc.v, func(string) error { return nil }); err != nil {
			t.Errorf("%s: a save that succeeds returned %v", tc.want, err)
		}
	}
}

// TestSavingAllocs: Saving keeps the caller's check and version where they
// are; the stores' Save must not move them to the heap.
func TestSavingAllocs(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		c, v := snapshots.Check{ArticleID: 7}, snapshots.Version{}
		_ = sqlstore.Saving(&c, &v, func(string) error {
			c.ID, v.ID = 1, 1
			return nil
		})
	})
	if allocs != 0 {
		t.Errorf("Saving allocated %v times, want 0", allocs)
	}
}

// TestFollow_MaxVersionNumber: an article holds at most MaxVersionNumber
// versions (SQLite's search index keys versions by article and number):
// the one after is refused, naming the article, not saved under a key of
// the next article.
func TestFollow_MaxVersionNumber(t *testing.T) {
	for _, tc := range []struct {
		last    int
		wantErr bool
	}{{sqlstore.MaxVersionNumber - 1, false}, {sqlstore.MaxVersionNumber, true}} {
		s := &sqlstore.Save{WithVersion: true, Version: snapshots.Version{ArticleID: 7, TextSHA256: "new"}}
		err := s.Follow(tc.last, "old")
		if (err != nil) != tc.wantErr || (err != nil && !strings.Contains(err.Error(), "article 7")) {
			t.Errorf("Follow(%d): %v, want an error naming article 7: %v", tc.last, err, tc.wantErr)
		}
	}
}
