package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/redline-news/redline/internal/plural"
	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/internal/syncio"
	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/sitetest"
	"github.com/redline-news/redline/snapshots"
)

func runDemo(ctx context.Context, a *app, args []string) error {
	var cf commonFlags
	fs := newFlagSet(a, "demo", "", `Run the monitor against an embedded local news site on 127.0.0.1 that
publishes successive edits of a story, and print each change report as it
happens. Needs no config and nothing but this binary.`, &cf, false)
	duration := fs.Duration("duration", 30*time.Second, "how long the demo runs")
	every := fs.Duration("every", 2*time.Second, "how often redline checks the site")
	if err := parseNoArgs(fs, args, ""); err != nil {
		return err
	}
	if *duration < 5*time.Second || *every <= 0 || *every > *duration/4 {
		return usagef("demo: --duration must be at least 5s and --every at most a quarter of it")
	}
	if err := a.setLogger(&cf); err != nil {
		return err
	}
	if cf.logLevel == "info" { // the demo's own lines tell the story; logs only on request
		cf.logLevel = "warn"
		_ = a.setLogger(&cf) // the level is a constant, it cannot fail
	}

	cfg, err := demoConfig(cf.store)
	if err != nil {
		return err
	}
	storePath := cfg.Store
	site := sitetest.New()
	ln, closeSite, err := serveDemoSite(ctx, a, site)
	if err != nil {
		return err
	}
	defer closeSite()
	// The Guard refuses loopback; the demo allows its own site's address
	// and port, and nothing else on this machine.
	cfg.AllowAddrs = []netip.AddrPort{ln.Addr().(*net.TCPAddr).AddrPort()}
	base := "http://" + ln.Addr().String()
	cfg.Sources = []monitor.Source{{
		Name:     "border-ledger",
		Feed:     base + "/feed.xml",
		Spec:     "@every " + every.String(),
		Schedule: cron.Every(*every),
		// The demo's story is young for its whole run: check it at every
		// poll of the feed instead of every 15 minutes.
		Cadence: monitor.Cadence{{Until: 24 * time.Hour, Every: *every / 2}},
	}}

	st, err := openStore(ctx, cfg.Store, a.log)
	if err != nil {
		return err
	}
	defer st.Close()

	color := wantColor(a.stdout)
	a.stdout = &syncio.Writer{W: a.stdout} // results arrive from several checks at once
	out := a.stdout
	fmt.Fprintf(out, "redline demo: a local news site is up at %s\n", base)
	fmt.Fprintf(out, "watching its feed %s every %s for %s; the site will publish %s.\n\n", cfg.Sources[0].Feed, every, duration, plural.Count(len(site.Edits()), "edit"))

	stats := &demoStats{}
	m := newMonitor(a, cfg, st, hooks{onResult: func(r monitor.Result) { stats.show(a, r, cfg, color) }})

	runCtx, stop := context.WithTimeout(ctx, *duration)
	defer stop()
	var editor sync.WaitGroup
	editor.Go(func() { publishEdits(runCtx, a, site, *duration) })
	err = m.Run(runCtx)
	stop()
	editor.Wait()
	if err != nil {
		return err
	}

	arts, err := st.Articles(ctx, snapshots.ArticleFilter{})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	stats.mu.Lock()
	defer stats.mu.Unlock()
	fmt.Fprintf(out, "\ndemo over: %s watched, %s stored, %s.\n", plural.Count(len(arts), "article"), plural.Count(stats.versions, "version"), plural.Count(stats.changes, "change report"))
	fmt.Fprintf(out, "store:   %s\nreports: %s\n", storePath, cfg.ReportDir)
	fmt.Fprint(out, demoHint(thisCommand(), storePath, base+site.Articles()[0]))
	return nil
}

// demoConfig is the demo's configuration: a store (in a fresh temporary
// directory, or storeFlag) and its reports beside it.
func demoConfig(storeFlag string) (Config, error) {
	dir, err := os.MkdirTemp("", "redline-demo-")
	if err != nil {
		return Config{}, fmt.Errorf("demo: %w", err)
	}
	cfg := defaultConfig()
	cfg.Store = filepath.Join(dir, "redline.db")
	if storeFlag != "" {
		cfg.Store = storeFlag
	}
	cfg.ReportDir = filepath.Join(dir, "reports")
	cfg.Concurrency = 2
	cfg.Timeout = 10 * time.Second
	return cfg, nil
}

