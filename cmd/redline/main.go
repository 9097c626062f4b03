// Command redline watches news articles and reports how the story changed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/report"
)

// Exit statuses, the same for every command.
const (
	exitOK       = 0
	exitChanges  = 1 // changes found, with --exit-code; or problems found by verify
	exitUsage    = 2 // bad usage or config
	exitRuntime  = 3 // runtime failure
	defaultConf  = "config.yaml"
	usageSummary = `redline watches published articles and reports how the story changed.

Usage:
  redline <command> [flags] [args]

Commands:
  demo      watch an embedded local news site while it edits a story (no config needed)
  init      write a small, commented config for one source (--feed, --url, --sitemap or --links URL)
  run       the daemon: check every source on its schedule until interrupted
  status    what redline will do: due now, next checks, failing sources, deliveries
  check     check every source once now and print the changes
  diff      compare two files (HTML or plain text), or two stored versions
  extract   print what redline would snapshot of a page (URL, file or -)
  history   list the stored versions of an article
  show      print one stored version of an article (by number or time)
  claims    every quotation and figure across an article's versions, and its fate
  card      render one version's changes as a PNG card for sharing, with alt text
  search    which versions contained a phrase, when it appeared and vanished
  sites     list the hosts whose page template redline learned (text, json)
  report    report every change stored in a time window (text, markdown, html, json, atom)
  serve     serve a read-only web interface over the store (127.0.0.1:8080)
  verify    recompute every stored hash and chain link (and timestamps); exit 1 on any problem
  export    write stored versions as WARC 1.1 (.warc.gz), WACZ or JSON Lines
  import    import a WARC, a WACZ or an article's Wayback captures as versions
  version   print redline's version (also --version)

Run 'redline <command> --help' for a command's flags.
Exit status: 0 fine, 1 changes found (with --exit-code) or problems found (verify),
2 bad usage or config, 3 runtime failure.
`
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	a := &app{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, now: time.Now, ownsProcess: true}
	code := runApp(ctx, a, os.Args[1:])
	stop()
	os.Exit(code)
}

// usageError is bad usage: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// errChanges reports changes found under --exit-code.
var errChanges = errors.New("changes found")

// errProblems reports that verify found the store altered or damaged; the
// problems are already printed.
var errProblems = errors.New("problems found")

// app is what every command gets: its streams and how to log.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	log            *slog.Logger
	now            func() time.Time
	// ownsProcess is set when the command is the process (not a test
	// calling run): a one-shot command may then tune the runtime.
	ownsProcess bool
}

type command struct {
	name  string
	short string
	run   func(ctx context.Context, a *app, args []string) error
}

func commands() []command {
	return []command{
		{"demo", "watch an embedded local news site while it edits a story", runDemo},
		{"init", "write a small, commented config for one source", runInit},
		{"run", "check every source on its schedule until interrupted", runDaemon},
		{"status", "show what redline will do: due, next checks, failures, deliveries", runStatus},
		{"check", "check every source once now and print the changes", runCheck},
		{"diff", "compare two files or two stored versions", runDiff},
		{"extract", "print what redline would snapshot of a page", runExtract},
		{"history", "list the stored versions of an article", runHistory},
		{"show", "print one stored version of an article", runShow},
		{"claims", "print the claim ledger of an article", runClaims},
		{"card", "render one version's changes as a PNG card with alt text", runCard},
		{"search", "search every stored version for a phrase", runSearch},
		{"sites", "list the hosts whose page template redline learned", runSites},
		{"report", "report every change stored in a time window", runReport},
		{"verify", "recompute every stored hash and chain link", runVerify},
		{"export", "write stored versions as WARC, WACZ or JSON Lines", runExport},
		{"import", "import a WARC, a WACZ or Wayback captures as versions", runImport},
		{"serve", "serve a read-only web interface over the store", runServe},
		{"version", "print redline's version", runVersion},
	}
}

// run is main without the process: it returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runApp(ctx, &app{stdin: stdin, stdout: stdout, stderr: stderr, now: time.Now}, args)
}

func runApp(ctx context.Context, a *app, args []string) int {
	stdout, stderr := a.stdout, a.stderr
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usageSummary)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	if args[0] == "--version" || args[0] == "-version" {
		// What users try first; the same as `redline version`.
		args = append([]string{"version"}, args[1:]...)
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return exitStatus(c.run(ctx, a, args[1:]), stderr)
		}
	}
	fmt.Fprintf(stderr, "redline: unknown command %q\n\n%s", args[0], usageSummary)
	return exitUsage
}

