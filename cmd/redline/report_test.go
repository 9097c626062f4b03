package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/monitor/sitetest"
	"github.com/redline-news/redline/report"
)

// TestReportCommand: `redline report` lists the changes stored in a window,
// filtered by source and severity, in every format.
func TestReportCommand(t *testing.T) {
	site := sitetest.New()
	srv := httptest.NewServer(site)
	defer srv.Close()
	dir := t.TempDir()
	cfg := writeConfig(t, dir, fmt.Sprintf("store: %s\nallow_private: true\nreports: {dir: %s}\nhost_rate: 0\ncadence: [{until: 24h, every: 1s}]\n"+
		"sources:\n  - {name: ledger, feed: %s/feed.xml}\n", filepath.Join(dir, "r.db"), filepath.Join(dir, "reports"), srv.URL))
	checkOK(t, cfg)
	var edits []string
	for {
		e, ok := site.Advance()
		if !ok {
			break
		}
		edits = append(edits, e.Description)
		checkOK(t, cfg)
	}
	code, out, errOut := runCmd(t, context.Background(), "report", "--config", cfg, "--since", "1h", "--format", "json")
	if code != exitOK {
		t.Fatalf("report: exit %d: %s", code, errOut)
	}
	var rep struct {
		Items []struct {
			URL     string `json:"url"`
			Changes struct {
				Summary struct {
					Severity string `json:"severity"`
				} `json:"summary"`
			} `json:"changes"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report JSON: %v\n%s", err, out)
	}
	if len(rep.Items) != len(edits) {
		t.Fatalf("report has %d items, want one per edit (%q)", len(rep.Items), edits)
	}
	// Only high-severity changes: the removed sentence (medium) goes.
	_, out, _ = runCmd(t, context.Background(), "report", "--config", cfg, "--since", "1h", "--min-severity", "high", "--format", "json")
	var high struct{ Items []json.RawMessage }
	if err := json.Unmarshal([]byte(out), &high); err != nil {
		t.Fatal(err)
	}
	if len(high.Items) == 0 || len(high.Items) >= len(edits) {
		t.Errorf("--min-severity high kept %d of %d items", len(high.Items), len(edits))
	}
	// Another source's window is empty; a window before the checks too.
	if _, out, _ := runCmd(t, context.Background(), "report", "--config", cfg, "--since", "1h", "--source", "other", "--format", "json"); strings.Contains(out, `"url"`) {
		t.Errorf("--source other listed changes: %s", out)
	}
	past := time.Now().Add(-48 * time.Hour).UTC().Format(time.RFC3339)
	pastEnd := time.Now().Add(-47 * time.Hour).UTC().Format(time.RFC3339)
	if code, out, _ := runCmd(t, context.Background(), "report", "--config", cfg, "--from", past, "--to", pastEnd, "--exit-code"); code != exitOK || strings.Contains(out, "v1 → v2") {
		t.Errorf("an empty window: exit %d\n%s", code, out)
	}
	if code, _, _ := runCmd(t, context.Background(), "report", "--config", cfg, "--since", "7d", "--exit-code"); code != exitChanges {
		t.Errorf("--exit-code with changes: exit %d, want %d", code, exitChanges)
	}
	// Atom parses; HTML is one self-contained file.
	_, out, _ = runCmd(t, context.Background(), "report", "--config", cfg, "--since", "1h", "--format", "atom")
	var feed report.AtomFeed
	if err := xml.Unmarshal([]byte(out), &feed); err != nil || len(feed.Entries) != len(edits) {
		t.Errorf("atom: %v, %d entries", err, len(feed.Entries))
	}
	_, out, _ = runCmd(t, context.Background(), "report", "--config", cfg, "--since", "1h", "--format", "html")
	if !strings.Contains(out, "<style") || strings.Contains(out, "<link") || strings.Contains(out, "src=") {
		t.Error("the HTML report is not self-contained")
	}
	for _, bad := range [][]string{
		{"report", "--config", cfg, "--since", "soon"},
		{"report", "--config", cfg, "--since", "1h", "--from", past},
		{"report", "--config", cfg, "--min-severity", "urgent"},
		{"report", "--config", cfg, "--from", pastEnd, "--to", past},
	} {
		if code, _, _ := runCmd(t, context.Background(), bad...); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", bad, code, exitUsage)
		}
	}
}
