package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/redline-news/redline/report"
)

// wantMode is what os.WriteFile makes of 0644 under this process's umask:
// the mode every file redline writes should have.
func wantMode(t *testing.T) os.FileMode {
	t.Helper()
	ref := filepath.Join(t.TempDir(), "reference")
	if err := os.WriteFile(ref, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(ref)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// Report files go into a directory that may not exist yet, and are meant
// to be read by others: not CreateTemp's 0600.
func TestWriteReports_CreatesDirectoryReadableFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "reports", "daily")
	rep := report.Report{
		Generated: time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC),
		Events:    []report.Event{{URL: "https://news.example/a", Source: "a", Event: "gone", Reason: "gone: 410"}},
	}
	files, err := writeReports(dir, "r", []report.Format{report.JSON, report.Markdown}, rep)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 {
		t.Fatalf("wrote %v, want two files", files)
	}
	want := wantMode(t)
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %v, want %v as os.WriteFile makes", f, got, want)
		}
	}
}

func TestExportCommand_CreatesDirectory(t *testing.T) {
	path := seedStore(t, storyA, storyB)
	out := filepath.Join(t.TempDir(), "exports", "2025", "versions.jsonl")
	runOK(t, "export", "--store", path, "--jsonl", out)
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() == 0 {
		t.Errorf("%s is empty", out)
	}
	if got, want := fi.Mode().Perm(), wantMode(t); got != want {
		t.Errorf("%s: mode %v, want %v", out, got, want)
	}
}
