package main

import (
	"context"
	"fmt"

	"github.com/redline-news/redline/snapshots"
)

func runVerify(ctx context.Context, a *app, args []string) error {
	var cf commonFlags
	fs := newFlagSet(a, "verify", "", `Recompute every stored hash and chain link: each version's text and body
hashes, its chain hash and its link to the previous version, numbering
without gaps, and that every check names a stored version. Prints a summary
and every problem; exits 1 when anything is wrong.`, &cf, true)
	url := fs.String("url", "", "verify only the article with this `URL`")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("verify takes no arguments (got %d); use --url URL for one article", len(pos))
	}
	st, err := openForRead(ctx, a, &cf)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := snapshots.Verify(ctx, st, snapshots.VerifyFilter{URL: *url})
	// Print what was found even when the walk stopped early: those
	// problems are real.
	for _, p := range rep.Problems {
		fmt.Fprintf(a.stdout, "PROBLEM %s\n", sanitizeLine(p.String()))
	}
	if err != nil {
		return err
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
