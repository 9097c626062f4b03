package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/redline-news/redline/snapshots"
)

var _ snapshots.Timestamper = (*Core)(nil)

// Unstamped returns the versions without a timestamp, oldest saved first;
// see snapshots.Timestamper. Versions get IDs in the order they are saved.
func (c *Core) Unstamped(ctx context.Context, limit int) ([]snapshots.Version, error) {
	q := NewQuery(c.d)
	vs, err := collect(ctx, c, scanUnstamped, `SELECT v.id, v.article_id, v.number, v.at, v.chain_hash FROM versions v
	WHERE NOT EXISTS (SELECT 1 FROM timestamps t WHERE t.version_id = v.id) ORDER BY v.id`+q.Limit(limit), q.Args...)
	if err != nil {
		return nil, fmt.Errorf("list unstamped versions: %w", err)
	}
	return vs, nil
}

func scanUnstamped(scan func(dest ...any) error) (snapshots.Version, error) {
	var v snapshots.Version
	var at string
	if err := scan(&v.ID, &v.ArticleID, &v.Number, &at, &v.ChainHash); err != nil {
		return v, err
	}
	var err error
	if v.At, err = ParseTime(at); err != nil {
		return v, fmt.Errorf("version %d: %w", v.ID, err)
	}
	return v, nil
}

// SaveTimestamp stores t, replacing the version's earlier one; see
// snapshots.Timestamper. It sets the row to values, so running it again
// changes nothing the first run did.
func (c *Core) SaveTimestamp(ctx context.Context, t snapshots.Timestamp) error {
	err := c.b.Write(ctx, "save timestamp", func() error {
		if len(t.Token) == 0 {
			return errors.New("empty token")
		}
		if t.Time.IsZero() {
			return errors.New("no time")
		}
		at, err := FormatTime(t.Time)
		if err != nil {
			return err
		}
		var one int
		if err := c.db.QueryRow(ctx, marked(c.d, `SELECT 1 FROM versions WHERE id = %s`, 1), t.VersionID)(&one); err != nil {
			if errors.Is(err, ErrNoRows) {
				return snapshots.ErrNotFound
			}
			return err
		}
		_, err = c.db.Exec(ctx, marked(c.d, `INSERT INTO timestamps (version_id, token, time, tsa) VALUES (%s, %s, %s, %s)
		ON CONFLICT (version_id) DO UPDATE SET token = excluded.token, time = excluded.time, tsa = excluded.tsa`, 4),
			t.VersionID, t.Token, at, t.TSA)
		return err
	})
	if err != nil {
		return fmt.Errorf("save timestamp of version %d: %w", t.VersionID, err)
	}
	return nil
}

// Timestamps lists the stored timestamps by article and version number;
// see snapshots.Timestamper.
func (c *Core) Timestamps(ctx context.Context, f snapshots.TimestampFilter) ([]snapshots.Timestamp, error) {
	q := NewQuery(c.d)
	if f.ArticleID != 0 {
		q.Add("v.article_id = %s", f.ArticleID)
	}
	ts, err := collect(ctx, c, scanTimestamp, `SELECT t.version_id, v.article_id, v.number, t.token, t.time, t.tsa
	FROM timestamps t JOIN versions v ON v.id = t.version_id`+q.Where()+` ORDER BY v.article_id, v.number`, q.Args...)
	if err != nil {
		return nil, fmt.Errorf("list timestamps: %w", err)
	}
	return ts, nil
}

func scanTimestamp(scan func(dest ...any) error) (snapshots.Timestamp, error) {
	var t snapshots.Timestamp
	var at string
	if err := scan(&t.VersionID, &t.ArticleID, &t.Number, &t.Token, &at, &t.TSA); err != nil {
		return t, err
	}
	var err error
	if t.Time, err = ParseTime(at); err != nil {
		return t, fmt.Errorf("timestamp of version %d: %w", t.VersionID, err)
	}
	return t, nil
}
