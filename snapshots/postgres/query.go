package postgres

import (
	"context"
	"fmt"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

// bodyColumns are the columns of a version's body.
const bodyColumns = `, v.header, b.data, b.size`

// loadVersions reads the versions sqlstore.VersionQuery selects with
// where, decompressing their bodies with withRaw; see sqlstore.Backend.
func (s backend) LoadVersions(ctx context.Context, withRaw bool, where string, args ...any) ([]snapshots.Version, error) {
	pool, err := s.conn()
	if err != nil {
		return nil, err
	}
	rows, err := pool.Query(ctx, sqlstore.VersionQuery(withRaw, bodyColumns)+where, args...)
	if err != nil {
		return nil, err
	}
	return sqlstore.Collect(rows, func(scan func(...any) error) (snapshots.Version, error) {
		var header string
		var data []byte
		var size int64
		var more []any
		if withRaw {
			more = []any{&header, &data, &size}
		}
		v, err := sqlstore.ScanVersion(scan, more...)
		if err != nil || !withRaw {
			return v, err
		}
		v.Header = header
		if v.Raw, err = decompress(data, size); err != nil {
			return snapshots.Version{}, fmt.Errorf("version %d of article %d: %w", v.Number, v.ArticleID, err)
		}
		return v, nil
	})
}
