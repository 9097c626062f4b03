package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	neturl "net/url"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/redline-news/redline/internal/plural"
	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/report"
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

// openArticle opens the store for reading (openForRead) and finds the
// article at url in it (findArticle); the caller closes the store.
func openArticle(ctx context.Context, a *app, cf *commonFlags, url string) (snapshots.Store, snapshots.Article, error) {
	st, err := openForRead(ctx, a, cf)
	if err != nil {
		return nil, snapshots.Article{}, err
	}
	art, err := findArticle(ctx, st, url)
	if err != nil {
		st.Close()
		return nil, snapshots.Article{}, err
	}
	return st, art, nil
}

// fieldPrinter returns a func printing one "Name:  value" line of width
// columns for the name, the value cleaned (scraped text) and left out
// when empty.
func fieldPrinter(w io.Writer, width int) func(name, val string) {
	return func(name, val string) {
		if val != "" {
			fmt.Fprintf(w, "%-*s %s\n", width, name+":", sanitize.Line(val))
		}
	}
}

// headline is what a page says of itself above its text: extract lists it
// as read, show as stored, in this order and under these names.
type headline struct{ title, dek, byline, published, modified string }

// print lists h's fields through field (fieldPrinter), skipping empty ones.
func (h headline) print(field func(name, val string)) {
	field("Title", h.title)
	field("Dek", h.dek)
	field("Byline", h.byline)
	field("Published", h.published)
	field("Modified", h.modified)
}

// findArticle returns the stored article at url. One that is not watched
// is a usage error (the URL is the user's to fix), naming the closest
// watched URLs.
func findArticle(ctx context.Context, st snapshots.Store, url string) (snapshots.Article, error) {
	art, err := st.Article(ctx, url)
	if !errors.Is(err, snapshots.ErrNotFound) {
		return art, err
	}
	arts, err := st.Articles(ctx, snapshots.ArticleFilter{})
	if err != nil {
		return art, fmt.Errorf("no article %s in the store; list its articles: %w", sanitize.Line(url), err)
	}
	if len(arts) == 0 {
		return art, usagef("no article %s in the store: it watches no articles yet", sanitize.Line(url))
	}
	urls := make([]string, len(arts))
	for i, a := range arts {
		urls[i] = a.URL
	}
	near := closestURLs(url, urls, 3)
	if len(near) == 0 {
		return art, usagef("no article %s in the store, nor one like it (%s watched)", sanitize.Line(url), plural.Count(len(arts), "article"))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "no article %s in the store; the closest watched:", sanitize.Line(url))
	for _, u := range near {
		b.WriteString("\n  " + sanitize.Line(u))
	}
	return art, usagef("%s", b.String())
}

// closestURLs returns up to n of urls nearest to target: those on
// target's host first (www. aside), by the edit distance of their paths
// and queries, then those on other hosts whose whole URL is within a
// quarter of target's length of it (a mistyped host). A URL far from
// target on another host is no suggestion.
func closestURLs(target string, urls []string, n int) []string {
	host, rest := splitURL(target)
	type cand struct {
		url      string
		sameHost bool
		dist     int
	}
	var cs []cand
	for _, u := range urls {
		h, r := splitURL(u)
		if h == host {
			cs = append(cs, cand{u, true, urlDistance(rest, r)})
		} else if d := urlDistance(host+rest, h+r); d <= len(host+rest)/4 {
			cs = append(cs, cand{u, false, d})
		}
	}
	slices.SortFunc(cs, func(a, b cand) int {
		if a.sameHost != b.sameHost {
			if a.sameHost {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.dist, b.dist), strings.Compare(a.url, b.url))
	})
	out := make([]string, 0, n)
	for _, c := range cs[:min(len(cs), n)] {
		out = append(out, c.url)
	}
	return out
}

// splitURL returns a URL's host, lower-case and without "www.", and the
// rest after it (path, query, fragment). The scheme is dropped: http and
// https of one page are the same page to a user.
func splitURL(raw string) (host, rest string) {
	u, err := neturl.Parse(raw)
	if err != nil || u.Host == "" {
		return "", raw
	}
	host = strings.TrimPrefix(strings.ToLower(u.Host), "www.")
	rest = u.RequestURI()
	if u.Fragment != "" {
		rest += "#" + u.Fragment
	}
	return host, rest
}

