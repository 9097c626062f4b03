package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/redline-news/redline/internal/plural"
	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/sqlite"
)

// statusReport is what `redline status` shows, and its JSON.
type statusReport struct {
	Now time.Time `json:"now"`
	// Config is the config file read, "" when there was none (--store
	// alone): the sources' schedules are then unknown.
	Config  string `json:"config"`
	Store   string `json:"store"`
	Created bool   `json:"store_created"` // false: no store file yet
	// Articles counts the articles still checked, Retired those aged out.
	Articles          int              `json:"articles"`
	Retired           int              `json:"retired"`
	Due               int              `json:"due"`
	Failing           int              `json:"failing"`
	DeliveriesPending int              `json:"deliveries_pending"`
	Sources           []statusSource   `json:"sources"`
	Next              []statusNext     `json:"next"`
	Deliveries        []statusDelivery `json:"deliveries"`
}

type statusSource struct {
	Name     string `json:"name"`
	Schedule string `json:"schedule,omitempty"` // "" when not in the config
	// InConfig is false for a source the store knows and the config no
	// longer names: nothing polls it.
	InConfig    bool       `json:"in_config"`
	NeverPolled bool       `json:"never_polled"`
	Articles    int        `json:"articles"`
	Retired     int        `json:"retired"`
	Due         int        `json:"due"`
	NextDue     *time.Time `json:"next_due"` // the soonest article due after now
	// NextPoll is when a daemon started now first polls the source by
	// its schedule; PolledAtStart says it polls it at once as well
	// (never polled, or articles due).
	NextPoll      *time.Time `json:"next_poll"`
	PolledAtStart bool       `json:"polled_at_start"`
	Failing       int        `json:"failing"`
	LastFailure   *time.Time `json:"last_failure,omitempty"`
	LastError     string     `json:"last_error,omitempty"`
	FailedURL     string     `json:"failed_url,omitempty"`
	// PollError is why the newest read of the source's feed or sitemap
	// (PollURL, at PollFailed) failed; "" when it loaded.
	PollError  string     `json:"poll_error,omitempty"`
	PollFailed *time.Time `json:"poll_failed,omitempty"`
	PollURL    string     `json:"poll_url,omitempty"`
	// PollKind is "feed", "sitemap" or "links" (a section page) as the
	// config says, "" when the config does not name the source.
	PollKind string `json:"poll_kind,omitempty"`
}

type statusNext struct {
	URL    string    `json:"url"`
	Source string    `json:"source"`
	Due    time.Time `json:"due"`
}

type statusDelivery struct {
	Notifier  string    `json:"notifier"`
	Pending   int       `json:"pending"`
	Since     time.Time `json:"since"`    // the oldest pending one's creation
	Attempts  int       `json:"attempts"` // the most rounds any of them took
	LastError string    `json:"last_error,omitempty"`
}

func runStatus(ctx context.Context, a *app, args []string) error {
	var cf commonFlags
	fs := newFlagSet(a, "status", "", `Show what redline, running or stopped, will do: the articles watched, what is due
now, the next checks, failing sources with their last error, and notification
deliveries pending. It reads the store only, so it answers while the daemon runs.
With --store and no config file, sources' schedules are not shown.`, &cf, true)
	format := fs.String("format", "text", "output `FORMAT`: text or json")
	next := fs.Int("next", 5, "list the `N` soonest checks")
	if err := parseNoArgs(fs, args, ""); err != nil {
		return err
	}
	if err := textOrJSON(*format); err != nil {
		return err
	}
	if *next < 0 {
		return usagef("--next: %d is negative", *next)
	}
	if err := a.setLogger(&cf); err != nil {
		return err
	}
	cfg, haveConfig, err := statusConfig(fs, &cf)
	if err != nil {
		return err
	}
	// Empty lists, not null, in the JSON.
	rep := statusReport{Now: a.now().UTC(), Store: redactDSN(cfg.Store), Sources: []statusSource{}, Next: []statusNext{}, Deliveries: []statusDelivery{}}
	var st snapshots.Status
	var pending []snapshots.Delivery
	if sqliteMissing(cfg.Store) {
		// Opening would create it: a command that only reads leaves
		// no file behind. Every configured source is then never polled.
		a.log.Debug("no store yet", "store", cfg.Store)
	} else {
		rep.Created = true
		if st, pending, err = readStatus(ctx, a, cfg.Store, rep.Now, *next); err != nil {
			return err
		}
	}
	var sources []monitor.Source
	if haveConfig {
		sources, rep.Config = cfg.Sources, cfg.File
	}
	fillStatus(&rep, st, pending, sources, cfg.Location)
	if *format == "json" {
		return writeJSON(a.stdout, rep)
	}
	return printStatus(a.stdout, rep)
}

