package sqlstore_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

func TestMigrations(t *testing.T) {
	ms, err := sqlstore.Migrations(fstest.MapFS{
		"m/0010_later.sql": {Data: []byte("B")},
		"m/0002_first.sql": {Data: []byte("A")},
	}, "m/*.sql")
	if err != nil || len(ms) != 2 || ms[0].Version != 2 || ms[1].Name != "0010_later.sql" || ms[0].SQL != "A" {
		t.Fatalf("Migrations = %+v, %v; want 0002 then 0010", ms, err)
	}
	for name, fsys := range map[string]fstest.MapFS{
		"must start with a positive number": {"m/init.sql": {}},
		"already used by":                   {"m/0001_a.sql": {}, "m/01_b.sql": {}},
	} {
		if _, err := sqlstore.Migrations(fsys, "m/*.sql"); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("Migrations(%v) error = %v, want %q", fsys, err, name)
		}
	}
}
