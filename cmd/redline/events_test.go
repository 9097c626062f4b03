package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/snapshots"
)

// TestCheckNotifiesEventOnce: an article that turns 410 is notified once,
// as an event; the next cycle, still 410, is not notified again; once it
// recovers and then fails again, the new outage is notified. The cycle's
// report files list the event.
func TestCheckNotifiesEventOnce(t *testing.T) {
	var goneNow atomic.Bool
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/story/1" && goneNow.Load():
			http.Error(w, "gone", http.StatusGone)
		case strings.HasPrefix(r.URL.Path, "/story/"):
			fmt.Fprintf(w, `<html><body><article><h1>Levee vote %s</h1><p>The council voted 5-2 on Monday to spend $4.2 million on the levee.</p></article></body></html>`, r.URL.Path)
		default:
			http.NotFound(w, r)
		}
	}))
	defer site.Close()

	type event struct{ URL, Source, Event, Reason string }
	hook := newWebhookSink(t)
	received := func() (int, []event) {
		bodies := hook.received()
		var events []event
		for _, b := range bodies {
			var dg struct {
				Report struct {
					Events []event `json:"events"`
				} `json:"report"`
			}
			if err := json.Unmarshal(b, &dg); err != nil {
				t.Errorf("digest is not JSON: %v", err)
			}
			events = append(events, dg.Report.Events...)
		}
		return len(bodies), events
	}

	dir := t.TempDir()
	reports := filepath.Join(dir, "reports")
	cfg := hookConfig(t, dir, "{dir: "+reports+", formats: [json, markdown]}", hook.URL, site.URL)
	check := func(wantFailed bool) string {
		t.Helper()
		code, out, errOut := runCmd(t, context.Background(), "check", "--config", cfg)
		if failed := code != exitOK; failed != wantFailed {
			t.Fatalf("check: exit %d, want failure %v\n%s", code, wantFailed, errOut)
		}
		return out
	}
	wantEvents := func(cycle string, n int) {
		t.Helper()
		posts, evs := received()
		if posts != n || len(evs) != n {
			t.Fatalf("%s: %d digests with %d events, want %d of each: %+v", cycle, posts, len(evs), n, evs)
		}
		if n > 0 {
			e := evs[n-1]
			if e.Event != "gone" || !strings.Contains(e.Reason, "410") || e.Source != "a" || e.URL != site.URL+"/story/1" {
				t.Errorf("%s: event %+v, want source a gone: 410", cycle, e)
			}
		}
	}

	check(false) // first versions: nothing to notify
	wantEvents("first versions", 0)

	goneNow.Store(true)
	out := check(true)
	wantEvents("article gone", 1)
	if !strings.Contains(out, "Could not check (1)") || !strings.Contains(out, "No changes.") {
		t.Errorf("check printed no event:\n%s", out)
	}
	files, _ := filepath.Glob(filepath.Join(reports, "*.json"))
	if len(files) != 1 {
		t.Fatalf("report files %q, want one JSON report of the event", files)
	}
	if b, err := os.ReadFile(files[0]); err != nil || !strings.Contains(string(b), `"event": "gone"`) {
		t.Errorf("report file lacks the event: %v\n%s", err, b)
	}

	check(true) // still gone: the outage was notified already
	wantEvents("still gone", 1)

	goneNow.Store(false)
	check(false) // back, same text: nothing to notify
	wantEvents("recovered", 1)

	goneNow.Store(true)
	check(true) // a new outage
	wantEvents("gone again", 2)
}

// TestReportOf_Events: only the first failure of an article's run becomes
// an event, with its reason, or the error when the monitor gave none.
func TestReportOf_Events(t *testing.T) {
	at := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	results := []monitor.Result{
		{Source: "a", URL: "https://news.example/a", Err: errors.New("status 410"), Event: monitor.EventGone,
			Reason: "gone: 410", Check: snapshots.Check{At: at}},
		{Source: "a", URL: "https://news.example/b", Err: errors.New("status 410"), Event: monitor.EventGone,
			Reason: "gone: 410", Ongoing: true},
		{Source: "b", URL: "https://news.example/c", Err: errors.New("connection reset"), Event: monitor.EventFetch},
	}
	rep := reportOf(results, at)
	if len(rep.Items) != 0 || len(rep.Events) != 2 {
		t.Fatalf("report %+v, want two events and no item", rep)
	}
	if e := rep.Events[0]; e.URL != "https://news.example/a" || e.Event != "gone" || e.Reason != "gone: 410" || !e.At.Equal(at) {
		t.Errorf("event %+v", e)
	}
	if e := rep.Events[1]; e.Reason != "connection reset" || e.Event != "fetch failed" {
		t.Errorf("event without a reason: %+v", e)
	}
}

// TestEventLine_SaysEachThingOnce checks that a failed source or check is
// reported with its source and URL once, not again inside the error the
// fetch wrapped (issue 18 point 4: "said once per place").
func TestEventLine_SaysEachThingOnce(t *testing.T) {
	feed := "https://news.example.com/world/rss.xml"
	r := monitor.Result{Source: "ledger-feed", URL: feed,
		Err: errors.New("source ledger-feed: fetch " + feed + ": lookup news.example.com: no such host")}
	want := "source ledger-feed: " + feed + ": lookup news.example.com: no such host"
	if got := eventLine(r); got != want {
		t.Errorf("eventLine = %q\nwant        %q", got, want)
	}
	ev, ok := eventOf(r)
	if !ok || ev.Reason != "lookup news.example.com: no such host" {
		t.Errorf("event reason %q, want the lookup failure alone", ev.Reason)
	}
}
