package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"text/tabwriter"

	"github.com/redline-news/redline/internal/plural"
	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/extract"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/snapshots"
)

func runExtract(ctx context.Context, a *app, args []string) error {
	fs := newFlagSet(a, "extract", "URL|FILE|-", "Print what redline would snapshot of a page: title, byline, dates and body paragraphs.", nil, false)
	format := fs.String("format", "text", "output `FORMAT`: text or json")
	textOnly := fs.Bool("text", false, "print the dek and the body alone")
	store := fs.String("store", "", "read the page with the template the store at `PATH|URL` learned of its host, as the monitor would")
	explain := fs.Bool("explain", false, "show, block by block, what was kept or dropped and why (rule, template, generic vote)")
	selectors := fs.String("selectors", "", "site rules to try, as a source's selectors block in YAML: `'{body: div.story, remove: [.ad]}'`")
	var ignore stringList
	fs.Var(&ignore, "ignore", "a `REGEX` for body lines that change on their own, as a source's ignore (repeatable)")
	allowPrivate := fs.Bool("allow-private", false, "let the fetch reach loopback, private and other non-global addresses (a source's allow_private)")
	configFile := fs.String("config", "", "fetch as the config `FILE` says (user agent, limits, robots.txt, allow_private); default "+defaultConf+" with --source")
	source := fs.String("source", "", "read the page as source `NAME` of the config does: its selectors, ignore, fetch limits and allow_private")
	render := fs.String("render", "", "`MODE`: fetch, or browser to render the page in headless Chromium first (default: the source's render, else fetch)")
	waitFor := fs.String("wait-for", "", "with --render browser, wait until a `SELECTOR` matches instead of until the page settles")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("extract needs one URL, file or - (got %s)", plural.Count(fs.NArg(), "argument"))
	}
	if err := textOrJSON(*format); err != nil {
		return err
	}
	if *explain && *textOnly {
		return usagef("extract: give --explain or --text, not both")
	}
	if *source != "" && *selectors != "" {
		return usagef("extract: give --selectors or --source, not both (--source reads with that source's selectors)")
	}
	pol, err := extractPolicy(*configFile, *source, *allowPrivate)
	if err != nil {
		return err
	}
	if err := pol.setRender(*render, *waitFor); err != nil {
		return err
	}
	if arg := fs.Arg(0); pol.browser && !strings.HasPrefix(arg, "http://") && !strings.HasPrefix(arg, "https://") {
		return usagef("extract: --render browser needs an http or https URL, got %q", arg)
	}
	rules := pol.rules
	if *selectors != "" {
		if rules, err = parseSelectors(*selectors); err != nil {
			return usagef("%v", err)
		}
	}
	for _, p := range ignore {
		re, err := regexp.Compile(p)
		if err != nil {
			return usagef("--ignore %q: %v", p, err)
		}
		rules.Ignore = append(rules.Ignore, re)
	}
	page, err := readPage(ctx, a, fs.Arg(0), pol)
	if err != nil {
		return err
	}
	if *store != "" && rules.Body.IsZero() {
		// Site rules win over what was learned, as in the monitor.
		if rules.Template, err = learnedTemplate(ctx, a, *store, page.URL); err != nil {
			return err
		}
	}
	if *explain {
		art, decisions, err := extract.Explain(page, rules)
		if err != nil {
			return err
		}
		return printExplained(a.stdout, *format, art, decisions)
	}
	art, err := extract.Extract(page, rules)
	if err != nil {
		return err
	}
	switch {
	case *textOnly:
		// What a reader reads: the dek, then the body.
		if art.Dek != "" {
			fmt.Fprintln(a.stdout, sanitize.Line(art.Dek)+"\n")
		}
		_, err = fmt.Fprintln(a.stdout, sanitize.Terminal(art.Text()))
	case *format == "json":
		err = writeJSON(a.stdout, art)
	default:
		err = printArticle(a.stdout, art)
	}
	return err
}

// fetchPolicy is how `extract` fetches and reads a page: the config's
// client settings (defaults without --config) and, with --source, that
// source's rules and per-request limits.
type fetchPolicy struct {
	cfg    Config
	source *monitor.Source // nil without --source
	rules  extract.Rules
	// allowPrivate is --allow-private, or the config's or source's
	// allow_private.
	allowPrivate bool
	// browser renders the page in headless Chromium (--render browser,
	// or the source's render: browser), waiting for waitFor if set.
	browser bool
	waitFor string
}

// extractPolicy loads the config when --config or --source is given and
// finds the source.
func extractPolicy(file, source string, allowPrivate bool) (fetchPolicy, error) {
	if file == "" && source == "" {
		return fetchPolicy{cfg: defaultConfig(), allowPrivate: allowPrivate}, nil
	}
	if file == "" {
		file = defaultConf
	}
	cfg, err := loadConfig(file)
	if err != nil {
		return fetchPolicy{}, err
	}
	pol := fetchPolicy{cfg: cfg, allowPrivate: allowPrivate || cfg.AllowPrivate}
	if source == "" {
		return pol, nil
	}
	names := make([]string, 0, len(cfg.Sources))
	for i := range cfg.Sources {
		src := &cfg.Sources[i]
		if src.Name == source {
			pol.source, pol.rules = src, src.Rules
			pol.allowPrivate = allowPrivate || src.AllowPrivate
			return pol, nil
		}
		names = append(names, src.Name)
	}
	if len(names) == 0 {
		return fetchPolicy{}, usagef("--source %q: %s has no sources", source, file)
	}
	return fetchPolicy{}, usagef("--source %q: no such source in %s (its sources: %s)", source, file, strings.Join(names, ", "))
}

