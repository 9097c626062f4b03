package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

// versionColumns are the columns of versions scanVersion reads, in order,
// without the raw body and headers.
const versionColumns = `v.id, v.article_id, v.number, v.at, v.title, v.byline, v.published,
	v.modified, v.text, v.text_sha256, v.raw_sha256, v.prev_hash, v.chain_hash, v.changes,
	v.severity, v.kinds, v.notes, v.dek, v.reading, v.reread`

// rawColumns follow versionColumns when the body is wanted.
const rawColumns = `, v.header, b.data, b.size, b.codec, b.dict_sha256`

// Latest returns the newest version of an article, without Raw and Header,
// or ErrNotFound if it has none.
func (s *Store) Latest(ctx context.Context, articleID int64) (snapshots.Version, error) {
	v, err := s.oneVersion(ctx, false, `WHERE v.article_id = ? ORDER BY v.number DESC LIMIT 1`, articleID)
	if errors.Is(err, sql.ErrNoRows) {
		err = snapshots.ErrNotFound
	}
	if err != nil {
		return snapshots.Version{}, fmt.Errorf("latest version of article %d: %w", articleID, err)
	}
	return v, nil
}

// Version returns version n of an article, with Raw and Header, or
// ErrNotFound if there is none.
func (s *Store) Version(ctx context.Context, articleID int64, n int) (snapshots.Version, error) {
	v, err := s.oneVersion(ctx, true, `WHERE v.article_id = ? AND v.number = ?`, articleID, n)
	if errors.Is(err, sql.ErrNoRows) {
		err = snapshots.ErrNotFound
	}
	if err != nil {
		return snapshots.Version{}, fmt.Errorf("get version %d of article %d: %w", n, articleID, err)
	}
	return v, nil
}

func (s *Store) oneVersion(ctx context.Context, withRaw bool, where string, args ...any) (snapshots.Version, error) {
	db, err := s.conn()
	if err != nil {
		return snapshots.Version{}, err
	}
	row, err := s.queryRow(ctx, db, versionQuery(withRaw)+where, args...)
	if err != nil {
		return snapshots.Version{}, err
	}
	v, body, err := scanVersion(row, withRaw)
	if err != nil || !withRaw {
		return v, err
	}
	if v.Raw, err = s.decodeBody(ctx, db, body); err != nil {
		return snapshots.Version{}, fmt.Errorf("version %d of article %d: %w", v.Number, v.ArticleID, err)
	}
	return v, nil
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
	db, err := s.conn()
	if err != nil {
		return nil, err
	}
	q := sqlstore.NewQuery(sqlstore.SQLite)
	if err := q.Versions(f); err != nil {
		return nil, err
	}
	query := versionQuery(f.WithRaw) + q.Where() + sqlstore.VersionOrder(f) + q.Limit(f.Limit)
	rows, err := db.QueryContext(ctx, query, q.Args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var vs []snapshots.Version
	var bodies []storedBody
	for rows.Next() {
		v, body, err := scanVersion(rows, f.WithRaw)
		bodies = append(bodies, body)
		if err != nil {
			return nil, err
		}
		vs = append(vs, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close() // decoding may read a dictionary: free the connection first
	if f.WithRaw {
		for i := range vs {
			if vs[i].Raw, err = s.decodeBody(ctx, db, bodies[i]); err != nil {
				return nil, fmt.Errorf("version %d of article %d: %w", vs[i].Number, vs[i].ArticleID, err)
			}
		}
	}
	return vs, nil
}

// storedBody is a body as the blobs table holds it.
type storedBody struct {
	data        []byte
	size        int64
	codec, dict string
}

// scanVersion reads a version row; with withRaw it also returns the stored
// body for decodeBody, which may need a second query.
func scanVersion(r scanner, withRaw bool) (snapshots.Version, storedBody, error) {
	var v snapshots.Version
	var body storedBody
	var at, kinds, notes string
	var changes []byte
	dest := []any{&v.ID, &v.ArticleID, &v.Number, &at, &v.Title, &v.Byline, &v.Published,
		&v.Modified, &v.Text, &v.TextSHA256, &v.RawSHA256, &v.PrevHash, &v.ChainHash, &changes,
		&v.Severity, &kinds, &notes, &v.Dek, &v.Reading, &v.Reread}
	if withRaw {
		dest = append(dest, &v.Header, &body.data, &body.size, &body.codec, &body.dict)
	}
	if err := r.Scan(dest...); err != nil {
		return snapshots.Version{}, body, err
	}
	if err := json.Unmarshal([]byte(kinds), &v.Kinds); err != nil {
		return snapshots.Version{}, body, fmt.Errorf("version %d of article %d: kinds: %w", v.Number, v.ArticleID, err)
	}
	if err := json.Unmarshal([]byte(notes), &v.Notes); err != nil {
		return snapshots.Version{}, body, fmt.Errorf("version %d of article %d: notes: %w", v.Number, v.ArticleID, err)
	}
	if err := sqlstore.FinishVersion(&v, at, changes); err != nil {
		return snapshots.Version{}, body, err
	}
	return v, body, nil
}

// decodeBody decompresses a stored body, reading its dictionary when it
// has one and the decoder for it is not at hand.
func (s *Store) decodeBody(ctx context.Context, db *sql.DB, b storedBody) ([]byte, error) {
	out, err := s.codecs.decode(b.data, b.size, b.codec, b.dict, nil)
	if !errors.Is(err, errNoDict) {
		return out, err
	}
	dict, err := s.blob(ctx, db, b.dict)
	if err != nil {
		return nil, fmt.Errorf("keyframe %s: %w", b.dict, err)
	}
	s.codecs.keep(b.dict, dict)
	return s.codecs.decode(b.data, b.size, b.codec, b.dict, dict)
}

// blob returns the decoded body with the given SHA-256. Only keyframes
// (bodies compressed on their own) are dictionaries, so this never recurses.
func (s *Store) blob(ctx context.Context, db *sql.DB, sum string) ([]byte, error) {
	row, err := s.queryRow(ctx, db, `SELECT data, size, codec, dict_sha256 FROM blobs WHERE sha256 = ?`, sum)
	if err != nil {
		return nil, err
	}
	var b storedBody
	if err := row.Scan(&b.data, &b.size, &b.codec, &b.dict); err != nil {
		return nil, err
	}
	if b.codec == codecZstdDict || b.codec == codecDelta {
		return nil, fmt.Errorf("blob %s is itself stored against a keyframe", sum)
	}
	return s.codecs.decode(b.data, b.size, b.codec, "", nil)
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
	db, err := s.conn()
	if err != nil {
		return nil, err
	}
	q := sqlstore.NewQuery(sqlstore.SQLite)
	if err := q.Checks(f); err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, `SELECT `+sqlstore.CheckColumns+` FROM checks`+q.Where()+` ORDER BY at DESC, id DESC`+q.Limit(f.Limit), q.Args...)
	if err != nil {
		return nil, err
	}
	return sqlstore.Collect(sqlRows{rows}, sqlstore.ScanCheck)
}

// sqlRows is *sql.Rows as sqlstore reads rows.
type sqlRows struct{ *sql.Rows }

// Close frees the connection; an error closing is the one Err reports.
func (r sqlRows) Close() { r.Rows.Close() }
