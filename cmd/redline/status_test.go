package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redline-news/redline/monitor/sitetest"
	"github.com/redline-news/redline/snapshots"
)

// TestStatus: `redline status` reads what a daemon will do from the store,
// while another process holds it open: the articles watched, what is due,
// the next checks, the failing sources with their newest error, and the
// deliveries pending; a configured source the store has not seen is
// never polled.
func TestStatus(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "redline.db")
	cfg := writeConfig(t, dir, fmt.Sprintf("store: %s\nsources:\n"+
		"  - {name: ledger, feed: \"https://ledger.example/rss\", schedule: \"@every 15m\"}\n"+
		"  - {name: wire, url: \"https://wire.example/story\", schedule: \"@every 1h\"}\n"+
		"  - {name: fresh, url: \"https://fresh.example/story\"}\n", db))
	// The "daemon": a store open for writing all along.
	st := openSQLite(t, db)
	now := time.Now()
	add := func(source, url string) snapshots.Article {
		t.Helper()
		a, err := st.AddArticle(t.Context(), snapshots.Article{URL: url, Source: source, FirstSeen: now.Add(-48 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	check := func(a snapshots.Article, ago time.Duration, msg string, next time.Time) {
		t.Helper()
		c := &snapshots.Check{ArticleID: a.ID, At: now.Add(-ago), Status: 200, Outcome: snapshots.OutcomeNew, NextCheck: next}
		var v *snapshots.Version
		if msg != "" {
			c.Status, c.Outcome, c.Error = 503, snapshots.OutcomeFailed, msg
		} else {
			v = &snapshots.Version{Title: "Levee vote delayed", Text: "The council put off the vote."}
		}
		if err := st.Save(t.Context(), c, v); err != nil {
			t.Fatal(err)
		}
	}
	add("ledger", "https://ledger.example/new") // never checked: due
	b := add("ledger", "https://ledger.example/b")
	check(b, 3*time.Hour, "fetch https://ledger.example/b: HTTP 503 Service Unavailable", time.Time{}) // failing, due
	c := add("ledger", "https://ledger.example/c")
	check(c, 2*time.Hour, "", now.Add(-time.Hour))
	check(c, time.Hour, "fetch https://ledger.example/c: no such host: ledger.example\x1b[31m", now.Add(2*time.Hour)) // the newest failure
	d := add("ledger", "https://ledger.example/d")
	check(d, time.Hour, "", now.Add(30*time.Minute))
	e := add("ledger", "https://ledger.example/e")
	check(e, time.Hour, "", snapshots.Never) // retired
	w := add("wire", "https://wire.example/story")
	check(w, time.Hour, "", now.Add(45*time.Minute))
	for _, n := range []string{"newsroom-hook", "newsroom-hook", "atom"} {
		dl := &snapshots.Delivery{Notifier: n, CreatedAt: now.Add(-time.Hour), Payload: []byte("{}")}
		if err := st.AddDelivery(t.Context(), dl); err != nil {
			t.Fatal(err)
		}
		if n == "atom" {
			dl.Status = snapshots.DeliverySent
		} else {
			dl.Attempts, dl.LastAttempt, dl.Error = 2, now, "webhook https://hooks.example/x: HTTP 500"
		}
		if err := st.UpdateDelivery(t.Context(), dl); err != nil {
			t.Fatal(err)
		}
	}

	rep, sources, out := statusOf(t, cfg)
	if rep.Articles != 5 || rep.Retired != 1 || rep.Due != 2 || rep.Failing != 2 || rep.DeliveriesPending != 2 {
		t.Errorf("totals: %d articles, %d retired, %d due, %d failing, %d deliveries pending; want 5, 1, 2, 2, 2\n%s",
			rep.Articles, rep.Retired, rep.Due, rep.Failing, rep.DeliveriesPending, out)
	}
	l := sources["ledger"]
	if l.Articles != 4 || l.Due != 2 || l.Failing != 2 || l.FailedURL != c.URL || !strings.Contains(l.LastError, "no such host: ledger.example") {
		t.Errorf("ledger = %+v, want 4 articles, 2 due, 2 failing, the newest failure's error (%s: no such host)", l, c.URL)
	}
	if l.NextPoll == nil || l.NextPoll.Before(now) || l.NextPoll.After(now.Add(15*time.Minute+90*time.Second)) || l.Schedule != "@every 15m" {
		t.Errorf("ledger next poll %v (%s), want within 15 minutes", l.NextPoll, l.Schedule)
	}
	if f := sources["fresh"]; !f.NeverPolled || !f.PolledAtStart || f.Articles != 0 || !f.InConfig {
		t.Errorf("fresh = %+v, want never polled", f)
	}
	if wi := sources["wire"]; wi.NeverPolled || wi.PolledAtStart || wi.Due != 0 || wi.Failing != 0 || wi.NextDue == nil || !wi.NextDue.Equal(now.Add(45*time.Minute).UTC()) {
		t.Errorf("wire = %+v, want next due in 45 minutes", wi)
	}
	if len(rep.Next) != 3 || rep.Next[0].URL != d.URL || rep.Next[1].URL != w.URL || rep.Next[2].URL != c.URL {
		t.Errorf("next = %+v, want d, wire's story, c", rep.Next)
	}
	if len(rep.Deliveries) != 1 || rep.Deliveries[0].Notifier != "newsroom-hook" || rep.Deliveries[0].Pending != 2 || !strings.Contains(rep.Deliveries[0].LastError, "HTTP 500") {
		t.Errorf("deliveries = %+v, want 2 pending for newsroom-hook with the last error", rep.Deliveries)
	}

	for _, want := range []string{
		"articles watched:   5 (and 1 retired",
		"due now:            2",
		"failing:            2 articles in 1 source",
		"deliveries pending: 2",
		"no such host: ledger.example\n", // the whole escape sequence is dropped
		"polled at once (never polled)",
		"polled at once (2 due)",
		"newsroom-hook: 2 since",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Errorf("status prints an escape character from a stored error:\n%q", out)
	}
}

// TestStatus_NoStoreYet: before the first run, status says what will
// happen and creates no store file.
func TestStatus_NoStoreYet(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "redline.db")
	cfg := writeConfig(t, dir, "store: "+db+"\nsources:\n  - {name: wire, url: \"https://wire.example/story\"}\n")
	out := runOK(t, "status", "--config", cfg)
	if !strings.Contains(out, "not created yet") || !strings.Contains(out, "polled at once (never polled)") {
		t.Errorf("status before the first run:\n%s", out)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("status created the store (%v)", err)
	}
}

// TestStatus_FailingFeed: a feed that stops loading, and one that never
// loaded, show among the failing sources with their error, though no
// article check failed; a feed that loads again is no longer failing.
func TestStatus_FailingFeed(t *testing.T) {
	site := sitetest.New()
	var broken atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if broken.Load() && r.URL.Path == "/feed.xml" {
			http.Error(w, "feed generator down", http.StatusInternalServerError)
			return
		}
		site.ServeHTTP(w, r)
	}))
	defer srv.Close()
	// A port nothing listens on: the connection is refused.
	refused := "http://" + freeAddr(t) + "/sitemap.xml"
	dir := t.TempDir()
	cfg := writeConfig(t, dir, fmt.Sprintf("store: %s\nallow_private: true\nhost_rate: 0\n"+
		"sources:\n  - {name: ledger, feed: %s/feed.xml}\n  - {name: bulletin, sitemap: %s}\n", filepath.Join(dir, "r.db"), srv.URL, refused))
	check := func() {
		t.Helper()
		code, _, errOut := runCmd(t, context.Background(), "check", "--config", cfg)
		t.Logf("check: exit %d\n%s", code, errOut)
	}
	check() // the feed loads; bulletin's sitemap does not
	broken.Store(true)
	check()

	rep, sources, text := statusOf(t, cfg)
	l2 := sources["ledger"]
	if l2.Articles == 0 || l2.Failing != 0 || l2.PollURL != srv.URL+"/feed.xml" || l2.PollKind != "feed" || !strings.Contains(l2.PollError, "500") || l2.PollFailed == nil {
		t.Errorf("ledger = %+v, want its articles and its feed failing with HTTP 500", l2)
	}
	b := sources["bulletin"]
	if b.Articles != 0 || b.PollURL != refused || b.PollKind != "sitemap" || !strings.Contains(b.PollError, "refused") || b.NeverPolled || !b.PolledAtStart {
		t.Errorf("bulletin = %+v, want no article, its sitemap refused, polled at once", b)
	}
	for _, want := range []string{
		"failing:            0 articles in 2 sources (2 not loading its feed, sitemap or section page)",
		"Failing sources:",
		"  ledger: the feed " + srv.URL + "/feed.xml failed at ",
		"  bulletin: the sitemap " + refused + " failed at ",
		"polled at once (no article yet)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("status output lacks %q:\n%s", want, text)
		}
	}

	broken.Store(false)
	check()
	if rep, _, _ = statusOf(t, cfg); rep.Sources[0].Name != "bulletin" || rep.Sources[1].PollError != "" {
		t.Errorf("after the feed loads again: %+v, want only bulletin failing", rep.Sources)
	}
}

// statusOf runs `redline status` on cfg as JSON and as text, and returns
// the report, its sources by name and the text.
func statusOf(t *testing.T, cfg string) (statusReport, map[string]statusSource, string) {
	t.Helper()
	out := runOK(t, "status", "--config", cfg, "--format", "json")
	var rep statusReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("status JSON: %v\n%s", err, out)
	}
	sources := map[string]statusSource{}
	for _, s := range rep.Sources {
		sources[s.Name] = s
	}
	text := runOK(t, "status", "--config", cfg)
	t.Logf("redline status:\n%s", text)
	return rep, sources, text
}
