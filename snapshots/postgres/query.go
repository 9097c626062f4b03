package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

// versionColumns are the columns of versions scanVersion reads, in order,
// without the raw body and headers.
const versionColumns = `v.id, v.article_id, v.number, v.at, v.title, v.byline, v.published,
	v.modified, v.text, v.text_sha256, v.raw_sha256, v.prev_hash, v.chain_hash, v.changes,
	v.severity, v.kinds, v.notes, v.dek, v.reading, v.reread`

// rawColumns follow versionColumns when the body is wanted.
const rawColumns = `, v.header, b.data, b.size`

// Latest returns the newest version of an article, without Raw and Header,
// or ErrNotFound if it has none.
func (s *Store) Latest(ctx context.Context, articleID int64) (snapshots.Version, error) {
	v, err := s.oneVersion(ctx, false, `WHERE v.article_id = $1 ORDER BY v.number DESC LIMIT 1`, articleID)
	if err != nil {
		return snapshots.Version{}, fmt.Errorf("latest version of article %d: %w", articleID, err)
	}
	return v, nil
}

// Version returns version n of an article, with Raw and Header, or
// ErrNotFound if there is none.
func (s *Store) Version(ctx context.Context, articleID int64, n int) (snapshots.Version, error) {
	v, err := s.oneVersion(ctx, true, `WHERE v.article_id = $1 AND v.number = $2`, articleID, n)
	if err != nil {
		return snapshots.Version{}, fmt.Errorf("get version %d of article %d: %w", n, articleID, err)
	}
	return v, nil
}

func (s *Store) oneVersion(ctx context.Context, withRaw bool, where string, args ...any) (snapshots.Version, error) {
	pool, err := s.conn()
	if err != nil {
		return snapshots.Version{}, err
	}
	v, err := scanVersion(pool.QueryRow(ctx, versionQuery(withRaw)+where, args...), withRaw)
	if errors.Is(err, pgx.ErrNoRows) {
		return snapshots.Version{}, snapshots.ErrNotFound
	}
	return v, err
}

func versionQuery(withRaw bool) string {
	if withRaw {
		return `SELECT ` + versionColumns + rawColumns + ` FROM versions v JOIN blobs b ON b.sha256 = v.raw_sha256 `
	}
	return `SELECT ` + versionColumns + ` FROM versions v `
}

// Versions lists the versions matching f, oldest first. Raw and Header are
// loaded only with f.WithRaw.
func (s *Store) Versions(ctx context.Context, f snapshots.VersionFilter) ([]snapshots.Version, error) {
	vs, err := s.versions(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("list versions: %w", err)
	}
	return vs, nil
}

func (s *Store) versions(ctx context.Context, f snapshots.VersionFilter) ([]snapshots.Version, error) {
	pool, err := s.conn()
	if err != nil {
		return nil, err
	}
	q := sqlstore.NewQuery(sqlstore.PostgreSQL)
	if err := q.Versions(f); err != nil {
		return nil, err
	}
	query := versionQuery(f.WithRaw) + q.Where() + sqlstore.VersionOrder(f) + q.Limit(f.Limit)
	rows, err := pool.Query(ctx, query, q.Args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var vs []snapshots.Version
	for rows.Next() {
		v, err := scanVersion(rows, f.WithRaw)
		if err != nil {
			return nil, err
		}
		vs = append(vs, v)
	}
	return vs, rows.Err()
}

func scanVersion(r pgx.Row, withRaw bool) (snapshots.Version, error) {
	var v snapshots.Version
	var at string
	var changes, data []byte
	var size int64
	dest := []any{&v.ID, &v.ArticleID, &v.Number, &at, &v.Title, &v.Byline, &v.Published,
		&v.Modified, &v.Text, &v.TextSHA256, &v.RawSHA256, &v.PrevHash, &v.ChainHash, &changes,
		&v.Severity, &v.Kinds, &v.Notes, &v.Dek, &v.Reading, &v.Reread}
	if withRaw {
		dest = append(dest, &v.Header, &data, &size)
	}
	if err := r.Scan(dest...); err != nil {
		return snapshots.Version{}, err
	}
	err := sqlstore.FinishVersion(&v, at, changes)
	if err != nil {
		return snapshots.Version{}, err
	}
	if withRaw {
		if v.Raw, err = decompress(data, size); err != nil {
			return snapshots.Version{}, fmt.Errorf("version %d of article %d: %w", v.Number, v.ArticleID, err)
		}
	}
	return v, nil
}

// Checks lists the checks matching f, newest first.
func (s *Store) Checks(ctx context.Context, f snapshots.CheckFilter) ([]snapshots.Check, error) {
	cs, err := s.checks(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("list checks: %w", err)
	}
	return cs, nil
}

func (s *Store) checks(ctx context.Context, f snapshots.CheckFilter) ([]snapshots.Check, error) {
	pool, err := s.conn()
	if err != nil {
		return nil, err
	}
	q := sqlstore.NewQuery(sqlstore.PostgreSQL)
	if err := q.Checks(f); err != nil {
		return nil, err
	}
	rows, err := pool.Query(ctx, `SELECT `+sqlstore.CheckColumns+` FROM checks`+q.Where()+` ORDER BY at DESC, id DESC`+q.Limit(f.Limit), q.Args...)
	if err != nil {
		return nil, err
	}
	return sqlstore.Collect(rows, sqlstore.ScanCheck)
}
