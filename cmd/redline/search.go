package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/redline-news/redline/internal/plural"
	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/snapshots"
)

func runSearch(ctx context.Context, a *app, args []string) error {
	var cf commonFlags
	fs := newFlagSet(a, "search", `"PHRASE"`, `Search every stored version for a phrase: which articles contained it, in
which versions, when it first appeared and when it disappeared (and if it
came back), with the diff of the edit that removed it. Case, accents and
punctuation (quotation marks included) are ignored; the words must be
adjacent and in order.`, &cf, true)
	url := fs.String("url", "", "only the article at `URL`")
	source := fs.String("source", "", "only the articles of `SOURCE`")
	since := fs.String("since", "", "only versions seen at or after `WHEN`: "+sinceForms)
	limit := fs.Int("limit", 100, "at most `N` articles, those where the phrase appeared first (0: all)")
	format := fs.String("format", "text", "output `FORMAT`: text or json")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("search needs one phrase, quoted if it has spaces (got %s)", plural.Count(len(pos), "argument"))
	}
	if err := textOrJSON(*format); err != nil {
		return err
	}
	if err := snapshots.CheckPhrase(pos[0]); err != nil {
		return usagef("%v", err)
	}
	if *limit < 0 {
		return usagef("--limit: must be 0 or more, got %d", *limit)
	}
	q := snapshots.SearchQuery{Phrase: pos[0], URL: *url, Source: *source, Limit: *limit}
	if *since != "" {
		if q.Since, err = parseSince(*since, a.now()); err != nil {
			return usagef("--since: %v", err)
		}
	}
	st, err := openForRead(ctx, a, &cf)
	if err != nil {
		return err
	}
	defer st.Close()
	if q.URL != "" {
		// An article not watched is the user's to fix, with suggestions.
		if _, err := findArticle(ctx, st, q.URL); err != nil {
			return err
		}
	}
	se, ok := st.(snapshots.Searcher)
	if !ok {
		return fmt.Errorf("the store cannot search its versions")
	}
	hits, err := se.Search(ctx, q)
	if err != nil {
		return err
	}
	if *format == "json" {
		return writeJSON(a.stdout, searchJSON(hits))
	}
	writeSearchText(a, q, hits)
	return nil
}

// diffCommand is the command showing the edit between versions from and
// to of the article at url, the URL quoted for a POSIX shell.
func diffCommand(url string, from, to int) string {
	return fmt.Sprintf("redline diff '%s' --from %d --to %d", strings.ReplaceAll(url, `'`, `'\''`), from, to)
}

// webDiffPath is the web interface's page of the same diff (redline serve).
func webDiffPath(articleID int64, from, to int) string {
	return fmt.Sprintf("/articles/%d/diff?from=%d&to=%d", articleID, from, to)
}

func writeSearchText(a *app, q snapshots.SearchQuery, hits []snapshots.SearchHit) {
	w := a.stdout
	phrase := sanitize.Line(q.Phrase)
	if len(hits) == 0 {
		fmt.Fprintf(w, "No stored version contains “%s”.\n", phrase)
		return
	}
	more := ""
	if q.Limit > 0 && len(hits) == q.Limit {
		more = fmt.Sprintf(" (the first %d; --limit 0 lists all)", q.Limit)
	}
	fmt.Fprintf(w, "“%s” is in %s%s.\n", phrase, plural.Count(len(hits), "article"), more)
	for _, h := range hits {
		url := sanitize.Line(h.Article.URL)
		fmt.Fprintf(w, "\n%s\n  %s · source %s · %s\n", url, sanitize.Line(h.Title), sanitize.Line(h.Article.Source), plural.Count(h.Latest, "version"))
		for i, sp := range h.Spans {
			verb := "appeared"
			if i > 0 {
				verb = "came back"
			}
			fmt.Fprintf(w, "  %s in version %d (%s)", verb, sp.First, stamp(sp.FirstAt))
			if sp.Last > sp.First {
				fmt.Fprintf(w, ", still in version %d (%s)", sp.Last, stamp(sp.LastAt))
			}
			fmt.Fprintln(w)
			if sp.Gone == 0 {
				fmt.Fprintf(w, "  still there in the latest version, %d\n", h.Latest)
				continue
			}
			fmt.Fprintf(w, "  disappeared in version %d (%s)\n", sp.Gone, stamp(sp.GoneAt))
			fmt.Fprintf(w, "    %s\n    web: %s\n", diffCommand(url, sp.Last, sp.Gone), webDiffPath(h.Article.ID, sp.Last, sp.Gone))
		}
	}
}

// The JSON of redline search --format json.
type (
	searchHitJSON struct {
		URL     string           `json:"url"`
		Source  string           `json:"source"`
		Title   string           `json:"title"`
		Latest  int              `json:"latest_version"`
		Spans   []searchSpanJSON `json:"spans"`
		Article int64            `json:"article_id"`
	}
	searchSpanJSON struct {
		First   int        `json:"first_version"`
		FirstAt time.Time  `json:"first_seen"`
		Last    int        `json:"last_version"`
		LastAt  time.Time  `json:"last_seen"`
		Gone    int        `json:"gone_version,omitempty"`
		GoneAt  *time.Time `json:"gone_seen,omitempty"`
		// The diff of the edit that removed the phrase.
		DiffCommand string `json:"diff_command,omitempty"`
		WebDiff     string `json:"web_diff,omitempty"`
	}
)

func searchJSON(hits []snapshots.SearchHit) []searchHitJSON {
	out := make([]searchHitJSON, 0, len(hits))
	for _, h := range hits {
		j := searchHitJSON{URL: h.Article.URL, Source: h.Article.Source, Title: h.Title, Latest: h.Latest, Article: h.Article.ID}
		for _, sp := range h.Spans {
			s := searchSpanJSON{First: sp.First, FirstAt: sp.FirstAt.UTC(), Last: sp.Last, LastAt: sp.LastAt.UTC(), Gone: sp.Gone}
			if sp.Gone != 0 {
				gone := sp.GoneAt.UTC()
				s.GoneAt = &gone
				s.DiffCommand = diffCommand(h.Article.URL, sp.Last, sp.Gone)
				s.WebDiff = webDiffPath(h.Article.ID, sp.Last, sp.Gone)
			}
			j.Spans = append(j.Spans, s)
		}
		out = append(out, j)
	}
	return out
}

// indexForSearch indexes the versions a cycle saved (snapshots.Indexer),
// so that a search does not have them to index first. A failure only
// leaves them queued for the next cycle or search: it is logged, and
// never fails the cycle.
func indexForSearch(ctx context.Context, a *app, st snapshots.Store) {
	ix, ok := st.(snapshots.Indexer)
	if !ok {
		return
	}
	if n, err := ix.IndexPending(ctx, 0); err != nil {
		a.log.Warn("search index: versions left queued for the next cycle", "indexed", n, "err", err)
	} else if n > 0 {
		a.log.Debug("indexed versions for search", "versions", n)
	}
}