// statusConfig loads the config for status. A missing config file is fine
// when --store names the store and --config was not given.
func statusConfig(fs *flag.FlagSet, cf *commonFlags) (cfg Config, haveConfig bool, err error) {
	explicit := false
	fs.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "config" })
	if _, serr := os.Stat(cf.config); cf.store != "" && !explicit && errors.Is(serr, os.ErrNotExist) {
		cfg = defaultConfig()
		cfg.Store = cf.store
		return cfg, false, nil
	}
	if cfg, err = loadConfig(cf.config); err != nil {
		return Config{}, false, err
	}
	if cf.store != "" {
		cfg.Store = cf.store
	}
	return cfg, true, nil
}

// sqliteMissing reports whether dsn names an SQLite file that does not
// exist yet.
func sqliteMissing(dsn string) bool {
	path, ok := sqlitePath(dsn)
	if !ok {
		return false
	}
	_, err := os.Stat(path)
	return errors.Is(err, os.ErrNotExist)
}

// readStatus reads the store's status at now and its pending deliveries.
// An SQLite store is opened read-only: status neither waits for a daemon
// in the middle of a write nor needs to be able to write the file.
func readStatus(ctx context.Context, a *app, dsn string, now time.Time, next int) (snapshots.Status, []snapshots.Delivery, error) {
	var store snapshots.Store
	if path, ok := sqlitePath(dsn); ok {
		s := sqlite.New(path, a.log)
		if err := s.OpenReadOnly(ctx); err != nil {
			return snapshots.Status{}, nil, fmt.Errorf("open store: %w", err)
		}
		store = s
	} else {
		s, err := openStore(ctx, dsn, a.log)
		if err != nil {
			return snapshots.Status{}, nil, err
		}
		store = s
	}
	defer store.Close()
	sr, ok := store.(snapshots.StatusReader)
	if !ok {
		return snapshots.Status{}, nil, fmt.Errorf("store %s cannot report its status", redactDSN(dsn))
	}
	st, err := sr.Status(ctx, snapshots.StatusFilter{Now: now, Next: next})
	if err != nil {
		return snapshots.Status{}, nil, err
	}
	var pending []snapshots.Delivery
	if ds, ok := store.(snapshots.DeliveryStore); ok {
		if pending, err = ds.Deliveries(ctx, snapshots.DeliveryFilter{Status: snapshots.DeliveryPending}); err != nil {
			return snapshots.Status{}, nil, fmt.Errorf("list pending deliveries: %w", err)
		}
	}
	return st, pending, nil
}

// fillStatus merges the store's status with the configured sources: a
// configured source the store has no article of was never polled, and a
// stored source the config does not name is polled by nothing.
func fillStatus(rep *statusReport, st snapshots.Status, pending []snapshots.Delivery, sources []monitor.Source, loc *time.Location) {
	stored := map[string]snapshots.SourceStatus{}
	for _, s := range st.Sources {
		stored[s.Source] = s
	}
	seen := map[string]bool{}
	add := func(s snapshots.SourceStatus, src *monitor.Source) {
		row := statusSource{Name: s.Source, Articles: s.Articles, Retired: s.Retired, Due: s.Due,
			Failing: s.Failing, LastError: s.LastError, FailedURL: s.FailedURL}
		if !s.NextCheck.IsZero() {
			row.NextDue = new(s.NextCheck.UTC())
		}
		if !s.LastFailure.IsZero() {
			row.LastFailure = new(s.LastFailure.UTC())
		}
		if s.PollError != "" {
			row.PollError, row.PollURL = s.PollError, s.PollURL
			row.PollFailed = new(s.PollFailed.UTC())
		}
		if src != nil {
			row.InConfig, row.Schedule = true, src.Spec
			if row.PollError != "" {
				row.PollKind = "sitemap"
				if src.Feed != "" {
					row.PollKind = "feed"
				} else if src.Links != "" {
					row.PollKind = "links"
				}
			}
			if t := monitor.NextPoll(*src, rep.Now, loc); !t.IsZero() {
				row.NextPoll = new(t.UTC())
			}
			// A source known only by a failing poll has no article: the
			// rule monitor.Run follows at start polls it at once too.
			empty := s.Articles+s.Retired == 0
			row.NeverPolled = empty && s.PollError == ""
			row.PolledAtStart = monitor.ChecksAtStart(s.Articles+s.Retired, s.Due)
		}
		rep.Articles += s.Articles
		rep.Retired += s.Retired
		rep.Due += s.Due
		rep.Failing += s.Failing
		rep.Sources = append(rep.Sources, row)
	}
	for i := range sources {
		src := &sources[i]
		seen[src.Name] = true
		s := stored[src.Name]
		s.Source = src.Name
		add(s, src)
	}
	for _, s := range st.Sources {
		if !seen[s.Source] {
			add(s, nil)
		}
	}
	sort.SliceStable(rep.Sources, func(i, j int) bool { return rep.Sources[i].Name < rep.Sources[j].Name })
	for _, art := range st.Next {
		rep.Next = append(rep.Next, statusNext{URL: art.URL, Source: art.Source, Due: art.NextCheck.UTC()})
	}
	byNotifier := map[string]*statusDelivery{}
	for _, d := range pending { // oldest first
		sd := byNotifier[d.Notifier]
		if sd == nil {
			sd = &statusDelivery{Notifier: d.Notifier, Since: d.CreatedAt.UTC()}
			byNotifier[d.Notifier] = sd
		}
		sd.Pending++
		sd.Attempts = max(sd.Attempts, d.Attempts)
		if d.Error != "" {
			sd.LastError = d.Error
		}
		rep.DeliveriesPending++
	}
	for _, sd := range byNotifier {
		rep.Deliveries = append(rep.Deliveries, *sd)
	}
	sort.Slice(rep.Deliveries, func(i, j int) bool { return rep.Deliveries[i].Notifier < rep.Deliveries[j].Notifier })
}

