package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/redline-news/redline/snapshots"
)

// DB is a store's database, or a transaction in it, as Core uses it. A
// store's DB returns its "not open" error while it is closed.
type DB interface {
	// Query runs a query; the caller reads and closes its rows.
	Query(ctx context.Context, sql string, args ...any) (Rows, error)
	// QueryRow runs a query for one row and returns its Scan, which
	// returns ErrNoRows when there is none.
	QueryRow(ctx context.Context, sql string, args ...any) func(dest ...any) error
	// Exec runs a statement and returns how many rows it changed.
	Exec(ctx context.Context, sql string, args ...any) (int64, error)
}

// ErrNoRows is what a DB's QueryRow scan returns when there is no row.
var ErrNoRows = errors.New("no rows in result set")

// Core implements these in full; a store adds Save and Close.
var (
	_ snapshots.ArticleBatcher = (*Core)(nil)
	_ snapshots.DeliveryStore  = (*Core)(nil)
	_ snapshots.SiteStore      = (*Core)(nil)
	_ snapshots.StatusReader   = (*Core)(nil)
	_ snapshots.Claimer        = (*Core)(nil)
	_ snapshots.Lister         = (*Core)(nil)
	_ snapshots.SourcePolls    = (*Core)(nil)
	_ snapshots.Merger         = (*Core)(nil)
)

// Core is what the SQL stores share of snapshots.Store and the other
// store interfaces: every method whose logic is the same in both, written
// once on a DB, in the store's dialect. A store embeds it (NewCore) and
// adds what is its own: Save, the bodies, and through Backend how writes are
// run again, its transactions and its SQL.
type Core struct {
	d         Dialect
	b         Backend
	db        DB // b's database, asked for at each call (see opened)
	listQuery string
	q         queries
	search    SearchIndex
}

// queries are the statements Core runs often, written in its dialect once.
type queries struct {
	articleByURL, insertArticle, addArticle string
	latest, version                         string // WHERE clauses of versions v
	insertDelivery, updateDelivery          string
	siteByHost, saveSite                    string
	recordPoll                              string
}

// marked writes format with d's first n placeholders in order.
func marked(d Dialect, format string, n int) string {
	marks := make([]any, n)
	for i := range marks {
		marks[i] = d.Mark(i + 1)
	}
	return fmt.Sprintf(format, marks...)
}

// Backend is what Core needs of a store.
type Backend interface {
	// Conn returns the store's database, or the store's "not open" error
	// while it is closed.
	Conn() (Conn, error)
	// Write runs op, a write that is safe to run again, the way the
	// store runs writes: PostgreSQL retries one whose connection was
	// lost, SQLite names a corrupt or full file. what names the write.
	Write(ctx context.Context, what string, op func() error) error
	// LoadVersions reads the versions the store's version query (see
	// VersionQuery) followed by where selects, in order, with their
	// bodies decoded when withRaw.
	LoadVersions(ctx context.Context, withRaw bool, where string, args ...any) ([]snapshots.Version, error)
}

// Conn is a store's database: single statements, and transactions.
type Conn interface {
	DB
	// Begin starts a transaction: when readOnly, a read-only one whose
	// queries all see one snapshot of the database.
	Begin(ctx context.Context, readOnly bool) (Tx, error)
}

// Tx is a transaction, as Core runs it.
type Tx interface {
	DB
	// ExecAll runs the statements in order, the store's fastest way
	// (PostgreSQL: in one round trip).
	ExecAll(ctx context.Context, stmts []Statement) error
	Commit(ctx context.Context) error
	// Rollback ends the transaction unless Commit did; after Commit it
	// does nothing.
	Rollback(ctx context.Context)
}

