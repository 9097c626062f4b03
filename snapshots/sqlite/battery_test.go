package sqlite_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/sqlite"
	"github.com/redline-news/redline/snapshots/storetest"
)

// TestBattery runs the store faults of the reliability battery (group D)
// that concern the SQLite store. S01 and S04 are process-level and live in
// cmd/redline (TestBattery there); S10 is PostgreSQL's.
func TestBattery(t *testing.T) {
	t.Run("S02_power_loss", func(t *testing.T) {
		// Not reproducible without a fault VFS. What redline controls is
		// the durability setting: WAL with synchronous=FULL on every
		// connection, so a returned Save is on disk. `redline verify`
		// detects what a lost or reordered write would leave.
		TestStore_Pragmas(t)
	})
	t.Run("S03_disk_full", batteryDiskFull)
	t.Run("S05_corrupt_db", batteryCorrupt)
	t.Run("S06_journals", batteryJournals)
	t.Run("S07_clock_backwards", batteryClockBackwards)
	t.Run("S08_interrupted_migration", batteryInterruptedMigration)
	t.Run("S11_duplicate_content", batteryDuplicate)
}

// fillStore writes n articles with two versions each, bodies big enough
// that the file spans many pages, and returns the store (open).
func fillStore(t *testing.T, path string, n int) *sqlite.Store {
	t.Helper()
	s := sqlite.New(path, slog.New(slog.DiscardHandler))
	if err := s.Open(t.Context()); err != nil {
		t.Fatalf("Open: %v", err)
	}
	for i := range n {
		a := storetest.AddArticle(t, s, fmt.Sprintf("https://news.example/%d", i))
		for j := range 2 {
			text := fmt.Sprintf("Story %d, edition %d. %s", i, j, strings.Repeat(fmt.Sprintf("word%d ", i*7+j), 200))
			storetest.SaveBody(t, s, a, j, text, "<p>"+text+"</p>")
		}
	}
	return s
}

