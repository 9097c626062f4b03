package monitor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/redline-news/redline/monitor/extract"
	"github.com/redline-news/redline/snapshots"
)

// A page read by its host's learned template is now and then also read
// generically, to check that the template still holds. The sample adapts,
// per host and process: the first re-check of a template comes after
// recheckFirst pages read with it, and each agreeing re-check doubles the
// gap to the next, up to recheckMax, since a template that held on many
// pages is less likely to fail on the next one than a new one; a
// disagreement makes the very next template page a re-check (two in a row
// drop the template, extract.SiteModel.Recheck), and a template read from
// another container starts again at recheckFirst.
const (
	recheckFirst = 10
	recheckMax   = 64
)

// sites holds the template model of each host the monitor reads pages of,
// loaded from the store on first use and saved back when it changes.
//
// Workers of one process share a host's model under its mutex. Processes
// sharing a store each keep their own copy and save it whole: the last to
// save wins (snapshots.SiteStore), which loses a few observations, never
// mixes two models, and is made up for by later pages.
type sites struct {
	store snapshots.SiteStore // nil when the store keeps no sites: nothing is learned
	now   func() time.Time
	log   *slog.Logger
	// read is extract.Extract; tests wrap it (export_test.go) to play an
	// extractor's answers the one on this branch cannot give yet.
	read func(extract.Page, extract.Rules) (extract.Article, error)
	// slots bounds the pages being extracted at once to the processors
	// there are: extraction is all CPU, and each page in extraction holds
	// its parsed tree (and Readability's copy of it), ten times the page's
	// size, so more checks in flight than processors would only hold more
	// trees at once, not read pages faster.
	slots chan struct{}

	mu    sync.Mutex
	hosts map[string]*site
}

// site is one host's model. mu is held while the model is loaded, read,
// taught or saved, never while a page is extracted.
type site struct {
	mu     sync.Mutex
	loaded bool
	model  *extract.SiteModel
	saved  []byte // the model's JSON as last loaded or saved
	// dirty is set when the model was taught since it was saved; lastSave
	// is when it was saved.
	dirty    bool
	lastSave time.Time
	// sinceCheck counts the pages read by the template since its last
	// re-check; the recheckGap-th is read generically too. checkedOn is
	// the container of the template the gap was earned on.
	sinceCheck, recheckGap int
	checkedOn              string
}

// saveEvery bounds how often a host's model is written while a cycle
// teaches it: a first cycle over a thousand pages of one host writes it a
// few times, not a thousand. Each cycle ends by saving what is left.
const saveEvery = 30 * time.Second

func newSites(st Store, now func() time.Time, log *slog.Logger) *sites {
	ss, _ := st.(snapshots.SiteStore) // a store without sites learns nothing
	return &sites{store: ss, now: now, log: log, read: extract.Extract, hosts: map[string]*site{},
		slots: make(chan struct{}, runtime.GOMAXPROCS(0))}
}

// readPage is s.read under one of s.slots, waited for no longer than ctx
// allows.
func (s *sites) readPage(ctx context.Context, page extract.Page, rules extract.Rules) (extract.Article, error) {
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		return extract.Article{}, fmt.Errorf("waiting for a processor: %w", context.Cause(ctx))
	}
	defer func() { <-s.slots }()
	return s.read(page, rules)
}

// hostOf names the site a page belongs to: its URL's host, port included,
// in lower case; "" when the URL has none.
func hostOf(pageURL string) string {
	u, err := url.Parse(pageURL)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}

