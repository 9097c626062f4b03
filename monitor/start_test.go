package monitor_test

import (
	"bufio"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/redline-news/redline/internal/syncio"
	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/snapshots"
)

// century never fires while a test runs: whatever Run checks, it checks
// because it was due at start.
var century = cron.ConstantDelaySchedule{Delay: 100 * 365 * 24 * time.Hour}

// TestMonitor_RunChecksDueAtStart: Run checks a source never polled and a
// source with an article due at once, without waiting for their schedules
// (which would fire in a century), and logs each source's next firing.
func TestMonitor_RunChecksDueAtStart(t *testing.T) {
	_, srv := servePage(t, "Levee vote delayed", para1, para2)
	st := openStore(t)
	// "due" has its article stored already, never checked: due now.
	if _, err := st.AddArticle(t.Context(), snapshots.Article{URL: srv.URL + "/due", Source: "due", FirstSeen: time.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	srcs := []monitor.Source{
		{Name: "new", URL: srv.URL + "/new", Schedule: century, Spec: "@every 876000h"},
		{Name: "due", URL: srv.URL + "/due", Schedule: century, Spec: "@every 876000h"},
	}
	var logs syncio.Buffer
	cycles := make(chan []monitor.Result, 4)
	m := monitor.New(monitor.Options{
		Store:   st,
		Client:  fetch.New(fetch.Options{Guard: allowing(t, srv), Timeout: 5 * time.Second, HostRate: fetch.Unlimited, HostConcurrency: fetch.Unlimited}),
		Sources: srcs,
		Logger:  slog.New(slog.NewJSONHandler(&logs, nil)),
		OnCycle: func(rs []monitor.Result) { cycles <- rs },
	})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	checked := map[string]monitor.Result{}
	for len(checked) < 2 {
		select {
		case rs := <-cycles:
			for _, r := range rs {
				checked[r.Source] = r
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("Run checked %d of 2 due sources in 30s; log:\n%s", len(checked), logs.String())
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	for _, name := range []string{"new", "due"} {
		if r := checked[name]; r.Err != nil || r.Version == nil {
			t.Errorf("source %s at start: err %v, version %v", name, r.Err, r.Version)
		}
	}
	// Each source's next firing is logged, a century away.
	next := map[string]time.Time{}
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	for sc.Scan() {
		var line struct {
			Msg    string    `json:"msg"`
			Source string    `json:"source"`
			Next   time.Time `json:"next"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		if line.Msg == "scheduled" {
			next[line.Source] = line.Next
		}
	}
	for _, src := range srcs {
		n, ok := next[src.Name]
		if lo := start.Add(century.Delay - time.Second); !ok || n.Before(lo) || n.After(time.Now().Add(century.Delay+5*time.Minute)) {
			t.Errorf("source %s: logged next firing %v (logged: %v), want a century from now", src.Name, n, ok)
		}
	}
	if !strings.Contains(logs.String(), `"checking_now":2`) {
		t.Errorf("no summary of the checks made at start:\n%s", logs.String())
	}
}
