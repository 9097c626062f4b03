package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

// bodyColumns are the columns of a version's body: the blob's, which
// decodeBody reads.
const bodyColumns = `, v.header, b.data, b.size, b.codec, b.dict_sha256`

// loadVersions reads the versions sqlstore.VersionQuery selects with
// where; see sqlstore.Backend. The statements run prepared: Latest is one
// every check runs.
func (s backend) LoadVersions(ctx context.Context, withRaw bool, where string, args ...any) ([]snapshots.Version, error) {
	db, err := s.conn()
	if err != nil {
		return nil, err
	}
	st, err := s.stmts.prepared(ctx, db, sqlstore.VersionQuery(withRaw, bodyColumns)+where)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	var bodies []storedBody
	vs, err := sqlstore.Collect(sqlRows{rows}, func(scan func(...any) error) (snapshots.Version, error) {
		var body storedBody
		var header string
		var more []any
		if withRaw {
			more = []any{&header, &body.data, &body.size, &body.codec, &body.dict}
		}
		v, err := sqlstore.ScanVersion(scan, more...)
		v.Header = header
		bodies = append(bodies, body)
		return v, err
	})
	if err != nil || !withRaw {
		return vs, err
	}
	// Decoding may read a dictionary: Collect freed the connection first.
	for i := range vs {
		if vs[i].Raw, err = s.decodeBody(ctx, db, bodies[i]); err != nil {
			return nil, fmt.Errorf("version %d of article %d: %w", vs[i].Number, vs[i].ArticleID, err)
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
