package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots/storetest"
)

// TestBattery_Store runs the store faults of the reliability battery
// (group D) that need the redline command. The store-level cases (S02,
// S03, S05 to S08, S11) are TestBattery in snapshots/sqlite; S01 is
// TestBattery_S01_killMidWrite and S04 TestBattery_S04_twoProcessesOneFile
// (crash_test.go).
func TestBattery_Store(t *testing.T) {
	t.Run("S05_corrupt_db", batteryCorruptStore)
	t.Run("S09_bit_rot", func(t *testing.T) {
		path := seedStore(t, storyA)
		tamper(t, path, `UPDATE versions SET text = 'Officials said nothing.' WHERE `+version2)
		code, out, errOut := runCmd(t, t.Context(), "verify", "--store", path)
		if code == exitOK || !strings.Contains(out, "PROBLEM "+storyA+" version 2: text hash: stored ") {
			t.Errorf("verify after a text edit: exit %d\n%s%s", code, out, errOut)
		}
	})
}

// batteryCorruptStore: `run` refuses to start on a damaged store and
// `verify` reports it, both exiting non-zero with a message naming the
// file, and neither rewrites it.
func batteryCorruptStore(t *testing.T) {
	urls := make([]string, 80)
	for i := range urls {
		urls[i] = fmt.Sprintf("https://news.example/world/%d", i)
	}
	orig, err := os.ReadFile(seedStore(t, urls...))
	if err != nil {
		t.Fatal(err)
	}
	storetest.EachCorruption(t, orig, 32, func(t *testing.T, db string) {
		dir := filepath.Dir(db)
		cfg := writeConfig(t, dir, fmt.Sprintf("store: %s\nreports: {dir: %s}\nsources:\n  - {name: a, url: https://news.example/a}\n", db, filepath.Join(dir, "reports")))
		// A bound in case the check is missing and the daemon starts;
		// it never fetches (news.example is not resolved in time).
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		want := "database " + db + " is corrupt: "
		code, out, errOut := runCmd(t, ctx, "run", "--config", cfg)
		if code != exitRuntime || !strings.Contains(errOut, want) {
			t.Errorf("run on a corrupt store: exit %d, want %d and %q\n%s%s", code, exitRuntime, want, out, errOut)
		}
		code, out, errOut = runCmd(t, t.Context(), "verify", "--store", db)
		if code == exitOK || !strings.Contains(out+errOut, want) {
			t.Errorf("verify of a corrupt store: exit %d, want non-zero and %q\n%s%s", code, want, out, errOut)
		}
		t.Logf("verify: exit %d\n%s%s", code, out, errOut)
	})
}