// request is the GET of url under the policy.
func (p fetchPolicy) request(url string) fetch.Request {
	req := fetch.Request{URL: url, AllowPrivate: p.allowPrivate}
	if src := p.source; src != nil {
		req.HostConcurrency, req.HostRate, req.Robots = src.HostConcurrency, src.HostRate, src.Robots
	}
	return req
}

// refused rewrites the Guard's refusal of a private address to name what
// would allow it here: --allow-private, or the source's allow_private.
func (p fetchPolicy) refused(url string, err error) error {
	var addrErr *fetch.AddrError
	if !errors.As(err, &addrErr) {
		return err
	}
	if addrErr.Metadata || addrErr.FromPublic {
		return usagef("extract %s: %v", url, err) // allow_private would not allow it: the error says what would
	}
	at := addrErr.Target()
	how := "give --allow-private to allow it"
	if p.source != nil {
		how = fmt.Sprintf("give --allow-private, or set allow_private: true on source %q in %s, to allow it", p.source.Name, p.cfg.File)
	}
	return usagef("extract %s: refusing to connect to %s: %s", url, at, how)
}

func readPage(ctx context.Context, a *app, arg string, pol fetchPolicy) (extract.Page, error) {
	switch {
	case arg == "-":
		b, err := io.ReadAll(io.LimitReader(a.stdin, 256<<20))
		if err != nil {
			return extract.Page{}, fmt.Errorf("read standard input: %w", err)
		}
		if err := refuseBinary(arg, string(b[:min(len(b), sniffLen)])); err != nil {
			return extract.Page{}, err
		}
		return extract.Page{URL: "stdin:", Body: b}, nil
	case strings.HasPrefix(arg, "http://"), strings.HasPrefix(arg, "https://"):
		resp, err := pol.get(ctx, a, arg)
		if err != nil {
			return extract.Page{}, pol.refused(arg, err)
		}
		return extract.Page{URL: resp.FinalURL, ContentType: resp.Header.Get("Content-Type"), Body: resp.Body}, nil
	default:
		b, err := os.ReadFile(arg)
		if err != nil {
			return extract.Page{}, usagef("read %s: %v", arg, err)
		}
		if err := refuseBinary(arg, string(b[:min(len(b), sniffLen)])); err != nil {
			return extract.Page{}, err
		}
		return extract.Page{URL: "file://" + arg, Body: b}, nil
	}
}

func printArticle(w io.Writer, art extract.Article) error {
	field := fieldPrinter(w, 10)
	headline{art.Title, art.Dek, art.Byline, art.Published, art.Modified}.print(field)
	field("Canonical", art.CanonicalURL)
	field("Language", art.Lang)
	fmt.Fprintln(w)
	for i, p := range art.Paragraphs {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, sanitize.Line(p))
	}
	return nil
}

// learnedTemplate opens the store at dsn and returns what it learned of
// the template of pageURL's host, nil when nothing.
func learnedTemplate(ctx context.Context, a *app, dsn, pageURL string) (*extract.Template, error) {
	st, err := openStore(ctx, dsn, a.logger())
	if err != nil {
		return nil, err
	}
	defer st.Close()
	ss, ok := st.(snapshots.SiteStore)
	if !ok {
		return nil, fmt.Errorf("the store keeps no site templates")
	}
	return monitor.LearnedTemplate(ctx, ss, pageURL)
}

// jsonDecision is one block of `extract --explain --format json`.
type jsonDecision struct {
	Path string `json:"path"`
	Text string `json:"text"`
	Kept bool   `json:"kept"`
	Why  string `json:"why"`
}

// printExplained writes what extraction kept and dropped, block by block,
// then the article: as text, one line per block ("kept", why, the block's
// element path, its text cut to a line), or as JSON {"article",
// "decisions"}. Scraped text is cleaned for the terminal first.
func printExplained(w io.Writer, format string, art extract.Article, ds []extract.Decision) error {
	if format == "json" {
		out := struct {
			Article   extract.Article `json:"article"`
			Decisions []jsonDecision  `json:"decisions"`
		}{art, make([]jsonDecision, 0, len(ds))}
		for _, d := range ds {
			out.Decisions = append(out.Decisions, jsonDecision{d.Path, d.Text, d.Kept, d.Why})
		}
		return writeJSON(w, out)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "BLOCK\tWHY\tPATH\tTEXT")
	for _, d := range ds {
		verdict := "dropped"
		if d.Kept {
			verdict = "kept"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", verdict, cleanCell(d.Why, 40), cleanCell(d.Path, 60), cleanCell(d.Text, 72))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if r := art.Reading; r.Method != "" {
		fmt.Fprintf(w, "\nread by %s from %s\n", cleanCell(r.Method, 20), cleanCell(strings.Join(r.Containers, ", "), 200))
	}
	fmt.Fprintln(w)
	return printArticle(w, art)
}

// cleanCell is scraped text as one table cell: cleaned of controls, bidi
// overrides, line breaks and tabs (sanitize.Line), and cut to max runes.
func cleanCell(s string, max int) string {
	s = strings.TrimSpace(sanitize.Line(s))
	if s == "" {
		return "-"
	}
	return sanitize.Cut(s, max)
}

// logger is the app's logger, or a discarding one for commands that do not
// set one up.
func (a *app) logger() *slog.Logger {
	if a.log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return a.log
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ", ") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }
