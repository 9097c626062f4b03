package main

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/redline-news/redline/internal/plural"
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
also gets PRAGMA integrity_check. With --timestamps, every RFC 3161 token
too, offline. Prints a summary and every problem; exits 1 when anything
is wrong.`, &cf, true)
	url := fs.String("url", "", "verify only the article with this `URL`")
	timestamps := fs.Bool("timestamps", false, "also check every trusted timestamp offline: imprint is the chain hash, signature, chain to the roots, times in version order")
	rootsFlag := fs.String("roots", "", "with --timestamps: PEM `FILES` (comma-separated) of the CAs tokens must chain to (default: the config's timestamp.roots)")
	if err := parseNoArgs(fs, args, "use --url URL for one article"); err != nil {
		return err
	}
	var roots *x509.CertPool
	if *timestamps {
		var err error
		if roots, err = timestampRoots(&cf, *rootsFlag); err != nil {
			return err
		}
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
		fmt.Fprintf(a.stdout, "verified %s, %s, %s: database is corrupt\n", plural.Count(rep.Articles, "article"), plural.Count(rep.Versions, "version"), plural.Count(rep.Checks, "check"))
		a.log.Error("store verification failed", "err", corrupt)
		return errProblems
	}
	problems := len(rep.Problems)
	if *timestamps {
		n, err := verifyTimestamps(ctx, a, st, roots, *url)
		if err != nil {
			return err
		}
		problems += n
	}
	fmt.Fprintf(a.stdout, "verified %s, %s, %s: ", plural.Count(rep.Articles, "article"), plural.Count(rep.Versions, "version"), plural.Count(rep.Checks, "check"))
	if problems == 0 {
		fmt.Fprintln(a.stdout, "OK")
		return nil
	}
	fmt.Fprintf(a.stdout, "%s\n", plural.Count(problems, "problem"))
	a.log.Error("store verification failed", "problems", problems)
	return errProblems
}
