package sqlstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/redline-news/redline/snapshots"
)

// SearchIndex is how a store's full-text index is asked for the versions
// containing a phrase, in the order of articles and their version numbers.
type SearchIndex struct {
	// From is the FROM clause: the index joined to each matched version's
	// article_id, number and at, the version aliased v.
	From string
	// Match is a condition true when v contains the phrase bound at its
	// %s, as Encode makes it from the phrase (its control characters and
	// invalid bytes made spaces, which no engine then refuses).
	Match  string
	Encode func(string) any
	// Order is the ORDER BY that reads the matches by article, then
	// number: the index's own order, so reading can stop anywhere.
	Order string
	// After adds the condition "v comes after version number of
	// article" in that order; Only "v is a version of article".
	After func(q *Query, article int64, number int)
	Only  func(q *Query, article int64)
	// Index writes the index's rows of versions (IndexPending).
	Index IndexVersions
	// Setup, when not empty, runs first in the search's transaction.
	Setup string
}

// Search returns the articles whose versions contained q.Phrase; see
// snapshots.Searcher.
func (c *Core) Search(ctx context.Context, q snapshots.SearchQuery) ([]snapshots.SearchHit, error) {
	return c.searchMatching(ctx, q, c.search)
}

// searchMatching answers snapshots.Searcher for a store whose full-text
// index ix describes. Its steps run in one read-only transaction, so a
// version saved meanwhile is in all or none. It first indexes the versions
// queued for the index (IndexPending, waiting for other indexers), so the
// search sees every version saved before it began.
func (c *Core) searchMatching(ctx context.Context, q snapshots.SearchQuery, ix SearchIndex) ([]snapshots.SearchHit, error) {
	if err := snapshots.CheckPhrase(q.Phrase); err != nil {
		return nil, err
	}
	if _, err := c.indexQueued(ctx, 0, true, ix.Index); err != nil {
		return nil, fmt.Errorf("search for %q: %w", q.Phrase, err)
	}
	phrase := ix.Encode(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(q.Phrase, " ")))
	var hits []snapshots.SearchHit
	err := c.inTx(ctx, true, func(tx Tx) error {
		if ix.Setup != "" {
			if _, err := tx.Exec(ctx, ix.Setup); err != nil {
				return err
			}
		}
		ms, err := c.matches(ctx, tx, q, ix, phrase)
		if err != nil || len(ms) == 0 {
			return err
		}
		hits, err = c.hits(ctx, tx, q, ms)
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

// Search reads the matches in batches at least minMatchBatch versions
// long, then four times longer each time, up to maxMatchBatch.
const (
	minMatchBatch = 16
	maxMatchBatch = 64 * 1024
)

// matches returns the versions matching phrase that q's hits are made of,
// ordered by article and number. With a limit it reads them an article at
// a time and stops once it holds q.Limit whole articles and no version of
// a later article is older than the phrase's first appearance in the last
// of those it would return (settled): no later article can have had the
// phrase earlier. A phrase in every version of 100,000 is then answered
// from a few thousand of them (BenchmarkSearch100k/common).
func (c *Core) matches(ctx context.Context, tx Tx, sq snapshots.SearchQuery, ix SearchIndex, phrase any) ([]matched, error) {
	var only int64
	if sq.URL != "" {
		err := tx.QueryRow(ctx, marked(c.d, `SELECT id FROM articles WHERE url = %s`, 1), sq.URL)(&only)
		if errors.Is(err, ErrNoRows) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
	}
	var ms []matched
	// Enough for sq.Limit articles of 16 versions each, at first.
	batch := max(16*sq.Limit, minMatchBatch)
	if sq.Limit <= 0 {
		batch = 0 // every match is read anyway: one statement
	}
	for {
		q := NewQuery(c.d)
		q.Add(ix.Match, phrase)
		join := ""
		if sq.Source != "" {
			// CROSS JOIN makes SQLite read the index's matches first and
			// look their articles up, rather than read every version of a
			// source to look each up in the matches (five times slower
			// over 100,000 versions: BenchmarkSearch100k/quote_in_source);
			// to PostgreSQL it is an inner join like any other.
			join = " CROSS JOIN articles a"
			q.Add("a.id = v.article_id")
			q.Add("a.source = %s", sq.Source)
		}
		if only != 0 {
			ix.Only(q, only)
		}
		if len(ms) > 0 {
			last := ms[len(ms)-1]
			ix.After(q, last.article, last.number)
		}
		if err := q.timeRange("v.at", sq.Since, time.Time{}); err != nil {
			return nil, err
		}
		rows, err := tx.Query(ctx, `SELECT v.article_id, v.number, v.at FROM `+ix.From+join+q.Where()+
			` ORDER BY `+ix.Order+q.Limit(batch), q.Args...)
		if err != nil {
			return nil, err
		}
		more, err := Collect(rows, func(scan func(...any) error) (matched, error) {
			var m matched
			return m, scan(&m.article, &m.number, &m.at)
		})
		if err != nil {
			return nil, err
		}
		ms = append(ms, more...)
		if batch == 0 || len(more) < batch {
			return ms, nil // every match read
		}
		whole, ok, err := c.settled(ctx, tx, sq, ms)
		if err != nil || ok {
			return whole, err
		}
		batch = min(batch*4, maxMatchBatch)
	}
}

// settled returns the matches of ms's whole articles (all but the last,
// which may go on), and whether they hold every article sq asks for: at
// least sq.Limit of them, and no version of a later article (in sq's
// source and time) older than T, where the phrase first appeared in the
// sq.Limit-th article (the one with the latest first appearance among
// those returned); a later article with the phrase at T itself comes
// after it (ties by article ID).
func (c *Core) settled(ctx context.Context, tx Tx, sq snapshots.SearchQuery, ms []matched) ([]matched, bool, error) {
	end := len(ms)
	for end > 0 && ms[end-1].article == ms[len(ms)-1].article {
		end--
	}
	whole := ms[:end]
	var firsts []string
	for i, m := range whole {
		if i == 0 || m.article != whole[i-1].article {
			firsts = append(firsts, m.at)
		} else {
			firsts[len(firsts)-1] = min(firsts[len(firsts)-1], m.at)
		}
	}
	if len(firsts) < sq.Limit {
		return nil, false, nil
	}
	slices.Sort(firsts)
	q := NewQuery(c.d)
	q.Add("v.article_id > %s", whole[len(whole)-1].article)
	q.Add("v.at < %s", firsts[sq.Limit-1])
	join := ""
	if sq.Source != "" {
		join = " JOIN articles a ON a.id = v.article_id"
		q.Add("a.source = %s", sq.Source)
	}
	if err := q.timeRange("v.at", sq.Since, time.Time{}); err != nil {
		return nil, false, err
	}
	var later bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM versions v`+join+q.Where()+`)`, q.Args...)(&later); err != nil {
		return nil, false, err
	}
	return whole, !later, nil
}

// found is one article's hit while hits builds it.
type found struct {
	hit   snapshots.SearchHit
	first string // when the phrase first appeared, as stored
}

// hitVersion is one version of a hit's article: its number, time and title.
type hitVersion struct {
	article   int64
	number    int
	at, title string
}

// hits makes the hits of the matches ms (ordered by article and number):
// their articles, the runs of versions with the phrase, and the versions
// that removed it, the articles ordered by when the phrase first appeared
// and cut to sq.Limit.
func (c *Core) hits(ctx context.Context, tx Tx, sq snapshots.SearchQuery, ms []matched) ([]snapshots.SearchHit, error) {
	fs := foundRuns(ms, sq.Limit)
	byID := make(map[int64]*found, len(fs))
	for _, f := range fs {
		byID[f.hit.Article.ID] = f
	}
	vs, err := c.hitVersions(ctx, tx, byID, fs)
	if err != nil {
		return nil, err
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
		if err := spanTimes(&f.hit, times); err != nil {
			return nil, err
		}
		hits[i] = f.hit
	}
	return hits, nil
}

// foundRuns groups ms (ordered by article and number) into runs of
// consecutive numbers per article, ordered by when the phrase first
// appeared and cut to limit (0: no limit).
func foundRuns(ms []matched, limit int) []*found {
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
	if limit > 0 && len(fs) > limit {
		fs = fs[:limit]
	}
	return fs
}

// hitVersions reads the hits' articles into byID, and returns their
// versions' numbers, times and titles: the times of the spans' ends and
// of the versions that removed the phrase, which the full-text match
// need not have seen.
func (c *Core) hitVersions(ctx context.Context, tx Tx, byID map[int64]*found, fs []*found) ([]hitVersion, error) {
	ids := make([]int64, len(fs))
	for i, f := range fs {
		ids[i] = f.hit.Article.ID
	}
	var vs []hitVersion
	// A few hundred IDs a statement: SQLite takes at most 32,766
	// arguments, and --limit 0 may find more articles.
	for chunk := range slices.Chunk(ids, 500) {
		aq := NewQuery(c.d)
		in(aq, "id", chunk)
		rows, err := tx.Query(ctx, `SELECT `+ArticleColumns+` FROM articles`+aq.Where(), aq.Args...)
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
		more, err := Collect(rows, func(scan func(...any) error) (hitVersion, error) {
			var v hitVersion
			return v, scan(&v.article, &v.number, &v.at, &v.title)
		})
		if err != nil {
			return nil, err
		}
		vs = append(vs, more...)
	}
	return vs, nil
}

// spanTimes sets the times of h's spans, and where a span ended before
// the latest version, the version that removed the phrase, from times
// (stored times by article and number).
func spanTimes(h *snapshots.SearchHit, times map[[2]int64]string) error {
	id := h.Article.ID
	for j := range h.Spans {
		sp := &h.Spans[j]
		if sp.Last < h.Latest {
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
				return fmt.Errorf("article %d version %d: time: %w", id, x.n, err)
			}
			*x.at = t
		}
	}
	return nil
}
