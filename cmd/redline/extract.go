package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strings"

	"github.com/redline-news/redline/monitor/extract"
	"github.com/redline-news/redline/monitor/fetch"
)

func runExtract(ctx context.Context, a *app, args []string) error {
	fs := newFlagSet(a, "extract", "URL|FILE|-", "Print what redline would snapshot of a page: title, byline, dates and body paragraphs.", nil, false)
	format := fs.String("format", "text", "output `FORMAT`: text or json")
	textOnly := fs.Bool("text", false, "print the dek and the body alone")
	selectors := fs.String("selectors", "", "site rules to try, as a source's selectors block in YAML: `'{body: div.story, remove: [.ad]}'`")
	var ignore stringList
	fs.Var(&ignore, "ignore", "a `REGEX` for body lines that change on their own, as a source's ignore (repeatable)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("extract needs one URL, file or - (got %d arguments)", fs.NArg())
	}
	if *format != "text" && *format != "json" {
		return usagef("--format: %q is not text or json", *format)
	}
	rules, err := parseSelectors(*selectors)
	if err != nil {
		return usagef("%v", err)
	}
	for _, p := range ignore {
		re, err := regexp.Compile(p)
		if err != nil {
			return usagef("--ignore %q: %v", p, err)
		}
		rules.Ignore = append(rules.Ignore, re)
	}
	page, err := readPage(ctx, a, fs.Arg(0))
	if err != nil {
		return err
	}
	art, err := extract.Extract(page, rules)
	if err != nil {
		return err
	}
	switch {
	case *textOnly:
		// What a reader reads: the dek, then the body.
		if art.Dek != "" {
			fmt.Fprintln(a.stdout, sanitizeLine(art.Dek)+"\n")
		}
		_, err = fmt.Fprintln(a.stdout, art.Text())
	case *format == "json":
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(art)
	default:
		err = printArticle(a.stdout, art)
	}
	return err
}

func readPage(ctx context.Context, a *app, arg string) (extract.Page, error) {
	switch {
	case arg == "-":
		b, err := io.ReadAll(io.LimitReader(a.stdin, 256<<20))
		if err != nil {
			return extract.Page{}, fmt.Errorf("read standard input: %w", err)
		}
		return extract.Page{URL: "stdin:", Body: b}, nil
	case strings.HasPrefix(arg, "http://"), strings.HasPrefix(arg, "https://"):
		resp, err := fetch.New(fetch.Options{Logger: a.logger()}).Get(ctx, fetch.Request{URL: arg})
		if err != nil {
			return extract.Page{}, err
		}
		return extract.Page{URL: resp.FinalURL, ContentType: resp.Header.Get("Content-Type"), Body: resp.Body}, nil
	default:
		b, err := os.ReadFile(arg)
		if err != nil {
			return extract.Page{}, usagef("read %s: %v", arg, err)
		}
		return extract.Page{URL: "file://" + arg, Body: b}, nil
	}
}

func printArticle(w io.Writer, art extract.Article) error {
	field := func(name, v string) {
		if v != "" {
			fmt.Fprintf(w, "%-10s %s\n", name+":", sanitizeLine(v))
		}
	}
	field("Title", art.Title)
	field("Byline", art.Byline)
	field("Published", art.Published)
	field("Modified", art.Modified)
	field("Canonical", art.CanonicalURL)
	field("Language", art.Lang)
	field("Dek", art.Dek)
	fmt.Fprintln(w)
	for i, p := range art.Paragraphs {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, sanitizeLine(p))
	}
	return nil
}

// logger is the app's logger, or a discarding one for commands that do not
// set one up.
func (a *app) logger() *slog.Logger {
	if a.log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return a.log
}

// sanitizeLine drops control characters (ESC among them) from scraped text
// before it reaches a terminal.
func sanitizeLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' {
			return ' '
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, s)
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ", ") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }
