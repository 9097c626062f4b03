package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/redline-news/redline/internal/testtool"
	"github.com/redline-news/redline/snapshots/postgres"
)

// envDSN names the PostgreSQL database the tests use. scripts/test starts a
// throwaway server and sets it.
const envDSN = "REDLINE_TEST_POSTGRES"

// serverDSN returns the DSN of the test server. Without one the test skips,
// except under CI, where a missing server is a failure: a CI run that
// skipped the store the daemon runs on would pass without testing it.
func serverDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(envDSN)
	if dsn != "" {
		return dsn
	}
	testtool.Missing(t, fmt.Sprintf("%s is not set under CI: the PostgreSQL store must be tested in CI; run ./scripts/test, which starts a server", envDSN),
		fmt.Sprintf("%s is not set: run ./scripts/test (it starts a throwaway PostgreSQL on 127.0.0.1), "+
			"or set %s=postgres://USER@127.0.0.1:PORT/DB?sslmode=disable for a database the tests may create schemas in",
			envDSN, envDSN))
	return ""
}

// newSchema creates an empty schema of its own for t, dropped when t ends,
// and returns a DSN whose connections create and find tables in it. Tests
// and test packages running at once never see each other's tables.
func newSchema(t testing.TB) string {
	t.Helper()
	dsn := serverDSN(t)
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	schema := "redline_test_" + hex.EncodeToString(b[:])
	admin, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatalf("connect to %s: %v", postgres.Redact(dsn), err)
	}
	_, err = admin.Exec(t.Context(), "CREATE SCHEMA "+schema)
	admin.Close(t.Context())
	if err != nil {
		t.Fatalf("create schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		// t.Context is done by now; the drop still has to run.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return withSearchPath(t, dsn, schema)
}

// withSearchPath returns dsn with search_path set to schema: pgx sends
// unknown DSN parameters as run-time settings on every connection.
func withSearchPath(t testing.TB, dsn, schema string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		// A "key=value" DSN.
		return dsn + " search_path=" + schema
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// open opens a store on dsn and closes it when t ends.
func open(t testing.TB, dsn string) *postgres.Store {
	t.Helper()
	return harness.Opened(t, dsn).(*postgres.Store)
}
