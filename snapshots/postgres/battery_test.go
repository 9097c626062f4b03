package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/redline-news/redline/internal/syncio"
	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/postgres"
	"github.com/redline-news/redline/snapshots/storetest"
)

// TestBattery runs case S10 of the reliability battery, PostgreSQL loss:
// a save whose connection is lost (backend terminated mid-transaction, the
// server stopped, a COMMIT's answer lost) fails and is retried with
// backoff, stores no partial and no duplicate version, and leaves a pool
// that works; a deadline stops it at once.
func TestBattery(t *testing.T) {
	t.Run("S10_backend_terminated", batteryBackendTerminated)
	t.Run("S10_deadline", batteryDeadline)
	t.Run("S10_server_stopped", batteryServerStopped)
	t.Run("S10_commit_answer_lost", batteryCommitAnswerLost)
}

// saveTimeout bounds how long a test waits for a Save that should return:
// far above what any of them needs, so that only a hang fails it.
const saveTimeout = time.Minute

// batteryBackendTerminated: a Save waits inside its transaction for the
// article's row lock, which the test holds; pg_terminate_backend kills
// its backend there. The Save logs a retry, succeeds on a new connection
// once the lock is released, and stores exactly one version and one check.
func batteryBackendTerminated(t *testing.T) {
	dsn := newSchema(t)
	s, logs := openLogged(t, dsn)
	a := storetest.AddArticle(t, s, "https://news.example/s10-terminated")
	v1 := storetest.SaveBody(t, s, a, 1, "first text", "<p>first</p>")

	lock := lockArticle(t, dsn, a.ID)
	c, v := newSave(a, 2, "second text")
	done := goSave(t.Context(), s, c, v)
	pid, query := lock.waitBlocked(t)
	if !strings.Contains(query, "FOR UPDATE") {
		t.Errorf("blocked backend %d runs %q, want the save's row lock", pid, query)
	}
	var terminated bool
	if err := lock.conn.QueryRow(t.Context(), "SELECT pg_terminate_backend($1)", pid).Scan(&terminated); err != nil || !terminated {
		t.Fatalf("pg_terminate_backend(%d) = %t, %v", pid, terminated, err)
	}
	lock.release(t)

	if err := wait(t, done); err != nil {
		t.Fatalf("Save after its backend was terminated: %v", err)
	}
	if got := logs.String(); !strings.Contains(got, "store connection lost; retrying") ||
		!strings.Contains(got, fmt.Sprintf("article_id=%d attempt=1", a.ID)) {
		t.Errorf("log has no retry of article %d:\n%s", a.ID, got)
	}
	if c.Outcome != snapshots.OutcomeNew || c.Version != 2 || v.Number != 2 || v.PrevHash != v1.ChainHash {
		t.Errorf("Save: outcome %s, check version %d, version %d with PrevHash %s; want new, 2, 2 with %s",
			c.Outcome, c.Version, v.Number, v.PrevHash, v1.ChainHash)
	}
	wantRows(t, s, 2, 2)
	storetest.Verified(t, s)
	storetest.SaveBody(t, s, a, 3, "third text", "<p>third</p>") // the pool recovered
}

// batteryDeadline: a Save waiting for a row lock past its context's
// deadline returns an error that matches context.DeadlineExceeded, names
// the article, and stores nothing; it is not retried.
func batteryDeadline(t *testing.T) {
	dsn := newSchema(t)
	s, logs := openLogged(t, dsn)
	a := storetest.AddArticle(t, s, "https://news.example/s10-deadline")
	storetest.SaveBody(t, s, a, 1, "first text", "<p>first</p>")

	lock := lockArticle(t, dsn, a.ID)
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	c, v := newSave(a, 2, "second text")
	err := wait(t, goSave(ctx, s, c, v))
	lock.release(t)
	t.Logf("Save past its deadline: %v", err)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), fmt.Sprintf("article %d", a.ID)) {
		t.Errorf("Save past its deadline: err = %v, want context.DeadlineExceeded naming article %d", err, a.ID)
	}
	if strings.Contains(logs.String(), "retrying") {
		t.Errorf("a deadline was retried:\n%s", logs)
	}
	if c.ID != 0 || v.Number != 0 {
		t.Errorf("failed Save changed its arguments: check ID %d, version %d", c.ID, v.Number)
	}
	wantRows(t, s, 1, 1)
	storetest.SaveBody(t, s, a, 3, "third text", "<p>third</p>") // the pool recovered
	storetest.Verified(t, s)
}

