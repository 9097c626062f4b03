// Package monitor watches sources on their schedules: it fetches each
// article, extracts its text, snapshots a new version when the text changed,
// and diffs it against the previous one. Reporting is left to the caller,
// which receives every Result.
package monitor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/monitor/browser"
	"github.com/redline-news/redline/monitor/extract"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/snapshots"
)

// Source is something to watch: one article URL, or a feed whose entries
// become watched articles.
type Source struct {
	Name    string
	URL     string
	Feed    string // RSS, Atom or JSON Feed
	Sitemap string // a sitemap or sitemap index (Google News sitemaps included)
	// Links is a section front or homepage (links.go): its links inside
	// LinkArea (the whole page when zero) that LinkMatch matches (every
	// one when nil) become watched articles.
	Links     string
	LinkMatch *regexp.Regexp
	LinkArea  extract.Selector
	Spec      string // the cron spec as written, for logs
	// Schedule says when the source is polled: its feed or sitemap read
	// for new articles, and its due articles checked.
	Schedule cron.Schedule
	// Cadence says how often each article is checked as it ages; nil means
	// Options.Cadence.
	Cadence Cadence
	Rules   extract.Rules
	Tags    []string
	// Fetch limits for this source's requests; zero values take the
	// Client's (see fetch.Request).
	HostConcurrency int
	HostRate        float64
	Robots          fetch.RobotsPolicy
	// AllowPrivate lets this source's fetches (feed, sitemap, articles,
	// their redirects and robots.txt) reach loopback, private and other
	// non-global addresses, which the Client's Guard otherwise refuses.
	AllowPrivate bool
	// Browser renders the source's articles in Options.Browser (render:
	// browser), waiting for WaitFor, a CSS selector, when it is set.
	Browser bool
	WaitFor string
}

// request returns a GET of url under the source's limits.
func (src Source) request(url string) fetch.Request {
	return fetch.Request{URL: url, HostConcurrency: src.HostConcurrency, HostRate: src.HostRate, Robots: src.Robots, AllowPrivate: src.AllowPrivate}
}

// nextCheck returns when an article of src checked at now is next due. A
// source that names a single article and no cadence is checked whenever its
// schedule fires: that schedule is the user's cadence for it. Articles of
// feeds and sitemaps age through the cadence, from when they were first
// seen or, with RecheckAfterChange, from their last change (changed, zero
// when the text never changed), whichever is later.
func (m *Monitor) nextCheck(src Source, art snapshots.Article, changed, now time.Time) time.Time {
	start := art.FirstSeen
	if m.opt.RecheckAfterChange && changed.After(start) {
		start = changed
	}
	switch {
	case src.Cadence != nil:
		return src.Cadence.next(art.URL, start, now)
	case src.discovery() == "" && src.Schedule != nil:
		return src.Schedule.Next(now)
	}
	return m.opt.Cadence.next(art.URL, start, now)
}

// Store is what the monitor needs from a snapshots.Store: what
// Options.Store takes.
type Store interface {
	AddArticle(ctx context.Context, a snapshots.Article) (snapshots.Article, error)
	Articles(ctx context.Context, f snapshots.ArticleFilter) ([]snapshots.Article, error)
	Latest(ctx context.Context, articleID int64) (snapshots.Version, error)
	Versions(ctx context.Context, f snapshots.VersionFilter) ([]snapshots.Version, error)
	Checks(ctx context.Context, f snapshots.CheckFilter) ([]snapshots.Check, error)
	Save(ctx context.Context, c *snapshots.Check, v *snapshots.Version) error
}

// Options configure a Monitor.
type Options struct {
	Store   Store
	Client  *fetch.Client
	Sources []Source
	// Concurrency bounds the checks in flight at once (default 4).
	Concurrency int
	// Browser renders the articles of sources with Browser set; their
	// checks run in a pool of their own, BrowserConcurrency wide (default
	// 2), so pages that wait on the browser never hold up fetched ones.
	Browser            *browser.Browser
	BrowserConcurrency int
	// CheckTimeout bounds one article's fetch, extraction and save.
	CheckTimeout time.Duration
	// Grace is how long Run lets in-flight checks finish after its context
	// is cancelled before it cancels them.
	Grace time.Duration
	// Cadence is the article cadence of sources that set none
	// (DefaultCadence when nil).
	Cadence  Cadence
	Location *time.Location
	Logger   *slog.Logger
	Now      func() time.Time
	// RecheckAfterChange counts an article's age on its cadence from its
	// last change rather than from when it was first seen: an article
	// that changes goes back to the cadence's first stage, so a story
	// rewritten on day 3 is followed closely again, as NewsDiffs does.
	// cmd/redline turns it on unless the config says otherwise.
	RecheckAfterChange bool
	// Worker names this process when it leases due articles from a store
	// shared with other workers (default: host name and process ID).
	Worker string
	// OnResult, when set, receives every Result as it happens, one at a time.
	OnResult func(Result)
	// OnPlan, when set, learns how many more articles a cycle will check
	// (a progress bar's total): each source's count before its checks
	// start, then -1 for each of them that finds its story another
	// check's (once.go) and so ends without a Result.
	OnPlan func(n int)
	// OnCycle, when set, receives the results of each cycle once all its
	// checks are done (a digest's worth), in the order Check returns them.
	OnCycle func([]Result)
	// Metrics, when set, count checks, changes, fetch latency and the queue.
	Metrics *Metrics
	// MaxSentences refuses a version with more sentences than this, as a
	// failed check (default DefaultMaxSentences).
	MaxSentences int
}

