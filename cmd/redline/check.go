package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/redline-news/redline/internal/atomicfile"
	"github.com/redline-news/redline/internal/plural"
	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/browser"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/monitor/tsa"
	"github.com/redline-news/redline/notify"
	"github.com/redline-news/redline/report"
	"github.com/redline-news/redline/snapshots"
)

// setup loads the config for a command that checks sources and delivers
// notifications: it must have sources, and the notifiers' secrets must be
// in the environment.
func setup(a *app, cf *commonFlags) (Config, error) {
	cfg, err := setupDry(a, cf)
	if err != nil {
		return Config{}, err
	}
	if err := cfg.requireSecrets(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// setupDry loads the config as setup does, for check --dry-run, which
// delivers nothing and so needs no secret.
func setupDry(a *app, cf *commonFlags) (Config, error) {
	if err := a.setLogger(cf); err != nil {
		return Config{}, err
	}
	cfg, err := loadConfig(cf.config)
	if err != nil {
		return Config{}, err
	}
	if err := cfg.requireSources(); err != nil {
		return Config{}, err
	}
	if cf.store != "" {
		cfg.Store = cf.store
	}
	return cfg, nil
}

// hooks are what a command wants to hear from the monitor.
type hooks struct {
	onResult func(monitor.Result)
	onPlan   func(int)
	onCycle  func([]monitor.Result)
	metrics  *monitor.Metrics
	// client and browser, when set, are the fetch client and browser the
	// monitor uses (openBrowser shares one client between them).
	client  *fetch.Client
	browser *browser.Browser
}

// newGuard is the address policy for everything a command connects to:
// non-global addresses refused, except for sources and notifiers with
// allow_private (which ask per request) and cfg.AllowAddrs.
func newGuard(cfg Config) *fetch.Guard {
	return fetch.NewGuard(fetch.GuardOptions{Allow: cfg.AllowAddrs, AllowAddresses: cfg.AllowIPs, AllowHosts: cfg.AllowHosts})
}

// newClient is the fetch client of the config: its limits, user agent and
// address policy. The monitor and `extract` fetch through it.
func newClient(a *app, cfg Config) *fetch.Client {
	return fetch.New(fetch.Options{
		Guard:        newGuard(cfg),
		UserAgent:    cfg.UserAgent,
		Timeout:      cfg.Timeout,
		MaxBodyBytes: cfg.MaxBodyBytes,
		Logger:       a.logger(),

		MaxHeaderBytes: cfg.MaxHeaderBytes,
		MaxRedirects:   cfg.MaxRedirects,

		HostConcurrency: cfg.HostConcurrency,
		HostRate:        cfg.HostRate,
		Robots:          cfg.Robots,
	})
}

// newMonitor wires a Monitor from the config.
func newMonitor(a *app, cfg Config, st snapshots.Store, h hooks) *monitor.Monitor {
	for _, src := range cfg.Sources {
		if src.AllowPrivate {
			a.log.Info("source may connect to private addresses (allow_private)", "source", src.Name)
		}
	}
	client := h.client
	if client == nil {
		client = newClient(a, cfg)
	}
	return monitor.New(monitor.Options{
		Store:   st,
		Client:  client,
		Browser: h.browser,
		// The browser's own pool is as wide as its tabs.
		BrowserConcurrency: cfg.Browser.Concurrency,
		Sources:            cfg.Sources,
		Concurrency:        cfg.Concurrency,
		MaxSentences:       cfg.MaxSentences,
		Cadence:            cfg.Cadence,
		Location:           cfg.Location,
		Logger:             a.log,
		OnResult:           h.onResult,
		OnPlan:             h.onPlan,
		OnCycle:            h.onCycle,
		Metrics:            h.metrics,

		RecheckAfterChange: cfg.RecheckAfterChange,
	})
}

// newDispatcher wires the configured notifiers, or returns nil when there
// are none. Deliveries are kept in the store so none is lost.
func newDispatcher(a *app, cfg Config, st snapshots.Store) (*notify.Dispatcher, error) {
	if len(cfg.Notify) == 0 {
		return nil, nil
	}
	ds, ok := st.(snapshots.DeliveryStore)
	if !ok {
		return nil, fmt.Errorf("store %s cannot keep notification deliveries", redactDSN(cfg.Store))
	}
	for _, n := range cfg.Notify {
		if n.AllowPrivate {
			a.log.Info("notifier may connect to private addresses (allow_private)", "notifier", n.Name)
		}
	}
	// No HTTPClient: notify builds its own on the Guard's dialer, one
	// connection pool for notifiers with allow_private and one for the rest.
	// The thread notifiers (mastodon, bluesky) keep their posts in the
	// store too, so threads carry on across restarts.
	ts, _ := st.(snapshots.ThreadStore)
	for _, n := range cfg.Notify {
		if (n.Kind == notify.KindMastodon || n.Kind == notify.KindBluesky) && ts == nil {
			return nil, fmt.Errorf("store %s cannot keep the posts of notifier %q", redactDSN(cfg.Store), n.Name)
		}
	}
	return notify.New(cfg.Notify, notify.Options{
		Dial:    newGuard(cfg).DialContext,
		Store:   ds,
		Threads: ts,
		Logger:  a.log,
	})
}

// deliver sends one cycle's report (cycleReport) as one digest per
// notifier, after retrying what earlier cycles could not deliver. Failures
// are logged and kept in the store for the next cycle; they do not fail
// the check. `check` and the daemon's OnCycle both come through here.
func deliver(ctx context.Context, a *app, d *notify.Dispatcher, rep report.Report) {
	if d == nil {
		return
	}
	if err := d.RetryPending(ctx); err != nil {
		a.log.Warn("notifications: earlier deliveries still pending", "err", err)
	}
	if len(rep.Items) == 0 && len(rep.Events) == 0 {
		return
	}
	if err := d.Send(ctx, notify.Digest{Generated: rep.Generated, Items: rep.Items, Events: rep.Events}); err != nil {
		a.log.Warn("notifications: delivery failed; kept for the next cycle", "err", err)
	}
}

// afterCycle is what follows a cycle of checks, in `check` and in the
// daemon alike: the new versions indexed for search and timestamped, the
// configured sources' versions archived, and the cycle's report
// delivered.
type afterCycle struct {
	st      snapshots.Store
	d       *notify.Dispatcher
	stamper *tsa.Stamper
	ar      *archiver
	tsaURL  string
}

// newAfterCycle wires the config's notifiers, timestamp authority and
// archive (each nil when not configured).
func newAfterCycle(a *app, cfg Config, st snapshots.Store) (*afterCycle, error) {
	d, err := newDispatcher(a, cfg, st)
	if err != nil {
		return nil, err
	}
	stamper, err := newStamper(a, cfg, st)
	if err != nil {
		return nil, err
	}
	ar, err := newArchiver(a, cfg, st)
	if err != nil {
		return nil, err
	}
	return &afterCycle{st: st, d: d, stamper: stamper, ar: ar, tsaURL: timestampURL(cfg)}, nil
}

// run follows the cycle that gave results. Indexing and archiving stop
// with ctx (what they leave is queued); timestamps and the delivery run
// under send. It returns the cycle's report, which holds the timestamp
// events too, and those events.
func (c *afterCycle) run(ctx, send context.Context, a *app, results []monitor.Result) (rep report.Report, stamped []report.Event) {
	indexForSearch(ctx, a, c.st)
	stamped = stampVersions(send, a, c.stamper, c.tsaURL)
	rep = cycleReport(ctx, a, c.ar, results)
	rep.Events = append(rep.Events, stamped...)
	deliver(send, a, c.d, rep)
	return rep, stamped
}

func runCheck(ctx context.Context, a *app, args []string) error {
	var cf commonFlags
	fs := newFlagSet(a, "check", "", "Check every source once now, print the changes and write report files.", &cf, true)
	dryRun := fs.Bool("dry-run", false, "validate the config and exit without fetching")
	due := fs.Bool("due", false, "check only the articles whose next check is due (as the daemon would)")
	exitCode := fs.Bool("exit-code", false, "exit with status 1 when changes were found")
	format := fs.String("format", "text", "terminal report `FORMAT`: text, markdown, json or html")
	if err := parseNoArgs(fs, args, ""); err != nil {
		return err
	}
	outFormat, err := formatFlag(*format)
	if err != nil {
		return err
	}
	load := setup
	if *dryRun {
		load = setupDry
	}
	cfg, err := load(a, &cf)
	if err != nil {
		return err
	}
	if *dryRun {
		// A store that cannot be written would stop the first check.
		if err := probeStore(cfg.Store); err != nil {
			return fmt.Errorf("store: %w", err)
		}
		fmt.Fprintf(a.stdout, "%s: valid, %s\n", cfg.File, plural.Count(len(cfg.Sources), "source"))
		return nil
	}
	st, err := openStore(ctx, cfg.Store, a.log)
	if err != nil {
		return err
	}
	defer st.Close()
	after, err := newAfterCycle(a, cfg, st)
	if err != nil {
		return err
	}
	client := newClient(a, cfg)
	br, closeBrowser, err := openBrowser(ctx, a, cfg, client, false)
	if err != nil {
		return err
	}
	defer closeBrowser()
	prog := newProgress(a)
	m := newMonitor(a, cfg, st, hooks{onResult: prog.result, onPlan: prog.plan, client: client, browser: br})
	var results []monitor.Result
	if *due {
		results = m.CheckDue(ctx)
	} else {
		results = m.Check(ctx)
	}
	prog.done()
	rep, stamped := after.run(ctx, ctx, a, results)
	if err := a.printReport(outFormat, rep); err != nil {
		return err
	}
	files, err := writeReports(cfg.ReportDir, reportName(rep.Generated), cfg.Formats, rep)
	if err != nil {
		return err
	}
	sum := summarize(results)
	for _, ev := range stamped {
		sum.events = append(sum.events, timestampLine(ev))
	}
	sum.events = append(sum.events, archiveLines(rep)...)
	printSummary(a.stderr, sum, files)
	switch {
	case sum.failed > 0:
		return fmt.Errorf("%d of %s failed", sum.failed, plural.Count(sum.checked, "check"))
	case *exitCode && sum.changed > 0:
		return errChanges
	}
	return nil
}

type summary struct {
	checked, changed, first, unchanged, notModified, failed int
	reasons                                                 map[string]int
	// reverts counts the changes that restored an older version's text,
	// flapping those that flipped between two texts again.
	reverts, flapping int
	// events are the failures to report, one line each: the first of
	// each article's run of failures. ongoing counts the rest, which were
	// reported when they began.
	events  []string
	ongoing int
}

func summarize(results []monitor.Result) summary {
	s := summary{reasons: map[string]int{}}
	for _, r := range results {
		s.checked++
		switch {
		case r.Err != nil:
			s.failed++
			s.reasons[failureReason(r)]++
			if r.Ongoing {
				s.ongoing++
			} else {
				s.events = append(s.events, eventLine(r))
			}
		case r.Changed():
			s.changed++
			if r.Event == monitor.EventReread {
				// Said once, with the version read afresh.
				s.events = append(s.events, eventLine(r))
			}
			if r.RevertOf > 0 {
				s.reverts++
			}
			if r.Flapping {
				s.flapping++
				if !r.FlapOngoing {
					s.events = append(s.events, flapLine(r))
				}
			}
		case r.Version != nil:
			s.first++
		case r.Check.Outcome == snapshots.OutcomeNotModified:
			s.notModified++
		default:
			s.unchanged++
		}
	}
	return s
}

// failureReason is the summary's bucket for a failed check: the event
// for those the monitor names ("gone: 410", "extraction collapsed",
// "selector miss", "timeout"), else what the error says.
func failureReason(r monitor.Result) string {
	var se *fetch.StatusError
	switch r.Event {
	case monitor.EventGone:
		return r.Reason
	case monitor.EventCollapsed, monitor.EventSelectorMiss, monitor.EventTimeout:
		return string(r.Event)
	}
	switch {
	case errors.As(r.Err, &se):
		return fmt.Sprintf("HTTP %d", se.Status)
	case errors.Is(r.Err, fetch.ErrBodyTooLarge):
		return "body too large"
	case errors.As(r.Err, new(*fetch.AddrError)):
		return "address refused"
	case r.Check.Status == 0:
		return "fetch"
	default:
		return "extraction"
	}
}

// eventLine says what happened to one article whose check failed:
// "source a: URL: gone: 410".
func eventLine(r monitor.Result) string {
	return sanitize.Line(fmt.Sprintf("source %s: %s: %s", r.Source, r.URL, reasonOf(r)))
}

// reasonOf is why r failed, without the source and URL the error names
// again ("source wire: fetch URL: …") where the line or the report's
// entry already says them: each said once per place.
func reasonOf(r monitor.Result) string {
	reason := r.Reason
	if reason == "" && r.Err != nil {
		reason = r.Err.Error()
	}
	reason = strings.TrimPrefix(reason, "source "+r.Source+": ")
	for _, verb := range []string{"fetch ", "extract ", ""} {
		if rest, ok := strings.CutPrefix(reason, verb+r.URL+": "); ok && rest != "" {
			return rest
		}
	}
	return reason
}

// flapLine says, once, that an article flips between two texts.
func flapLine(r monitor.Result) string {
	return sanitize.Line(fmt.Sprintf("source %s: %s: flapping: version %d restores version %d's text again; "+
		"further flips are stored, not reported", r.Source, r.URL, r.Version.Number, r.RevertOf))
}

func printSummary(w io.Writer, s summary, files []string) {
	fmt.Fprintf(w, "checked %d: %d changed", s.checked, s.changed)
	if s.reverts > 0 {
		fmt.Fprintf(w, " (%d reverted", s.reverts)
		if s.flapping > 0 {
			fmt.Fprintf(w, ", %d flapping", s.flapping)
		}
		fmt.Fprint(w, ")")
	}
	fmt.Fprintf(w, ", %d new, %d unchanged, %d not modified, %d failed",
		s.first, s.unchanged, s.notModified, s.failed)
	if len(s.reasons) > 0 {
		keys := make([]string, 0, len(s.reasons))
		for k := range s.reasons {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprint(w, " (")
		for i, k := range keys {
			if i > 0 {
				fmt.Fprint(w, ", ")
			}
			fmt.Fprintf(w, "%s: %d", k, s.reasons[k])
		}
		fmt.Fprint(w, ")")
	}
	fmt.Fprintln(w)
	for _, e := range s.events {
		fmt.Fprintln(w, e)
	}
	if s.ongoing > 0 {
		fmt.Fprintf(w, "%d failing since an earlier check, already reported\n", s.ongoing)
	}
	for _, f := range files {
		fmt.Fprintf(w, "wrote %s\n", f)
	}
}

// reportOf turns the results that changed an article into a report's
// items, and the checks that began an outage into its events.
func reportOf(results []monitor.Result, now time.Time) report.Report {
	rep := report.Report{Generated: now.UTC()}
	for _, r := range results {
		if ev, ok := eventOf(r); ok {
			rep.Events = append(rep.Events, ev)
			continue
		}
		if !r.ChangeIsNews() {
			continue
		}
		rep.Items = append(rep.Items, itemOf(r))
	}
	return rep
}

// eventOf is the event of a failed check, if it is news
// (monitor.Result.FailureIsNews). The title stays empty: a failed check
// has no version, and the article row keeps none.
func eventOf(r monitor.Result) (report.Event, bool) {
	if !r.FailureIsNews() {
		return report.Event{}, false
	}
	return report.Event{
		URL:    r.URL,
		Source: r.Source,
		Event:  string(r.Event),
		Reason: reasonOf(r),
		At:     r.Check.At,
	}, true
}

func itemOf(r monitor.Result) report.Item {
	return report.Item{
		URL:         r.URL,
		Source:      r.Source,
		Title:       r.Version.Title,
		FromVersion: r.Version.Number - 1,
		ToVersion:   r.Version.Number,
		At:          r.Version.At,
		Changes:     r.Changes,
		Reread:      r.Version.Reread,
		Reading:     snapshots.ReadFrom(*r.Version),
	}
}

// reportName names a report file by its time, UTC, to the millisecond.
func reportName(t time.Time) string {
	return "redline-" + t.UTC().Format("20060102T150405.000Z")
}

// writeReports writes the report once per configured format as dir/name.EXT
// and returns the paths written. A report with neither changes nor
// failed checks writes nothing.
func writeReports(dir, name string, formats []report.Format, rep report.Report) ([]string, error) {
	if len(rep.Items) == 0 && len(rep.Events) == 0 || len(formats) == 0 || dir == "" {
		return nil, nil
	}
	var paths []string
	for _, f := range formats {
		path := filepath.Join(dir, name+"."+extension(f))
		// Atomic, so a reader never sees half a report.
		if err := atomicfile.Write(path, func(w io.Writer) error { return report.Render(w, f, rep, report.Options{}) }); err != nil {
			return paths, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}

func extension(f report.Format) string {
	switch f {
	case report.Markdown:
		return "md"
	case report.JSON:
		return "json"
	case report.HTML:
		return "html"
	case report.Atom:
		return "atom"
	default:
		return "txt"
	}
}
