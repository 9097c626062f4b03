package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestRun_ChecksDueAtStart: `redline run` does not sit idle until its
// schedule first fires (in an hour here): it checks what is due at once,
// and logs when each source is next polled. Started again with nothing
// due, it checks nothing until the schedule fires.
func TestRun_ChecksDueAtStart(t *testing.T) {
	srv, hits := countedStory(t, func(int32) string {
		return "<html><body><article><h1>Levee vote delayed</h1><p>The council put off the levee vote to Monday.</p></article></body></html>"
	})
	dir := t.TempDir()
	cfg := writeConfig(t, dir, fmt.Sprintf("store: %s\nallow_private: true\nreports: {dir: %s}\nsources:\n  - {name: ledger, url: %s/story, schedule: \"@every 1h\"}\n",
		filepath.Join(dir, "r.db"), filepath.Join(dir, "reports"), srv.URL))
	// daemon runs `redline run` until ok holds, then stops it and returns
	// its log.
	daemon := func(what string, ok func(log string) bool) string {
		t.Helper()
		d := startDaemon(t, "run", "--config", cfg)
		d.waitFor(t, what, func() bool { return ok(d.errOut.String()) })
		if code := d.stop(t); code != exitOK {
			t.Fatalf("run: exit %d\n%s", code, d.errOut.String())
		}
		return d.errOut.String()
	}
	log := daemon("the check at start", func(string) bool { return hits.Load() > 0 })
	for _, want := range []string{"msg=scheduled source=ledger", "next=", "checking now: never polled"} {
		if !strings.Contains(log, want) {
			t.Errorf("first run's log lacks %q:\n%s", want, log)
		}
	}
	// The article is next due in an hour: a restart checks nothing now.
	before := hits.Load()
	log = daemon("the start-up summary", func(log string) bool { return strings.Contains(log, "schedules started") })
	if !strings.Contains(log, "checking_now=0") || hits.Load() != before {
		t.Errorf("restart with nothing due: %d fetches (want %d), log:\n%s", hits.Load(), before, log)
	}
}
