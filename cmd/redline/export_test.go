package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// warcRecordTypes lists the WARC-Type of every record in a .warc.gz, reading
// it as the concatenated gzip members it is.
func warcRecordTypes(t *testing.T, data []byte) []string {
	t.Helper()
	// bytes.Reader is an io.ByteReader, so gzip reads no further than
	// each member's end.
	br := bytes.NewReader(data)
	zr, err := gzip.NewReader(br)
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	var types []string
	for {
		zr.Multistream(false)
		member, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("gzip member %d: %v", len(types)+1, err)
		}
		if !bytes.HasPrefix(member, []byte("WARC/1.1\r\n")) {
			t.Fatalf("gzip member %d does not start a WARC 1.1 record: %q", len(types)+1, member[:min(len(member), 40)])
		}
		_, rest, _ := bytes.Cut(member, []byte("WARC-Type: "))
		typ, _, _ := bytes.Cut(rest, []byte("\r\n"))
		types = append(types, string(typ))
		if err := zr.Reset(br); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("gzip member %d: %v", len(types)+1, err)
		}
	}
	return types
}

func TestExportCommand_WARC(t *testing.T) {
	path := seedStore(t, storyA, storyB)
	dir := t.TempDir()
	out := filepath.Join(dir, "news.warc.gz")
	runOK(t, "export", "--store", path, "--warc", out)
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	types := warcRecordTypes(t, data)
	want := "warcinfo" + strings.Repeat(" request response metadata", 6)
	if got := strings.Join(types, " "); got != want {
		t.Errorf("records: %s\nwant %s", got, want)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the WARC (no temp file left)", len(entries))
	}

	// --url and --since select; flags may follow one another in any order.
	runOK(t, "export", "--url", storyB, "--warc", out, "--store", path, "--since", "2025-03-14 10:00")
	data, _ = os.ReadFile(out)
	if got := strings.Join(warcRecordTypes(t, data), " "); got != "warcinfo"+strings.Repeat(" request response metadata", 2) {
		t.Errorf("export --url b --since 10:00 (versions 2 and 3): records %s", got)
	}
	if !bytes.Contains(readGunzip(t, data), []byte("WARC-Target-URI: "+storyB)) || bytes.Contains(readGunzip(t, data), []byte(storyA)) {
		t.Error("export --url b holds other articles")
	}

	// A failed export leaves the earlier file whole and no temp file.
	before, _ := os.ReadFile(out)
	code, _, errOut := runCmd(t, context.Background(), "export", "--store", path, "--warc", out, "--url", "https://news.example/none")
	if code != exitRuntime || !strings.Contains(errOut, "https://news.example/none") {
		t.Errorf("export of an unknown URL: exit %d, stderr %q", code, errOut)
	}
	after, _ := os.ReadFile(out)
	if !bytes.Equal(before, after) {
		t.Error("a failed export changed the existing file")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("a failed export left %d entries in the directory", len(entries))
	}
}

func readGunzip(t *testing.T, data []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestExportCommand_JSONL(t *testing.T) {
	path := seedStore(t, storyA, storyB)
	out := runOK(t, "export", "--store", path, "--jsonl", "-", "--url", storyA)
	sc := bufio.NewScanner(strings.NewReader(out))
	var n int
	for sc.Scan() {
		n++
		var v struct {
			URL     string          `json:"url"`
			Version int             `json:"version"`
			Text    string          `json:"text"`
			Chain   string          `json:"chain_hash"`
			Changes json.RawMessage `json:"changes"`
		}
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		if v.URL != storyA || v.Version != n || v.Text != storyTexts[n-1] || len(v.Chain) != 64 {
			t.Errorf("line %d: %+v", n, v)
		}
	}
	if n != 3 {
		t.Errorf("%d lines, want 3", n)
	}

	file := filepath.Join(t.TempDir(), "versions.jsonl")
	runOK(t, "export", "--store", path, "--jsonl", file, "--since", "2025-03-14T11:00:00Z")
	data, _ := os.ReadFile(file)
	if got := strings.Count(string(data), "\n"); got != 2 {
		t.Errorf("--since 11:00: %d lines, want 2 (version 3 of each article)", got)
	}
}

// TestExportCommand_SinceDuration: export --since takes a duration back
// from now, as report does, as well as a time.
func TestExportCommand_SinceDuration(t *testing.T) {
	path := seedStore(t, storyA) // versions at 09:00, 10:00 and 11:00
	now := storeBase.Add(150 * time.Minute)
	for _, tc := range []struct {
		since    string
		versions []int
	}{
		{"48h", []int{1, 2, 3}},
		{"90m", []int{2, 3}},
		{"1d", []int{1, 2, 3}},
		{"2025-03-14 10:30", []int{3}},
	} {
		t.Run(tc.since, func(t *testing.T) {
			code, out, errOut := runAt(t, now, "export", "--store", path, "--jsonl", "-", "--since", tc.since)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var got []int
			for line := range strings.Lines(out) {
				var v struct{ Version int }
				if err := json.Unmarshal([]byte(line), &v); err != nil {
					t.Fatal(err)
				}
				got = append(got, v.Version)
			}
			if !slices.Equal(got, tc.versions) {
				t.Errorf("--since %s at %s: versions %v, want %v", tc.since, stamp(now), got, tc.versions)
			}
		})
	}
}

func TestExportCommand_Usage(t *testing.T) {
	path := seedStore(t, storyA)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "--store", path}, "one of --warc FILE, --wacz FILE or --jsonl FILE"},
		{[]string{"export", "--store", path, "--warc", "a.warc.gz", "--jsonl", "-"}, "one of"},
		{[]string{"export", "--store", path, "--warc", "-"}, "--warc"},
		{[]string{"export", "--store", path, "--wacz", "-"}, "--wacz"},
		{[]string{"export", "--store", path, "--wacz", "a.wacz", "--warc", "a.warc.gz"}, "one of"},
		{[]string{"export", "--store", path, "--jsonl", "-", "--since", "yesterday"}, "--since"},
		{[]string{"export", "--store", path, "--jsonl", "-", "stray"}, "no arguments"},
	} {
		t.Run(strings.Join(tc.args[3:], " "), func(t *testing.T) {
			code, _, errOut := runCmd(t, context.Background(), tc.args...)
			if code != exitUsage || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d mentioning %q", code, errOut, exitUsage, tc.want)
			}
		})
	}
}
