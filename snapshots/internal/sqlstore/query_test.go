package sqlstore_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

// TestQuery: both stores' placeholder styles, conditions in filter order,
// the limit's argument last.
func TestQuery(t *testing.T) {
	since := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	until := since.Add(time.Hour)
	for _, tc := range []struct {
		d    sqlstore.Dialect
		want string
	}{
		{sqlstore.SQLite, " WHERE v.article_id = ?1 AND v.at >= ?2 AND v.at < ?3 ORDER BY v.number LIMIT ?4"},
		{sqlstore.PostgreSQL, " WHERE v.article_id = $1 AND v.at >= $2 AND v.at < $3 ORDER BY v.number LIMIT $4"},
	} {
		f := snapshots.VersionFilter{ArticleID: 7, Since: since, Until: until, Limit: 5}
		q := sqlstore.NewQuery(tc.d)
		if err := q.Versions(f); err != nil {
			t.Fatal(err)
		}
		if got := q.Where() + sqlstore.VersionOrder(f) + q.Limit(f.Limit); got != tc.want {
			t.Errorf("query %q, want %q", got, tc.want)
		}
		want := []any{int64(7), "2025-03-14T09:00:00.000000000Z", "2025-03-14T10:00:00.000000000Z", 5}
		if !reflect.DeepEqual(q.Args, want) {
			t.Errorf("args %v, want %v", q.Args, want)
		}
	}
	q := sqlstore.NewQuery(sqlstore.SQLite)
	if err := q.Checks(snapshots.CheckFilter{}); err != nil || q.Where() != "" || q.Limit(0) != "" || len(q.Args) != 0 {
		t.Errorf("empty filter: %q %v %v", q.Where(), q.Args, err)
	}
	if err := q.Versions(snapshots.VersionFilter{Since: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}); err == nil {
		t.Error("a time past year 9999 was accepted")
	}
}

// TestQuery_List: a list of sources is one array argument where the
// driver binds arrays, one placeholder per source where it does not.
func TestQuery_List(t *testing.T) {
	f := snapshots.ListFilter{Sources: []string{"a", "b"}, Query: "50%"}
	for _, tc := range []struct {
		d     sqlstore.Dialect
		where string
		args  []any
	}{
		{sqlstore.SQLite, ` WHERE a.source IN (?1, ?2) AND (a.url LIKE ?3 ESCAPE '\' OR coalesce((SELECT t.title FROM versions t
			WHERE t.article_id = a.id ORDER BY t.number DESC LIMIT 1), '') LIKE ?4 ESCAPE '\')`,
			[]any{"a", "b", `%50\%%`, `%50\%%`}},
		{sqlstore.PostgreSQL, ` WHERE a.source = ANY($1) AND (a.url ILIKE $2 ESCAPE '\' OR coalesce((SELECT t.title FROM versions t
			WHERE t.article_id = a.id ORDER BY t.number DESC LIMIT 1), '') ILIKE $3 ESCAPE '\')`,
			[]any{[]string{"a", "b"}, `%50\%%`, `%50\%%`}},
	} {
		q := sqlstore.NewQuery(tc.d)
		if none, err := q.List(f); none || err != nil {
			t.Fatalf("List: none %v, err %v", none, err)
		}
		if q.Where() != tc.where || !reflect.DeepEqual(q.Args, tc.args) {
			t.Errorf("List:\ngot  %q %q\nwant %q %q", q.Where(), q.Args, tc.where, tc.args)
		}
	}
	if none, _ := sqlstore.NewQuery(sqlstore.SQLite).List(snapshots.ListFilter{Sources: []string{}}); !none {
		t.Error("an empty list of sources matched something")
	}
	if _, err := sqlstore.NewQuery(sqlstore.SQLite).List(snapshots.ListFilter{Severity: "dire"}); err == nil {
		t.Error("an unknown severity was accepted")
	}
}
