package postgres_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/postgres"
	"github.com/redline-news/redline/snapshots/storetest"
)

func TestStore_Conformance(t *testing.T) {
	serverDSN(t)
	storetest.Run(t, harness)
}

// harness makes stores in schemas of their own (newSchema).
var harness = storetest.Harness{
	New:   func(t *testing.T) string { return newSchema(t) },
	Store: func(dsn string) storetest.Opener { return postgres.New(dsn, nil) },
	Query: func(ctx context.Context, s snapshots.Store, query string) ([]string, error) {
		// A failed Query's error is the one CollectRows returns.
		rows, _ := postgres.Pool(s.(*postgres.Store)).Query(ctx, query)
		return pgx.CollectRows(rows, pgx.RowTo[string])
	},
	Migrations: postgres.Migrations(),
}

var base = time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.UTC)

func schemaMigrations(t testing.TB, s *postgres.Store) []string {
	t.Helper()
	rows, err := postgres.Pool(s).Query(t.Context(),
		"SELECT version || ' ' || name || ' ' || applied_at FROM schema_migrations ORDER BY version")
	if err != nil {
		t.Fatalf("read schema_migrations: %v", err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatalf("read schema_migrations: %v", err)
		}
		got = append(got, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read schema_migrations: %v", err)
	}
	return got
}

// TestStore_WorkersOpenAtOnce starts several stores on a new schema at the
// same moment, as workers deployed together do: the advisory lock lets one
// migrate and the others find the schema done.
func TestStore_WorkersOpenAtOnce(t *testing.T) {
	dsn := newSchema(t)
	const workers = 8
	stores := make([]*postgres.Store, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range workers {
		stores[i] = postgres.New(dsn, slog.New(slog.DiscardHandler))
		wg.Go(func() {
			<-start
			errs[i] = stores[i].Open(t.Context())
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("worker %d: Open: %v", i, err)
			continue
		}
		defer stores[i].Close()
	}
	if t.Failed() {
		return
	}
	if got := schemaMigrations(t, stores[0]); len(got) != postgres.Migrations() {
		t.Errorf("schema_migrations = %q, want %d rows", got, postgres.Migrations())
	}
}

// TestStore_TimesKeepNanoseconds checks that the stored form keeps what
// timestamptz would round to microseconds: the chain hash covers the time
// to the nanosecond.
func TestStore_TimesKeepNanoseconds(t *testing.T) {
	s := open(t, newSchema(t))
	a := storetest.AddArticle(t, s, "https://news.example/a")
	v := storetest.SaveBody(t, s, a, 0, "one", "<p>one</p>")
	got, err := s.Version(t.Context(), a.ID, 1) // with Header, which the hash covers
	if err != nil {
		t.Fatal(err)
	}
	if got.At.Nanosecond() != base.Nanosecond() || snapshots.ChainHash(got) != v.ChainHash {
		t.Errorf("Version(1): At = %v, ChainHash %s; want %v, %s", got.At, snapshots.ChainHash(got), base, v.ChainHash)
	}
}

// TestStore_ErrorsHidePassword needs no server: the DSN is refused, or the
// connection fails, before any query.
func TestStore_ErrorsHidePassword(t *testing.T) {
	for _, tt := range []struct {
		dsn      string
		dsnError bool
	}{
		{"postgres://redline:s3cret@127.0.0.1:notaport/db", true},
		{"postgres://redline:s3cret@127.0.0.1/db?pool_max_conns=x", true},
		{"host=127.0.0.1 port=nope user=redline password=s3cret", true},
		{"postgres://redline:s3cret@127.0.0.1:1/db?connect_timeout=5", false},
	} {
		s := postgres.New(tt.dsn, nil)
		err := s.Open(t.Context())
		if err == nil {
			s.Close()
			t.Errorf("Open(%s) = nil, want an error", postgres.Redact(tt.dsn))
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("Open: error shows the password: %v", err)
		}
		var de *postgres.DSNError
		if got := errors.As(err, &de); got != tt.dsnError {
			t.Errorf("Open(%s): error %v is a DSNError: %t, want %t", postgres.Redact(tt.dsn), err, got, tt.dsnError)
		}
	}
}

func TestRedact(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"postgres://u:pw@h:5432/db?sslmode=disable", "postgres://u:xxxxx@h:5432/db?sslmode=disable"},
		{"postgresql://u@h/db", "postgresql://u@h/db"},
		{"postgres://u@h/db?password=pw", "postgres://u@h/db?password=xxxxx"},
		{"host=h password=pw user=u", "host=h password=xxxxx user=u"},
		{"host=h password='p w' user=u", "host=h password=xxxxx user=u"},
		{"postgres://u:p%zzw@h/db", "postgres://…@h/db"},
	} {
		if got := postgres.Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
