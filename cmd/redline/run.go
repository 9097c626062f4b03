package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	vmetrics "github.com/VictoriaMetrics/metrics"

	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/report"
	"github.com/redline-news/redline/snapshots"
)

func runDaemon(ctx context.Context, a *app, args []string) error {
	var cf commonFlags
	fs := newFlagSet(a, "run", "", "Check every source on its schedule until SIGINT or SIGTERM; print each change report and write report files.", &cf, true)
	metricsAddr := fs.String("metrics", "", "serve Prometheus metrics at `ADDR`/metrics (e.g. 127.0.0.1:9090)")
	if err := parseNoArgs(fs, args, ""); err != nil {
		return err
	}
	cfg, err := setup(a, &cf)
	if err != nil {
		return err
	}
	for _, w := range cfg.Warnings {
		a.log.Warn("config", "err", w)
	}
	st, err := openStore(ctx, cfg.Store, a.log)
	if err != nil {
		return err
	}
	defer st.Close()
	// A corrupt store stops the daemon before it writes anything more
	// (battery S05); quick_check reads every page but skips comparing
	// indexes with their tables, so it stays fast on a large file.
	if err := checkIntegrity(ctx, st, true); err != nil {
		return err
	}
	after, err := newAfterCycle(a, cfg, st)
	if err != nil {
		return err
	}
	metrics, stopMetrics, err := startMetrics(a, *metricsAddr)
	if err != nil {
		return err
	}
	defer stopMetrics()
	// SIGHUP reloads the config (battery C12): a valid one replaces the
	// sources, schedules and notifiers after the checks in flight finish;
	// an invalid one is refused, logged, and the running config stays.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	r := &runner{a: a, cf: &cf, st: st, metrics: metrics, color: wantColor(a.stdout), hup: hup}
	for {
		next, err := r.run(ctx, cfg, after)
		if err != nil {
			return err
		}
		if next == nil {
			a.log.Info("redline stopped")
			return nil
		}
		if after, err = newAfterCycle(a, *next, st); err != nil {
			return err
		}
		cfg = *next
		a.log.Info("config reloaded", "file", cfg.File, "sources", len(cfg.Sources))
	}
}

// runner is what the daemon keeps across config reloads.
type runner struct {
	a       *app
	cf      *commonFlags
	st      snapshots.Store
	metrics *monitor.Metrics
	color   bool
	hup     <-chan os.Signal
}

// run runs cfg's monitor, with after following each cycle, until ctx is
// done (nil), the monitor fails, or a SIGHUP brings a valid config (the
// new config, once the checks in flight have finished).
func (r *runner) run(ctx context.Context, cfg Config, after *afterCycle) (*Config, error) {
	a := r.a
	// A reloaded config may change the browser: each config gets its
	// own, started at its first page and closed when its run ends.
	client := newClient(a, cfg)
	br, closeBrowser, err := openBrowser(ctx, a, cfg, client, false)
	if err != nil {
		return nil, err
	}
	defer closeBrowser()
	m := newMonitor(a, cfg, r.st, hooks{
		client:   client,
		browser:  br,
		metrics:  r.metrics,
		onResult: func(res monitor.Result) { a.publish(res, cfg, r.color) },
		// Notifications go out under a context that outlives a signal, so
		// a digest being sent when SIGTERM arrives is not cut in half;
		// the cycle's new versions are timestamped first. Archiving
		// stops with a signal; what it left is queued. A timestamp or
		// capture that failed is printed once, as a failed check is.
		onCycle: func(rs []monitor.Result) {
			rep, stamped := after.run(ctx, context.WithoutCancel(ctx), a, rs)
			for _, ev := range stamped {
				fmt.Fprintln(a.stdout, timestampLine(ev))
			}
			for _, l := range archiveLines(rep) {
				fmt.Fprintln(a.stdout, l)
			}
		},
	})
	a.log.Info("redline running", "sources", len(cfg.Sources), "store", redactDSN(cfg.Store))
	runCtx, stopRun := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- m.Run(runCtx) }()
	next, ended, runErr := waitReload(ctx, a, r.cf, cfg, r.hup, done)
	stopRun()
	if !ended {
		runErr = <-done // let the checks in flight finish
	}
	if runErr != nil {
		return nil, runErr
	}
	return next, nil
}