// exitStatus maps an error to the exit status, printing it once.
func exitStatus(err error, stderr io.Writer) int {
	var (
		cfgErr   *ConfigError
		fieldErr *FieldError
		useErr   *usageError
	)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errChanges), errors.Is(err, errProblems):
		return exitChanges
	case errors.As(err, &cfgErr), errors.As(err, &fieldErr):
		fmt.Fprintf(stderr, "redline: invalid config:\n%s\n", indent(sanitize.Terminal(err.Error())))
		return exitUsage
	case errors.As(err, &useErr):
		// Errors quote URLs, servers' answers and pages: scraped text.
		fmt.Fprintf(stderr, "redline: %s\n", sanitize.Terminal(err.Error()))
		return exitUsage
	default:
		fmt.Fprintf(stderr, "redline: %s\n", sanitize.Terminal(err.Error()))
		return exitRuntime
	}
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}

// commonFlags are the flags that mean the same in every command.
type commonFlags struct {
	config    string
	store     string
	logLevel  string
	logFormat string
}

func newFlagSet(a *app, name, args, desc string, cf *commonFlags, withConfig bool) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	fs.Usage = func() {
		fmt.Fprintf(a.stderr, "Usage: redline %s [flags] %s\n\n%s\n\nFlags:\n", name, args, desc)
		fs.PrintDefaults()
	}
	if cf != nil {
		if withConfig {
			fs.StringVar(&cf.config, "config", defaultConf, "config `FILE`")
		}
		fs.StringVar(&cf.store, "store", "", "store `PATH|URL` (overrides the config's store)")
		fs.StringVar(&cf.logLevel, "log-level", "info", "log level: debug, info, warn or error")
		fs.StringVar(&cf.logFormat, "log-format", "text", "log format: text or json")
	}
	return fs
}

// parse parses flags, turning flag errors into usage errors.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usagef("%s: %v", fs.Name(), err)
	}
	return nil
}

// parseNoArgs parses flags, anywhere among the arguments as parseArgs
// does, for a command that takes no positional argument: one is a usage
// error naming the command and the arguments, then hint when given.
func parseNoArgs(fs *flag.FlagSet, args []string, hint string) error {
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return nil
	}
	if hint != "" {
		hint = ": " + hint
	}
	return usagef("%s takes no arguments, got %q%s", fs.Name(), pos, hint)
}

// formatFlag reads --format for a command that prints a report in any of
// report's formats.
func formatFlag(s string) (report.Format, error) {
	f, err := report.ParseFormat(s)
	if err != nil {
		return f, usagef("--format: %v", err)
	}
	return f, nil
}

// printReport renders rep on standard output in f, in colour when f is
// text and standard output a colour terminal.
func (a *app) printReport(f report.Format, rep report.Report) error {
	if err := report.Render(a.stdout, f, rep, report.Options{Color: f == report.Text && wantColor(a.stdout)}); err != nil {
		return fmt.Errorf("render report: %w", err)
	}
	return nil
}

// writeJSON writes v as indented JSON, the --format json output of the
// commands that print text or JSON, escaped as every report's JSON is
// (report.WriteJSON): scraped text printed here reaches a terminal too.
func writeJSON(w io.Writer, v any) error { return report.WriteJSON(w, v) }

// textOrJSON checks --format for a command that prints text or JSON only.
func textOrJSON(format string) error {
	if format != "text" && format != "json" {
		return usagef("--format: %q is not text or json", format)
	}
	return nil
}

// setLogger builds the one slog handler, on stderr.
func (a *app) setLogger(cf *commonFlags) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cf.logLevel)); err != nil {
		return usagef("--log-level: %q is not debug, info, warn or error", cf.logLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	switch cf.logFormat {
	case "text":
		h = slog.NewTextHandler(a.stderr, opts)
	case "json":
		h = slog.NewJSONHandler(a.stderr, opts)
	default:
		return usagef("--log-format: %q is not text or json", cf.logFormat)
	}
	a.log = slog.New(h)
	return nil
}

func runVersion(_ context.Context, a *app, args []string) error {
	fs := newFlagSet(a, "version", "", "Print redline's version.", nil, false)
	if err := parseNoArgs(fs, args, ""); err != nil {
		return err
	}
	bi, _ := debug.ReadBuildInfo()
	fmt.Fprintf(a.stdout, "redline %s\n", versionOf(bi))
	return nil
}

// versionOf says which redline bi describes: the module version when it was
// built from a tagged module (go install …@v1.2.0), otherwise the commit it
// was built from, that commit's time, and "+dirty" when the tree had
// uncommitted changes, as the go command stamps them (-buildvcs). A binary
// with neither says why rather than a bare "(devel)": go run does not
// stamp (its -buildvcs "auto" means off), nor a build with -buildvcs=false.
func versionOf(bi *debug.BuildInfo) string {
	const unstamped = "(devel): no version stamped (go run and -buildvcs=false builds carry none; go build in a git checkout does)"
	if bi == nil {
		return unstamped
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, at string
	dirty := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return unstamped
	}
	v := "(devel) " + rev[:min(len(rev), 12)]
	if dirty {
		v += "+dirty"
	}
	if at != "" {
		v += " " + at
	}
	return v
}

// isTerminal reports whether w is a character device, and colour is wanted.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func wantColor(w io.Writer) bool {
	return isTerminal(w) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}