// LearnedTemplate returns what st learned of the template of pageURL's
// host, as the monitor would read the page with it: nil when nothing was
// learned yet. It returns an error naming the host when the stored model
// cannot be read.
func LearnedTemplate(ctx context.Context, st snapshots.SiteStore, pageURL string) (*extract.Template, error) {
	host := hostOf(pageURL)
	if host == "" {
		return nil, nil
	}
	site, err := st.Site(ctx, host)
	if errors.Is(err, snapshots.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	m := extract.NewSiteModel(host)
	if err := json.Unmarshal(site.Model, m); err != nil {
		return nil, fmt.Errorf("site %s: stored template: %w", host, err)
	}
	return m.Template(), nil
}

// get returns host's site with its model loaded, or nil when nothing can be
// learned of it: no store for sites, no host, or the store failed (logged;
// the page is read generically and the next check tries again).
// The caller holds the returned site's mu and must release it.
func (s *sites) get(ctx context.Context, host string) *site {
	if s == nil || s.store == nil || host == "" {
		return nil
	}
	s.mu.Lock()
	e := s.hosts[host]
	if e == nil {
		e = &site{}
		s.hosts[host] = e
	}
	s.mu.Unlock()
	e.mu.Lock()
	if e.loaded {
		return e
	}
	stored, err := s.store.Site(ctx, host)
	switch {
	case errors.Is(err, snapshots.ErrNotFound):
		e.model = extract.NewSiteModel(host)
	case err != nil:
		s.log.Warn("site template unreadable; reading generically", "host", host, "err", err)
		e.mu.Unlock()
		return nil
	default:
		m := extract.NewSiteModel(host)
		if err := json.Unmarshal(stored.Model, m); err != nil {
			// What was learned is derived from pages, never evidence:
			// a model this program cannot read is learned again.
			s.log.Warn("site template undecodable; learning it again", "host", host, "err", err)
			m = extract.NewSiteModel(host)
		} else {
			e.saved = stored.Model
		}
		e.model = m
	}
	e.loaded = true
	return e
}

// save stores e's model for host when it was taught since it was last
// saved and differs from what was saved. The caller holds e.mu.
func (s *sites) save(ctx context.Context, host string, e *site) {
	if !e.dirty {
		return
	}
	b, err := json.Marshal(e.model)
	if err != nil {
		s.log.Error("encode site template", "host", host, "err", err)
		return
	}
	now := s.now().UTC()
	if string(b) == string(e.saved) {
		e.dirty, e.lastSave = false, now
		return
	}
	st := snapshots.Site{Host: host, Pages: e.model.Pages, Model: b, Updated: now}
	if t := e.model.Template(); t != nil {
		st.Pages, st.Container, st.Boilerplate = t.Pages, t.Container, len(t.Boilerplate)
	}
	if err := s.store.SaveSite(ctx, st); err != nil {
		// Kept in memory and dirty: the next save tries again.
		s.log.Warn("site template not saved", "host", host, "err", err)
		return
	}
	e.saved, e.dirty, e.lastSave = b, false, now
}

// flush saves every host's model taught since it was last saved: the end
// of a cycle.
func (s *sites) flush(ctx context.Context) {
	if s == nil || s.store == nil {
		return
	}
	s.mu.Lock()
	hosts := make([]string, 0, len(s.hosts))
	for h := range s.hosts {
		hosts = append(hosts, h)
	}
	s.mu.Unlock()
	slices.Sort(hosts)
	for _, h := range hosts {
		s.mu.Lock()
		e := s.hosts[h]
		s.mu.Unlock()
		e.mu.Lock()
		if e.loaded {
			s.save(ctx, h, e)
		}
		e.mu.Unlock()
	}
}

// extract reads page under rules, using and teaching what was learned of
// the page's host. Site rules in config win: a source with a body rule is
// read by its rule alone, and teaches nothing.
func (s *sites) extract(ctx context.Context, page extract.Page, rules extract.Rules) (extract.Article, error) {
	if !rules.Body.IsZero() {
		return s.readPage(ctx, page, rules)
	}
	host := hostOf(page.URL)
	e := s.get(ctx, host)
	if e == nil {
		return s.readPage(ctx, page, rules)
	}
	// A copy: other workers teach the model while this page is read.
	t := e.model.Template()
	if t != nil {
		tc := *t
		tc.Boilerplate = slices.Clone(t.Boilerplate)
		rules.Template = &tc
	}
	if e.recheckGap == 0 || t != nil && t.Container != e.checkedOn {
		// A new template: what earlier re-checks showed was about
		// another one.
		e.sinceCheck, e.recheckGap = 0, recheckFirst
		if t != nil {
			e.checkedOn = t.Container
		}
	}
	e.mu.Unlock()

	a, err := s.readPage(ctx, page, rules)
	if err != nil {
		return a, err
	}
	var g extract.Article
	switch a.Reading.Method {
	case "generic", "anchor":
	case "template":
		e.mu.Lock()
		e.sinceCheck++
		recheck := e.sinceCheck >= e.recheckGap
		if recheck {
			e.sinceCheck = 0
		}
		e.mu.Unlock()
		if !recheck {
			return a, nil
		}
		generic := rules
		generic.Template, generic.Anchor = nil, nil
		if g, err = s.readPage(ctx, page, generic); err != nil {
			// Nothing to compare against; the template's reading stands.
			return a, nil
		}
	default:
		return a, nil
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	if a.Reading.Method == "template" {
		dropped := e.model.Dropped
		if e.model.Recheck(a, g) {
			e.recheckGap = min(2*e.recheckGap, recheckMax)
		} else {
			e.recheckGap = 1
			if e.model.Dropped != dropped {
				// The next template learned starts with frequent
				// re-checks, even on the same container.
				e.sinceCheck, e.recheckGap, e.checkedOn = 0, recheckFirst, ""
			}
			// The template no longer holds for this host: this page is
			// read as if it had never been learned, unless it replayed
			// its previous version's reading, which stands so that a
			// change of method never shows up as an edit.
			s.log.Info("site template dropped: it disagrees with the generic reading", "host", host, "url", page.URL)
			if rules.Anchor == nil {
				g.Reread = a.Reread
				a = g
			}
		}
	} else if rules.Anchor == nil || a.Reread {
		// A page is evidence once, when it is first read (or read afresh):
		// its later versions, read on their anchor, would count it again.
		e.model.Observe(page.URL, a)
	}
	e.dirty = true
	if s.now().Sub(e.lastSave) >= saveEvery {
		s.save(ctx, host, e)
	}
	return a, nil
}
