package sqlite

import (
	"context"
	"strings"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

var (
	_ snapshots.Searcher = (*Store)(nil)
	_ snapshots.Indexer  = (*Store)(nil)
)

// searchMatch asks the FTS5 index (migration 0012) for the versions whose
// title, dek or text contain the phrase.
const searchMatch = `v.id IN (SELECT rowid FROM version_search WHERE version_search MATCH %s)`

// Search returns the articles whose versions contained q.Phrase; see
// snapshots.Searcher.
func (s *Store) Search(ctx context.Context, q snapshots.SearchQuery) ([]snapshots.SearchHit, error) {
	return s.SearchMatching(ctx, q, "versions v", searchMatch, ftsPhrase, indexVersions)
}

// IndexPending indexes the versions Save queued; see snapshots.Indexer.
func (s *Store) IndexPending(ctx context.Context, max int) (int, error) {
	return s.Core.IndexPending(ctx, max, false, indexVersions)
}

// indexVersions adds the versions where selects to the FTS5 index, as the
// trigger of migration 0012 did at each Save: the index reads their
// title, dek and text from versions (content='versions').
func indexVersions(ctx context.Context, tx sqlstore.Tx, where string, args []any) error {
	_, err := tx.Exec(ctx, `INSERT INTO version_search (rowid, title, dek, text)
		SELECT id, title, dek, text FROM versions`+where, args...)
	return err
}

// ftsPhrase is phrase as one FTS5 string: inside double quotes, which
// double to stay literal, nothing is syntax (NEAR, OR, *, -, column
// filters); the tokenizer splits the string into the phrase's words.
func ftsPhrase(phrase string) any {
	return `"` + strings.ReplaceAll(phrase, `"`, `""`) + `"`
}
