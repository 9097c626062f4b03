package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redline-news/redline/snapshots"
)

var _ snapshots.Captures = (*Core)(nil)

// captureSelect reads captures with their version and article.
const captureSelect = `SELECT c.version_id, v.article_id, v.number, a.url, a.source,
	c.queued_at, c.archive, c.captured_at, c.attempts, c.last_attempt, c.error
FROM captures c JOIN versions v ON v.id = c.version_id JOIN articles a ON a.id = v.article_id`

// QueueCaptures queues versions for capture; see snapshots.Captures. It
// inserts or keeps rows, so running it again changes nothing.
func (c *Core) QueueCaptures(ctx context.Context, ids []int64, queued time.Time) error {
	at, err := FormatTime(queued)
	if err != nil {
		return fmt.Errorf("queue %d captures: %w", len(ids), err)
	}
	exists := marked(c.d, `SELECT 1 FROM versions WHERE id = %s`, 1)
	insert := marked(c.d, `INSERT INTO captures (version_id, queued_at) VALUES (%s, %s)
	ON CONFLICT (version_id) DO NOTHING`, 2)
	err = c.b.Write(ctx, "queue captures", func() error {
		return c.inTx(ctx, false, func(tx Tx) error {
			for _, id := range ids {
				var one int
				if err := tx.QueryRow(ctx, exists, id)(&one); errors.Is(err, ErrNoRows) {
					return fmt.Errorf("version %d: %w", id, snapshots.ErrNotFound)
				} else if err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, insert, id, at); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("queue %d captures: %w", len(ids), err)
	}
	return nil
}

// PendingCaptures lists the captures still to make; see snapshots.Captures.
func (c *Core) PendingCaptures(ctx context.Context, f snapshots.CaptureFilter) ([]snapshots.Capture, error) {
	q := NewQuery(c.d)
	q.Add(`c.archive = ''`)
	if f.MaxAttempts > 0 {
		q.Add(`c.attempts < %s`, f.MaxAttempts)
	}
	var now, until string
	if !f.Claim.IsZero() {
		var err error
		if now, err = FormatTime(f.Now); err != nil {
			return nil, fmt.Errorf("pending captures: claim: %w", err)
		}
		if until, err = FormatTime(f.Claim); err != nil {
			return nil, fmt.Errorf("pending captures: claim: %w", err)
		}
		q.Add(`c.claimed_until <= %s`, now) // '' (never claimed) sorts first
	}
	cs, err := collect(ctx, c, scanCapture, captureSelect+q.Where()+` ORDER BY c.queued_at, c.version_id`+q.Limit(f.Limit), q.Args...)
	if err != nil {
		return nil, fmt.Errorf("pending captures: %w", err)
	}
	if f.Claim.IsZero() || len(cs) == 0 {
		return cs, nil
	}
	if cs, err = c.claimCaptures(ctx, cs, now, until); err != nil {
		return nil, fmt.Errorf("pending captures: claim: %w", err)
	}
	return cs, nil
}

// claimCaptures claims cs until until and returns those it claimed: a
// capture another worker claimed since it was read is left out. Each row's
// UPDATE checks the claim again, and a second writer's UPDATE waits for the
// first's row lock (PostgreSQL) or write (SQLite) and then sees its claim,
// so two workers reading the same rows never both claim one.
func (c *Core) claimCaptures(ctx context.Context, cs []snapshots.Capture, now, until string) ([]snapshots.Capture, error) {
	claim := marked(c.d, `UPDATE captures SET claimed_until = %s
	WHERE version_id = %s AND archive = '' AND claimed_until <= %s`, 3)
	var claimed []snapshots.Capture
	err := c.b.Write(ctx, "claim captures", func() error {
		claimed = claimed[:0]
		return c.inTx(ctx, false, func(tx Tx) error {
			for _, cp := range cs {
				n, err := tx.Exec(ctx, claim, until, cp.VersionID, now)
				if err != nil {
					return err
				}
				if n == 1 {
					claimed = append(claimed, cp)
				}
			}
			return nil
		})
	})
	return claimed, err
}

// UpdateCapture stores an attempt's outcome; see snapshots.Captures. It
// sets columns to values, so running it again changes nothing the first
// run did.
func (c *Core) UpdateCapture(ctx context.Context, cp snapshots.Capture) error {
	err := c.b.Write(ctx, "update capture", func() error {
		captured, err := FormatOptionalTime(cp.CapturedAt)
		if err != nil {
			return err
		}
		last, err := FormatOptionalTime(cp.LastAttempt)
		if err != nil {
			return err
		}
		n, err := c.db.Exec(ctx, marked(c.d, `UPDATE captures SET archive = %s, captured_at = %s, attempts = %s,
			last_attempt = %s, error = %s, claimed_until = '' WHERE version_id = %s`, 6),
			cp.Archive, captured, cp.Attempts, last, cp.Error, cp.VersionID)
		if err != nil {
			return err
		}
		if n == 0 {
			return snapshots.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("update capture of version %d: %w", cp.VersionID, err)
	}
	return nil
}

// ArticleCaptures lists the captures made of an article's versions; see
// snapshots.Captures.
func (c *Core) ArticleCaptures(ctx context.Context, articleID int64) ([]snapshots.Capture, error) {
	cs, err := collect(ctx, c, scanCapture, captureSelect+marked(c.d, ` WHERE v.article_id = %s AND c.archive <> ''
		ORDER BY v.number`, 1), articleID)
	if err != nil {
		return nil, fmt.Errorf("captures of article %d: %w", articleID, err)
	}
	return cs, nil
}

func scanCapture(scan func(...any) error) (snapshots.Capture, error) {
	var cp snapshots.Capture
	var queued, captured, last string
	if err := scan(&cp.VersionID, &cp.ArticleID, &cp.Number, &cp.URL, &cp.Source,
		&queued, &cp.Archive, &captured, &cp.Attempts, &last, &cp.Error); err != nil {
		return cp, err
	}
	var err error
	if cp.QueuedAt, err = ParseTime(queued); err != nil {
		return cp, err
	}
	if cp.CapturedAt, err = ParseOptionalTime(captured); err != nil {
		return cp, err
	}
	cp.LastAttempt, err = ParseOptionalTime(last)
	return cp, err
}
