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

// searchIndex asks the FTS5 index of migration 0015 for the versions whose
// title, dek or text contain the phrase. Its row IDs are the versions'
// searchKey, so it reads by article and number by itself, and one
// article's versions are one range of it.
var searchIndex = sqlstore.SearchIndex{
	From:   `version_search s CROSS JOIN versions v`,
	Match:  `version_search MATCH %s AND v.article_id = s.rowid >> 24 AND v.number = (s.rowid & 16777215)`,
	Encode: ftsPhrase,
	Order:  `s.rowid`,
	After: func(q *sqlstore.Query, article int64, number int) {
		q.Add("s.rowid > %s", searchKey(article, number))
	},
	Only: func(q *sqlstore.Query, article int64) {
		q.Add("s.rowid BETWEEN %s AND %s", searchKey(article, 0), searchKey(article, sqlstore.MaxVersionNumber))
	},
	Index: indexVersions,
}

// searchKey is the search index's row ID of version number of article.
func searchKey(article int64, number int) int64 { return article<<24 | int64(number) }

// indexVersions adds the versions where selects to the FTS5 index, each
// under its searchKey (article_id << 24 | number).
func indexVersions(ctx context.Context, tx sqlstore.Tx, where string, args []any) error {
	_, err := tx.Exec(ctx, `INSERT INTO version_search (rowid, title, dek, text)
		SELECT article_id << 24 | number, title, dek, text FROM versions`+where, args...)
	return err
}

// ftsPhrase is phrase as one FTS5 string: inside double quotes, which
// double to stay literal, nothing is syntax (NEAR, OR, *, -, column
// filters); the tokenizer splits the string into the phrase's words.
func ftsPhrase(phrase string) any {
	return `"` + strings.ReplaceAll(phrase, `"`, `""`) + `"`
}
