package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/redline-news/redline/snapshots"
)

// Save records c and, when v is not nil, the new version v, in one
// transaction; see snapshots.Store.
//
// The transaction begins IMMEDIATE (see dsn), so concurrent savers queue for
// the write lock, under the busy timeout, before they read the latest
// version: the one that reads number n is the one that writes n+1.
func (s *Store) Save(ctx context.Context, c *snapshots.Check, v *snapshots.Version) error {
	if c == nil {
		return errors.New("save: nil check")
	}
	what := "save check"
	if v != nil {
		what = "save version"
	}
	if err := s.save(ctx, c, v); err != nil {
		return fmt.Errorf("%s of article %d: %w", what, c.ArticleID, s.classify(what, err))
	}
	return nil
}

func (s *Store) save(ctx context.Context, c *snapshots.Check, v *snapshots.Version) error {
	j, err := s.prepareSave(ctx, c, v)
	if err != nil {
		return err
	}
	if err := s.group.submit(j); err != nil {
		return err
	}
	*c = j.cc
	if j.version {
		*v = j.vv
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
	// Work on copies so that c and v change only if the transaction commits.
	cc := *c
	if v == nil {
		switch cc.Outcome {
		case snapshots.OutcomeUnchanged, snapshots.OutcomeNotModified, snapshots.OutcomeFailed:
		default:
			return nil, fmt.Errorf("check outcome %q without a version", cc.Outcome)
		}
	} else if cc.Outcome == "" {
		cc.Outcome = snapshots.OutcomeNew
	} else if cc.Outcome != snapshots.OutcomeNew {
		return nil, fmt.Errorf("check outcome %q with a new version", cc.Outcome)
	}
	checkAt, err := snapshots.FormatTime(cc.At)
	if err != nil {
		return nil, fmt.Errorf("check time: %w", err)
	}
	nextCheck := ""
	if !cc.NextCheck.IsZero() {
		if nextCheck, err = snapshots.FormatTime(cc.NextCheck); err != nil {
			return nil, fmt.Errorf("next check: %w", err)
		}
	}

	var vv snapshots.Version
	var row versionRow
	if v != nil {
		vv = *v
		if vv.ArticleID == 0 {
			vv.ArticleID = cc.ArticleID
		} else if vv.ArticleID != cc.ArticleID {
			return nil, fmt.Errorf("version belongs to article %d", vv.ArticleID)
		}
		if vv.At.IsZero() {
			vv.At = cc.At
		}
		vv.TextSHA256 = snapshots.TextHash(vv.Title, vv.Dek, vv.Text)
		vv.RawSHA256 = snapshots.RawHash(vv.Raw)
		if cc.TextSHA256 == "" {
			cc.TextSHA256 = vv.TextSHA256
		}
		if cc.RawSHA256 == "" {
			cc.RawSHA256 = vv.RawSHA256
		}
		// Encode and compress before taking the write lock, which every
		// other saver is waiting for.
		if row, err = newVersionRow(vv); err != nil {
			return nil, err
		}
		if row.blob, err = s.encodeBody(ctx, db, vv); err != nil {
			return nil, err
		}
	}

	return &saveJob{ctx: ctx, cc: cc, vv: vv, version: v != nil, row: row, nextCheck: nextCheck, checkAt: checkAt}, nil
}

// writeSave runs a save's statements in tx, which a batch of saves
// shares (see group.go). It changes j only through its own fields; the
// caller sees them once the batch has committed.
func (s *Store) writeSave(ctx context.Context, tx *sql.Tx, j *saveJob) error {
	cc, vv, row, nextCheck, checkAt := &j.cc, &j.vv, j.row, j.nextCheck, j.checkAt
	// One statement for the schedule and the validators: each is kept as
	// it was when this check has nothing to say about it. A recorded check
	// also ends the article's lease. It comes first: no row updated means
	// no such article.
	validators := cc.Status == 200 || cc.Status == 304
	res, err := s.txExec(ctx, tx, `UPDATE articles SET
		next_check    = CASE WHEN ?1 = '' THEN next_check ELSE ?1 END,
		etag          = CASE WHEN ?2 THEN ?3 ELSE etag END,
		last_modified = CASE WHEN ?2 THEN ?4 ELSE last_modified END,
		lease_owner   = '',
		lease_until   = ''
		WHERE id = ?5`, nextCheck, validators, cc.ETag, cc.LastModified, cc.ArticleID)
	if err != nil {
		return fmt.Errorf("schedule article: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("schedule article: %w", err)
	} else if n == 0 {
		return fmt.Errorf("article %d: %w", cc.ArticleID, snapshots.ErrNotFound)
	}

	var last int
	var prev, lastAt string
	if j.version {
		var lastText string
		latest, err := s.txQueryRow(ctx, tx, `SELECT number, chain_hash, text_sha256, at FROM versions
			WHERE article_id = ? ORDER BY number DESC LIMIT 1`, vv.ArticleID)
		if err == nil {
			err = latest.Scan(&last, &prev, &lastText, &lastAt)
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read latest version: %w", err)
		}
		if last > 0 && lastText == vv.TextSHA256 {
			// Another saver stored this same text since the caller looked
			// (two processes checking one article): a version is only ever
			// a change, so this check confirms the latest one instead.
			j.version = false
			cc.Outcome = snapshots.OutcomeUnchanged
			cc.Version = last
		} else if vv.Number != 0 && vv.Number != last+1 {
			return fmt.Errorf("article %d: version %d expected, the latest is %d: %w", vv.ArticleID, vv.Number, last, snapshots.ErrConflict)
		}
	}
	if j.version {
		// Versions are numbered by this sequence, never by time, so a
		// clock that moved backwards (NTP step, restored VM) breaks neither
		// order nor chain; the time is stored as observed and said once.
		// Stored times are fixed-width UTC text, so they compare as text.
		if last > 0 && row.at < lastAt {
			s.log.Warn("clock moved backwards: version time is before the previous version's",
				"article_id", vv.ArticleID, "version", last+1, "at", row.at, "previous_at", lastAt)
		}
		vv.Number = last + 1
		vv.PrevHash = prev
		vv.ChainHash = snapshots.ChainHash(*vv)

		if row.blob.data == nil {
			// Stored already when encodeBody looked; it cannot have gone.
		} else if _, err := s.txExec(ctx, tx, `INSERT INTO blobs (sha256, size, data, codec, dict_sha256)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
			vv.RawSHA256, len(vv.Raw), row.blob.data, row.blob.codec, row.blob.dict); err != nil {
			return fmt.Errorf("store body: %w", err)
		}
		res, err := s.txExec(ctx, tx, `INSERT INTO versions (article_id, number, at, title, byline,
			published, modified, text, text_sha256, raw_sha256, header, prev_hash, chain_hash,
			changes, severity, kinds, notes, dek, reading, reread)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			vv.ArticleID, vv.Number, row.at, vv.Title, vv.Byline,
			vv.Published, vv.Modified, vv.Text, vv.TextSHA256, vv.RawSHA256, vv.Header, vv.PrevHash, vv.ChainHash,
			row.changes, vv.Severity, row.kinds, row.notes, vv.Dek, row.reading, vv.Reread)
		if err != nil {
			return fmt.Errorf("insert version %d: %w", vv.Number, err)
		}
		if vv.ID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("insert version %d: %w", vv.Number, err)
		}
		cc.Version = vv.Number
	}

	res, err = s.txExec(ctx, tx, `INSERT INTO checks (article_id, at, status, final_url, etag,
		last_modified, raw_sha256, text_sha256, outcome, error, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		cc.ArticleID, checkAt, cc.Status, cc.FinalURL, cc.ETag,
		cc.LastModified, cc.RawSHA256, cc.TextSHA256, string(cc.Outcome), cc.Error, cc.Version)
	if err != nil {
		return fmt.Errorf("insert check: %w", err)
	}
	if cc.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("insert check: %w", err)
	}
	return nil
}

// versionRow holds a version's column values that need encoding.
type versionRow struct {
	at      string
	changes []byte // nil stores NULL
	kinds   string
	notes   string  // JSON array
	reading []byte  // nil stores NULL
	blob    encoded // compressed Raw
}

func newVersionRow(v snapshots.Version) (versionRow, error) {
	var r versionRow
	var err error
	if r.at, err = snapshots.FormatTime(v.At); err != nil {
		return r, fmt.Errorf("version time: %w", err)
	}
	if len(v.Changes) > 0 {
		r.changes = v.Changes
	}
	kinds := v.Kinds
	if kinds == nil {
		kinds = []string{}
	}
	b, err := json.Marshal(kinds)
	if err != nil {
		return r, fmt.Errorf("encode kinds: %w", err)
	}
	r.kinds = string(b)
	notes := v.Notes
	if notes == nil {
		notes = []string{}
	}
	if b, err = json.Marshal(notes); err != nil {
		return r, fmt.Errorf("encode notes: %w", err)
	}
	r.notes = string(b)
	if len(v.Reading) > 0 {
		r.reading = v.Reading
	}
	return r, nil
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
