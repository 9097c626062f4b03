package sqlite

import "github.com/redline-news/redline/snapshots"

// The store keeps trusted timestamps through sqlstore.Core (migration
// timestamps.sql), the same SQL as the other store.
var _ snapshots.Timestamper = (*Store)(nil)