// batteryServerStopped: with the server gone (every pooled connection
// dropped, new ones closed at once), a Save tries writeAttempts times and
// gives up with an error naming the article and the lost connection,
// storing nothing. Once the server is back, the same store saves.
func batteryServerStopped(t *testing.T) {
	dsn := newSchema(t)
	direct := open(t, dsn)
	p := newFaultProxy(t, dsn, nil)
	s, logs := openLogged(t, p.dsn(t, dsn))
	a := storetest.AddArticle(t, s, "https://news.example/s10-stopped")
	storetest.SaveBody(t, s, a, 1, "first text", "<p>first</p>")

	p.setDown(true)
	c, v := newSave(a, 2, "second text")
	err := wait(t, goSave(t.Context(), s, c, v))
	t.Logf("Save with the server stopped: %v", err)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("save version of article %d: connection lost on each of 3 attempts", a.ID)) {
		t.Errorf("Save with the server stopped: err = %v, want it to give up after 3 attempts, naming article %d", err, a.ID)
	}
	if n := strings.Count(logs.String(), "store connection lost; retrying"); n != 2 {
		t.Errorf("logged %d retries, want 2:\n%s", n, logs)
	}
	if p.cuts.Load() < 3 {
		t.Errorf("the proxy cut %d connections, want one per attempt at least", p.cuts.Load())
	}
	wantRows(t, direct, 1, 1)

	p.setDown(false)
	c, v = newSave(a, 3, "second text")
	if err := s.Save(t.Context(), c, v); err != nil {
		t.Fatalf("Save once the server is back: %v", err)
	}
	if v.Number != 2 {
		t.Errorf("Save once the server is back: version %d, want 2", v.Number)
	}
	wantRows(t, direct, 2, 2)
	storetest.Verified(t, direct)
}

// batteryCommitAnswerLost: the connection drops after the server has
// committed a Save but before its answer arrives. The retry must find the
// save done rather than run it again: a second run would see its own text
// as the latest version, add a second check and report the change as
// "unchanged".
func batteryCommitAnswerLost(t *testing.T) {
	dsn := newSchema(t)
	direct := open(t, dsn)
	var armed atomic.Bool // the next COMMIT is to lose its answer
	p := newFaultProxy(t, dsn, func(typ byte, body []byte) fault {
		// pgx commits with a simple query; "begin isolation level read
		// committed" must not match.
		if typ == 'Q' && string(body) == "commit\x00" && armed.CompareAndSwap(true, false) {
			return cutReply
		}
		return pass
	})
	s, logs := openLogged(t, p.dsn(t, dsn))
	a := storetest.AddArticle(t, s, "https://news.example/s10-commit")
	storetest.SaveBody(t, s, a, 1, "first text", "<p>first</p>")

	armed.Store(true)
	c, v := newSave(a, 2, "second text")
	if err := wait(t, goSave(t.Context(), s, c, v)); err != nil {
		t.Fatalf("Save whose COMMIT answer was lost: %v", err)
	}
	if p.cuts.Load() != 1 {
		t.Fatalf("the proxy cut %d connections, want 1", p.cuts.Load())
	}
	if !strings.Contains(logs.String(), "store connection lost; retrying") {
		t.Errorf("log has no retry:\n%s", logs)
	}
	if c.Outcome != snapshots.OutcomeNew || c.Version != 2 || v.Number != 2 || c.ID == 0 || v.ID == 0 {
		t.Errorf("Save: outcome %s, check %d with version %d, version %d (ID %d); want a new version 2 with IDs",
			c.Outcome, c.ID, c.Version, v.Number, v.ID)
	}
	wantRows(t, direct, 2, 2)
	storetest.Verified(t, direct)
}