// urlDistance is the edit distance between a and b (editDistance) after
// their common prefix and suffix, which do not change it, are cut. Two
// URLs still differing in more than editDistance's 64 bytes are as far
// apart as the longer difference, an upper bound.
func urlDistance(a, b string) int {
	for len(a) > 0 && len(b) > 0 && a[0] == b[0] {
		a, b = a[1:], b[1:]
	}
	for len(a) > 0 && len(b) > 0 && a[len(a)-1] == b[len(b)-1] {
		a, b = a[:len(a)-1], b[:len(b)-1]
	}
	if len(a) > 64 || len(b) > 64 {
		return max(len(a), len(b))
	}
	return editDistance(a, b)
}

func runHistory(ctx context.Context, a *app, args []string) error {
	var cf commonFlags
	fs := newFlagSet(a, "history", "URL", "List the stored versions of an article, and its checks with --checks.", &cf, true)
	checks := fs.Bool("checks", false, "also list every check, newest first")
	url, err := parseURLArg(fs, args)
	if err != nil {
		return err
	}
	st, art, err := openArticle(ctx, a, &cf, url)
	if err != nil {
		return err
	}
	defer st.Close()
	versions, err := st.Versions(ctx, snapshots.VersionFilter{ArticleID: art.ID})
	if err != nil {
		return fmt.Errorf("list versions: %w", err)
	}
	fmt.Fprintf(a.stdout, "%s\nsource %s · first seen %s · %s\n\n", sanitize.Line(art.URL), sanitize.Line(art.Source), stamp(art.FirstSeen), plural.Count(len(versions), "version"))
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tSEEN\tSEVERITY\tCHANGES\tTITLE")
	for _, v := range versions {
		// A re-read version is low, as the report shows it.
		sev, kinds := snapshots.VersionSeverity(v.Severity, v.Reread), strings.Join(v.Kinds, ", ")
		if v.Number == 1 {
			sev, kinds = "-", "first version"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", v.Number, stamp(v.At), sev, kinds, sanitize.Line(v.Title))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	imps, err := importsOf(ctx, st, art)
	if err != nil {
		return err
	}
	for _, v := range versions {
		if imp, ok := imps[v.Number]; ok {
			fmt.Fprintf(a.stdout, "version %d %s\n", v.Number, sanitize.Line(imp.String()))
		}
	}
	if !*checks {
		return nil
	}
	cs, err := st.Checks(ctx, snapshots.CheckFilter{ArticleID: art.ID})
	if err != nil {
		return fmt.Errorf("list checks: %w", err)
	}
	fmt.Fprintf(a.stdout, "\n%s\n", plural.Count(len(cs), "check"))
	tw = tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tSTATUS\tOUTCOME\tVERSION\tERROR")
	for _, c := range cs {
		ver := "-"
		if c.Version > 0 {
			ver = strconv.Itoa(c.Version)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", stamp(c.At), c.Status, c.Outcome, ver, sanitize.Line(c.Error))
	}
	return tw.Flush()
}

func runShow(ctx context.Context, a *app, args []string) error {
	var cf commonFlags
	fs := newFlagSet(a, "show", "URL", `Print one stored version of an article: the latest, version N (--version),
or the version that was current at a time (--at).`, &cf, true)
	n := fs.Int("version", 0, "version `N` to show (default: the latest)")
	atFlag := fs.String("at", "", "show the version current at `TIME`: "+timeForms)
	url, err := parseURLArg(fs, args)
	if err != nil {
		return err
	}
	if *n < 0 {
		return usagef("--version: must be 1 or more, got %d", *n)
	}
	var at time.Time
	if *atFlag != "" {
		if *n != 0 {
			return usagef("show: give --version or --at, not both")
		}
		if at, err = parseTimeFlag(*atFlag); err != nil {
			return usagef("--at: %v", err)
		}
	}
	st, art, err := openArticle(ctx, a, &cf, url)
	if err != nil {
		return err
	}
	defer st.Close()
	var v snapshots.Version
	switch {
	case !at.IsZero():
		v, err = versionAt(ctx, st, art, at)
	case *n == 0:
		v, err = st.Latest(ctx, art.ID)
	default:
		v, err = st.Version(ctx, art.ID, *n)
	}
	if err := versionMissing(err, art.URL, *n); err != nil {
		return err
	}
	field := fieldPrinter(a.stdout, 11)
	field("URL", art.URL)
	field("Version", strconv.Itoa(v.Number))
	field("Seen", stamp(v.At))
	if !at.IsZero() {
		field("Current at", stamp(at))
	}
	headline{v.Title, v.Dek, v.Byline, v.Published, v.Modified}.print(field)
	field("Text SHA256", v.TextSHA256)
	field("Raw SHA256", v.RawSHA256)
	field("Chain", v.ChainHash)
	field("Prev", v.PrevHash)
	if ts, ok, err := versionTimestamp(ctx, st, v); err != nil {
		return err
	} else if ok {
		field("Timestamp", fmt.Sprintf("%s by %s (RFC 3161 token, %d bytes; check with verify --timestamps)", stamp(ts.Time), ts.TSA, len(ts.Token)))
	}
	for _, note := range v.Notes {
		field("Read", note) // provenance: how the page was read
	}
	if v.Reread {
		field("Read", report.RereadNote(report.Item{Reread: true, Reading: snapshots.ReadFrom(v)}))
	}
	imps, err := importsOf(ctx, st, art)
	if err != nil {
		return err
	}
	if imp, ok := imps[v.Number]; ok {
		field("Imported", strings.TrimPrefix(imp.String(), "imported "))
	}
	fmt.Fprintln(a.stdout)
	for p := range strings.SplitSeq(v.Text, "\n\n") {
		fmt.Fprintf(a.stdout, "%s\n\n", sanitize.Line(p))
	}
	return nil
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

// versionAt returns the version of art that was current at t: the newest
// one seen at or before t. When t is before the first version, the error
// says when that was.
func versionAt(ctx context.Context, st snapshots.Store, art snapshots.Article, t time.Time) (snapshots.Version, error) {
	// Until is exclusive; a version seen exactly at t was current at t.
	vs, err := st.Versions(ctx, snapshots.VersionFilter{ArticleID: art.ID, Until: t.Add(time.Nanosecond)})
	if err != nil {
		return snapshots.Version{}, fmt.Errorf("list versions of %s: %w", sanitize.Line(art.URL), err)
	}
	if len(vs) > 0 {
		return vs[len(vs)-1], nil
	}
	first, err := st.Versions(ctx, snapshots.VersionFilter{ArticleID: art.ID, Limit: 1})
	if err != nil {
		return snapshots.Version{}, fmt.Errorf("list versions of %s: %w", sanitize.Line(art.URL), err)
	}
	if len(first) == 0 {
		return snapshots.Version{}, fmt.Errorf("%s has no stored version", sanitize.Line(art.URL))
	}
	return snapshots.Version{}, fmt.Errorf("%s has no version at %s: the first was seen at %s",
		sanitize.Line(art.URL), stamp(t), stamp(first[0].At))
}

// parseURLArg parses flags as parseArgs does, for a command that takes
// one URL, and returns it.
func parseURLArg(fs *flag.FlagSet, args []string) (string, error) {
	pos, err := parseArgs(fs, args)
	if err != nil {
		return "", err
	}
	if len(pos) != 1 {
		return "", usagef("%s needs one URL (got %s)", fs.Name(), plural.Count(len(pos), "argument"))
	}
	return pos[0], nil
}

// parseArgs parses flags that may come before or after the positional
// arguments ("show URL --version 2" as well as "show --version 2 URL"), which
// the flag package alone stops at the first argument that is not a flag. A
// "--" ends the flags; everything after it is positional.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parse(fs, args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// versionMissing is err from reading version n (0: the latest) of the
// article at url, saying which version is missing when it is ErrNotFound.
func versionMissing(err error, url string, n int) error {
	switch {
	case !errors.Is(err, snapshots.ErrNotFound):
		return err
	case n == 0:
		return fmt.Errorf("%s has no stored version", sanitize.Line(url))
	default:
		return fmt.Errorf("%s has no version %d", sanitize.Line(url), n)
	}
}