// printStatus writes rep for a person. URLs, errors and names come from
// outside (pages, servers, the config) and are sanitized.
func printStatus(w io.Writer, rep statusReport) error {
	fmt.Fprintf(w, "redline status at %s\n", stamp(rep.Now))
	store := sanitize.Line(rep.Store)
	if !rep.Created {
		store += " (not created yet: `redline run` or `redline check` creates it)"
	}
	fmt.Fprintf(w, "store:              %s\n", store)
	fmt.Fprintf(w, "articles watched:   %d", rep.Articles)
	if rep.Retired > 0 {
		fmt.Fprintf(w, " (and %d retired: aged past the cadence, no longer checked)", rep.Retired)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "due now:            %d\n", rep.Due)
	failingSources, pollsFailing := 0, 0
	for _, s := range rep.Sources {
		if s.Failing > 0 || s.PollError != "" {
			failingSources++
		}
		if s.PollError != "" {
			pollsFailing++
		}
	}
	fmt.Fprintf(w, "failing:            %s in %s", plural.Count(rep.Failing, "article"), plural.Count(failingSources, "source"))
	if pollsFailing > 0 {
		fmt.Fprintf(w, " (%d not loading its feed, sitemap or section page)", pollsFailing)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "deliveries pending: %d\n", rep.DeliveriesPending)

	if len(rep.Sources) > 0 {
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SOURCE\tARTICLES\tDUE\tFAILING\tNEXT DUE\tSCHEDULE\tIF RUN STARTS NOW")
		for _, s := range rep.Sources {
			schedule, start := "?", "? (no config read)"
			switch {
			case rep.Config == "":
			case !s.InConfig:
				schedule, start = "-", "not polled: not in the config"
			case s.NeverPolled:
				schedule, start = sanitize.Line(s.Schedule), "polled at once (never polled)"
			case s.PolledAtStart && s.Due == 0:
				schedule, start = sanitize.Line(s.Schedule), "polled at once (no article yet)"
			case s.Due > 0:
				schedule, start = sanitize.Line(s.Schedule), fmt.Sprintf("polled at once (%d due)", s.Due)
			default:
				schedule, start = sanitize.Line(s.Schedule), "first polled "+optStamp(s.NextPoll, "never")
			}
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\t%s\n", sanitize.Line(s.Name), s.Articles, s.Due, s.Failing, optStamp(s.NextDue, "-"), schedule, start)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if failingSources > 0 {
		fmt.Fprintln(w, "\nFailing sources:")
		for _, s := range rep.Sources {
			if s.PollError != "" {
				kind := cmp.Or(s.PollKind, "feed or sitemap")
				if kind == "links" {
					kind = "section page"
				}
				fmt.Fprintf(w, "  %s: the %s %s failed at %s: %s\n", sanitize.Line(s.Name), kind,
					sanitize.Line(s.PollURL), optStamp(s.PollFailed, "?"), sanitize.Line(s.PollError))
			}
			if s.Failing == 0 {
				continue
			}
			fmt.Fprintf(w, "  %s: %s failing; the newest at %s, %s:\n    %s\n", sanitize.Line(s.Name), plural.Count(s.Failing, "article"),
				optStamp(s.LastFailure, "?"), sanitize.Line(s.FailedURL), sanitize.Line(s.LastError))
		}
	}
	if len(rep.Next) > 0 {
		fmt.Fprintln(w, "\nNext checks (when each article falls due; its source's next poll checks it):")
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, n := range rep.Next {
			fmt.Fprintf(tw, "  %s\tin %s\t%s\t%s\n", stamp(n.Due), n.Due.Sub(rep.Now).Round(time.Second), sanitize.Line(n.Source), sanitize.Line(n.URL))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(rep.Deliveries) > 0 {
		fmt.Fprintln(w, "\nDeliveries pending:")
		for _, d := range rep.Deliveries {
			fmt.Fprintf(w, "  %s: %d since %s, tried %s", sanitize.Line(d.Notifier), d.Pending, stamp(d.Since), plural.Count(d.Attempts, "time"))
			if d.LastError != "" {
				fmt.Fprintf(w, "; last error: %s", sanitize.Line(d.LastError))
			}
			fmt.Fprintln(w)
		}
	}
	return nil
}

// optStamp is stamp of *t, or none when t is nil.
func optStamp(t *time.Time, none string) string {
	if t == nil {
		return none
	}
	return stamp(*t)
}
