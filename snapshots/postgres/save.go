package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

// Save writes c and v in one transaction; snapshots.Store has the
// contract.
//
// The transaction first locks the article's row (SELECT … FOR UPDATE), then
// reads the latest version in a second statement. Concurrent savers of one
// article queue on the row lock, and under READ COMMITTED each statement
// sees what committed before it began, so the saver that gets the lock
// reads the version its predecessor wrote: the one that reads number n is
// the one that writes n+1. Reading the latest version in the locking
// statement itself (a join) would not do: PostgreSQL re-reads only the
// locked row after the wait, not the joined ones.
//
// A save that loses its connection is run again, whole (see retry): a lost
// connection rolls its transaction back. The one exception is a COMMIT whose
// answer was lost: the server may have committed. Running the save again
// would then find its own text as the latest version and record a second,
// "unchanged" check, and the caller would report a change it made as
// another process's. So the next attempt first looks for the check row the
// lost COMMIT would have stored (its ID came back before the COMMIT), and
// if it is there, the save is done.
func (s *Store) Save(ctx context.Context, c *snapshots.Check, v *snapshots.Version) error {
	return sqlstore.Saving(c, v, func(string) error { return s.retrySave(ctx, c, v) })
}

// retrySave runs attempts of save until one is done (see Save), and then
// sets c and v to what it wrote.
func (s *Store) retrySave(ctx context.Context, c *snapshots.Check, v *snapshots.Version) error {
	var (
		done   saved
		unsure *saved // an attempt whose COMMIT was sent, outcome unknown
	)
	err := s.retry(ctx, func() error {
		if unsure != nil {
			stored, err := s.checkStored(ctx, unsure.c.ID)
			if err != nil {
				return fmt.Errorf("look for the check of a commit cut off: %w", err)
			}
			if stored {
				done = *unsure
				return nil
			}
			unsure = nil
		}
		r, err := s.save(ctx, c, v)
		if err != nil {
			var ce *commitError
			if errors.As(err, &ce) {
				unsure = &r
			}
			return err
		}
		done = r
		return nil
	}, "article_id", c.ArticleID)
	if err != nil {
		return err
	}
	*c = done.c
	if done.v != nil {
		*v = *done.v
	}
	return nil
}

// saved is what one attempt of Save wrote: the check and, when the text
// was new, the version, with their IDs.
type saved struct {
	c snapshots.Check
	v *snapshots.Version
}

// commitError is a COMMIT that failed. If it lost the connection, the
// transaction may have committed all the same, whatever the error says:
// pgx v5.12 reports a COMMIT the server applied, whose answer was then
// lost, as "conn closed", an error it calls safe to retry.
type commitError struct{ err error }

func (e *commitError) Error() string { return "commit: " + e.err.Error() }
func (e *commitError) Unwrap() error { return e.err }

