package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"

	"github.com/redline-news/redline/report/web"
	"github.com/redline-news/redline/snapshots"
)

// readStore is what serve needs of the store: both stores implement it.
type readStore interface {
	snapshots.Store
	snapshots.Lister
}

func runServe(ctx context.Context, a *app, args []string) error {
	var cf commonFlags
	fs := newFlagSet(a, "serve", "", `Serve a read-only web interface over the store: the articles watched, each
one's versions and checks, diffs between any two versions, an Atom feed of
changes (/feed.atom) and a JSON API (/api/…). It binds 127.0.0.1 unless told
otherwise and stops on SIGINT or SIGTERM.`, &cf, true)
	addr := fs.String("addr", "127.0.0.1:8080", "listen on `HOST:PORT`")
	if err := parseNoArgs(fs, args, ""); err != nil {
		return err
	}
	if err := a.setLogger(&cf); err != nil {
		return err
	}
	// The config gives the store and each source's tags. With --store and
	// no config file, serve runs without tags.
	configSet := false
	fs.Visit(func(f *flag.Flag) { configSet = configSet || f.Name == "config" })
	tags := map[string][]string{}
	dsn := cf.store
	if _, statErr := os.Stat(cf.config); cf.store == "" || configSet || statErr == nil {
		cfg, err := loadConfig(cf.config)
		if err != nil {
			return err
		}
		if dsn == "" {
			dsn = cfg.Store
		}
		for _, src := range cfg.Sources {
			tags[src.Name] = append(tags[src.Name], src.Tags...)
		}
	}
	st, err := openStore(ctx, dsn, a.log)
	if err != nil {
		return err
	}
	defer st.Close()
	rs, ok := st.(readStore)
	if !ok {
		return fmt.Errorf("store %s cannot list articles", redactDSN(dsn))
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return usagef("--addr %s: %v", *addr, err)
	}
	h := web.New(rs, web.Options{Logger: a.log, Tags: tags, Now: a.now})
	url := "http://" + ln.Addr().String() + "/"
	fmt.Fprintf(a.stdout, "redline serve: %s\n", url)
	a.log.Info("serving", "url", url)
	if err := web.Serve(ctx, ln, h, a.log); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	a.log.Info("server stopped")
	return nil
}
