package monitor_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/monitor/sitetest"
	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/sqlite"
)

// pollRecorder is a store that keeps the polls it is asked to record, and
// refuses them when failing is set.
type pollRecorder struct {
	*sqlite.Store
	failing bool
	polls   []snapshots.SourcePoll
}

func (s *pollRecorder) RecordPoll(_ context.Context, p snapshots.SourcePoll) error {
	s.polls = append(s.polls, p)
	if s.failing {
		return errors.New("disk full")
	}
	return nil
}

// TestMonitor_RecordsPolls: each read of a feed is recorded with its
// outcome, and a store that cannot record it costs a warning, never the
// cycle's checks.
func TestMonitor_RecordsPolls(t *testing.T) {
	srv := httptest.NewServer(sitetest.New())
	defer srv.Close()
	for _, failing := range []bool{false, true} {
		st := &pollRecorder{Store: openStore(t), failing: failing}
		var log bytes.Buffer
		srcs := []monitor.Source{
			{Name: "ledger", Feed: srv.URL + "/feed.xml"},
			{Name: "gone", Feed: srv.URL + "/missing.xml"},
		}
		m := monitor.New(monitor.Options{
			Store:   st,
			Client:  fetch.New(fetch.Options{Guard: sourceServers(t, srcs), Timeout: 5 * time.Second, HostRate: fetch.Unlimited, HostConcurrency: fetch.Unlimited}),
			Sources: srcs,
			Logger:  slog.New(slog.NewTextHandler(&log, nil)),
		})
		checked := 0
		for _, r := range m.Check(t.Context()) {
			if r.Source == "ledger" && r.Err == nil {
				checked++
			}
		}
		if checked == 0 {
			t.Errorf("failing %v: no article of ledger checked\n%s", failing, log.String())
		}
		if len(st.polls) != 2 {
			t.Fatalf("failing %v: recorded %+v, want one poll per source", failing, st.polls)
		}
		byName := map[string]snapshots.SourcePoll{}
		for _, p := range st.polls {
			byName[p.Source] = p
		}
		if p := byName["ledger"]; p.URL != srv.URL+"/feed.xml" || p.Err != "" || p.At.IsZero() {
			t.Errorf("ledger's poll = %+v, want a success", p)
		}
		if p := byName["gone"]; p.URL != srv.URL+"/missing.xml" || !strings.Contains(p.Err, "404") || strings.HasPrefix(p.Err, "source gone:") {
			t.Errorf("gone's poll = %+v, want its HTTP 404, without the source's name first", p)
		}
		if warned := strings.Contains(log.String(), "poll not recorded"); warned != failing {
			t.Errorf("failing %v: warning logged %v\n%s", failing, warned, log.String())
		}
	}
}
