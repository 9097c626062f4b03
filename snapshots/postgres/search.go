package postgres

import (
	"context"

	"github.com/redline-news/redline/snapshots"
)

var _ snapshots.Searcher = (*Store)(nil)

// searchMatch asks the GIN index of migration 0009 for the versions whose
// title, dek or text contain the phrase. phraseto_tsquery reads its
// argument as text, never as tsquery syntax; the phrase is folded as the
// index is.
const searchMatch = `v.id IN (SELECT version_id FROM version_search
	WHERE words @@ phraseto_tsquery('simple', redline_search_fold(%s)))`

// Search returns the articles whose versions contained q.Phrase; see
// snapshots.Searcher.
func (s *Store) Search(ctx context.Context, q snapshots.SearchQuery) ([]snapshots.SearchHit, error) {
	return s.SearchMatching(ctx, q, searchMatch, func(p string) any { return p })
}
