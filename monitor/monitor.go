// Package monitor watches sources on their schedules: it fetches each
// article, extracts its text, snapshots a new version when the text changed,
// and diffs it against the previous one. Reporting is left to the caller,
// which receives every Result.
package monitor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/monitor/extract"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/snapshots"
)

// Source is something to watch: one article URL, or a feed whose entries
// become watched articles.
type Source struct {
	Name     string
	URL      string
	Feed     string
	Spec     string // the cron spec as written, for logs
	Schedule cron.Schedule
	Rules    extract.Rules
	Tags     []string
}

// store is what the monitor needs from a snapshots.Store.
type store interface {
	AddArticle(ctx context.Context, a snapshots.Article) (snapshots.Article, error)
	Articles(ctx context.Context, f snapshots.ArticleFilter) ([]snapshots.Article, error)
	Latest(ctx context.Context, articleID int64) (snapshots.Version, error)
	Save(ctx context.Context, c *snapshots.Check, v *snapshots.Version) error
}

// Options configure a Monitor.
type Options struct {
	Store   store
	Client  *fetch.Client
	Sources []Source
	// Concurrency bounds the checks in flight at once (default 4).
	Concurrency int
	// CheckTimeout bounds one article's fetch, extraction and save.
	CheckTimeout time.Duration
	// Grace is how long Run lets in-flight checks finish after its context
	// is cancelled before it cancels them.
	Grace    time.Duration
	Location *time.Location
	Logger   *slog.Logger
	Now      func() time.Time
	// OnResult, when set, receives every Result as it happens, one at a time.
	OnResult func(Result)
}

// Monitor runs checks.
type Monitor struct {
	opt Options
	log *slog.Logger
	mu  sync.Mutex // serializes OnResult
}

// Result is the outcome of checking one article.
type Result struct {
	Source  string
	URL     string
	Article snapshots.Article
	Check   snapshots.Check
	// Version is the version this check created, nil when the text was
	// unchanged or the check failed.
	Version *snapshots.Version
	// Changes is the diff against the previous version; nil for a first
	// version or when nothing changed.
	Changes *diffing.ChangeSet
	Err     error
}

// Changed reports whether the check produced a new version with changes.
func (r Result) Changed() bool { return r.Changes != nil && !r.Changes.Empty() }

// New returns a Monitor. It does no I/O.
func New(opt Options) *Monitor {
	if opt.Concurrency <= 0 {
		opt.Concurrency = 4
	}
	if opt.CheckTimeout <= 0 {
		opt.CheckTimeout = 2 * time.Minute
	}
	if opt.Grace <= 0 {
		opt.Grace = 30 * time.Second
	}
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Monitor{opt: opt, log: opt.Logger}
}

// Run checks each source on its schedule until ctx is cancelled, then stops
// starting checks, lets in-flight ones finish within the grace period, and
// returns.
func (m *Monitor) Run(ctx context.Context) error {
	// Checks run under a context that outlives ctx by the grace period, so
	// a signal does not abort a fetch or a save half-way.
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	c := cron.New(
		cron.WithLocation(m.opt.Location),
		cron.WithChain(cron.Recover(cronLogger{m.log}), cron.SkipIfStillRunning(cronLogger{m.log})),
	)
	for _, src := range m.opt.Sources {
		c.Schedule(src.Schedule, cron.FuncJob(func() {
			m.CheckSources(ctx, work, []Source{src})
		}))
		m.log.Info("scheduled", "source", src.Name, "schedule", src.Spec)
	}
	c.Start()
	<-ctx.Done()
	m.log.Info("stopping: waiting for checks in flight", "grace", m.opt.Grace)
	stopped := c.Stop()
	select {
	case <-stopped.Done():
	case <-time.After(m.opt.Grace):
		m.log.Warn("grace period over: cancelling checks in flight")
		cancelWork()
		<-stopped.Done()
	}
	return nil
}

// Check runs one cycle over all sources now and returns every result,
// sorted by source and URL.
func (m *Monitor) Check(ctx context.Context) []Result {
	return m.CheckSources(ctx, ctx, m.opt.Sources)
}

type target struct {
	src Source
	url string
}

// CheckSources checks every article of the given sources with a bounded
// pool of workers. It stops starting checks when stop is done; checks in
// flight run under work.
func (m *Monitor) CheckSources(stop, work context.Context, sources []Source) []Result {
	var targets []target
	var results []Result
	for _, src := range sources {
		urls, err := m.articleURLs(work, src)
		if err != nil {
			m.log.Warn("source failed", "source", src.Name, "err", err)
			results = append(results, m.emit(Result{Source: src.Name, URL: src.Feed, Err: err}))
			continue
		}
		for _, u := range urls {
			targets = append(targets, target{src, u})
		}
	}
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		sem = make(chan struct{}, m.opt.Concurrency)
	)
	for _, t := range targets {
		select {
		case <-stop.Done():
		case sem <- struct{}{}:
		}
		if stop.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			r := m.checkOne(work, t)
			mu.Lock()
			results = append(results, r)
			mu.Unlock()
		})
	}
	wg.Wait()
	sort.SliceStable(results, func(i, j int) bool {
		if results[i].Source != results[j].Source {
			return results[i].Source < results[j].Source
		}
		return results[i].URL < results[j].URL
	})
	return results
}

