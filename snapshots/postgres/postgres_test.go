package postgres_test

import (
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/postgres"
	"github.com/redline-news/redline/snapshots/storetest"
)

func TestStore_Conformance(t *testing.T) {
	serverDSN(t)
	storetest.Run(t, func(t *testing.T) snapshots.Store {
		return open(t, newSchema(t))
	})
}

var base = time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.UTC)

func addArticle(t testing.TB, s *postgres.Store, url string) snapshots.Article {
	t.Helper()
	a, err := s.AddArticle(t.Context(), snapshots.Article{URL: url, Source: "example", FirstSeen: base})
	if err != nil {
		t.Fatalf("AddArticle: %v", err)
	}
	return a
}

// saveVersion saves a version of a with the given text and body.
func saveVersion(t testing.TB, s *postgres.Store, a snapshots.Article, i int, text, raw string) *snapshots.Version {
	t.Helper()
	at := base.Add(time.Duration(i) * time.Hour)
	v := &snapshots.Version{Title: "Headline", Text: text, Raw: []byte(raw), Header: "Content-Type: text/html"}
	if err := s.Save(t.Context(), &snapshots.Check{ArticleID: a.ID, At: at, Status: 200}, v); err != nil {
		t.Fatalf("Save: %v", err)
	}
	return v
}

func count(t testing.TB, s *postgres.Store, table string) int {
	t.Helper()
	var n int
	if err := postgres.Pool(s).QueryRow(t.Context(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func TestStore_Reopen(t *testing.T) {
	dsn := newSchema(t)
	s := postgres.New(dsn, slog.New(slog.DiscardHandler))
	if err := s.Open(t.Context()); err != nil {
		t.Fatalf("Open: %v", err)
	}
	a := addArticle(t, s, "https://news.example/a")
	saveVersion(t, s, a, 1, "one", "<p>one</p>")
	v2 := saveVersion(t, s, a, 2, "two", "<p>two</p>")
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s = open(t, dsn)
	got, err := s.Latest(t.Context(), a.ID)
	if err != nil {
		t.Fatalf("Latest after reopen: %v", err)
	}
	if got.Number != 2 || got.ChainHash != v2.ChainHash || got.Text != "two" {
		t.Errorf("Latest after reopen: version %d, text %q, chain %s; want 2, %q, %s",
			got.Number, got.Text, got.ChainHash, "two", v2.ChainHash)
	}
	v3 := saveVersion(t, s, a, 3, "three", "<p>three</p>")
	if v3.Number != 3 || v3.PrevHash != v2.ChainHash {
		t.Errorf("Save after reopen: version %d with PrevHash %s, want 3 with %s", v3.Number, v3.PrevHash, v2.ChainHash)
	}
}

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

func TestStore_MigrationsIdempotent(t *testing.T) {
	dsn := newSchema(t)
	var first []string
	for i := range 3 {
		s := postgres.New(dsn, slog.New(slog.DiscardHandler))
		s.Now = func() time.Time { return base.Add(time.Duration(i) * time.Hour) }
		if err := s.Open(t.Context()); err != nil {
			t.Fatalf("Open #%d: %v", i+1, err)
		}
		if i == 0 {
			addArticle(t, s, "https://news.example/a")
		}
		got := schemaMigrations(t, s)
		if n := count(t, s, "articles"); n != 1 {
			t.Errorf("Open #%d: %d articles, want 1", i+1, n)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if len(got) != postgres.Migrations() {
			t.Errorf("Open #%d: schema_migrations has %d rows, want %d", i+1, len(got), postgres.Migrations())
		}
		if i == 0 {
			first = got
		} else if strings.Join(got, "\n") != strings.Join(first, "\n") {
			t.Errorf("Open #%d reapplied migrations:\ngot  %q\nwant %q", i+1, got, first)
		}
	}
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

func TestStore_RefusesNewerSchema(t *testing.T) {
	dsn := newSchema(t)
	s := open(t, dsn)
	if _, err := postgres.Pool(s).Exec(t.Context(),
		"INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', 'x')"); err != nil {
		t.Fatalf("insert future migration: %v", err)
	}
	s2 := postgres.New(dsn, slog.New(slog.DiscardHandler))
	err := s2.Open(t.Context())
	if err == nil {
		s2.Close()
		t.Fatal("Open of a newer schema: err = nil, want an error")
	}
	if !strings.Contains(err.Error(), "9999") {
		t.Errorf("Open of a newer schema: err = %v, want it to name version 9999", err)
	}
}

func TestStore_BlobDedupe(t *testing.T) {
	s := open(t, newSchema(t))
	a := addArticle(t, s, "https://news.example/a")
	b := addArticle(t, s, "https://news.example/b")
	// The same body can yield new text when the extraction rules change, so
	// bodies repeat across versions and articles.
	saveVersion(t, s, a, 1, "one", "<p>body</p>")
	saveVersion(t, s, a, 2, "two", "<p>other</p>")
	saveVersion(t, s, a, 3, "three", "<p>body</p>")
	saveVersion(t, s, b, 4, "one", "<p>body</p>")
	if n := count(t, s, "versions"); n != 4 {
		t.Errorf("versions: %d rows, want 4", n)
	}
	if n := count(t, s, "blobs"); n != 2 {
		t.Errorf("blobs: %d rows, want 2 (one per distinct body)", n)
	}
	for _, n := range []int{1, 3} {
		v, err := s.Version(t.Context(), a.ID, n)
		if err != nil {
			t.Fatalf("Version(%d): %v", n, err)
		}
		if string(v.Raw) != "<p>body</p>" {
			t.Errorf("Version(%d): Raw = %q, want %q", n, v.Raw, "<p>body</p>")
		}
	}
}

func TestStore_BlobsAreCompressed(t *testing.T) {
	s := open(t, newSchema(t))
	a := addArticle(t, s, "https://news.example/a")
	raw := strings.Repeat("<p>The same paragraph again.</p>\n", 1000)
	saveVersion(t, s, a, 1, "one", raw)
	var stored, size int
	if err := postgres.Pool(s).QueryRow(t.Context(), "SELECT length(data), size FROM blobs").Scan(&stored, &size); err != nil {
		t.Fatalf("read blob: %v", err)
	}
	if size != len(raw) || stored >= size/10 {
		t.Errorf("blob: %d bytes stored for size %d, want size %d and under a tenth of it", stored, size, len(raw))
	}
}

// TestStore_TimesKeepNanoseconds checks that the stored form keeps what
// timestamptz would round to microseconds: the chain hash covers the time
// to the nanosecond.
func TestStore_TimesKeepNanoseconds(t *testing.T) {
	s := open(t, newSchema(t))
	a := addArticle(t, s, "https://news.example/a")
	v := saveVersion(t, s, a, 0, "one", "<p>one</p>")
	got, err := s.Version(t.Context(), a.ID, 1) // with Header, which the hash covers
	if err != nil {
		t.Fatal(err)
	}
	if got.At.Nanosecond() != base.Nanosecond() || snapshots.ChainHash(got) != v.ChainHash {
		t.Errorf("Version(1): At = %v, ChainHash %s; want %v, %s", got.At, snapshots.ChainHash(got), base, v.ChainHash)
	}
}

func TestStore_NotOpen(t *testing.T) {
	s := postgres.New("postgres://redline@127.0.0.1:1/none", nil)
	if _, err := s.Latest(t.Context(), 1); err == nil {
		t.Error("Latest before Open: err = nil, want an error")
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close before Open: %v", err)
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