// NewCore returns the shared methods in dialect d on the store b. listQuery
// is the store's listing query: ListPage, then a SELECT of ArticleColumns,
// total, changed, versions, title, severity, reread, kinds, checked, outcome from
// the page's rows.
func NewCore(d Dialect, b Backend, listQuery string, search SearchIndex) Core {
	return Core{d: d, b: b, db: opened(b.Conn), listQuery: listQuery, search: search, q: queries{
		// An alias (snapshots.Merger) leads to the article keyed by its
		// canonical URL.
		articleByURL: fmt.Sprintf(`SELECT `+ArticleColumns+` FROM articles WHERE url = %[1]s
		UNION ALL SELECT `+ArticleColumns+` FROM articles
		WHERE id = (SELECT article_id FROM article_aliases WHERE url = %[1]s) LIMIT 1`, d.Mark(1)),
		// DO NOTHING: a concurrent caller may have added it since we
		// looked; the first one wins and both return its row. RETURNING
		// then gives no row, and the SELECT reads the winner's. An alias
		// is never added as an article of its own.
		insertArticle: fmt.Sprintf(`INSERT INTO articles (url, canonical_url, source, first_seen)
		SELECT %[1]s, %[2]s, %[3]s, %[4]s WHERE NOT EXISTS (SELECT 1 FROM article_aliases WHERE url = %[1]s)
		ON CONFLICT (url) DO NOTHING RETURNING `+ArticleColumns, d.Mark(1), d.Mark(2), d.Mark(3), d.Mark(4)),
		addArticle: fmt.Sprintf(`INSERT INTO articles (url, canonical_url, source, first_seen)
		SELECT %[1]s, %[2]s, %[3]s, %[4]s WHERE NOT EXISTS (SELECT 1 FROM article_aliases WHERE url = %[1]s)
		ON CONFLICT (url) DO NOTHING`, d.Mark(1), d.Mark(2), d.Mark(3), d.Mark(4)),
		latest:  marked(d, `WHERE v.article_id = %s ORDER BY v.number DESC LIMIT 1`, 1),
		version: marked(d, `WHERE v.article_id = %s AND v.number = %s`, 2),
		insertDelivery: marked(d, `INSERT INTO deliveries
		(notifier, created_at, last_attempt, attempts, status, error, payload)
		VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id`, 7),
		updateDelivery: marked(d, `UPDATE deliveries
		SET last_attempt = %s, attempts = %s, status = %s, error = %s WHERE id = %s`, 5),
		siteByHost: marked(d, `WHERE host = %s`, 1),
		saveSite: marked(d, `INSERT INTO sites (host, pages, container, boilerplate, model, updated)
		VALUES (%s, %s, %s, %s, %s, %s)
		ON CONFLICT (host) DO UPDATE SET pages = excluded.pages, container = excluded.container,
			boilerplate = excluded.boilerplate, model = excluded.model, updated = excluded.updated`, 6),
		// The WHERE keeps the newest poll when workers sharing the store
		// record theirs out of order (times compare as text).
		recordPoll: marked(d, `INSERT INTO source_polls (source, url, at, error) VALUES (%s, %s, %s, %s)
		ON CONFLICT (source) DO UPDATE SET url = excluded.url, at = excluded.at, error = excluded.error
		WHERE excluded.at >= source_polls.at`, 4),
	}}
}

// Saving runs a store's save of c and v (nil for none): it refuses a nil
// check, names the save ("save check" or "save version") for save, which
// runs it the store's way, and wraps save's error with that name and the
// article. save is the store's own closure over c and v: Core saving
// through a hook that takes them would make them arguments of an indirect
// call, and move every caller's check and version to the heap.
func Saving(c *snapshots.Check, v *snapshots.Version, save func(what string) error) error {
	if c == nil {
		return errors.New("save: nil check")
	}
	what := "save version"
	if v == nil {
		what = "save check"
	}
	if err := save(what); err != nil {
		return fmt.Errorf("%s of article %d: %w", what, c.ArticleID, err)
	}
	return nil
}

// AddArticle returns the article with a.URL, creating it from a if new. An
// existing article is returned unchanged. A write that finds the article
// added (by itself, before a lost connection, or by another process)
// returns that one.
func (c *Core) AddArticle(ctx context.Context, a snapshots.Article) (snapshots.Article, error) {
	var got snapshots.Article
	err := c.b.Write(ctx, "add article", func() (err error) {
		got, err = c.addArticle(ctx, a)
		return err
	})
	if err != nil {
		return snapshots.Article{}, fmt.Errorf("add article %s: %w", a.URL, err)
	}
	return got, nil
}