// startMetrics serves the monitor's metrics at addr/metrics, when addr is
// given, until stop is called; without addr there are none.
func startMetrics(a *app, addr string) (metrics *monitor.Metrics, stop func(), err error) {
	if addr == "" {
		return nil, func() {}, nil
	}
	set := vmetrics.NewSet()
	metrics = monitor.NewMetrics(set) // registered before the first scrape
	if stop, err = serveMetrics(a, addr, set); err != nil {
		return nil, nil, err
	}
	return metrics, stop, nil
}

// waitReload waits until the run ends by itself (ended, with its error),
// ctx is done (nil), or a SIGHUP brings a valid config (the new config).
// An invalid config is logged and waited past; the running monitor is not
// touched.
func waitReload(ctx context.Context, a *app, cf *commonFlags, cur Config, hup <-chan os.Signal, done <-chan error) (next *Config, ended bool, err error) {
	for {
		select {
		case err := <-done:
			return nil, true, err
		case <-ctx.Done():
			return nil, false, nil
		case <-hup:
			cfg, err := loadConfig(cf.config)
			if err == nil {
				err = cmp.Or(cfg.requireSources(), cfg.requireSecrets())
			}
			if err != nil {
				a.log.Error("config reload refused; keeping the running config", "err", err)
				continue
			}
			if cf.store != "" {
				cfg.Store = cf.store
			}
			if cfg.Store != cur.Store {
				a.log.Warn("config reload: a new store takes a restart; keeping the open one", "store", redactDSN(cur.Store))
				cfg.Store = cur.Store
			}
			return &cfg, false, nil
		}
	}
}

// serveMetrics serves set, with the Go runtime's and the process's metrics,
// at addr/metrics until the returned stop is called.
func serveMetrics(a *app, addr string, set *vmetrics.Set) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, usagef("--metrics %s: %v", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		set.WritePrometheus(w)
		vmetrics.WriteProcessMetrics(w)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.log.Error("metrics server stopped", "err", err)
		}
	}()
	a.log.Info("serving metrics", "url", "http://"+ln.Addr().String()+"/metrics")
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx) // stopping anyway; a slow scraper is not an error
		<-done
	}, nil
}

// publish prints one changed article's report and writes its files, or
// the event of a failed check when it is the first of the article's run of
// failures (one line per outage, not one per retry). It is called once per
// result, never concurrently.
func (a *app) publish(r monitor.Result, cfg Config, color bool) {
	if ev, ok := eventOf(r); ok {
		fmt.Fprintln(a.stdout, eventLine(r))
		// The outage's report file, as check writes one for its cycle.
		rep := report.Report{Generated: r.Check.At, Events: []report.Event{ev}}
		name := fmt.Sprintf("%s-a%d-failed", reportName(r.Check.At), r.Article.ID)
		files, err := writeReports(cfg.ReportDir, name, cfg.Formats, rep)
		if err != nil {
			a.log.Error("write report", "url", r.URL, "err", err)
		}
		for _, f := range files {
			fmt.Fprintf(a.stdout, "wrote %s\n", f)
		}
	}
	if !r.ChangeIsNews() {
		return
	}
	if r.Flapping {
		fmt.Fprintln(a.stdout, flapLine(r))
	}
	if r.Event == monitor.EventReread {
		fmt.Fprintln(a.stdout, eventLine(r))
	}
	rep := report.Report{Generated: r.Version.At, Items: []report.Item{itemOf(r)}}
	if err := report.Render(a.stdout, report.Text, rep, report.Options{Color: color}); err != nil {
		a.log.Error("print report", "url", r.URL, "err", err)
	}
	name := fmt.Sprintf("%s-a%d-v%d", reportName(r.Version.At), r.Article.ID, r.Version.Number)
	files, err := writeReports(cfg.ReportDir, name, cfg.Formats, rep)
	if err != nil {
		a.log.Error("write report", "url", r.URL, "err", err)
	}
	if r.RevertOf > 0 {
		fmt.Fprintf(a.stdout, "revert: version %d restores the text of version %d\n", r.Version.Number, r.RevertOf)
	}
	for _, f := range files {
		fmt.Fprintf(a.stdout, "wrote %s\n", f)
	}
}