// serveDemoSite serves site on a random port of 127.0.0.1; closeSite
// shuts it down.
func serveDemoSite(ctx context.Context, a *app, site http.Handler) (ln net.Listener, closeSite func(), err error) {
	ln, err = net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, fmt.Errorf("demo: start local site: %w", err)
	}
	srv := &http.Server{Handler: site, ReadHeaderTimeout: 5 * time.Second}
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.log.Error("demo site stopped", "err", err)
		}
	})
	return ln, func() {
		shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut) // the demo is over; a slow client is not worth an error
		wg.Wait()
	}, nil
}

// demoStats counts what the demo stored, and prints each result as it
// comes.
type demoStats struct {
	mu                sync.Mutex
	versions, changes int
}

func (s *demoStats) show(a *app, r monitor.Result, cfg Config, color bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := a.stdout
	switch {
	case r.Err != nil:
		fmt.Fprintf(out, "check failed: %s\n", sanitize.Line(r.Err.Error()))
	case r.Changed():
		s.versions++
		s.changes++
		fmt.Fprintf(out, "── change detected at %s ──\n", r.Version.At.Local().Format("15:04:05"))
		a.publish(r, cfg, color)
		fmt.Fprintln(out)
	case r.Version != nil:
		s.versions++
		fmt.Fprintf(out, "now watching %q (%s), version 1 stored\n", sanitize.Line(r.Version.Title), r.URL)
	}
}

// demoHint is the demo's last line: a command the user can paste to see
// the story's history. After `go run`, no redline binary exists, so it
// says `go run ./cmd/redline …` and how to build one.
func demoHint(self selfCommand, storePath, url string) string {
	s := fmt.Sprintf("try:     %s history --store %s %s\n", self.name, storePath, url)
	if self.goRun {
		s += "         (or build redline once, go build -o redline ./cmd/redline, then ./redline history …)\n"
	}
	return s
}

// selfCommand is how the user can run this redline again.
type selfCommand struct {
	name  string // "redline", "./redline", "/opt/bin/redline" or "go run ./cmd/redline"
	goRun bool   // a binary `go run` built and will not keep
}

// thisCommand finds how the running binary can be run again from here.
func thisCommand() selfCommand {
	exe, err := os.Executable()
	if err != nil {
		return selfCommand{name: "redline"}
	}
	cwd, _ := os.Getwd()                  // "" when unknown: the path stays absolute
	onPath, _ := exec.LookPath("redline") // "" when none
	return commandFor(exe, cwd, onPath, os.Getenv("GOCACHE"))
}

// commandFor says how the binary exe can be run again from cwd:
//   - a `go run` build lives in the go command's temporary go-build*
//     directory, or (since Go 1.24, which caches go run binaries) in its
//     build cache, ~/.cache/go-build or $GOCACHE: then "go run ./cmd/redline";
//   - "redline" when that name on PATH (onPath) is exe;
//   - otherwise exe's path, relative to cwd when inside it ("./redline").
func commandFor(exe, cwd, onPath, gocache string) selfCommand {
	if gocache != "" && strings.HasPrefix(exe, filepath.Clean(gocache)+string(filepath.Separator)) {
		return selfCommand{name: "go run ./cmd/redline", goRun: true}
	}
	for _, dir := range strings.Split(filepath.Dir(exe), string(filepath.Separator)) {
		if strings.HasPrefix(dir, "go-build") {
			return selfCommand{name: "go run ./cmd/redline", goRun: true}
		}
	}
	if onPath != "" && sameFile(onPath, exe) {
		return selfCommand{name: "redline"}
	}
	if cwd != "" {
		if rel, err := filepath.Rel(cwd, exe); err == nil && filepath.IsLocal(rel) {
			return selfCommand{name: "." + string(filepath.Separator) + rel}
		}
	}
	return selfCommand{name: exe}
}

// sameFile reports whether paths a and b are one file.
func sameFile(a, b string) bool {
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	return err == nil && os.SameFile(sa, sb)
}

// publishEdits has the local site publish its scripted edits, spread over
// the demo so each is seen by a check before the next.
func publishEdits(ctx context.Context, a *app, site *sitetest.Site, duration time.Duration) {
	n := len(site.Edits())
	step := duration / time.Duration(n+2)
	t := time.NewTicker(step)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			e, ok := site.Advance()
			if !ok {
				return
			}
			fmt.Fprintf(a.stdout, "» the site publishes edit %d: %s\n", e.Version-1, sanitize.Line(e.Description))
		}
	}
}
