package snapshots_test

import (
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
)

// TestQuery: both stores' placeholder styles, conditions in filter order,
// the limit's argument last.
func TestQuery(t *testing.T) {
	since := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	until := since.Add(time.Hour)
	for _, tc := range []struct {
		mark func(int) string
		want string
	}{
		{func(int) string { return "?" }, " WHERE v.article_id = ? AND v.at >= ? AND v.at < ? ORDER BY v.number LIMIT ?"},
		{func(n int) string { return "$" + strconv.Itoa(n) }, " WHERE v.article_id = $1 AND v.at >= $2 AND v.at < $3 ORDER BY v.number LIMIT $4"},
	} {
		f := snapshots.VersionFilter{ArticleID: 7, Since: since, Until: until, Limit: 5}
		q := snapshots.Query{Mark: tc.mark}
		if err := q.Versions(f); err != nil {
			t.Fatal(err)
		}
		if got := q.Where() + snapshots.VersionOrder(f) + q.Limit(f.Limit); got != tc.want {
			t.Errorf("query %q, want %q", got, tc.want)
		}
		want := []any{int64(7), "2025-03-14T09:00:00.000000000Z", "2025-03-14T10:00:00.000000000Z", 5}
		if !reflect.DeepEqual(q.Args, want) {
			t.Errorf("args %v, want %v", q.Args, want)
		}
	}
	var q snapshots.Query
	q.Mark = func(int) string { return "?" }
	if err := q.Checks(snapshots.CheckFilter{}); err != nil || q.Where() != "" || q.Limit(0) != "" || len(q.Args) != 0 {
		t.Errorf("empty filter: %q %v %v", q.Where(), q.Args, err)
	}
	if err := q.Versions(snapshots.VersionFilter{Since: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}); err == nil {
		t.Error("a time past year 9999 was accepted")
	}
}