// DefaultMaxSentences bounds a version's sentences: a story of a hundred
// thousand (a years-long live blog) still diffs, a generated page of
// millions is refused before it is stored and diffed.
const DefaultMaxSentences = 200_000

// Monitor runs checks.
type Monitor struct {
	opt   Options
	log   *slog.Logger
	mu    sync.Mutex // serializes OnResult
	sites *sites     // what was learned of each host's template
	// inflight are the articles being checked by any cycle (once.go).
	inflight inflight
}

// Result is the outcome of checking one article.
type Result struct {
	Source  string
	URL     string
	Article snapshots.Article
	Check   snapshots.Check
	// Version is the version this check created, nil when the text was
	// unchanged or the check failed. Its Raw, Header and Text are not
	// kept: they are in the store (Store.Latest).
	Version *snapshots.Version
	// Changes is the diff against the previous version; nil for a first
	// version or when nothing changed.
	Changes *diffing.ChangeSet
	Err     error
	// Event names the failure when Err is set, and Reason says it for a
	// person: "gone: 410", "extraction collapsed: 12 words vs 1840
	// before", "selector .body matched 0 nodes at URL". Without Err,
	// EventReread says the new version was read afresh ("extraction
	// changed: now reading main > div.story").
	Event  Event
	Reason string
	// Ongoing is set on a failure when the article's previous check failed
	// too: the event was reported then, and is not news until it recovers.
	Ongoing bool
	// RevertOf is the number of the older version whose text this check's
	// new version restores (A→B→A), 0 for a fresh change.
	RevertOf int
	// Flapping is set when the new version flips back to the text before
	// the latest, which itself flipped back (A→B→A→B): the page alternates
	// between two texts. FlapOngoing is set when the latest version was
	// already flapping: this flip was reported with the first one and is
	// not news.
	Flapping, FlapOngoing bool

	// moved: the page named a canonical URL the article is now keyed by
	// (or merged into); nothing was saved, and it is checked there.
	moved bool
}

// Changed reports whether the check produced a new version with changes.
func (r Result) Changed() bool { return r.Changes != nil && !r.Changes.Empty() }

// What of a check is news, for reports and notifications: a failure only
// when it begins the article's run of failures (an outage is reported
// once, and again only after the article recovered), and a change unless
// it is a flip of a page already reported as flapping.

// FailureIsNews reports whether r is a failed check worth reporting.
func (r Result) FailureIsNews() bool { return r.Err != nil && !r.Ongoing }

// ChangeIsNews reports whether r is a change worth reporting.
func (r Result) ChangeIsNews() bool { return r.Err == nil && r.Changed() && !r.FlapOngoing }

