package main

import (
	"context"
	"fmt"
	"io"

	"github.com/redline-news/redline/internal/atomicfile"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/snapshots/export"
)

func runExport(ctx context.Context, a *app, args []string) error {
	var cf commonFlags
	fs := newFlagSet(a, "export", "", `Write stored versions out: --warc FILE as WARC 1.1, one gzip member per
record (request, response and redline metadata for each version),
--wacz FILE as WACZ 1.1.1 (that WARC with a CDXJ index, a page per version
and hashes of every file, for ReplayWeb.page), or --jsonl FILE (or - for
standard output) as one JSON object per version.
A file is written to a temporary name and renamed when complete.`, &cf, true)
	warcPath := fs.String("warc", "", "write a WARC to `FILE` (.warc.gz)")
	waczPath := fs.String("wacz", "", "write a WACZ web archive to `FILE` (.wacz)")
	jsonlPath := fs.String("jsonl", "", "write JSON Lines to `FILE`, or - for standard output")
	since := fs.String("since", "", "only versions seen at or after `WHEN`: "+sinceForms)
	url := fs.String("url", "", "only the article with this `URL`")
	if err := parseNoArgs(fs, args, ""); err != nil {
		return err
	}
	if n := countSet(*warcPath, *waczPath, *jsonlPath); n != 1 {
		return usagef("export needs one of --warc FILE, --wacz FILE or --jsonl FILE")
	}
	if *warcPath == "-" {
		return usagef("--warc: give a file name; a WARC is binary")
	}
	if *waczPath == "-" {
		return usagef("--wacz: give a file name; a WACZ is a zip file")
	}
	f := export.Filter{URL: *url}
	if *since != "" {
		var err error
		if f.Since, err = parseSince(*since, a.now()); err != nil {
			return usagef("--since: %v", err)
		}
	}
	if err := a.setLogger(&cf); err != nil {
		return err
	}
	dsn := cf.store
	f.UserAgent = fetch.DefaultUserAgent
	if dsn == "" {
		cfg, err := loadConfig(cf.config)
		if err != nil {
			return err
		}
		dsn = cfg.Store
		if cfg.UserAgent != "" {
			f.UserAgent = cfg.UserAgent
		}
	}
	st, err := openStore(ctx, dsn, a.log)
	if err != nil {
		return err
	}
	defer st.Close()

	write := func(w io.Writer) error { return export.WriteJSONL(ctx, w, st, f) }
	path := *jsonlPath
	if *warcPath != "" {
		path = *warcPath
		f.Created = a.now().UTC()
		write = func(w io.Writer) error { return export.WriteWARC(ctx, w, st, f) }
	}
	if *waczPath != "" {
		path = *waczPath
		f.Created = a.now().UTC()
		write = func(w io.Writer) error { return export.WriteWACZ(ctx, w, st, f) }
	}
	if path == "-" {
		return write(a.stdout)
	}
	// Atomic: a reader never sees half an archive, and an interrupted
	// export leaves any earlier file as it was.
	if err := atomicfile.Write(path, write); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	a.log.Info("exported", "file", path, "url", *url, "since", *since)
	return nil
}

// countSet counts the flag values that were given.
func countSet(vals ...string) int {
	n := 0
	for _, v := range vals {
		if v != "" {
			n++
		}
	}
	return n
}