func (c *Core) addArticle(ctx context.Context, a snapshots.Article) (snapshots.Article, error) {
	db := c.db
	first, err := ArticleRow(a)
	if err != nil {
		return snapshots.Article{}, err
	}
	// Most calls find a known article, so look first: the write lock, or
	// the sequence number an INSERT hitting the conflict draws, is spared.
	got, err := c.articleByURL(ctx, db, a.URL)
	if !errors.Is(err, snapshots.ErrNotFound) {
		return got, err
	}
	got, err = ScanArticle(db.QueryRow(ctx, c.q.insertArticle, a.URL, a.CanonicalURL, a.Source, first))
	if !errors.Is(err, ErrNoRows) {
		return got, err
	}
	return c.articleByURL(ctx, db, a.URL)
}

// AddArticles adds, in one transaction, the articles of as whose URL is
// not stored yet; see snapshots.ArticleBatcher. Like AddArticle it is safe
// to run again.
func (c *Core) AddArticles(ctx context.Context, as []snapshots.Article) error {
	stmts := make([]Statement, len(as))
	for i, a := range as {
		first, err := ArticleRow(a)
		if err != nil {
			return fmt.Errorf("add %d articles: %s: %w", len(as), a.URL, err)
		}
		stmts[i] = Statement{SQL: c.q.addArticle, Args: []any{a.URL, a.CanonicalURL, a.Source, first}}
	}
	if err := c.b.Write(ctx, "add articles", func() error {
		return c.inTx(ctx, false, func(tx Tx) error { return tx.ExecAll(ctx, stmts) })
	}); err != nil {
		return fmt.Errorf("add %d articles: %w", len(as), err)
	}
	return nil
}

// Article returns the article with the given URL, or ErrNotFound.
func (c *Core) Article(ctx context.Context, url string) (snapshots.Article, error) {
	a, err := c.articleByURL(ctx, c.db, url)
	if err != nil {
		return snapshots.Article{}, fmt.Errorf("get article %s: %w", url, err)
	}
	return a, nil
}

func (c *Core) articleByURL(ctx context.Context, db DB, url string) (snapshots.Article, error) {
	a, err := ScanArticle(db.QueryRow(ctx, c.q.articleByURL, url))
	if errors.Is(err, ErrNoRows) {
		return snapshots.Article{}, snapshots.ErrNotFound
	}
	return a, err
}

// Articles lists the articles matching f, by ID.
func (c *Core) Articles(ctx context.Context, f snapshots.ArticleFilter) ([]snapshots.Article, error) {
	q := NewQuery(c.d)
	if err := q.Articles(f); err != nil {
		return nil, fmt.Errorf("list articles: %w", err)
	}
	as, err := collect(ctx, c, ScanArticle, `SELECT `+ArticleColumns+` FROM articles`+q.Where()+` ORDER BY id`, q.Args...)
	if err != nil {
		return nil, fmt.Errorf("list articles: %w", err)
	}
	return as, nil
}

// collect runs a query on the store's database and reads its rows.
func collect[T any](ctx context.Context, c *Core, scan func(func(...any) error) (T, error), query string, args ...any) ([]T, error) {
	rows, err := c.db.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return Collect(rows, scan)
}

// Latest returns the newest version of an article, without Raw and Header,
// or ErrNotFound if it has none.
func (c *Core) Latest(ctx context.Context, articleID int64) (snapshots.Version, error) {
	v, err := c.oneVersion(ctx, false, c.q.latest, articleID)
	if err != nil {
		return snapshots.Version{}, fmt.Errorf("latest version of article %d: %w", articleID, err)
	}
	return v, nil
}

// Version returns version n of an article, with Raw and Header, or
// ErrNotFound if there is none.
func (c *Core) Version(ctx context.Context, articleID int64, n int) (snapshots.Version, error) {
	v, err := c.oneVersion(ctx, true, c.q.version, articleID, n)
	if err != nil {
		return snapshots.Version{}, fmt.Errorf("get version %d of article %d: %w", n, articleID, err)
	}
	return v, nil
}

func (c *Core) oneVersion(ctx context.Context, withRaw bool, where string, args ...any) (snapshots.Version, error) {
	vs, err := c.b.LoadVersions(ctx, withRaw, where, args...)
	if err != nil {
		return snapshots.Version{}, err
	}
	if len(vs) == 0 {
		return snapshots.Version{}, snapshots.ErrNotFound
	}
	return vs[0], nil
}

