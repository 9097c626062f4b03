package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/redline-news/redline/snapshots"
)

// Canonicalize keys article id by url; see snapshots.Merger. The whole step
// is one transaction that first locks the articles it changes, so a Save
// racing it either commits before (and its version is merged) or after
// (and finds the merged article's numbering, or no article).
func (c *Core) Canonicalize(ctx context.Context, id int64, url string, at time.Time) (snapshots.Article, error) {
	if url == "" {
		return snapshots.Article{}, fmt.Errorf("canonicalize article %d: empty URL", id)
	}
	when, err := FormatTime(at)
	if err != nil {
		return snapshots.Article{}, fmt.Errorf("canonicalize article %d: %w", id, err)
	}
	var got snapshots.Article
	err = c.b.Write(ctx, "canonicalize article", func() error {
		return c.inTx(ctx, false, func(tx Tx) (err error) {
			got, err = c.canonicalize(ctx, tx, id, url, when)
			return err
		})
	})
	if err != nil {
		return snapshots.Article{}, fmt.Errorf("canonicalize article %d as %s: %w", id, url, err)
	}
	return got, nil
}

func (c *Core) canonicalize(ctx context.Context, tx Tx, id int64, url, at string) (snapshots.Article, error) {
	art, err := c.lockArticle(ctx, tx, id)
	if err != nil {
		return snapshots.Article{}, err
	}
	if art.URL == url {
		if art.CanonicalURL == "" {
			// Looked at: the page is its own canonical (see Merger).
			if _, err := tx.Exec(ctx, marked(c.d, `UPDATE articles SET canonical_url = %s WHERE id = %s`, 2), url, id); err != nil {
				return snapshots.Article{}, fmt.Errorf("set canonical URL: %w", err)
			}
			art.CanonicalURL = url
		}
		return art, nil
	}
	into, err := c.articleByURL(ctx, tx, url)
	switch {
	case errors.Is(err, snapshots.ErrNotFound):
		// The story's first article: it takes the canonical URL, and the
		// URL it was found at leads to it.
		if _, err := tx.Exec(ctx, marked(c.d, `UPDATE articles SET url = %s, canonical_url = %s WHERE id = %s`, 3), url, url, id); err != nil {
			return snapshots.Article{}, fmt.Errorf("rekey: %w", err)
		}
		if err := c.alias(ctx, tx, art.URL, id, at); err != nil {
			return snapshots.Article{}, err
		}
		art.URL, art.CanonicalURL = url, url
		return art, nil
	case err != nil:
		return snapshots.Article{}, err
	case into.ID == id:
		// url is an alias of this article already: two pages naming each
		// other as canonical (A→B, B→A) settle on the first one taken.
		return art, nil
	}
	if into, err = c.lockArticle(ctx, tx, into.ID); err != nil {
		return snapshots.Article{}, err
	}
	if err := c.merge(ctx, tx, art, into, at); err != nil {
		return snapshots.Article{}, err
	}
	return into, nil
}

// lockArticle reads article id and locks its row until tx ends.
func (c *Core) lockArticle(ctx context.Context, tx Tx, id int64) (snapshots.Article, error) {
	a, err := ScanArticle(tx.QueryRow(ctx, `SELECT `+ArticleColumns+` FROM articles WHERE id = `+c.d.Mark(1)+c.d.ForUpdate, id))
	if errors.Is(err, ErrNoRows) {
		return snapshots.Article{}, fmt.Errorf("article %d: %w", id, snapshots.ErrNotFound)
	}
	return a, err
}

// alias makes url lead to article id.
func (c *Core) alias(ctx context.Context, tx Tx, url string, id int64, at string) error {
	_, err := tx.Exec(ctx, marked(c.d, `INSERT INTO article_aliases (url, article_id, at) VALUES (%s, %s, %s)
		ON CONFLICT (url) DO UPDATE SET article_id = excluded.article_id, at = excluded.at`, 3), url, id, at)
	if err != nil {
		return fmt.Errorf("alias %s: %w", url, err)
	}
	return nil
}

// chained is what a merge reads of a version: its place and the fields
// its chain hash covers.
type chained struct {
	v      snapshots.Version
	oldArt int64
	oldNum int
}