// checkStored reports whether the check with the given ID is stored.
func (s *Store) checkStored(ctx context.Context, id int64) (bool, error) {
	pool, err := s.conn()
	if err != nil {
		return false, err
	}
	var stored bool
	err = pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM checks WHERE id = $1)`, id).Scan(&stored)
	return stored, err
}

// save runs one attempt of Save. It changes neither c nor v. When the
// COMMIT fails it returns a *commitError, with what the transaction wrote.
func (s *Store) save(ctx context.Context, c *snapshots.Check, v *snapshots.Version) (saved, error) {
	pool, err := s.conn()
	if err != nil {
		return saved{}, err
	}
	// Work on copies: c and v change only once a transaction commits.
	w, err := s.prepareSave(*c, v)
	if err != nil {
		return saved{}, err
	}
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return saved{}, err
	}
	// Rollback after Commit returns ErrTxClosed; nothing to undo then.
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := w.readLatest(ctx, tx); err != nil {
		return saved{}, err
	}
	if err := w.write(ctx, tx); err != nil {
		return saved{}, err
	}
	out := saved{c: w.Check}
	if w.WithVersion {
		out.v = &w.Version
	}
	if err := tx.Commit(ctx); err != nil {
		return out, &commitError{err}
	}
	return out, nil
}

// saveAttempt is what one attempt of Save works on: the check and the
// version, validated, completed and encoded before the transaction, and
// what the transaction read of the article's latest version.
type saveAttempt struct {
	sqlstore.Save
	blob []byte // the version's body, compressed

	last     int    // the latest version's number, 0 for none
	prev     string // its chain hash
	lastText string // its text hash
}

// prepareSave validates the check cc and the version v (nil for none)
// against each other, fills in what they leave to the store, and encodes
// what goes in the rows.
func (s *Store) prepareSave(cc snapshots.Check, v *snapshots.Version) (*saveAttempt, error) {
	sv, err := sqlstore.PrepareSave(cc, v)
	if err != nil {
		return nil, err
	}
	w := &saveAttempt{Save: sv}
	if sv.WithVersion {
		// Compress before taking the row lock, which other savers of the
		// article may be waiting for.
		if w.blob, err = s.compress(sv.Version.Raw); err != nil {
			return nil, fmt.Errorf("compress body: %w", err)
		}
	}
	return w, nil
}

// readLatest locks the article's row and reads its latest version. The
// lock and the read go in one round trip, as two statements: the second
// one's snapshot is taken once the lock is held. A version whose text is
// already the latest becomes a check confirming it; one numbered other
// than the next is a conflict.
func (w *saveAttempt) readLatest(ctx context.Context, tx pgx.Tx) error {
	found := false
	var reads pgx.Batch
	reads.Queue(`SELECT true FROM articles WHERE id = $1 FOR UPDATE`, w.Check.ArticleID).QueryRow(func(r pgx.Row) error {
		err := r.Scan(&found)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("lock article: %w", err)
		}
		return nil
	})
	if w.WithVersion {
		reads.Queue(`SELECT number, chain_hash, text_sha256 FROM versions
			WHERE article_id = $1 ORDER BY number DESC LIMIT 1`, w.Version.ArticleID).QueryRow(func(r pgx.Row) error {
			err := r.Scan(&w.last, &w.prev, &w.lastText)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return fmt.Errorf("read latest version: %w", err)
			}
			return nil
		})
	}
	var confirmed string
	confirmedFound := false
	if w.Confirming() {
		reads.Queue(`SELECT text_sha256 FROM versions WHERE article_id = $1 AND number = $2`, w.Check.ArticleID, w.Check.Version).QueryRow(func(r pgx.Row) error {
			err := r.Scan(&confirmed)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return fmt.Errorf("read confirmed version: %w", err)
			}
			confirmedFound = err == nil
			return nil
		})
	}
	if err := tx.SendBatch(ctx, &reads).Close(); err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("article %d: %w", w.Check.ArticleID, snapshots.ErrNotFound)
	}
	if err := w.Confirmed(confirmed, confirmedFound); err != nil {
		return err
	}
	return w.Follow(w.last, w.lastText)
}

// write stores the version (its body, then its row), the check and the
// article's schedule, in one round trip.
func (w *saveAttempt) write(ctx context.Context, tx pgx.Tx) error {
	var writes pgx.Batch
	if w.WithVersion {
		w.queueVersion(&writes)
	}
	cc := &w.Check
	writes.Queue(`INSERT INTO checks (article_id, at, status, final_url, etag,
		last_modified, raw_sha256, text_sha256, outcome, error, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		cc.ArticleID, w.CheckAt, cc.Status, cc.FinalURL, cc.ETag,
		cc.LastModified, cc.RawSHA256, cc.TextSHA256, string(cc.Outcome), cc.Error, cc.Version).QueryRow(func(r pgx.Row) error {
		if err := r.Scan(&cc.ID); err != nil {
			return fmt.Errorf("insert check: %w", err)
		}
		return nil
	})
	// One statement for the schedule and the validators: each is kept as
	// it was when this check has nothing to say about it. A recorded check
	// also ends the article's lease.
	writes.Queue(`UPDATE articles SET
		next_check    = CASE WHEN $1 = '' THEN next_check ELSE $1 END,
		etag          = CASE WHEN $2 THEN $3 ELSE etag END,
		last_modified = CASE WHEN $2 THEN $4 ELSE last_modified END,
		lease_owner   = '',
		lease_until   = '',
		canonical_url = CASE WHEN $6 AND canonical_url = '' THEN url ELSE canonical_url END
		WHERE id = $5`, w.NextCheck, w.Validators(), cc.ETag, cc.LastModified, cc.ArticleID, w.Read()).Exec(func(pgconn.CommandTag) error { return nil })
	if err := tx.SendBatch(ctx, &writes).Close(); err != nil {
		// The version insert's error already names its statement; the
		// blob's, the schedule's and the server's errors are named here.
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

// queueVersion numbers and chains the version after the latest one and
// queues its body and its row.
func (w *saveAttempt) queueVersion(writes *pgx.Batch) {
	w.Chain(w.last, w.prev)
	vv, row := &w.Version, &w.Row

	// Bodies are content-addressed: the same body, saved again by this
	// article or another, is stored once.
	writes.Queue(`INSERT INTO blobs (sha256, size, data) VALUES ($1, $2, $3)
			ON CONFLICT (sha256) DO NOTHING`, vv.RawSHA256, len(vv.Raw), w.blob).Exec(func(pgconn.CommandTag) error { return nil })
	// The version is queued for the search index in the same statement
	// (migration 0010); IndexPending works out its words off this path.
	writes.Queue(`WITH v AS (INSERT INTO versions (article_id, number, at, title, byline,
			published, modified, text, text_sha256, raw_sha256, header, prev_hash, chain_hash,
			changes, severity, kinds, notes, dek, reading, reread)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
			RETURNING id),
		s AS (INSERT INTO search_pending (version_id) SELECT id FROM v)
		SELECT id FROM v`,
		vv.ArticleID, vv.Number, row.At, vv.Title, vv.Byline,
		vv.Published, vv.Modified, vv.Text, vv.TextSHA256, vv.RawSHA256, vv.Header, vv.PrevHash, vv.ChainHash,
		row.Changes, vv.Severity, row.Kinds, row.Notes, vv.Dek, row.Reading, vv.Reread).QueryRow(func(r pgx.Row) error {
		if err := r.Scan(&vv.ID); err != nil {
			return fmt.Errorf("insert version %d: %w", vv.Number, err)
		}
		return nil
	})
	if vv.Import != nil {
		writes.Queue(sqlstore.InsertImport(sqlstore.PostgreSQL), vv.ArticleID, vv.Number,
			vv.Import.Archive, vv.Import.Record).Exec(func(pgconn.CommandTag) error { return nil })
	}
}
