package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/sqlite"
)

// integrityChecker is a store that can check its own file (SQLite's
// PRAGMA quick_check and integrity_check). PostgreSQL checks its pages
// itself and offers nothing here.
type integrityChecker interface {
	CheckIntegrity(ctx context.Context, quick bool) error
}

// checkIntegrity runs the store's own integrity check, if it has one. A
// corrupt store is an error: redline stops and leaves the file as it is.
func checkIntegrity(ctx context.Context, st snapshots.Store, quick bool) error {
	ic, ok := st.(integrityChecker)
	if !ok {
		return nil
	}
	return ic.CheckIntegrity(ctx, quick)
}

func runVerify(ctx context.Context, a *app, args []string) error {
	var cf commonFlags
	fs := newFlagSet(a, "verify", "", `Recompute every stored hash and chain link: each version's text and body
hashes, its chain hash and its link to the previous version, numbering
without gaps, and that every check names a stored version. A SQLite store
also gets PRAGMA integrity_check. Prints a summary and every problem;
exits 1 when anything is wrong.`, &cf, true)
	url := fs.String("url", "", "verify only the article with this `URL`")
	if err := parseNoArgs(fs, args, "use --url URL for one article"); err != nil {
		return err
	}
	st, err := openForRead(ctx, a, &cf)
	if err != nil {
		return err
	}
	defer st.Close()
	// A damaged file is reported, and the hash walk still runs over what
	// can be read; it stops, with an error, at the first unreadable page.
	corrupt := checkIntegrity(ctx, st, false)
	var ce *sqlite.CorruptError
	if corrupt != nil && !errors.As(corrupt, &ce) {
		return corrupt
	}
	if corrupt != nil {
		fmt.Fprintf(a.stdout, "PROBLEM %s\n", sanitize.Line(corrupt.Error()))
	}
	rep, err := snapshots.Verify(ctx, st, snapshots.VerifyFilter{URL: *url})
	// Print what was found even when the walk stopped early: those
	// problems are real.
	for _, p := range rep.Problems {
		fmt.Fprintf(a.stdout, "PROBLEM %s\n", sanitize.Line(p.String()))
	}
	if err != nil {
		return err // a corrupt file's PROBLEM line is printed already
	}
	if corrupt != nil {
		fmt.Fprintf(a.stdout, "verified %s, %s, %s: database is corrupt\n", plural(rep.Articles, "article"), plural(rep.Versions, "version"), plural(rep.Checks, "check"))
		a.log.Error("store verification failed", "err", corrupt)
		return errProblems
	}
	fmt.Fprintf(a.stdout, "verified %s, %s, %s: ", plural(rep.Articles, "article"), plural(rep.Versions, "version"), plural(rep.Checks, "check"))
	if rep.OK() {
		fmt.Fprintln(a.stdout, "OK")
		return nil
	}
	fmt.Fprintf(a.stdout, "%s\n", plural(len(rep.Problems), "problem"))
	a.log.Error("store verification failed", "problems", len(rep.Problems))
	return errProblems
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