// merge moves article from into article into: its versions and checks,
// interleaved with into's in time order and re-chained, every old chain
// kept as Origins of the merge; its aliases; its URL as an alias. The row
// of from is deleted.
func (c *Core) merge(ctx context.Context, tx Tx, from, into snapshots.Article, at string) error {
	var vs []chained
	err := each(ctx, tx, stmt(c.d, `SELECT id, article_id, number, at, text_sha256, raw_sha256, byline,
		published, modified, header, changes, prev_hash, chain_hash FROM versions
		WHERE article_id IN (%s, %s) ORDER BY at, article_id, number`, into.ID, from.ID), func(scan func(...any) error) error {
		var v snapshots.Version
		var when string
		var changes []byte
		if err := scan(&v.ID, &v.ArticleID, &v.Number, &when, &v.TextSHA256, &v.RawSHA256, &v.Byline,
			&v.Published, &v.Modified, &v.Header, &changes, &v.PrevHash, &v.ChainHash); err != nil {
			return err
		}
		var err error
		if v.At, err = ParseTime(when); err != nil {
			return fmt.Errorf("version %d of article %d: %w", v.Number, v.ArticleID, err)
		}
		v.Changes = nilIfEmpty(changes)
		vs = append(vs, chained{v: v, oldArt: v.ArticleID, oldNum: v.Number})
		return nil
	})
	if err != nil {
		return fmt.Errorf("read versions: %w", err)
	}
	// Time order; at equal times the article merged into goes first, and
	// each article's own order holds.
	sort.SliceStable(vs, func(i, j int) bool {
		a, b := vs[i], vs[j]
		if !a.v.At.Equal(b.v.At) {
			return a.v.At.Before(b.v.At)
		}
		if a.oldArt != b.oldArt {
			return a.oldArt == into.ID
		}
		return a.oldNum < b.oldNum
	})

	var mergeID int64
	if err := tx.QueryRow(ctx, marked(c.d, `INSERT INTO article_merges (article_id, from_article, from_url, at)
		VALUES (%s, %s, %s, %s) RETURNING id`, 4), into.ID, from.ID, from.URL, at)(&mergeID); err != nil {
		return fmt.Errorf("record merge: %w", err)
	}
	stmts := make([]Statement, 0, 3*len(vs)+8)
	for _, x := range vs {
		stmts = append(stmts, stmt(c.d, `INSERT INTO version_origins (merge_id, version_id, article_id, number, prev_hash, chain_hash)
			VALUES (%s, %s, %s, %s, %s, %s)`, mergeID, x.v.ID, x.oldArt, x.oldNum, x.v.PrevHash, x.v.ChainHash))
	}
	for _, x := range vs {
		for _, q := range c.d.Unindex {
			stmts = append(stmts, Statement{SQL: q, Args: []any{x.v.ID}})
		}
	}
	// Numbers are unique per article: every version first leaves the
	// range it will take (a number no article reaches, and a link that is
	// not "", which only version 1 may have), then takes its place.
	for i, x := range vs {
		stmts = append(stmts, stmt(c.d, `UPDATE versions SET article_id = %s, number = %s, prev_hash = '-' WHERE id = %s`,
			into.ID, parkedNumber+i+1, x.v.ID))
	}
	prev := ""
	for i := range vs {
		v := &vs[i].v
		v.ArticleID, v.Number, v.PrevHash = into.ID, i+1, prev
		v.ChainHash = snapshots.ChainHash(*v)
		prev = v.ChainHash
		stmts = append(stmts, stmt(c.d, `UPDATE versions SET number = %s, prev_hash = %s, chain_hash = %s WHERE id = %s`,
			v.Number, v.PrevHash, v.ChainHash, v.ID))
		if c.d.Renumber != "" {
			stmts = append(stmts, Statement{SQL: c.d.Renumber, Args: []any{into.ID, v.Number, v.ID}})
		}
	}
	// Checks name versions by number: each takes its version's new one,
	// negated first so that a renumbered check is not renumbered again.
	for _, x := range vs {
		stmts = append(stmts, stmt(c.d, `UPDATE checks SET article_id = %s, version = %s WHERE article_id = %s AND version = %s`,
			into.ID, -x.v.Number, x.oldArt, x.oldNum))
	}
	stmts = append(stmts,
		stmt(c.d, `UPDATE checks SET version = -version WHERE article_id = %s AND version < 0`, into.ID),
		stmt(c.d, `UPDATE checks SET article_id = %s WHERE article_id = %s`, into.ID, from.ID),
		stmt(c.d, `UPDATE article_aliases SET article_id = %s WHERE article_id = %s`, into.ID, from.ID),
		stmt(c.d, `UPDATE article_merges SET article_id = %s WHERE article_id = %s`, into.ID, from.ID),
		// The story was first seen when either of its URLs was.
		stmt(c.d, `UPDATE articles SET first_seen = %s WHERE id = %s AND first_seen > %s`, formatFirst(from), into.ID, formatFirst(from)),
		stmt(c.d, `DELETE FROM articles WHERE id = %s`, from.ID),
	)
	if err := tx.ExecAll(ctx, stmts); err != nil {
		return fmt.Errorf("merge article %d into %d: %w", from.ID, into.ID, err)
	}
	return c.alias(ctx, tx, from.URL, into.ID, at)
}

