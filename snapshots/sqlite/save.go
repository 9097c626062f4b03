package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

// Save writes c and v to the file in one IMMEDIATE transaction (see dsn):
// concurrent savers queue for the write lock, under the busy timeout,
// before they read the latest version, so the one that reads number n is
// the one that writes n+1. See snapshots.Store for the contract.
func (s *Store) Save(ctx context.Context, c *snapshots.Check, v *snapshots.Version) error {
	return sqlstore.Saving(c, v, func(what string) error {
		return s.classify(what, s.save(ctx, c, v))
	})
}

func (s *Store) save(ctx context.Context, c *snapshots.Check, v *snapshots.Version) error {
	j, err := s.prepareSave(ctx, c, v)
	if err != nil {
		return err
	}
	if err := s.group.submit(j); err != nil {
		return err
	}
	*c = j.Check
	if j.WithVersion {
		*v = j.Version
	}
	return nil
}

// prepareSave checks c and v and does the work a save needs before the
// write lock: hashing, encoding and compressing the body.
func (s *Store) prepareSave(ctx context.Context, c *snapshots.Check, v *snapshots.Version) (*saveJob, error) {
	db, err := s.conn()
	if err != nil {
		return nil, err
	}
	sv, err := sqlstore.PrepareSave(*c, v)
	if err != nil {
		return nil, err
	}
	j := &saveJob{ctx: ctx, Save: sv}
	if sv.WithVersion {
		// Encode and compress before taking the write lock, which every
		// other saver is waiting for.
		if j.kinds, err = jsonList("kinds", sv.Row.Kinds); err != nil {
			return nil, err
		}
		if j.notes, err = jsonList("notes", sv.Row.Notes); err != nil {
			return nil, err
		}
		if j.blob, err = s.encodeBody(ctx, db, sv.Version); err != nil {
			return nil, err
		}
	}
	return j, nil
}

// jsonList encodes a list column: SQLite keeps lists as JSON arrays.
func jsonList(what string, xs []string) (string, error) {
	b, err := json.Marshal(xs)
	if err != nil {
		return "", fmt.Errorf("encode %s: %w", what, err)
	}
	return string(b), nil
}

// writeSave runs a save's statements in tx, which a batch of saves
// shares (see group.go). It changes j only through its own fields; the
// caller sees them once the batch has committed.
func (s *Store) writeSave(ctx context.Context, tx *sql.Tx, j *saveJob) error {
	if err := s.scheduleArticle(ctx, tx, j); err != nil {
		return err
	}
	if j.Confirming() {
		if err := s.confirmVersion(ctx, tx, j); err != nil {
			return err
		}
	}
	if j.WithVersion {
		if err := s.writeVersion(ctx, tx, j); err != nil {
			return err
		}
	}
	return s.insertCheck(ctx, tx, j)
}

// scheduleArticle is one statement for the schedule and the validators:
// each is kept as it was when this check has nothing to say about it. A
// recorded check also ends the article's lease. It comes first: no row
// updated means no such article.
func (s *Store) scheduleArticle(ctx context.Context, tx *sql.Tx, j *saveJob) error {
	cc := &j.Check
	res, err := s.txExec(ctx, tx, `UPDATE articles SET
		next_check    = CASE WHEN ?1 = '' THEN next_check ELSE ?1 END,
		etag          = CASE WHEN ?2 THEN ?3 ELSE etag END,
		last_modified = CASE WHEN ?2 THEN ?4 ELSE last_modified END,
		lease_owner   = '',
		lease_until   = '',
		canonical_url = CASE WHEN ?6 AND canonical_url = '' THEN url ELSE canonical_url END
		WHERE id = ?5`, j.NextCheck, j.Validators(), cc.ETag, cc.LastModified, cc.ArticleID, j.Read())
	if err != nil {
		return fmt.Errorf("schedule article: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("schedule article: %w", err)
	} else if n == 0 {
		return fmt.Errorf("article %d: %w", cc.ArticleID, snapshots.ErrNotFound)
	}
	return nil
}

// confirmVersion checks that the version a check confirms is stored
// with the text the check read.
func (s *Store) confirmVersion(ctx context.Context, tx *sql.Tx, j *saveJob) error {
	cc := &j.Check
	var text string
	row, err := s.txQueryRow(ctx, tx, `SELECT text_sha256 FROM versions WHERE article_id = ? AND number = ?`, cc.ArticleID, cc.Version)
	if err == nil {
		err = row.Scan(&text)
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read confirmed version: %w", err)
	}
	return j.Confirmed(text, err == nil)
}

// writeVersion numbers and chains the new version after the article's
// latest one (or finds it holds the same text) and inserts it, with its body, its place in the search
// queue and its import record.
func (s *Store) writeVersion(ctx context.Context, tx *sql.Tx, j *saveJob) error {
	vv, row := &j.Version, &j.Row
	var last int
	var prev, lastText, lastAt string
	latest, err := s.txQueryRow(ctx, tx, `SELECT number, chain_hash, text_sha256, at FROM versions
		WHERE article_id = ? ORDER BY number DESC LIMIT 1`, vv.ArticleID)
	if err == nil {
		err = latest.Scan(&last, &prev, &lastText, &lastAt)
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read latest version: %w", err)
	}
	if err := j.Follow(last, lastText); err != nil {
		return err
	}
	if !j.WithVersion {
		return nil // the latest version has this text already: a check only
	}
	// Versions are numbered by this sequence, never by time, so a
	// clock that moved backwards (NTP step, restored VM) breaks neither
	// order nor chain; the time is stored as observed and said once.
	// Stored times are fixed-width UTC text, so they compare as text.
	if last > 0 && row.At < lastAt {
		s.log.Warn("clock moved backwards: version time is before the previous version's",
			"article_id", vv.ArticleID, "version", last+1, "at", row.At, "previous_at", lastAt)
	}
	j.Chain(last, prev)
	return s.insertVersion(ctx, tx, j)
}

// insertVersion writes the rows of j's numbered and chained version.
func (s *Store) insertVersion(ctx context.Context, tx *sql.Tx, j *saveJob) error {
	vv, row := &j.Version, &j.Row
	if j.blob.data == nil {
		// Stored already when encodeBody looked; it cannot have gone.
	} else if _, err := s.txExec(ctx, tx, `INSERT INTO blobs (sha256, size, data, codec, dict_sha256)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
		vv.RawSHA256, len(vv.Raw), j.blob.data, j.blob.codec, j.blob.dict); err != nil {
		return fmt.Errorf("store body: %w", err)
	}
	res, err := s.txExec(ctx, tx, `INSERT INTO versions (article_id, number, at, title, byline,
		published, modified, text, text_sha256, raw_sha256, header, prev_hash, chain_hash,
		changes, severity, kinds, notes, dek, reading, reread)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		vv.ArticleID, vv.Number, row.At, vv.Title, vv.Byline,
		vv.Published, vv.Modified, vv.Text, vv.TextSHA256, vv.RawSHA256, vv.Header, vv.PrevHash, vv.ChainHash,
		row.Changes, vv.Severity, j.kinds, j.notes, vv.Dek, row.Reading, vv.Reread)
	if err != nil {
		return fmt.Errorf("insert version %d: %w", vv.Number, err)
	}
	if vv.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("insert version %d: %w", vv.Number, err)
	}
	// Queued for the search index, which IndexPending writes off this
	// path (migration 0013).
	if _, err := s.txExec(ctx, tx, `INSERT INTO search_pending (version_id) VALUES (?)`, vv.ID); err != nil {
		return fmt.Errorf("queue version %d for search: %w", vv.Number, err)
	}
	if vv.Import != nil {
		if _, err := s.txExec(ctx, tx, sqlstore.InsertImport(sqlstore.SQLite),
			vv.ArticleID, vv.Number, vv.Import.Archive, vv.Import.Record); err != nil {
			return fmt.Errorf("record import of version %d: %w", vv.Number, err)
		}
	}
	return nil
}

