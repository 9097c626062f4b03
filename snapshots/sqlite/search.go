package sqlite

import (
	"context"
	"strings"

	"github.com/redline-news/redline/snapshots"
)

var _ snapshots.Searcher = (*Store)(nil)

// searchMatch asks the FTS5 index (migration 0012) for the versions whose
// title, dek or text contain the phrase.
const searchMatch = `v.id IN (SELECT rowid FROM version_search WHERE version_search MATCH %s)`

// Search returns the articles whose versions contained q.Phrase; see
// snapshots.Searcher.
func (s *Store) Search(ctx context.Context, q snapshots.SearchQuery) ([]snapshots.SearchHit, error) {
	return s.SearchMatching(ctx, q, "versions v", searchMatch, ftsPhrase)
}

// ftsPhrase is phrase as one FTS5 string: inside double quotes, which
// double to stay literal, nothing is syntax (NEAR, OR, *, -, column
// filters); the tokenizer splits the string into the phrase's words.
func ftsPhrase(phrase string) any {
	return `"` + strings.ReplaceAll(phrase, `"`, `""`) + `"`
}