// New returns a Monitor. It does no I/O.
func New(opt Options) *Monitor {
	if opt.Concurrency <= 0 {
		opt.Concurrency = 4
	}
	if opt.BrowserConcurrency <= 0 {
		opt.BrowserConcurrency = 2
	}
	if opt.CheckTimeout <= 0 {
		opt.CheckTimeout = 2 * time.Minute
	}
	if opt.MaxSentences <= 0 {
		opt.MaxSentences = DefaultMaxSentences
	}
	if opt.Grace <= 0 {
		opt.Grace = 30 * time.Second
	}
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	if opt.Cadence == nil {
		opt.Cadence = DefaultCadence
	}
	if opt.Worker == "" {
		host, _ := os.Hostname() // a name is only a label; "" is a fine fallback
		opt.Worker = fmt.Sprintf("%s:%d", host, os.Getpid())
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Monitor{opt: opt, log: opt.Logger, sites: newSites(opt.Store, opt.Now, opt.Logger)}
}

// Run checks each source on its schedule until ctx is cancelled, then stops
// starting checks, lets in-flight ones finish within the grace period, and
// returns. It does not wait for a schedule's first firing to check what is
// due already: a source that was never polled, or has articles whose next
// check has passed, is checked as soon as Run starts. It logs when each
// source is next polled.
func (m *Monitor) Run(ctx context.Context) error {
	// Checks run under a context that outlives ctx by the grace period, so
	// a signal does not abort a fetch or a save half-way.
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	c := cron.New(cron.WithLocation(m.opt.Location))
	// One wrapped job per source, shared by its schedule and the check at
	// start, so SkipIfStillRunning keeps the two from overlapping.
	chain := cron.NewChain(cron.Recover(cronLogger{m.log}), cron.SkipIfStillRunning(cronLogger{m.log}))
	jobs := make([]cron.Job, len(m.opt.Sources))
	ids := make([]cron.EntryID, len(m.opt.Sources))
	for i, src := range m.opt.Sources {
		jobs[i] = chain.Then(cron.FuncJob(func() {
			m.CheckSources(ctx, work, []Source{src}, true)
		}))
		ids[i] = c.Schedule(jitterSchedule(src.Schedule, src.Name), jobs[i])
	}
	now := m.opt.Now().UTC()
	c.Start()
	var startup sync.WaitGroup
	checking := 0
	status := m.statusAt(ctx, now) // one read for every source, when the store reports it
	for i, src := range m.opt.Sources {
		// The cron goroutine has computed every entry's first firing
		// before it answers Entry.
		next := c.Entry(ids[i]).Next
		m.log.Info("scheduled", "source", src.Name, "schedule", src.Spec, "next", next)
		due, articles, err := m.dueNow(ctx, src, now, status)
		switch {
		case err != nil:
			m.log.Warn("what is due unreadable; waiting for the schedule", "source", src.Name, "err", err)
		case ChecksAtStart(articles, due):
			if articles == 0 {
				m.log.Info("checking now: never polled", "source", src.Name)
			} else {
				m.log.Info("checking now: articles due", "source", src.Name, "due", due)
			}
			startup.Go(jobs[i].Run)
			checking++
		}
	}
	m.log.Info("schedules started", "sources", len(m.opt.Sources), "checking_now", checking)
	<-ctx.Done()
	m.log.Info("stopping: waiting for checks in flight", "grace", m.opt.Grace)
	stopped := c.Stop()
	finished := make(chan struct{})
	go func() {
		<-stopped.Done()
		startup.Wait()
		close(finished)
	}()
	select {
	case <-finished:
	case <-time.After(m.opt.Grace):
		m.log.Warn("grace period over: cancelling checks in flight")
		cancelWork()
		<-finished
	}
	return nil
}

// ChecksAtStart is the rule Run follows as it starts: a source is checked
// at once, not at its schedule's first firing, when the store has no
// article of it (it was never polled) or some of its articles are due.
// `redline status` says what Run would do by the same rule.
func ChecksAtStart(articles, due int) bool { return articles == 0 || due > 0 }

// statusAt is the store's Status at now, or nil when the store does not
// report one or could not: dueNow then asks for the articles.
func (m *Monitor) statusAt(ctx context.Context, now time.Time) *snapshots.Status {
	sr, ok := m.opt.Store.(snapshots.StatusReader)
	if !ok {
		return nil
	}
	st, err := sr.Status(ctx, snapshots.StatusFilter{Now: now})
	if err != nil {
		m.log.Warn("status unreadable; counting each source's articles instead", "err", err)
		return nil
	}
	return &st
}

// dueNow counts src's articles due at now (retired ones aside) and its
// articles in all (0: never polled), for ChecksAtStart: from status when
// there is one, else from the articles themselves.
func (m *Monitor) dueNow(ctx context.Context, src Source, now time.Time, status *snapshots.Status) (due, articles int, err error) {
	if status != nil {
		for _, s := range status.Sources {
			if s.Source == src.Name {
				return s.Due, s.Articles + s.Retired, nil
			}
		}
		return 0, 0, nil
	}
	arts, err := m.opt.Store.Articles(ctx, snapshots.ArticleFilter{Source: src.Name, DueBy: now})
	if err != nil {
		return 0, 0, err
	}
	for _, a := range arts {
		if !a.NextCheck.Equal(snapshots.Never) {
			due++
		}
	}
	if due > 0 {
		return due, due, nil // some articles at least: all that ChecksAtStart needs
	}
	known, err := m.opt.Store.Articles(ctx, snapshots.ArticleFilter{Source: src.Name})
	return 0, len(known), err
}

// Check runs one cycle over all sources now, checking every article that
// has not aged out, and returns every result, sorted by source and URL.
func (m *Monitor) Check(ctx context.Context) []Result {
	return m.CheckSources(ctx, ctx, m.opt.Sources, false)
}

// CheckDue runs one cycle over all sources now, checking only the articles
// whose next check is due.
func (m *Monitor) CheckDue(ctx context.Context) []Result {
	return m.CheckSources(ctx, ctx, m.opt.Sources, true)
}

type target struct {
	src Source
	art snapshots.Article
	// canon, when not nil, receives the canonical URL the page read
	// declares (see canonical.go).
	canon *string
}

// CheckSources reads the given sources for new articles and checks their
// articles (only the due ones when due is set) with a bounded pool of
// workers. It stops starting checks when stop is done; checks in flight
// run under work.
func (m *Monitor) CheckSources(stop, work context.Context, sources []Source, due bool) []Result {
	c := &cycle{
		m: m, stop: stop, work: work,
		sem:    make(chan struct{}, m.opt.Concurrency),
		bsem:   make(chan struct{}, m.opt.BrowserConcurrency),
		claims: m.newClaims(),
	}
	c.claimer, c.sharing = m.opt.Store.(snapshots.Claimer)
	c.sharing = c.sharing && due
	// Browser sources are fed from a goroutine per source, so a browser
	// whose tabs are all busy (or hung until their timeout) never holds up
	// the fetched sources after it.
	var feeders sync.WaitGroup
	for _, src := range sources {
		if stop.Err() != nil {
			break
		}
		if src.Browser {
			feeders.Go(func() { c.source(src, due) })
			continue
		}
		c.source(src, due)
	}
	// Every check starts from a feeder or this loop: once they are done,
	// c.checks counts them all.
	feeders.Wait()
	c.checks.Wait()
	// What the cycle taught of each host's template, not yet saved.
	m.sites.flush(work)
	sortResults(c.results)
	if m.opt.OnCycle != nil {
		m.opt.OnCycle(c.results)
	}
	return c.results
}

// cycle is one CheckSources: the pools its checks run on and the results
// they gather.
type cycle struct {
	m    *Monitor
	stop context.Context // done: no check starts
	work context.Context // what the checks in flight run under
	// sem bounds the checks of fetched sources; browser sources have a
	// pool of their own, as wide as the browser's tabs.
	sem, bsem chan struct{}
	checks    sync.WaitGroup
	// claimer, when sharing, leases due articles to this worker (workers
	// sharing a store).
	claimer snapshots.Claimer
	sharing bool
	// claims make the cycle check each story once (once.go).
	claims *claims

	mu      sync.Mutex
	results []Result
}

// add records one result; checks and sources add concurrently.
func (c *cycle) add(r Result) {
	c.mu.Lock()
	c.results = append(c.results, r)
	c.mu.Unlock()
}

// source reads src for new articles and dispatches the checks of its
// articles: all at once, or in leased batches when workers share the
// store.
func (c *cycle) source(src Source, due bool) {
	arts, pollErr, err := c.m.articles(c.work, src, due, !c.sharing)
	for _, e := range []error{pollErr, err} {
		if e != nil {
			c.m.log.Warn("source failed", "source", src.Name, "err", e)
			c.add(c.m.emit(Result{Source: src.Name, URL: src.discovery(), Err: e}))
		}
	}
	if err != nil {
		return
	}
	if !c.sharing {
		c.dispatch(targets(src, arts))
		return
	}
	c.claimed(src)
}

// claimed dispatches src's due articles in small leased batches, as the
// pool has room, so the work spreads over the workers sharing the store
// and an article whose worker died goes to another when its lease ends.
func (c *cycle) claimed(src Source) {
	m := c.m
	for c.stop.Err() == nil {
		arts, err := c.claimer.ClaimDue(c.work, snapshots.ClaimFilter{
			Source: src.Name, Worker: m.opt.Worker, Now: m.opt.Now().UTC(),
			Lease: m.opt.CheckTimeout + time.Minute, Limit: m.opt.Concurrency,
		})
		if err != nil {
			m.log.Warn("claim failed", "source", src.Name, "err", err)
			return
		}
		if len(arts) == 0 || !c.dispatch(targets(src, arts)) {
			return
		}
	}
}

// targets are the checks of src's articles arts.
func targets(src Source, arts []snapshots.Article) []target {
	batch := make([]target, len(arts))
	for i, a := range arts {
		batch[i] = target{src: src, art: a}
	}
	return batch
}

// dispatch runs the checks of a batch (of one source) on the pool; it
// returns false once stop is done.
func (c *cycle) dispatch(batch []target) bool {
	m := c.m
	sem := c.sem
	if len(batch) > 0 && batch[0].src.Browser {
		sem = c.bsem
	}
	if m.opt.OnPlan != nil {
		m.opt.OnPlan(len(batch))
	}
	m.opt.Metrics.queued(len(batch))
	for i, t := range batch {
		select {
		case <-c.stop.Done():
		case sem <- struct{}{}:
		}
		if c.stop.Err() != nil {
			m.opt.Metrics.queued(i - len(batch)) // what never started leaves the queue
			return false
		}
		m.opt.Metrics.queued(-1)
		c.checks.Go(func() {
			defer func() { <-sem }()
			if r, ok := m.checkOne(c.work, t, c.claims); ok {
				c.add(r)
			} else if m.opt.OnPlan != nil {
				m.opt.OnPlan(-1) // the story was another check's: one check fewer than planned
			}
		})
	}
	return true
}

// sortResults puts a cycle's results in source, then URL, order.
func sortResults(results []Result) {
	sort.SliceStable(results, func(i, j int) bool {
		if results[i].Source != results[j].Source {
			return results[i].Source < results[j].Source
		}
		return results[i].URL < results[j].URL
	})
}

// articles reads a source's feed or sitemap, adds the articles it has not
// seen before, and returns the source's articles to check: all that have
// not aged out, or only the due ones. Articles that dropped out of the feed
// are still watched. A feed, sitemap or section page that fails to load
// (pollErr) does not stop the checks of the articles found there before:
// a story is edited whether its section front is up or not. err is a
// store failure, which does.
func (m *Monitor) articles(ctx context.Context, src Source, due, list bool) (arts []snapshots.Article, pollErr, err error) {
	var entries []string
	switch {
	case src.Feed != "":
		entries, pollErr = m.feedEntries(ctx, src)
	case src.Sitemap != "":
		entries, pollErr = m.sitemapEntries(ctx, src)
	case src.Links != "":
		entries, pollErr = m.linkEntries(ctx, src)
	default:
		entries = []string{src.URL}
	}
	if src.discovery() != "" {
		m.recordPoll(ctx, src, pollErr)
	}
	known, err := m.opt.Store.Articles(ctx, snapshots.ArticleFilter{Source: src.Name})
	if err != nil {
		return nil, pollErr, fmt.Errorf("source %s: list articles: %w", src.Name, err)
	}
	seen := make(map[string]bool, len(known))
	for _, a := range known {
		seen[a.URL] = true
	}
	if err := m.aliased(ctx, src, seen); err != nil {
		return nil, pollErr, fmt.Errorf("source %s: %w", src.Name, err)
	}
	now := m.opt.Now().UTC()
	var news []snapshots.Article
	for _, e := range entries {
		u, err := NormalizeURL(e)
		if err != nil {
			m.log.Warn("entry skipped", "source", src.Name, "err", err)
			continue
		}
		if seen[u] {
			continue
		}
		seen[u] = true
		news = append(news, snapshots.Article{URL: u, Source: src.Name, FirstSeen: now})
	}
	if b, ok := m.opt.Store.(snapshots.ArticleBatcher); ok && len(news) > 1 {
		// One commit for a feed's new entries, not one each.
		if err := b.AddArticles(ctx, news); err != nil {
			return nil, pollErr, fmt.Errorf("source %s: %w", src.Name, err)
		}
	} else {
		for _, a := range news {
			if _, err := m.opt.Store.AddArticle(ctx, a); err != nil {
				return nil, pollErr, fmt.Errorf("source %s: add article %s: %w", src.Name, a.URL, err)
			}
		}
	}
	if len(news) > 0 {
		m.log.Info("new articles", "source", src.Name, "count", len(news))
	}
	if !list {
		return nil, pollErr, nil
	}
	f := snapshots.ArticleFilter{Source: src.Name}
	if due {
		f.DueBy = now
	}
	arts, err = m.opt.Store.Articles(ctx, f)
	if err != nil {
		return nil, pollErr, fmt.Errorf("source %s: list articles: %w", src.Name, err)
	}
	out := arts[:0]
	for _, a := range arts {
		if !a.NextCheck.Equal(snapshots.Never) {
			out = append(out, a)
		}
	}
	return out, pollErr, nil
}

// recordPoll stores the outcome of reading src's feed or sitemap, so that
// `redline status` shows a source whose feed does not load. Failing to
// record it is logged and otherwise ignored: the poll itself went on.
func (m *Monitor) recordPoll(ctx context.Context, src Source, pollErr error) {
	sp, ok := m.opt.Store.(snapshots.SourcePolls)
	if !ok {
		return
	}
	p := snapshots.SourcePoll{Source: src.Name, URL: src.discovery(), At: m.opt.Now().UTC()}
	if pollErr != nil {
		// The source is the row's key: its name need not open the text.
		p.Err = strings.TrimPrefix(pollErr.Error(), "source "+src.Name+": ")
	}
	if err := sp.RecordPoll(ctx, p); err != nil {
		m.log.Warn("poll not recorded", "source", src.Name, "err", err)
	}
}

// checkOne checks one article. A failure becomes data on the Result and
// the Check row; it never stops the other checks. It checks nothing and
// returns false when the story is another check's (claims, once.go): the
// article's own, or the one its page names canonical.
func (m *Monitor) checkOne(ctx context.Context, t target, cl *claims) (res Result, ok bool) {
	art := t.art
	log := m.log.With("source", t.src.Name, "url", art.URL)
	if !cl.claim(art.URL) {
		log.Debug("not checked: checked by another check of this cycle, or in flight")
		return Result{}, false
	}
	held := []string{art.URL}
	defer func() { cl.release(held) }()
	res = Result{Source: t.src.Name, URL: art.URL, Article: art}
	defer func() {
		if p := recover(); p != nil {
			log.Error("check panicked", "panic", p, "stack", string(debug.Stack()))
			res.Err = fmt.Errorf("check %s: internal error: %v", art.URL, p)
			ok = true
		}
		if !ok {
			return
		}
		if res.Err != nil && res.Event == "" {
			res.Event, res.Reason = classify(res.Err)
		}
		res = m.emit(res)
	}()
	ctx, cancel := context.WithTimeout(ctx, m.opt.CheckTimeout)
	defer cancel()

	// Another process may save a version of this article between reading
	// the latest and saving the next: the new one was compared with a
	// version it would not follow (and read with that version's reading
	// as anchor), so it is fetched, read and compared again.
	moves := 0
	for try := 1; ; try++ {
		res = m.checkOnce(ctx, t, moves < maxMoves, log)
		if res.moved {
			// Keyed by its canonical URL now: the story is read there,
			// unless another check has it (this cycle's check of the
			// canonical entry, or an earlier variant's).
			if u := res.Article.URL; !slices.Contains(held, u) {
				if !cl.claim(u) {
					log.Debug("canonical article checked by another check of this cycle, or in flight", "canonical", u, "article_id", res.Article.ID)
					return res, false
				}
				held = append(held, u)
			}
			moves++
			try--
			t.art = res.Article
			log = m.log.With("source", t.src.Name, "url", t.art.URL)
			continue
		}
		if !errors.Is(res.Err, snapshots.ErrConflict) || try == maxConflicts {
			return res, true
		}
		log.Info("another process saved a version meanwhile: checking again", "try", try)
	}
}

// maxConflicts bounds how often one check starts again because another
// process saved a version of its article meanwhile.
const maxConflicts = 3

// checkOnce fetches, reads and compares one article against its latest
// version and saves what it found.
func (m *Monitor) checkOnce(ctx context.Context, t target, follow bool, log *slog.Logger) (res Result) {
	art := t.art
	var declared string
	if follow {
		t.canon = &declared
	}
	res = Result{Source: t.src.Name, URL: art.URL, Article: art}
	prev, err := m.opt.Store.Latest(ctx, art.ID)
	hasPrev := err == nil
	if err != nil && !errors.Is(err, snapshots.ErrNotFound) {
		return storeFailed(res, fmt.Errorf("latest version of %s: %w", art.URL, err), log)
	}
	now := m.opt.Now().UTC()
	check := snapshots.Check{ArticleID: art.ID, At: now}
	var anchor *snapshots.Version
	if hasPrev {
		anchor = &prev
	}
	v, err := m.fetchChecked(ctx, t, &check, anchor, log)
	if err != nil {
		return m.fail(ctx, res, check, err, log)
	}
	stored := follow && v == nil && hasPrev && art.CanonicalURL == ""
	if stored {
		declared = m.storedCanonical(ctx, art, prev, log)
	}
	if got := m.canonicalize(ctx, art, declared, stored, !hasPrev, log); got.ID != art.ID || got.URL != art.URL {
		res.Article, res.moved = got, true
		return res
	}
	unchanged := v == nil || (hasPrev && prev.TextSHA256 == check.TextSHA256)
	var changed time.Time // when the text last changed; zero if it never did
	switch {
	case hasPrev && !unchanged:
		changed = now
	case prev.Number > 1:
		changed = prev.At
	}
	check.NextCheck = m.nextCheck(t.src, art, changed, now)
	if unchanged {
		check.Outcome = snapshots.OutcomeUnchanged
		if v == nil {
			// The server says the page is the one read before: its text
			// is the version's, which the store checks it still is.
			check.Outcome = snapshots.OutcomeNotModified
			check.TextSHA256 = prev.TextSHA256
		}
		check.Version = prev.Number
		if err := m.opt.Store.Save(ctx, &check, nil); err != nil {
			res = storeFailed(res, fmt.Errorf("record check of %s: %w", art.URL, err), log)
		}
		res.Check = check
		log.Debug(string(check.Outcome), "version", prev.Number)
		return res
	}
	return m.diffAndSave(ctx, res, check, prev, hasPrev, v, log)
}

// storeFailed is res failed because the store did: the error is its event
// and reason, and logged.
func storeFailed(res Result, err error, log *slog.Logger) Result {
	res.Err = err
	res.Event, res.Reason = EventStore, err.Error()
	log.Error("store failed", "err", err)
	return res
}

// fetchChecked fetches and reads the page, conditionally when a version
// is stored (anchor), and refuses what must not become a version: a 304
// with nothing to compare, a text over max_sentences, a page that
// collapsed against the stored version. A nil version with no error is
// "not modified".
func (m *Monitor) fetchChecked(ctx context.Context, t target, check *snapshots.Check, anchor *snapshots.Version, log *slog.Logger) (*snapshots.Version, error) {
	art := t.art
	req := t.src.request(art.URL)
	if anchor != nil {
		// Without a stored version a 304 would leave nothing to compare.
		req.ETag, req.LastModified = art.ETag, art.LastModified
	}
	v, err := m.fetchVersion(ctx, t, req, check, anchor, log)
	if err == nil && v == nil && anchor == nil {
		err = fmt.Errorf("fetch %s: 304 Not Modified to an unconditional request", art.URL)
	}
	return v, m.refused(art.URL, v, err, anchor, check.TextSHA256)
}

// refused is err, or why the version v read of url (with text hash
// textSHA) must not be saved after anchor (nil for none): more sentences
// than max_sentences, or a page that collapsed against the stored version.
func (m *Monitor) refused(url string, v *snapshots.Version, err error, anchor *snapshots.Version, textSHA string) error {
	// Every sentence takes a byte at least, so only a text longer than the
	// limit needs counting: news articles never pay for the segmentation.
	if err == nil && v != nil && len(v.Text) > m.opt.MaxSentences && (anchor == nil || anchor.TextSHA256 != textSHA) {
		if n := sentences(v.Text, m.opt.MaxSentences); n > m.opt.MaxSentences {
			err = fmt.Errorf("extract %s: %w: more than max_sentences=%d", url, ErrTooManySentences, m.opt.MaxSentences)
		}
	}
	if anchor != nil {
		switch {
		case errors.Is(err, extract.ErrEmpty) && wordCount(anchor.Text) >= minCollapseWords:
			err = &CollapseError{Before: wordCount(anchor.Text)}
		case err == nil && v != nil && anchor.TextSHA256 != textSHA:
			// A collapsed page is an event, never a version deleting the
			// article.
			err = collapsed(anchor, v)
		}
	}
	return err
}

// diffAgainst compares v with the stored version prev: the changes, their
// severity and kinds go into v and res, and a return to an earlier text
// is marked a revert (and flapping when it keeps happening).
func (m *Monitor) diffAgainst(ctx context.Context, res *Result, prev snapshots.Version, v *snapshots.Version, textSHA string, log *slog.Logger) error {
	cs := diffing.Compare(document(prev), document(*v))
	b, err := cs.Marshal()
	if err != nil {
		return fmt.Errorf("encode changes of %s: %w", res.URL, err)
	}
	v.Changes = b
	v.Severity = cs.Summary.Severity.String()
	v.Kinds = kinds(cs)
	res.Changes = cs
	if n, flapping := m.revertOf(ctx, res.Article.ID, prev.Number, textSHA, log); n > 0 {
		res.RevertOf = n
		v.Kinds = append(v.Kinds, KindRevert)
		if flapping {
			res.Flapping = true
			res.FlapOngoing = slices.Contains(prev.Kinds, KindFlapping)
			v.Kinds = append(v.Kinds, KindFlapping)
		}
		sort.Strings(v.Kinds)
	}
	return nil
}

// saveVersion stores v as the version after prev, with its check, and
// finishes res: unchanged after all if another process stored the same
// text first, a re-read said once, the page's bytes released.
func (m *Monitor) saveVersion(ctx context.Context, res Result, check snapshots.Check, prev snapshots.Version, v *snapshots.Version, log *slog.Logger) Result {
	v.Number = prev.Number + 1 // compared with prev: it must follow it
	check.Outcome = snapshots.OutcomeNew
	if err := m.opt.Store.Save(ctx, &check, v); err != nil {
		res = storeFailed(res, fmt.Errorf("save version of %s: %w", res.URL, err), log)
		res.Changes = nil
		return res
	}
	res.Check = check
	if check.Outcome == snapshots.OutcomeUnchanged {
		// Another process stored this text first: nothing changed here.
		res.Changes, res.RevertOf, res.Flapping, res.FlapOngoing = nil, 0, false, false
		log.Debug("unchanged: stored meanwhile by another process", "version", check.Version)
		return res
	}
	if v.Reread {
		// The previous reading was impossible (the page's structure
		// changed): what differs may be the reading's, not the
		// publisher's, and is said so, once, with this version.
		res.Event, res.Reason = EventReread, rereadReason(*v)
		log.Info("extraction changed", "version", v.Number, "reason", res.Reason)
	}
	// The body, headers and text are in the store now; a cycle of
	// thousands of results must not keep every page in memory until it
	// ends (the text of 10,000 stories is about 70 MB).
	v.Raw, v.Header, v.Text = nil, "", ""
	res.Version = v
	// Logged once the version is committed: an acknowledgement an auditor
	// (or the crash test) can hold the store to.
	log.Info("new version", "version", v.Number, "text_sha256", v.TextSHA256, "chain_hash", v.ChainHash,
		"severity", v.Severity, "revert_of", res.RevertOf, "flapping", res.Flapping)
	return res
}

// fail records a failed check. The article stays due: the next cycle tries
// again, unless the server asked for a longer pause than a retry waits.
func (m *Monitor) fail(ctx context.Context, res Result, check snapshots.Check, err error, log *slog.Logger) Result {
	var se *fetch.StatusError
	if errors.As(err, &se) && se.RetryAfter > 0 {
		check.NextCheck = check.At.Add(se.RetryAfter)
	}
	res.Event, res.Reason = classify(err)
	// Read before saving this check: was the article already failing?
	last, lerr := m.opt.Store.Checks(ctx, snapshots.CheckFilter{ArticleID: check.ArticleID, Limit: 1})
	if lerr != nil {
		// Better a repeated report than a lost one.
		log.Warn("previous check unreadable; reporting the failure as new", "err", lerr)
	}
	res.Ongoing = len(last) > 0 && last[0].Outcome == snapshots.OutcomeFailed
	check.Outcome = snapshots.OutcomeFailed
	check.Error = err.Error()
	res.Err = err
	log.Warn("check failed", "status", check.Status, "event", string(res.Event), "ongoing", res.Ongoing, "err", err)
	if serr := m.opt.Store.Save(ctx, &check, nil); serr != nil {
		res.Err = errors.Join(err, fmt.Errorf("record failed check: %w", serr))
	}
	res.Check = check
	return res
}

// revertOf returns the number of the version before latest whose text hash
// is textSHA, the newest such, or 0 when the text is new. flapping reports
// that the text is that of the version just before latest, and latest
// repeats the one before that: the page alternates between two texts.
func (m *Monitor) revertOf(ctx context.Context, articleID int64, latest int, textSHA string, log *slog.Logger) (n int, flapping bool) {
	vs, err := m.opt.Store.Versions(ctx, snapshots.VersionFilter{ArticleID: articleID})
	if err != nil {
		// The version is still worth saving; only its label is lost.
		log.Warn("versions unreadable; revert not detected", "err", err)
		return 0, false
	}
	text := map[int]string{}
	for _, v := range vs {
		text[v.Number] = v.TextSHA256
		if v.Number < latest && v.TextSHA256 == textSHA {
			n = v.Number
		}
	}
	flapping = latest >= 3 && text[latest-1] == textSHA && text[latest] == text[latest-2] && text[latest] != ""
	return n, flapping
}

// fetchVersion fetches and extracts t, filling the check's HTTP fields, and
// returns the version it would save, or nil when the server answered 304.
//
// prev, when not nil, is the article's latest version: its reading is the
// anchor, so the page is read from the same containers as before.
func (m *Monitor) fetchVersion(ctx context.Context, t target, req fetch.Request, check *snapshots.Check, prev *snapshots.Version, log *slog.Logger) (*snapshots.Version, error) {
	start := time.Now()
	resp, err := m.get(ctx, t.src, req)
	defer func() { m.opt.Metrics.fetched(time.Since(start), err) }()
	if resp != nil {
		check.Status = resp.Status
		check.FinalURL = resp.FinalURL
		check.ETag = resp.Header.Get("ETag")
		check.LastModified = resp.Header.Get("Last-Modified")
		check.RawSHA256 = resp.SHA256
	}
	if err != nil {
		return nil, err
	}
	if resp.NotModified() {
		// A 304 may omit the validators; the ones we sent still hold.
		if check.ETag == "" {
			check.ETag = req.ETag
		}
		if check.LastModified == "" {
			check.LastModified = req.LastModified
		}
		check.RawSHA256 = ""
		return nil, nil
	}
	return m.readVersion(ctx, t, resp, check, prev, log)
}

// readVersion extracts the version resp holds, as its check records it
// (the text hash), read with prev's reading as anchor when prev is not nil.
func (m *Monitor) readVersion(ctx context.Context, t target, resp *fetch.Response, check *snapshots.Check, prev *snapshots.Version, log *slog.Logger) (*snapshots.Version, error) {
	page := extract.Page{URL: resp.FinalURL, ContentType: resp.Header.Get("Content-Type"), Body: resp.Body}
	rules := t.src.Rules
	if prev != nil && len(prev.Reading) > 0 {
		var r extract.Reading
		if err := json.Unmarshal(prev.Reading, &r); err != nil {
			// Provenance only: the page is read afresh, and the version
			// saved with a reading that will anchor the next one.
			log.Warn("previous reading undecodable; reading afresh", "version", prev.Number, "err", err)
		} else {
			rules.Anchor = &r
		}
	}
	a, err := m.sites.extract(ctx, page, rules)
	if err != nil {
		return nil, fmt.Errorf("extract %s: %w", t.art.URL, err)
	}
	if t.canon != nil {
		*t.canon = a.CanonicalURL
	}
	reading, err := json.Marshal(a.Reading)
	if err != nil {
		return nil, fmt.Errorf("extract %s: encode reading: %w", t.art.URL, err)
	}
	v := &snapshots.Version{
		ArticleID: check.ArticleID,
		At:        check.At,
		Title:     a.Title,
		Byline:    a.Byline,
		Published: a.Published,
		Modified:  a.Modified,
		Dek:       a.Dek,
		Text:      a.Text(),
		Raw:       resp.Body,
		Header:    headerText(resp),
		Notes:     a.Notes, // provenance: how the page was read
		Reading:   reading,
		Reread:    a.Reread,
	}
	check.TextSHA256 = snapshots.TextHash(v.Title, v.Dek, v.Text)
	return v, nil
}

func (m *Monitor) emit(r Result) Result {
	if r.Article.ID != 0 {
		m.opt.Metrics.checked(r)
	}
	if m.opt.OnResult != nil {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.opt.OnResult(r)
	}
	return r
}

// document turns a stored version into what diffing compares.
func document(v snapshots.Version) diffing.Document {
	var paras []string
	if v.Text != "" {
		paras = strings.Split(v.Text, "\n\n")
	}
	return diffing.Document{Title: v.Title, Byline: v.Byline, Modified: v.Modified, Dek: v.Dek, Paragraphs: paras}
}

// Document is document for callers outside the package (diff of stored
// versions).
func Document(v snapshots.Version) diffing.Document { return document(v) }

func kinds(cs *diffing.ChangeSet) []string {
	var ks []string
	for k := range cs.Summary.Counts {
		ks = append(ks, string(k))
	}
	sort.Strings(ks)
	return ks
}

func headerText(r *fetch.Response) string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d\n", r.Status)
	names := make([]string, 0, len(r.Header))
	for k := range r.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range r.Header[k] {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	return b.String()
}

// cronLogger adapts slog to cron.Logger.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}

// sentences counts the sentences of a version's text, paragraphs separated
// by blank lines, as the diff will segment them; it stops past limit.
func sentences(text string, limit int) int {
	n := 0
	for p := range strings.SplitSeq(text, "\n\n") {
		if n += len(diffing.Segment(p)); n > limit {
			break
		}
	}
	return n
}

// diffAndSave diffs v against prev, the latest version, when there is one
// (hasPrev), and saves it with check: the last steps of a fetched page and
// of an imported capture alike.
func (m *Monitor) diffAndSave(ctx context.Context, res Result, check snapshots.Check, prev snapshots.Version, hasPrev bool, v *snapshots.Version, log *slog.Logger) Result {
	if hasPrev {
		if err := m.diffAgainst(ctx, &res, prev, v, check.TextSHA256, log); err != nil {
			res.Err = err
			return res
		}
	} else {
		v.Reread = false // a first version has no reading to depart from
	}
	return m.saveVersion(ctx, res, check, prev, v, log)
}