// insertCheck records the check itself.
func (s *Store) insertCheck(ctx context.Context, tx *sql.Tx, j *saveJob) error {
	cc := &j.Check
	res, err := s.txExec(ctx, tx, `INSERT INTO checks (article_id, at, status, final_url, etag,
		last_modified, raw_sha256, text_sha256, outcome, error, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		cc.ArticleID, j.CheckAt, cc.Status, cc.FinalURL, cc.ETag,
		cc.LastModified, cc.RawSHA256, cc.TextSHA256, string(cc.Outcome), cc.Error, cc.Version)
	if err != nil {
		return fmt.Errorf("insert check: %w", err)
	}
	if cc.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("insert check: %w", err)
	}
	return nil
}

// encodeBody compresses a new version's body, against the article's
// current dictionary (the keyframe its latest version's body is, or is
// compressed against). It runs before the write lock is taken; a version
// saved meanwhile by another process only means a slightly older
// dictionary. A body already stored is not compressed again.
func (s *Store) encodeBody(ctx context.Context, db *sql.DB, v snapshots.Version) (encoded, error) {
	row, err := s.queryRow(ctx, db, `SELECT 1 FROM blobs WHERE sha256 = ?`, v.RawSHA256)
	if err != nil {
		return encoded{}, err
	}
	var one int
	switch err := row.Scan(&one); {
	case err == nil:
		return encoded{}, nil // stored once, by content
	case !errors.Is(err, sql.ErrNoRows):
		return encoded{}, err
	}
	var dictSum string
	var dict []byte
	row, err = s.queryRow(ctx, db, `SELECT b.sha256, b.codec, b.dict_sha256 FROM versions v
		JOIN blobs b ON b.sha256 = v.raw_sha256
		WHERE v.article_id = ? ORDER BY v.number DESC LIMIT 1`, v.ArticleID)
	if err != nil {
		return encoded{}, err
	}
	var sum, codec, dictOf string
	switch err := row.Scan(&sum, &codec, &dictOf); {
	case errors.Is(err, sql.ErrNoRows): // the first version: a keyframe
	case err != nil:
		return encoded{}, err
	default:
		dictSum = sum
		if codec == codecZstdDict || codec == codecDelta {
			dictSum = dictOf
		}
		if dict = s.codecs.keyframe(dictSum); dict == nil {
			if dict, err = s.blob(ctx, db, dictSum); err != nil {
				return encoded{}, fmt.Errorf("keyframe %s: %w", dictSum, err)
			}
			s.codecs.keep(dictSum, dict)
		}
	}
	out, err := s.codecs.encode(v.Raw, dictSum, dict)
	if err != nil {
		return encoded{}, fmt.Errorf("compress body: %w", err)
	}
	if out.codec == codecS2 {
		// The article's next versions are deltas against this one.
		s.codecs.keep(v.RawSHA256, bytes.Clone(v.Raw)) // the caller keeps its slice
	}
	return out, nil
}
