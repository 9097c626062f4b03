package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

// fakeBackend records what Core asks of a store's transactions; its
// queries return no rows.
type fakeBackend struct {
	calls    []string
	execErr  error // what ExecAll returns
	notOpen  error // what Conn returns
	inTxRead bool  // a query ran inside a transaction
}

func (b *fakeBackend) Conn() (sqlstore.Conn, error) {
	if b.notOpen != nil {
		return nil, b.notOpen
	}
	return fakeConn{b, false}, nil
}

func (b *fakeBackend) Write(ctx context.Context, what string, op func() error) error {
	b.calls = append(b.calls, "write "+what)
	return op()
}

func (b *fakeBackend) LoadVersions(context.Context, bool, string, ...any) ([]snapshots.Version, error) {
	return nil, nil
}

type fakeConn struct {
	b    *fakeBackend
	inTx bool
}

func (c fakeConn) Query(context.Context, string, ...any) (sqlstore.Rows, error) {
	if c.inTx {
		c.b.inTxRead = true
	}
	return noRows{}, nil
}

func (c fakeConn) QueryRow(context.Context, string, ...any) func(dest ...any) error {
	return func(...any) error { return sqlstore.ErrNoRows }
}

func (c fakeConn) Exec(context.Context, string, ...any) (int64, error) { return 0, nil }

func (c fakeConn) Begin(_ context.Context, readOnly bool) (sqlstore.Tx, error) {
	c.b.calls = append(c.b.calls, fmt.Sprintf("begin read-only=%v", readOnly))
	return fakeTx{fakeConn{c.b, true}}, nil
}

type fakeTx struct{ fakeConn }

func (t fakeTx) ExecAll(_ context.Context, stmts []sqlstore.Statement) error {
	t.b.calls = append(t.b.calls, fmt.Sprintf("exec %d", len(stmts)))
	return t.b.execErr
}

func (t fakeTx) Commit(context.Context) error {
	t.b.calls = append(t.b.calls, "commit")
	return nil
}

func (t fakeTx) Rollback(ctx context.Context) {
	if ctx.Err() != nil {
		t.b.calls = append(t.b.calls, "rollback with a done context")
		return
	}
	t.b.calls = append(t.b.calls, "rollback")
}

type noRows struct{}

func (noRows) Next() bool        { return false }
func (noRows) Scan(...any) error { return nil }
func (noRows) Err() error        { return nil }
func (noRows) Close()            {}

// TestCoreTransactions: Core writes a batch in one read-write transaction
// it commits, rolls it back (even with its context cancelled) when a
// statement fails, reads Status in a read-only one, and fails as the store
// does while it is not open.
func TestCoreTransactions(t *testing.T) {
	as := []snapshots.Article{{URL: "https://news.example/a"}, {URL: "https://news.example/b"}}
	at := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	for i := range as {
		as[i].FirstSeen = at
	}

	b := &fakeBackend{}
	c := sqlstore.NewCore(sqlstore.SQLite, b, sqlstore.ListPage, sqlstore.SearchIndex{})
	if err := c.AddArticles(t.Context(), as); err != nil {
		t.Fatal(err)
	}
	want := []string{"write add articles", "begin read-only=false", "exec 2", "commit", "rollback"}
	if !reflect.DeepEqual(b.calls, want) {
		t.Errorf("AddArticles: %q, want %q", b.calls, want)
	}

	full := errors.New("disk full")
	b = &fakeBackend{execErr: full}
	c = sqlstore.NewCore(sqlstore.SQLite, b, sqlstore.ListPage, sqlstore.SearchIndex{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := c.AddArticles(ctx, as); !errors.Is(err, full) {
		t.Errorf("AddArticles with a failing statement: %v, want %v", err, full)
	}
	want = []string{"write add articles", "begin read-only=false", "exec 2", "rollback"}
	if !reflect.DeepEqual(b.calls, want) {
		t.Errorf("AddArticles with a failing statement: %q, want %q", b.calls, want)
	}

	b = &fakeBackend{}
	c = sqlstore.NewCore(sqlstore.SQLite, b, sqlstore.ListPage, sqlstore.SearchIndex{})
	if _, err := c.Status(t.Context(), snapshots.StatusFilter{Now: at}); err != nil {
		t.Fatal(err)
	}
	want = []string{"begin read-only=true", "commit", "rollback"}
	if !reflect.DeepEqual(b.calls, want) || !b.inTxRead {
		t.Errorf("Status: %q, queries in the transaction %v; want %q, true", b.calls, b.inTxRead, want)
	}

	closed := errors.New("store not open")
	c = sqlstore.NewCore(sqlstore.SQLite, &fakeBackend{notOpen: closed}, sqlstore.ListPage, sqlstore.SearchIndex{})
	if _, err := c.Status(t.Context(), snapshots.StatusFilter{Now: at}); !errors.Is(err, closed) {
		t.Errorf("Status of a closed store: %v, want %v", err, closed)
	}
	if _, err := c.Article(t.Context(), "https://news.example/a"); !errors.Is(err, closed) {
		t.Errorf("Article of a closed store: %v, want %v", err, closed)
	}
}
