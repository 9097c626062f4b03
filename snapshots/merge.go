package snapshots

import (
	"context"
	"time"
)

// One story is often reachable at several URLs: its canonical page, an
// AMP copy, a mobile host, the same URL with tracking parameters. The
// monitor keys an article by the canonical URL its page declares; the URL
// it was found at becomes an alias of that article, and two articles that
// turn out to be one story are merged.
//
// Merging and the hash chain. Versions are chained per article: a
// version's ChainHash covers its article ID, its number and the previous
// version's ChainHash, and RFC 3161 tokens (Timestamp) sign those hashes.
// A merge interleaves the two articles' versions in time order, so their
// numbers, links and chain hashes must change for the merged article to be
// one chain that Verify walks like any other. Rewriting them would leave the
// old hashes, and the tokens over them, with nothing to check against, so
// before re-chaining, the merge copies every version's place in its old
// chain (article ID, number, PrevHash, ChainHash) into an Origin row of
// that merge. The fields the hash covers besides those never change, so an
// old chain hash is recomputed from the version as stored and its Origin:
// Verify checks each old chain as a segment (numbered 1..n, each link to
// the one before, each hash recomputed), and a token over an old hash is
// checked against the Origin that holds it (see Merger.Origins). A version
// merged twice has one Origin per merge, so every hash it ever had stays
// checkable.
//
// The change set of a version (Changes) stays the one computed when it was
// saved, against its predecessor in its own article: a merge moves
// evidence, it does not re-read it.

// Merge records that the article FromArticleID (whose row is gone) was
// merged into ArticleID at At.
type Merge struct {
	ID            int64
	ArticleID     int64
	FromArticleID int64
	FromURL       string
	At            time.Time
}

// Origin is a version's place in its chain just before the merge MergeID
// re-chained it: the article ID and number its ChainHash covered, its
// PrevHash and its ChainHash then.
type Origin struct {
	MergeID   int64
	VersionID int64
	ArticleID int64
	Number    int
	PrevHash  string
	ChainHash string
}

// Alias is a URL that leads to an article keyed by another URL: the URL
// a feed listed before the page named its canonical one.
type Alias struct {
	URL       string
	ArticleID int64
	At        time.Time
}

// AliasFilter selects aliases. Zero fields do not filter.
type AliasFilter struct {
	Source    string // aliases of the source's articles
	ArticleID int64
}

// Merger is a Store that keys articles by their canonical URL. With it, a
// Store's AddArticle and Article resolve an alias to its article,
// AddArticles skips aliases, and Verify also checks the chains merged
// articles had before their merge.
type Merger interface {
	// Canonicalize keys the article id by url (a normalized canonical
	// URL) and returns the article that now holds the story, in one
	// transaction:
	//   - url is the article's URL, or an alias of it: nothing changes,
	//     but an empty CanonicalURL becomes url (the article's canonical
	//     URL was looked for: see below);
	//   - no article has url: the article's URL becomes url, and its old
	//     URL an alias of it;
	//   - another article has url (or url is an alias of one): the article
	//     is merged into that one (versions and checks in time order,
	//     re-chained, every old chain kept as Origins, its aliases moved,
	//     its URL an alias, its row deleted), which is returned.
	// Article.CanonicalURL is "" until the article's canonical URL was
	// looked for once: Save of a check that read the page (OutcomeNew or
	// OutcomeUnchanged) sets an empty one to the article's URL, so only
	// articles stored before aliases existed keep "", and a monitor reads
	// their stored page for it when their server answers 304.
	// It returns ErrNotFound when article id does not exist.
	Canonicalize(ctx context.Context, id int64, url string, at time.Time) (Article, error)
	// Aliases lists aliases by URL.
	Aliases(ctx context.Context, f AliasFilter) ([]Alias, error)
	// Merges lists the merges into an article, oldest first.
	Merges(ctx context.Context, articleID int64) ([]Merge, error)
	// Origins lists the origins of an article's versions, by merge, old
	// article and number.
	Origins(ctx context.Context, articleID int64) ([]Origin, error)
}

// OriginHash returns the ChainHash v had at origin o: v's hashed fields
// with o's article ID, number and PrevHash.
func OriginHash(v Version, o Origin) string {
	v.ArticleID, v.Number, v.PrevHash = o.ArticleID, o.Number, o.PrevHash
	return ChainHash(v)
}