// openLogged opens a store on dsn whose log the test can read; it also
// goes to the test's output.
func openLogged(t *testing.T, dsn string) (*postgres.Store, *syncio.Buffer) {
	t.Helper()
	logs := &syncio.Buffer{}
	s := postgres.New(dsn, slog.New(slog.NewTextHandler(io.MultiWriter(logs, t.Output()), nil)))
	return storetest.Open(t, s), logs
}

// newSave returns a check and a version of a with the given text, as the
// i-th check of it.
func newSave(a snapshots.Article, i int, text string) (*snapshots.Check, *snapshots.Version) {
	return &snapshots.Check{ArticleID: a.ID, At: base.Add(time.Duration(i) * time.Hour), Status: 200},
		&snapshots.Version{Title: "Headline", Text: text, Raw: []byte("<p>" + text + "</p>"), Header: "Content-Type: text/html"}
}

// goSave runs s.Save in a goroutine; its error comes on the channel.
func goSave(ctx context.Context, s *postgres.Store, c *snapshots.Check, v *snapshots.Version) <-chan error {
	done := make(chan error, 1)
	go func() { done <- s.Save(ctx, c, v) }()
	return done
}

// wait returns what goSave's Save returned, failing t if it hangs.
func wait(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(saveTimeout):
		t.Fatalf("Save did not return in %s", saveTimeout)
		return nil
	}
}

// rowLock is a transaction of the test's own holding an article's row
// lock, as a concurrent saver would, so that a Save waits inside its
// transaction where the test can find it.
type rowLock struct {
	conn *pgx.Conn
	tx   pgx.Tx
	pid  int // the backend holding the lock
}

func lockArticle(t *testing.T, dsn string, id int64) *rowLock {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	l := &rowLock{conn: conn}
	if err := conn.QueryRow(t.Context(), "SELECT pg_backend_pid()").Scan(&l.pid); err != nil {
		t.Fatalf("backend pid: %v", err)
	}
	if l.tx, err = conn.Begin(t.Context()); err != nil {
		t.Fatalf("begin: %v", err)
	}
	if _, err := l.tx.Exec(t.Context(), "SELECT 1 FROM articles WHERE id = $1 FOR UPDATE", id); err != nil {
		t.Fatalf("lock article %d: %v", id, err)
	}
	return l
}

// waitBlocked returns the backend waiting for the lock, and its query.
func (l *rowLock) waitBlocked(t *testing.T) (pid int, query string) {
	t.Helper()
	// A second connection: the locking one is busy holding its transaction
	// open, and pg_stat_activity is visible from any.
	conn, err := pgx.Connect(t.Context(), l.conn.Config().ConnString())
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(context.Background())
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	timeout := time.After(saveTimeout)
	for {
		err := conn.QueryRow(t.Context(), `SELECT pid, query FROM pg_stat_activity
			WHERE $1 = ANY (pg_blocking_pids(pid)) AND wait_event_type = 'Lock'`, l.pid).Scan(&pid, &query)
		if err == nil {
			return pid, query
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			t.Fatalf("find the blocked save: %v", err)
		}
		select {
		case <-tick.C:
		case <-timeout:
			t.Fatalf("no backend waited for the lock of backend %d in %s", l.pid, saveTimeout)
		}
	}
}

func (l *rowLock) release(t *testing.T) {
	t.Helper()
	if err := l.tx.Rollback(t.Context()); err != nil {
		t.Fatalf("release the row lock: %v", err)
	}
}

// wantRows checks how many versions and checks the schema holds.
func wantRows(t *testing.T, s *postgres.Store, versions, checks int) {
	t.Helper()
	if n := harness.Count(t, s, "versions"); n != versions {
		t.Errorf("%d versions stored, want %d", n, versions)
	}
	if n := harness.Count(t, s, "checks"); n != checks {
		t.Errorf("%d checks stored, want %d", n, checks)
	}
}
