package postgres

import "github.com/redline-news/redline/snapshots"

// The captures of versions in a web archive are sqlstore.Core's, on the
// captures table (migration captures.sql).
var _ snapshots.Captures = (*Store)(nil)
