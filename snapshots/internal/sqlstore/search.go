package sqlstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/redline-news/redline/snapshots"
)

// SearchMatching answers snapshots.Searcher for a store whose full-text
// index is asked by match: a condition on the rows of from (a table
// aliased v, with the versions' article_id, number and at), true when v's
// version contains the phrase bound at its %s (the
// store's encoding of the phrase as plain text, made by encode from
// q.Phrase with its control characters and invalid bytes made spaces,
// which no engine then refuses). Both steps run in one
// read-only transaction, so a version saved meanwhile is in both or
// neither. It first indexes the versions queued for the index with index
// (IndexPending, waiting for other indexers), so the search sees every
// version saved before it began.
func (c *Core) SearchMatching(ctx context.Context, q snapshots.SearchQuery, from, match string, encode func(string) any, index IndexVersions) ([]snapshots.SearchHit, error) {
	if err := snapshots.CheckPhrase(q.Phrase); err != nil {
		return nil, err
	}
	if _, err := c.IndexPending(ctx, 0, true, index); err != nil {
		return nil, fmt.Errorf("search for %q: %w", q.Phrase, err)
	}
	phrase := encode(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(q.Phrase, " ")))
	var hits []snapshots.SearchHit
	err := c.inTx(ctx, true, func(tx Tx) error {
		var err error
		hits, err = c.search(ctx, tx, q, from, match, phrase)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("search for %q: %w", q.Phrase, err)
	}
	return hits, nil
}

// matched is a version whose text contains the phrase.
type matched struct {
	article int64
	number  int
	at      string
}

func (c *Core) search(ctx context.Context, tx Tx, sq snapshots.SearchQuery, from, match string, phrase any) ([]snapshots.SearchHit, error) {
	q := NewQuery(c.d)
	q.Add("a.id = v.article_id")
	q.Add(match, phrase)
	if sq.URL != "" {
		q.Add("a.url = %s", sq.URL)
	}
	if sq.Source != "" {
		q.Add("a.source = %s", sq.Source)
	}
	if err := q.timeRange("v.at", sq.Since, time.Time{}); err != nil {
		return nil, err
	}
	// CROSS JOIN makes SQLite read the index's matches first and look
	// their articles up, rather than read every version of a source to
	// look each up in the matches (five times slower over 100,000
	// versions: BenchmarkSearch100k/quote_in_source); to PostgreSQL it is
	// an inner join like any other.
	rows, err := tx.Query(ctx, `SELECT v.article_id, v.number, v.at FROM `+from+`
		CROSS JOIN articles a`+q.Where()+` ORDER BY v.article_id, v.number`, q.Args...)
	if err != nil {
		return nil, err
	}
	ms, err := Collect(rows, func(scan func(...any) error) (matched, error) {
		var m matched
		return m, scan(&m.article, &m.number, &m.at)
	})
	if err != nil || len(ms) == 0 {
		return nil, err
	}

	// Runs of consecutive numbers, per article (ms is in that order).
	type found struct {
		hit   snapshots.SearchHit
		first string // when the phrase first appeared, as stored
	}
	var fs []*found
	for i, m := range ms {
		if i == 0 || m.article != ms[i-1].article {
			fs = append(fs, &found{hit: snapshots.SearchHit{Article: snapshots.Article{ID: m.article}}, first: m.at})
		}
		f := fs[len(fs)-1]
		if i > 0 && m.article == ms[i-1].article && m.number == ms[i-1].number+1 {
			f.hit.Spans[len(f.hit.Spans)-1].Last = m.number
			continue
		}
		f.hit.Spans = append(f.hit.Spans, snapshots.PhraseSpan{First: m.number, Last: m.number})
	}
	slices.SortStableFunc(fs, func(a, b *found) int {
		return cmp.Or(cmp.Compare(a.first, b.first), cmp.Compare(a.hit.Article.ID, b.hit.Article.ID))
	})
	if sq.Limit > 0 && len(fs) > sq.Limit {
		fs = fs[:sq.Limit]
	}

	// The hits' articles, and their versions' numbers, times and titles:
	// the times of the spans' ends and of the versions that removed the
	// phrase, which the full-text match need not have seen.
	ids := make([]int64, len(fs))
	byID := make(map[int64]*found, len(fs))
	for i, f := range fs {
		ids[i] = f.hit.Article.ID
		byID[f.hit.Article.ID] = f
	}
	type version struct {
		article   int64
		number    int
		at, title string
	}
	var vs []version
	// A few hundred IDs a statement: SQLite takes at most 32,766
	// arguments, and --limit 0 may find more articles.
	for chunk := range slices.Chunk(ids, 500) {
		aq := NewQuery(c.d)
		in(aq, "id", chunk)
		rows, err = tx.Query(ctx, `SELECT `+ArticleColumns+` FROM articles`+aq.Where(), aq.Args...)
		if err != nil {
			return nil, err
		}
		as, err := Collect(rows, ScanArticle)
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			byID[a.ID].hit.Article = a
		}
		vq := NewQuery(c.d)
		in(vq, "article_id", chunk)
		rows, err = tx.Query(ctx, `SELECT article_id, number, at, title FROM versions`+vq.Where(), vq.Args...)
		if err != nil {
			return nil, err
		}
		more, err := Collect(rows, func(scan func(...any) error) (version, error) {
			var v version
			return v, scan(&v.article, &v.number, &v.at, &v.title)
		})
		if err != nil {
			return nil, err
		}
		vs = append(vs, more...)
	}
	times := make(map[[2]int64]string, len(vs))
	for _, v := range vs {
		f := byID[v.article]
		times[[2]int64{v.article, int64(v.number)}] = v.at
		f.hit.Latest = max(f.hit.Latest, v.number)
		if last := f.hit.Spans[len(f.hit.Spans)-1].Last; v.number == last {
			f.hit.Title = v.title
		}
	}
	hits := make([]snapshots.SearchHit, len(fs))
	for i, f := range fs {
		id := f.hit.Article.ID
		for j := range f.hit.Spans {
			sp := &f.hit.Spans[j]
			if sp.Last < f.hit.Latest {
				sp.Gone = sp.Last + 1
			}
			for _, x := range []struct {
				n  int
				at *time.Time
			}{{sp.First, &sp.FirstAt}, {sp.Last, &sp.LastAt}, {sp.Gone, &sp.GoneAt}} {
				if x.n == 0 {
					continue
				}
				t, err := ParseTime(times[[2]int64{id, int64(x.n)}])
				if err != nil {
					return nil, fmt.Errorf("article %d version %d: time: %w", id, x.n, err)
				}
				*x.at = t
			}
		}
		hits[i] = f.hit
	}
	return hits, nil
}