// Versions lists the versions matching f, oldest first. Raw and Header are
// loaded only with f.WithRaw.
func (c *Core) Versions(ctx context.Context, f snapshots.VersionFilter) ([]snapshots.Version, error) {
	q := NewQuery(c.d)
	if err := q.Versions(f); err != nil {
		return nil, fmt.Errorf("list versions: %w", err)
	}
	vs, err := c.b.LoadVersions(ctx, f.WithRaw, q.Where()+VersionOrder(f)+q.Limit(f.Limit), q.Args...)
	if err != nil {
		return nil, fmt.Errorf("list versions: %w", err)
	}
	return vs, nil
}

// Checks lists the checks matching f, newest first.
func (c *Core) Checks(ctx context.Context, f snapshots.CheckFilter) ([]snapshots.Check, error) {
	q := NewQuery(c.d)
	if err := q.Checks(f); err != nil {
		return nil, fmt.Errorf("list checks: %w", err)
	}
	cs, err := collect(ctx, c, ScanCheck, `SELECT `+CheckColumns+` FROM checks`+q.Where()+
		` ORDER BY at DESC, id DESC`+q.Limit(f.Limit), q.Args...)
	if err != nil {
		return nil, fmt.Errorf("list checks: %w", err)
	}
	return cs, nil
}

// AddDelivery records d and sets d.ID; see snapshots.DeliveryStore. It is
// not run again after a lost connection: a second row would send the
// digest twice.
func (c *Core) AddDelivery(ctx context.Context, d *snapshots.Delivery) error {
	if d == nil {
		return errors.New("add delivery: nil delivery")
	}
	if err := c.addDelivery(ctx, d); err != nil {
		return fmt.Errorf("add delivery to %q: %w", d.Notifier, err)
	}
	return nil
}

func (c *Core) addDelivery(ctx context.Context, d *snapshots.Delivery) error {
	row, err := NewDeliveryRow(*d)
	if err != nil {
		return err
	}
	var id int64
	if err := c.db.QueryRow(ctx, c.q.insertDelivery,
		d.Notifier, row.CreatedAt, row.LastAttempt, d.Attempts, string(row.Status), d.Error, row.Payload)(&id); err != nil {
		return err
	}
	d.ID, d.Status = id, row.Status
	return nil
}

// UpdateDelivery stores d's outcome; see snapshots.DeliveryStore. It sets
// columns to values, so running it again changes nothing the first run did.
func (c *Core) UpdateDelivery(ctx context.Context, d *snapshots.Delivery) error {
	if d == nil {
		return errors.New("update delivery: nil delivery")
	}
	err := c.b.Write(ctx, "update delivery", func() error { return c.updateDelivery(ctx, d) })
	if err != nil {
		return fmt.Errorf("update delivery %d to %q: %w", d.ID, d.Notifier, err)
	}
	return nil
}

func (c *Core) updateDelivery(ctx context.Context, d *snapshots.Delivery) error {
	last, err := UpdateDeliveryColumns(*d)
	if err != nil {
		return err
	}
	n, err := c.db.Exec(ctx, c.q.updateDelivery, last, d.Attempts, string(d.Status), d.Error, d.ID)
	if err != nil {
		return err
	}
	if n == 0 {
		return snapshots.ErrNotFound
	}
	return nil
}

// Deliveries lists deliveries oldest first; see snapshots.DeliveryStore.
func (c *Core) Deliveries(ctx context.Context, f snapshots.DeliveryFilter) ([]snapshots.Delivery, error) {
	q := NewQuery(c.d)
	q.Deliveries(f)
	// IDs grow with insertion, so id order is creation order even when two
	// deliveries share a timestamp.
	ds, err := collect(ctx, c, ScanDelivery, `SELECT `+DeliveryColumns+` FROM deliveries`+
		q.Where()+` ORDER BY id`+q.Limit(f.Limit), q.Args...)
	if err != nil {
		return nil, fmt.Errorf("list deliveries: %w", err)
	}
	return ds, nil
}

// Site returns what was learned of host; see snapshots.SiteStore.
func (c *Core) Site(ctx context.Context, host string) (snapshots.Site, error) {
	sites, err := c.sites(ctx, c.q.siteByHost, host)
	if err == nil && len(sites) == 0 {
		err = snapshots.ErrNotFound
	}
	if err != nil {
		return snapshots.Site{}, fmt.Errorf("site %q: %w", host, err)
	}
	return sites[0], nil
}

