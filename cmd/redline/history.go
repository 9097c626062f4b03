package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/redline-news/redline/snapshots"
)

// openForRead loads the store named by --store or the config, for the
// commands that only read it. A missing config is fine when --store is
// given.
func openForRead(ctx context.Context, a *app, cf *commonFlags) (snapshots.Store, error) {
	if err := a.setLogger(cf); err != nil {
		return nil, err
	}
	dsn := cf.store
	if dsn == "" {
		cfg, err := loadConfig(cf.config)
		if err != nil {
			return nil, err
		}
		dsn = cfg.Store
	}
	return openStore(ctx, dsn, a.log)
}

func findArticle(ctx context.Context, st snapshots.Store, url string) (snapshots.Article, error) {
	art, err := st.Article(ctx, url)
	if errors.Is(err, snapshots.ErrNotFound) {
		return art, fmt.Errorf("no article %s in the store", url)
	}
	return art, err
}

func runHistory(ctx context.Context, a *app, args []string) error {
	var cf commonFlags
	fs := newFlagSet(a, "history", "URL", "List the stored versions of an article, and its checks with --checks.", &cf, true)
	checks := fs.Bool("checks", false, "also list every check, newest first")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("history needs one URL (got %d arguments)", fs.NArg())
	}
	st, err := openForRead(ctx, a, &cf)
	if err != nil {
		return err
	}
	defer st.Close()
	art, err := findArticle(ctx, st, fs.Arg(0))
	if err != nil {
		return err
	}
	versions, err := st.Versions(ctx, snapshots.VersionFilter{ArticleID: art.ID})
	if err != nil {
		return fmt.Errorf("list versions: %w", err)
	}
	fmt.Fprintf(a.stdout, "%s\nsource %s · first seen %s · %d versions\n\n", sanitizeLine(art.URL), sanitizeLine(art.Source), stamp(art.FirstSeen), len(versions))
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tSEEN\tSEVERITY\tCHANGES\tTITLE")
	for _, v := range versions {
		sev, kinds := v.Severity, strings.Join(v.Kinds, ", ")
		if v.Number == 1 {
			sev, kinds = "-", "first version"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", v.Number, stamp(v.At), sev, kinds, sanitizeLine(v.Title))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if !*checks {
		return nil
	}
	cs, err := st.Checks(ctx, snapshots.CheckFilter{ArticleID: art.ID})
	if err != nil {
		return fmt.Errorf("list checks: %w", err)
	}
	fmt.Fprintf(a.stdout, "\n%d checks\n", len(cs))
	tw = tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tSTATUS\tOUTCOME\tVERSION\tERROR")
	for _, c := range cs {
		ver := "-"
		if c.Version > 0 {
			ver = strconv.Itoa(c.Version)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", stamp(c.At), c.Status, c.Outcome, ver, sanitizeLine(c.Error))
	}
	return tw.Flush()
}

func runShow(ctx context.Context, a *app, args []string) error {
	var cf commonFlags
	fs := newFlagSet(a, "show", "URL", "Print one stored version of an article (the latest by default).", &cf, true)
	n := fs.Int("version", 0, "version `N` to show (default: the latest)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("show needs one URL (got %d arguments)", fs.NArg())
	}
	if *n < 0 {
		return usagef("--version: must be 1 or more, got %d", *n)
	}
	st, err := openForRead(ctx, a, &cf)
	if err != nil {
		return err
	}
	defer st.Close()
	art, err := findArticle(ctx, st, fs.Arg(0))
	if err != nil {
		return err
	}
	var v snapshots.Version
	if *n == 0 {
		v, err = st.Latest(ctx, art.ID)
	} else {
		v, err = st.Version(ctx, art.ID, *n)
	}
	if errors.Is(err, snapshots.ErrNotFound) {
		if *n == 0 {
			return fmt.Errorf("%s has no stored version", art.URL)
		}
		return fmt.Errorf("%s has no version %d", art.URL, *n)
	}
	if err != nil {
		return err
	}
	field := func(name, val string) {
		if val != "" {
			fmt.Fprintf(a.stdout, "%-11s %s\n", name+":", sanitizeLine(val))
		}
	}
	field("URL", art.URL)
	field("Version", strconv.Itoa(v.Number))
	field("Seen", stamp(v.At))
	field("Title", v.Title)
	field("Byline", v.Byline)
	field("Published", v.Published)
	field("Modified", v.Modified)
	field("Text SHA256", v.TextSHA256)
	field("Raw SHA256", v.RawSHA256)
	field("Chain", v.ChainHash)
	fmt.Fprintln(a.stdout)
	for p := range strings.SplitSeq(v.Text, "\n\n") {
		fmt.Fprintf(a.stdout, "%s\n\n", sanitizeLine(p))
	}
	return nil
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }
