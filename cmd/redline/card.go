package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/internal/atomicfile"
	"github.com/redline-news/redline/internal/plural"
	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/report"
	"github.com/redline-news/redline/report/card"
	"github.com/redline-news/redline/snapshots"
)

func runCard(ctx context.Context, a *app, args []string) error {
	var cf commonFlags
	fs := newFlagSet(a, "card", "URL", `Render what changed in one version of an article as a PNG card for sharing:
the outlet and headline, the most severe changes (deletions struck through,
insertions underlined), the speaker of a changed quote and the version times.
The alt text, the full before and after in words, is written beside the
image with the extension .txt (card.png, card.txt).`, &cf, true)
	n := fs.Int("version", 0, "show the changes that made version `N` (default: the latest)")
	out := fs.String("o", "card.png", "write the card to `FILE` (the alt text goes to FILE with .txt)")
	size := fs.String("size", fmt.Sprintf("%dx%d", card.DefaultWidth, card.DefaultHeight), "card size `WxH` in pixels")
	url, err := parseURLArg(fs, args)
	if err != nil {
		return err
	}
	if *n < 0 {
		return usagef("--version: must be 2 or more, got %d", *n)
	}
	w, h, err := card.ParseSize(*size)
	if err != nil {
		return usagef("--size: %v", err)
	}
	if *out == "" {
		return usagef("-o: needs a file name")
	}
	altPath := strings.TrimSuffix(*out, filepath.Ext(*out)) + ".txt"
	if altPath == *out {
		return usagef("-o %s: the alt text would overwrite the card; name the card .png", *out)
	}
	st, art, err := openArticle(ctx, a, &cf, url)
	if err != nil {
		return err
	}
	defer st.Close()
	newV, err := st.Latest(ctx, art.ID)
	if *n != 0 {
		newV, err = st.Version(ctx, art.ID, *n)
	}
	if err := versionMissing(err, art.URL, *n); err != nil {
		return err
	}
	if newV.Number < 2 {
		return usagef("%s: version 1 is the first stored version, so nothing changed in it; give --version 2 or later", sanitize.Line(art.URL))
	}
	oldV, err := st.Version(ctx, art.ID, newV.Number-1)
	if err != nil {
		return fmt.Errorf("%s version %d: %w", sanitize.Line(art.URL), newV.Number-1, err)
	}
	// Computed afresh from the stored texts, as diff --from/--to does.
	cs := diffing.Compare(monitor.Document(oldV), monitor.Document(newV))
	c := card.Card{Item: report.Item{URL: art.URL, Source: art.Source, Title: newV.Title, FromVersion: oldV.Number,
		ToVersion: newV.Number, At: newV.At, Changes: cs}, FromAt: oldV.At}
	if newV.Reread {
		// The new version was read from another part of the page, as diff says.
		c.Item.Reread, c.Item.Reading = true, snapshots.ReadFrom(newV)
	}
	png, alt, err := card.Render(c, card.Options{Width: w, Height: h})
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(*out, png); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(altPath, []byte(alt)); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "wrote %s (%d×%d, version %d → %d, %s) and its alt text %s\n",
		*out, w, h, oldV.Number, newV.Number, plural.Count(len(card.Top(cs)), "change"), altPath)
	return nil
}