// batteryDiskFull: with max_page_count at the current size, a Save that
// needs a new page fails with ErrFull naming the file, is rolled back, and
// leaves every earlier version intact; once room is made, saves resume.
func batteryDiskFull(t *testing.T) {
	s, path := openTemp(t)
	a := storetest.AddArticle(t, s, "https://news.example/full")
	storetest.SaveBody(t, s, a, 0, "first text", "<p>first</p>")
	db := sqlite.DB(s)
	// max_page_count is per connection: one connection makes it hold for
	// every statement the store runs.
	db.SetMaxOpenConns(1)
	var pages int
	if err := db.QueryRowContext(t.Context(), "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(t.Context(), fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("A paragraph that will not fit. ", 20000)
	v := &snapshots.Version{Title: "Headline", Text: big, Raw: []byte("<p>" + big + "</p>")}
	err := s.Save(t.Context(), &snapshots.Check{ArticleID: a.ID, At: base.Add(time.Hour), Status: 200}, v)
	if !errors.Is(err, sqlite.ErrFull) {
		t.Fatalf("Save on a full database = %v, want ErrFull", err)
	}
	if want := "store: database or disk is full (" + path + ")"; !strings.Contains(err.Error(), want) {
		t.Errorf("Save error %q does not say %q", err, want)
	}
	if n := harness.Count(t, s, "versions"); n != 1 {
		t.Errorf("%d versions after the failed save, want 1 (rolled back)", n)
	}
	if n := harness.Count(t, s, "checks"); n != 1 {
		t.Errorf("%d checks after the failed save, want 1 (rolled back)", n)
	}
	storetest.Verified(t, s)
	// Space is freed: the same save now succeeds.
	if _, err := db.ExecContext(t.Context(), "PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(t.Context(), &snapshots.Check{ArticleID: a.ID, At: base.Add(2 * time.Hour), Status: 200}, v); err != nil {
		t.Fatalf("Save after space was freed: %v", err)
	}
	if v.Number != 2 {
		t.Errorf("version number %d after recovery, want 2", v.Number)
	}
	storetest.Verified(t, s)
}

// batteryCorrupt: a damaged file is refused with a *CorruptError naming
// it, at Open or by the integrity check, and is never rewritten.
func batteryCorrupt(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	s := fillStore(t, good, 40)
	if err := s.CheckIntegrity(t.Context(), false); err != nil {
		t.Fatalf("integrity_check of an intact store: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	orig, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	storetest.EachCorruption(t, orig, 40, func(t *testing.T, path string) {
		s := sqlite.New(path, slog.New(slog.DiscardHandler))
		err := s.Open(t.Context())
		if err == nil {
			err = s.CheckIntegrity(t.Context(), true)
			if err == nil {
				err = s.CheckIntegrity(t.Context(), false)
			}
		}
		if cerr := s.Close(); cerr != nil {
			t.Errorf("Close: %v", cerr)
		}
		var ce *sqlite.CorruptError
		if !errors.As(err, &ce) {
			t.Fatalf("corrupt store: %v, want a *CorruptError", err)
		}
		if want := "database " + path + " is corrupt: "; !strings.HasPrefix(err.Error(), want) {
			t.Errorf("error %q, want it to start %q", err, want)
		}
	})
}

// batteryJournals: a -wal left by a killed process is recovered on the
// next Open; a directory redline cannot write gives an error naming the
// file.
func batteryJournals(t *testing.T) {
	t.Run("stale_wal", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "redline.db")
		s := open(t, path)
		a := storetest.AddArticle(t, s, "https://news.example/wal")
		storetest.SaveBody(t, s, a, 0, "committed before the kill", "<p>one</p>")
		storetest.SaveBody(t, s, a, 1, "committed before the kill, edited", "<p>two</p>")
		// Copy the file and its WAL while the store is open, as kill -9
		// would leave them: the commits are in the WAL, not yet
		// checkpointed into the main file.
		copyPath := filepath.Join(dir, "copy.db")
		for _, suffix := range []string{"", "-wal"} {
			copyFile(t, path+suffix, copyPath+suffix)
		}
		c := open(t, copyPath)
		if err := c.CheckIntegrity(t.Context(), false); err != nil {
			t.Fatalf("integrity after WAL recovery: %v", err)
		}
		if rep := storetest.Verified(t, c); rep.Versions != 2 {
			t.Errorf("%d versions after WAL recovery, want 2", rep.Versions)
		}
	})
	t.Run("read_only_dir", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "ro")
		if os.Geteuid() == 0 {
			// Root ignores directory permissions (and CI runs as root): a
			// "directory" that is a regular file cannot be written into by
			// anyone.
			if err := os.WriteFile(dir, nil, 0o444); err != nil {
				t.Fatal(err)
			}
		} else if err := os.Mkdir(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "redline.db")
		s := sqlite.New(path, slog.New(slog.DiscardHandler))
		err := s.Open(t.Context())
		s.Close()
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("Open in a read-only directory = %v, want an error naming %s", err, path)
		}
	})
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// batteryClockBackwards: checks whose clock moves back an hour and then
// forward two are numbered by sequence, keep their observed times in UTC,
// chain correctly, and the step back is logged.
func batteryClockBackwards(t *testing.T) {
	var logs bytes.Buffer
	s := storetest.Open(t, sqlite.New(filepath.Join(t.TempDir(), "redline.db"), slog.New(slog.NewTextHandler(&logs, nil))))
	a := storetest.AddArticle(t, s, "https://news.example/clock")
	cet := time.FixedZone("CET", 3600)
	times := []time.Time{
		base.In(cet),
		base.Add(-time.Hour).In(cet), // NTP stepped the clock back
		base.Add(time.Hour).In(cet),  // and forward again
	}
	for i, at := range times {
		v := &snapshots.Version{Title: "Headline", Text: fmt.Sprintf("text %d", i), Raw: fmt.Appendf(nil, "<p>%d</p>", i)}
		if err := s.Save(t.Context(), &snapshots.Check{ArticleID: a.ID, At: at, Status: 200}, v); err != nil {
			t.Fatalf("Save %d: %v", i, err)
		}
		if v.Number != i+1 {
			t.Errorf("save %d got number %d, want %d", i, v.Number, i+1)
		}
	}
	vs, err := s.Versions(t.Context(), snapshots.VersionFilter{ArticleID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != len(times) {
		t.Fatalf("%d versions, want %d", len(vs), len(times))
	}
	for i, v := range vs {
		if v.Number != i+1 || !v.At.Equal(times[i]) || v.At.Location() != time.UTC {
			t.Errorf("versions[%d] = number %d at %v, want number %d at %v in UTC", i, v.Number, v.At, i+1, times[i].UTC())
		}
	}
	storetest.Verified(t, s)
	if got := strings.Count(logs.String(), "clock moved backwards"); got != 1 {
		t.Errorf("%d \"clock moved backwards\" warnings, want 1; logs:\n%s", got, logs.String())
	}
}

// batteryInterruptedMigration: each Open migrates in one transaction, so
// a step that stops halfway leaves the schema exactly as it was, and the
// next Open completes it.
func batteryInterruptedMigration(t *testing.T) {
	path := filepath.Join(t.TempDir(), "redline.db")
	s := sqlite.New(path, slog.New(slog.DiscardHandler))
	sqlite.InterruptMigration(s)
	if err := s.Open(t.Context()); err == nil || !strings.Contains(err.Error(), "interrupted.sql") {
		s.Close()
		t.Fatalf("Open with a failing migration = %v, want it to name the step", err)
	}
	s = open(t, path)
	var tables, version int
	db := sqlite.DB(s)
	if err := db.QueryRowContext(t.Context(), "SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Error("the half-applied step's table survived: the migration was not one transaction")
	}
	// Steps are counted, not the highest number: numbers may skip (each
	// feature branch is given its own).
	if err := db.QueryRowContext(t.Context(), "SELECT count(*) FROM schema_migrations").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if version != sqlite.Migrations() {
		t.Errorf("%d schema steps applied after the restart, want %d", version, sqlite.Migrations())
	}
	if err := s.CheckIntegrity(t.Context(), false); err != nil {
		t.Error(err)
	}
	a := storetest.AddArticle(t, s, "https://news.example/after")
	storetest.SaveBody(t, s, a, 0, "works", "<p>works</p>")
}

// batteryDuplicate: the same bytes fetched again add a check that
// confirms the latest version, never a new version.
func batteryDuplicate(t *testing.T) {
	s, _ := openTemp(t)
	a := storetest.AddArticle(t, s, "https://news.example/same")
	first := storetest.SaveBody(t, s, a, 0, "same text", "<p>same</p>")
	again := &snapshots.Version{Title: "Headline", Text: "same text", Raw: []byte("<p>same</p>")}
	c := &snapshots.Check{ArticleID: a.ID, At: base.Add(time.Hour), Status: 200}
	if err := s.Save(t.Context(), c, again); err != nil {
		t.Fatal(err)
	}
	if c.Outcome != snapshots.OutcomeUnchanged || c.Version != first.Number {
		t.Errorf("second save: outcome %q version %d, want %q confirming version %d", c.Outcome, c.Version, snapshots.OutcomeUnchanged, first.Number)
	}
	if n := harness.Count(t, s, "versions"); n != 1 {
		t.Errorf("%d versions, want 1", n)
	}
	if n := harness.Count(t, s, "checks"); n != 2 {
		t.Errorf("%d checks, want 2 (the revisit is recorded)", n)
	}
}
