package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redline-news/redline/monitor/sitetest"
	"github.com/redline-news/redline/snapshots"
)

// TestMain lets a test run this binary as the redline command: a child
// process started with REDLINE_TEST_MAIN=1 runs main's logic on its
// arguments, so crash tests can kill a real redline process.
func TestMain(m *testing.M) {
	if os.Getenv("REDLINE_TEST_MAIN") == "1" {
		os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// redlineCmd returns this test binary set up to run as redline.
func redlineCmd(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "REDLINE_TEST_MAIN=1")
	return cmd
}

// scaleSite serves a sitetest.Scale site of n articles and writes a config
// that checks its feed 16 at a time, hostConc of them on the one host
// (0: unlimited). It returns the site, the store's path and the config's.
func scaleSite(t *testing.T, n, hostConc int) (site *sitetest.Scale, db, cfg string) {
	t.Helper()
	site = sitetest.NewScale(n)
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	db = filepath.Join(dir, "redline.db")
	cfg = writeConfig(t, dir, fmt.Sprintf("store: %s\nallow_private: true\nreports: {dir: %s}\nconcurrency: 16\nhost_concurrency: %d\nhost_rate: 0\n"+
		"sources:\n  - {name: scale, feed: %s/feed.xml}\n", db, filepath.Join(dir, "reports"), hostConc, srv.URL))
	return site, db, cfg
}

// storeCounts opens the store and returns its versions and checks, after
// verifying every hash and chain link.
func storeCounts(t *testing.T, path string) (versions, checks int) {
	t.Helper()
	st := openSQLite(t, path)
	defer st.Close() // before the next process writes
	rep, err := snapshots.Verify(t.Context(), st, snapshots.VerifyFilter{})
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	for _, p := range rep.Problems {
		t.Errorf("verify after the crash: %v", p)
	}
	return rep.Versions, rep.Checks
}

// TestBattery_S01_killMidWrite kills `redline check` with SIGKILL at
// random points, a dozen times, while it stores a site of 150 articles that
// change between runs. After every kill the store opens, verifies clean
// (no version half written, every chain intact), holds everything it held
// before, and holds every version the killed process acknowledged — logged
// as committed, with its text hash and chain hash, before it died.
func TestBattery_S01_killMidWrite(t *testing.T) {
	site, db, cfg := scaleSite(t, 150, 16)
	// Two runs to the end store every article and say how long a run with
	// a seventh of the articles edited takes here (much longer under -race
	// on a loaded machine): the kills then fall inside such runs, rather
	// than before their first save.
	var full time.Duration
	for i := range 2 { // the second run is what the rounds will run: an edited site
		site.Edit(7)
		start := time.Now()
		if out, err := redlineCmd("check", "--config", cfg, "--log-level", "error").CombinedOutput(); err != nil {
			t.Fatalf("check %d: %v\n%s", i+1, err, out)
		}
		full = time.Since(start)
	}
	prevVersions, prevChecks := storeCounts(t, db)
	const rounds = 12
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	kills, acked := 0, 0
	for round := range rounds {
		site.Edit(7) // a seventh of the articles change: new versions to write
		cmd := redlineCmd("check", "--config", cfg, "--log-level", "info", "--log-format", "json")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		delay := full/20 + time.Duration(rng.Int64N(int64(full)))
		select {
		case <-done: // finished before the kill: fine, nothing to kill
		case <-time.After(delay):
			if err := cmd.Process.Signal(syscall.SIGKILL); err == nil {
				kills++
			}
			<-done
		}
		versions, checks := storeCounts(t, db)
		if versions < prevVersions || checks < prevChecks {
			t.Fatalf("round %d: the store lost data: %d versions and %d checks, had %d and %d",
				round, versions, checks, prevVersions, prevChecks)
		}
		prevVersions, prevChecks = versions, checks
		acked += checkAcknowledged(t, db, stderr.String())
	}
	if kills < rounds/3 {
		t.Errorf("only %d of %d runs were killed mid-check: the test did not test", kills, rounds)
	}
	if acked == 0 {
		t.Error("no run acknowledged a version before it was killed or finished: the test did not test")
	}
	// A run to the end after all that still works and verifies.
	if out, err := redlineCmd("check", "--config", cfg, "--log-level", "error").CombinedOutput(); err != nil {
		t.Fatalf("check after the crashes: %v\n%s", err, out)
	}
	storeCounts(t, db)
	t.Logf("a full run took %v; %d kills in %d rounds; %d acknowledged versions found; %d versions and %d checks stored",
		full, kills, rounds, acked, prevVersions, prevChecks)
}

// checkAcknowledged finds in the store every version a killed process
// logged as committed ("new version" lines of its JSON log; a line cut by
// the kill is skipped) with the same text and chain hashes, and returns
// how many it checked.
func checkAcknowledged(t *testing.T, db, log string) int {
	t.Helper()
	st := openSQLite(t, db)
	defer st.Close()
	n := 0
	for line := range strings.SplitSeq(log, "\n") {
		var rec struct {
			Msg        string `json:"msg"`
			URL        string `json:"url"`
			Version    int    `json:"version"`
			TextSHA256 string `json:"text_sha256"`
			ChainHash  string `json:"chain_hash"`
		}
		if json.Unmarshal([]byte(line), &rec) != nil || rec.Msg != "new version" {
			continue
		}
		a, err := st.Article(t.Context(), rec.URL)
		if err != nil {
			t.Fatalf("acknowledged version %d of %s: article: %v", rec.Version, rec.URL, err)
		}
		v, err := st.Version(t.Context(), a.ID, rec.Version)
		if err != nil {
			t.Fatalf("acknowledged version %d of %s is missing: %v", rec.Version, rec.URL, err)
		}
		if v.TextSHA256 != rec.TextSHA256 || v.ChainHash != rec.ChainHash {
			t.Fatalf("acknowledged version %d of %s differs: text %s chain %s, logged %s %s",
				rec.Version, rec.URL, v.TextSHA256, v.ChainHash, rec.TextSHA256, rec.ChainHash)
		}
		n++
	}
	return n
}

// TestBattery_S04_twoProcessesOneFile: two `redline check` processes on one SQLite
// file at once both finish (the write lock makes one wait) and the store
// verifies.
func TestBattery_S04_twoProcessesOneFile(t *testing.T) {
	_, db, cfg := scaleSite(t, 200, 0)
	var cmds []*exec.Cmd
	var outs []*strings.Builder
	for range 2 {
		cmd := redlineCmd("check", "--config", cfg, "--log-level", "error")
		out := &strings.Builder{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outs = append(cmds, cmd), append(outs, out)
	}
	for i, cmd := range cmds {
		// One waits for the other's write lock; under heavy load a save may
		// still give up with SQLite's "database is locked", which must be
		// a recorded, reported failure, never a corrupt or duplicated record.
		if err := cmd.Wait(); err != nil && !strings.Contains(outs[i].String(), "database is locked") {
			t.Errorf("process %d: %v\n%s", i, err, outs[i])
		}
	}
	// A check alone afterwards completes what either missed.
	if out, err := redlineCmd("check", "--config", cfg, "--log-level", "error").CombinedOutput(); err != nil {
		t.Fatalf("check after the two: %v\n%s", err, out)
	}
	versions, checks := storeCounts(t, db)
	if versions != 200 || checks < 200 {
		t.Errorf("store has %d versions and %d checks, want exactly 200 versions (one per article, no duplicates) and at least 200 checks", versions, checks)
	}
}