// articleURLs lists the articles a source watches: its URL, or its feed's
// entries plus every article found in the feed before.
func (m *Monitor) articleURLs(ctx context.Context, src Source) ([]string, error) {
	if src.Feed == "" {
		return []string{src.URL}, nil
	}
	seen := map[string]bool{}
	var urls []string
	entries, err := m.feedEntries(ctx, src)
	if err != nil {
		return nil, err
	}
	known, err := m.opt.Store.Articles(ctx, snapshots.ArticleFilter{Source: src.Name})
	if err != nil {
		return nil, fmt.Errorf("source %s: list articles: %w", src.Name, err)
	}
	for _, a := range known {
		entries = append(entries, a.URL)
	}
	for _, u := range entries {
		if !seen[u] {
			seen[u] = true
			urls = append(urls, u)
		}
	}
	return urls, nil
}

// checkOne checks one article. A failure becomes data on the Result and
// the Check row; it never stops the other checks.
func (m *Monitor) checkOne(ctx context.Context, t target) (res Result) {
	log := m.log.With("source", t.src.Name, "url", t.url)
	res = Result{Source: t.src.Name, URL: t.url}
	defer func() {
		if p := recover(); p != nil {
			log.Error("check panicked", "panic", p, "stack", string(debug.Stack()))
			res.Err = fmt.Errorf("check %s: internal error: %v", t.url, p)
		}
		res = m.emit(res)
	}()
	ctx, cancel := context.WithTimeout(ctx, m.opt.CheckTimeout)
	defer cancel()

	art, err := m.opt.Store.AddArticle(ctx, snapshots.Article{URL: t.url, Source: t.src.Name, FirstSeen: m.opt.Now().UTC()})
	if err != nil {
		res.Err = fmt.Errorf("add article %s: %w", t.url, err)
		log.Error("store failed", "err", res.Err)
		return res
	}
	res.Article = art
	prev, err := m.opt.Store.Latest(ctx, art.ID)
	hasPrev := err == nil
	if err != nil && !errors.Is(err, snapshots.ErrNotFound) {
		res.Err = fmt.Errorf("latest version of %s: %w", t.url, err)
		log.Error("store failed", "err", res.Err)
		return res
	}

	check := snapshots.Check{ArticleID: art.ID, At: m.opt.Now().UTC()}
	v, err := m.fetchVersion(ctx, t, &check)
	if err != nil {
		check.Outcome = snapshots.OutcomeFailed
		check.Error = err.Error()
		res.Err = err
		log.Warn("check failed", "status", check.Status, "err", err)
		if serr := m.opt.Store.Save(ctx, &check, nil); serr != nil {
			res.Err = errors.Join(err, fmt.Errorf("record failed check: %w", serr))
		}
		res.Check = check
		return res
	}
	if hasPrev && prev.TextSHA256 == check.TextSHA256 {
		check.Outcome = snapshots.OutcomeUnchanged
		check.Version = prev.Number
		if err := m.opt.Store.Save(ctx, &check, nil); err != nil {
			res.Err = fmt.Errorf("record check of %s: %w", t.url, err)
			log.Error("store failed", "err", res.Err)
		}
		res.Check = check
		log.Debug("unchanged", "version", prev.Number)
		return res
	}
	if hasPrev {
		cs := diffing.Compare(document(prev), document(*v))
		b, err := cs.Marshal()
		if err != nil {
			res.Err = fmt.Errorf("encode changes of %s: %w", t.url, err)
			return res
		}
		v.Changes = b
		v.Severity = cs.Summary.Severity.String()
		v.Kinds = kinds(cs)
		res.Changes = cs
	}
	check.Outcome = snapshots.OutcomeNew
	if err := m.opt.Store.Save(ctx, &check, v); err != nil {
		res.Err = fmt.Errorf("save version of %s: %w", t.url, err)
		log.Error("store failed", "err", res.Err)
		res.Changes = nil
		return res
	}
	res.Check = check
	res.Version = v
	log.Info("new version", "version", v.Number, "severity", v.Severity)
	return res
}

// fetchVersion fetches and extracts t, filling the check's HTTP fields, and
// returns the version it would save.
func (m *Monitor) fetchVersion(ctx context.Context, t target, check *snapshots.Check) (*snapshots.Version, error) {
	resp, err := m.opt.Client.Get(ctx, fetch.Request{URL: t.url})
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
	page := extract.Page{URL: resp.FinalURL, ContentType: resp.Header.Get("Content-Type"), Body: resp.Body}
	a, err := extract.Extract(page, t.src.Rules)
	if err != nil {
		return nil, fmt.Errorf("extract %s: %w", t.url, err)
	}
	v := &snapshots.Version{
		ArticleID: check.ArticleID,
		At:        check.At,
		Title:     a.Title,
		Byline:    a.Byline,
		Published: a.Published,
		Modified:  a.Modified,
		Text:      a.Text(),
		Raw:       resp.Body,
		Header:    headerText(resp),
	}
	check.TextSHA256 = snapshots.TextHash(v.Title, v.Text)
	return v, nil
}

func (m *Monitor) emit(r Result) Result {
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
	return diffing.Document{Title: v.Title, Byline: v.Byline, Modified: v.Modified, Paragraphs: paras}
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
