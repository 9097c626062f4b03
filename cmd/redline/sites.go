package main

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/snapshots"
)

func runSites(ctx context.Context, a *app, args []string) error {
	var cf commonFlags
	fs := newFlagSet(a, "sites", "", `List the hosts redline read pages of, with what it learned of each one's
template: pages seen, the container its stories are read from, and how many
blocks were learned to be boilerplate.`, &cf, true)
	format := fs.String("format", "text", "output `FORMAT`: text or json")
	if err := parseNoArgs(fs, args, ""); err != nil {
		return err
	}
	if err := textOrJSON(*format); err != nil {
		return err
	}
	st, err := openForRead(ctx, a, &cf)
	if err != nil {
		return err
	}
	defer st.Close()
	ss, ok := st.(snapshots.SiteStore)
	if !ok {
		return fmt.Errorf("the store keeps no site templates")
	}
	sites, err := ss.Sites(ctx)
	if err != nil {
		return err
	}
	if *format == "json" {
		type jsonSite struct {
			Host        string `json:"host"`
			Pages       int    `json:"pages"`
			Container   string `json:"container"`
			Boilerplate int    `json:"boilerplate"`
			Updated     string `json:"updated"`
		}
		out := make([]jsonSite, 0, len(sites))
		for _, s := range sites {
			out = append(out, jsonSite{s.Host, s.Pages, s.Container, s.Boilerplate, s.Updated.UTC().Format(time.RFC3339Nano)})
		}
		return writeJSON(a.stdout, out)
	}
	if len(sites) == 0 {
		fmt.Fprintln(a.stdout, "No site learned yet: the monitor learns each host's template from the pages it reads.")
		return nil
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "HOST\tPAGES\tCONTAINER\tBOILERPLATE\tUPDATED")
	for _, s := range sites {
		container := sanitize.Line(s.Container) // learned from scraped class names
		if container == "" {
			container = "(learning)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", sanitize.Line(s.Host), s.Pages, container,
			strconv.Itoa(s.Boilerplate)+" blocks", stamp(s.Updated))
	}
	return tw.Flush()
}
