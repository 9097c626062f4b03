package main

import (
	"context"
	"fmt"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/report"
	"github.com/redline-news/redline/snapshots"
)

// runClaims prints the claim ledger of one article: every quotation and
// figure across its stored versions and what became of it.
func runClaims(ctx context.Context, a *app, args []string) error {
	var cf commonFlags
	fs := newFlagSet(a, "claims", "URL", `Print the claim ledger of an article: every quotation and figure across its
stored versions, when it first appeared, each change (before → after, the
version, the kind, the speaker then and now), when it disappeared and
whether it came back.`, &cf, true)
	format := fs.String("format", "text", "output `FORMAT`: text, markdown or json")
	changed := fs.Bool("changed", false, "only the claims that changed, disappeared or came back")
	url, err := parseURLArg(fs, args)
	if err != nil {
		return err
	}
	f, err := report.ParseFormat(*format)
	if err != nil || (f != report.Text && f != report.Markdown && f != report.JSON) {
		return usagef("--format: %q is not text, markdown or json", *format)
	}
	st, art, err := openArticle(ctx, a, &cf, url)
	if err != nil {
		return err
	}
	defer st.Close()
	vs, err := st.Versions(ctx, snapshots.VersionFilter{ArticleID: art.ID})
	if err != nil {
		return fmt.Errorf("list versions: %w", err)
	}
	l := ledgerOf(art, vs)
	if *changed {
		l.Ledger = l.Ledger.Changed()
	}
	return report.RenderLedger(a.stdout, f, l)
}

// ledgerOf builds the ledger of an article from its versions, oldest first.
func ledgerOf(art snapshots.Article, vs []snapshots.Version) report.Ledger {
	lv := make([]diffing.LedgerVersion, len(vs))
	for i, v := range vs {
		lv[i] = diffing.LedgerVersion{Number: v.Number, Time: v.At, Doc: monitor.Document(v)}
	}
	l := report.Ledger{URL: art.URL, Source: art.Source, Versions: len(vs), Ledger: diffing.BuildLedger(lv)}
	if len(vs) > 0 {
		l.Title = vs[len(vs)-1].Title
	}
	return l
}