// Sites lists every site by host; see snapshots.SiteStore.
func (c *Core) Sites(ctx context.Context) ([]snapshots.Site, error) {
	sites, err := c.sites(ctx, ``)
	if err != nil {
		return nil, fmt.Errorf("list sites: %w", err)
	}
	return sites, nil
}

func (c *Core) sites(ctx context.Context, where string, args ...any) ([]snapshots.Site, error) {
	// Hosts in byte order, whatever the database's collation.
	return collect(ctx, c, ScanSite, `SELECT `+SiteColumns+` FROM sites `+where+` ORDER BY host`+c.d.Binary, args...)
}

// SaveSite replaces what was saved for site.Host; see snapshots.SiteStore.
// It sets the row to values, so running it again changes nothing the first
// run did.
func (c *Core) SaveSite(ctx context.Context, site snapshots.Site) error {
	err := c.b.Write(ctx, "save site", func() error {
		updated, model, err := SiteRow(site)
		if err != nil {
			return err
		}
		_, err = c.db.Exec(ctx, c.q.saveSite, site.Host, site.Pages, site.Container, site.Boilerplate, model, updated)
		return err
	})
	if err != nil {
		return fmt.Errorf("save site %q: %w", site.Host, err)
	}
	return nil
}

// RecordPoll stores the outcome of a source's newest poll of its feed or
// sitemap; see snapshots.SourcePolls. It sets the row to values, so
// running it again changes nothing the first run did.
func (c *Core) RecordPoll(ctx context.Context, p snapshots.SourcePoll) error {
	err := c.b.Write(ctx, "record poll", func() error {
		if p.Source == "" {
			return errors.New("poll without a source")
		}
		if p.At.IsZero() {
			return errors.New("poll without a time")
		}
		at, err := FormatTime(p.At)
		if err != nil {
			return err
		}
		_, err = c.db.Exec(ctx, c.q.recordPoll, p.Source, p.URL, at, p.Err)
		return err
	})
	if err != nil {
		return fmt.Errorf("record poll of source %q: %w", p.Source, err)
	}
	return nil
}

// Status returns what the store says of the work ahead at f.Now; see
// snapshots.StatusReader. Its queries see one snapshot, whatever the
// workers commit meanwhile.
func (c *Core) Status(ctx context.Context, f snapshots.StatusFilter) (snapshots.Status, error) {
	var st snapshots.Status
	err := c.inTx(ctx, true, func(db Tx) (err error) {
		st, err = ReadStatus(ctx, c.d, f, db)
		return err
	})
	if err != nil {
		return snapshots.Status{}, fmt.Errorf("status: %w", err)
	}
	return st, nil
}

// ClaimDue leases due articles to a worker; see snapshots.Claimer. The
// UPDATE is one statement: SQLite runs it under the write lock; in
// PostgreSQL the inner SELECT locks the rows it picks FOR UPDATE SKIP
// LOCKED, so a worker claiming at the same moment passes over them instead
// of waiting, and a row another claimer leased and committed meanwhile is
// re-checked against the WHERE clause once locked (READ COMMITTED re-reads
// it): its fresh lease excludes it.
func (c *Core) ClaimDue(ctx context.Context, f snapshots.ClaimFilter) ([]snapshots.Article, error) {
	as, err := c.claimDue(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("claim due articles of %s for %s: %w", f.Source, f.Worker, err)
	}
	return as, nil
}

func (c *Core) claimDue(ctx context.Context, f snapshots.ClaimFilter) ([]snapshots.Article, error) {
	cl, err := NewClaim(f)
	if err != nil {
		return nil, err
	}
	q := NewQuery(c.d)
	owner, until, source, now, never := q.Arg(f.Worker), q.Arg(cl.Until), q.Arg(f.Source), q.Arg(cl.Now), q.Arg(cl.Never)
	limit := c.d.NoLimit
	if f.Limit > 0 {
		limit = q.Arg(f.Limit)
	}
	as, err := collect(ctx, c, ScanArticle, `UPDATE articles SET lease_owner = `+owner+`, lease_until = `+until+`
		WHERE id IN (SELECT id FROM articles
			WHERE source = `+source+` AND next_check <= `+now+` AND next_check <> `+never+`
			  AND (lease_owner = '' OR lease_until <= `+now+`)
			ORDER BY next_check, id LIMIT `+limit+c.d.SkipLocked+`)
		RETURNING `+ArticleColumns, q.Args...)
	if err != nil {
		return nil, err
	}
	SortArticles(as)
	return as, nil
}