// parkedNumber is where a merge parks versions while it renumbers them:
// above any article's count of versions, below the column's limit (2^31).
const parkedNumber = 1 << 30

// formatFirst is a's FirstSeen as stored; a stored article's always formats.
func formatFirst(a snapshots.Article) string {
	s, err := FormatTime(a.FirstSeen)
	if err != nil {
		return ""
	}
	return s
}

// Aliases lists aliases by URL; see snapshots.Merger.
func (c *Core) Aliases(ctx context.Context, f snapshots.AliasFilter) ([]snapshots.Alias, error) {
	q := NewQuery(c.d)
	if f.ArticleID != 0 {
		q.Add(`l.article_id = %s`, f.ArticleID)
	}
	if f.Source != "" {
		q.Add(`a.source = %s`, f.Source)
	}
	out, err := collect(ctx, c, func(scan func(...any) error) (snapshots.Alias, error) {
		var al snapshots.Alias
		var at string
		if err := scan(&al.URL, &al.ArticleID, &at); err != nil {
			return al, err
		}
		var err error
		al.At, err = ParseTime(at)
		return al, err
	}, `SELECT l.url, l.article_id, l.at FROM article_aliases l JOIN articles a ON a.id = l.article_id`+q.Where()+` ORDER BY l.url`+c.d.Binary, q.Args...)
	if err != nil {
		return nil, fmt.Errorf("list aliases: %w", err)
	}
	return out, nil
}

// Merges lists the merges into an article, oldest first.
func (c *Core) Merges(ctx context.Context, articleID int64) ([]snapshots.Merge, error) {
	out, err := collect(ctx, c, func(scan func(...any) error) (snapshots.Merge, error) {
		var m snapshots.Merge
		var at string
		if err := scan(&m.ID, &m.ArticleID, &m.FromArticleID, &m.FromURL, &at); err != nil {
			return m, err
		}
		var err error
		m.At, err = ParseTime(at)
		return m, err
	}, `SELECT id, article_id, from_article, from_url, at FROM article_merges WHERE article_id = `+c.d.Mark(1)+` ORDER BY id`, articleID)
	if err != nil {
		return nil, fmt.Errorf("merges of article %d: %w", articleID, err)
	}
	return out, nil
}

// Origins lists the origins of an article's versions, by merge, old
// article and number.
func (c *Core) Origins(ctx context.Context, articleID int64) ([]snapshots.Origin, error) {
	out, err := collect(ctx, c, func(scan func(...any) error) (snapshots.Origin, error) {
		var o snapshots.Origin
		err := scan(&o.MergeID, &o.VersionID, &o.ArticleID, &o.Number, &o.PrevHash, &o.ChainHash)
		return o, err
	}, `SELECT o.merge_id, o.version_id, o.article_id, o.number, o.prev_hash, o.chain_hash
		FROM version_origins o JOIN versions v ON v.id = o.version_id
		WHERE v.article_id = `+c.d.Mark(1)+` ORDER BY o.merge_id, o.article_id, o.number`, articleID)
	if err != nil {
		return nil, fmt.Errorf("origins of article %d: %w", articleID, err)
	}
	return out, nil
}