// ListArticles returns the summaries matching f, most recently changed
// first, and how many match in all; see snapshots.Lister.
func (c *Core) ListArticles(ctx context.Context, f snapshots.ListFilter) (snapshots.ListPage, error) {
	p, err := c.listArticles(ctx, f)
	if err != nil {
		return snapshots.ListPage{}, fmt.Errorf("list articles: %w", err)
	}
	return p, nil
}

func (c *Core) listArticles(ctx context.Context, f snapshots.ListFilter) (snapshots.ListPage, error) {
	q := NewQuery(c.d)
	none, err := q.List(f)
	if err != nil || none {
		return snapshots.ListPage{}, err
	}
	nWhere := len(q.Args)
	limit := c.d.NoLimit
	if f.Limit > 0 {
		limit = q.Arg(f.Limit)
	}
	offset := q.Arg(max(f.Offset, 0))
	var p snapshots.ListPage
	p.Articles, err = collect(ctx, c, func(scan func(...any) error) (snapshots.ArticleSummary, error) {
		var sum snapshots.ArticleSummary
		var changed, severity, checked, outcome string
		var reread bool
		var kinds any
		a, err := ScanArticle(func(dest ...any) error {
			return scan(append(dest, &p.Total, &changed, &sum.Versions, &sum.Title,
				&severity, &reread, &kinds, &checked, &outcome)...)
		})
		if err != nil {
			return sum, err
		}
		sum.Article = a
		ks, err := decodeList(kinds)
		if err != nil {
			return sum, fmt.Errorf("article %d: kinds: %w", a.ID, err)
		}
		return sum, FinishSummary(&sum, changed, severity, reread, ks, checked, outcome)
	}, fmt.Sprintf(c.listQuery, q.Where(), limit, offset), q.Args...)
	if err != nil {
		return snapshots.ListPage{}, err
	}
	if len(p.Articles) == 0 && f.Offset > 0 {
		// Paged past the end: the window saw no row to count in.
		if err := c.db.QueryRow(ctx, `SELECT count(*) FROM articles a`+q.Where(), q.Args[:nWhere]...)(&p.Total); err != nil {
			return snapshots.ListPage{}, err
		}
	}
	return p, nil
}

// decodeList reads a list column scanned into an any: SQLite keeps a
// list as a JSON array in text, PostgreSQL as an array.
func decodeList(v any) ([]string, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		return decodeJSONList([]byte(v))
	case []byte:
		return decodeJSONList(v)
	case []string:
		return v, nil
	case []any:
		out := make([]string, len(v))
		for i, x := range v {
			s, ok := x.(string)
			if !ok {
				return nil, fmt.Errorf("list item %d is a %T, not text", i, x)
			}
			out[i] = s
		}
		return out, nil
	}
	return nil, fmt.Errorf("a list stored as %T", v)
}

func decodeJSONList(b []byte) ([]string, error) {
	var out []string
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// inTx runs f in a transaction (read-only when readOnly) and commits it
// if f succeeds.
func (c *Core) inTx(ctx context.Context, readOnly bool, f func(Tx) error) error {
	db, err := c.b.Conn()
	if err != nil {
		return err
	}
	tx, err := db.Begin(ctx, readOnly)
	if err != nil {
		return err
	}
	// A cancelled ctx must not keep the rollback from ending the
	// transaction.
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// opened is a DB that asks the store for its database at each call, and
// fails as the store does while it is not open.
type opened func() (Conn, error)

func (o opened) Query(ctx context.Context, sql string, args ...any) (Rows, error) {
	db, err := o()
	if err != nil {
		return nil, err
	}
	return db.Query(ctx, sql, args...)
}

func (o opened) QueryRow(ctx context.Context, sql string, args ...any) func(dest ...any) error {
	db, err := o()
	if err != nil {
		return func(...any) error { return err }
	}
	return db.QueryRow(ctx, sql, args...)
}

func (o opened) Exec(ctx context.Context, sql string, args ...any) (int64, error) {
	db, err := o()
	if err != nil {
		return 0, err
	}
	return db.Exec(ctx, sql, args...)
}
