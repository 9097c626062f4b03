package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redline-news/redline/snapshots"
)

// TestClaimsCommand: the ledger of the seeded story (a figure revised in
// version 2, a quotation reworded in version 3) in each format.
func TestClaimsCommand(t *testing.T) {
	path := seedStore(t, storyA)
	code, out, errOut := runCmd(t, context.Background(), "claims", "--store", path, storyA)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"3 versions · 1 quotation, 1 figure",
		"FIGURE 90 percent · first in version 1 · 1 change · present",
		"version 2, 2025-03-14 10:00:00 UTC: changed (number_changed): “97 percent” → “90 percent”",
		"QUOTE “We are opposed to cooperation,” (Sheinbaum) · first in version 1 · 1 change · present",
		"version 3, 2025-03-14 11:00:00 UTC: changed (quote_changed): “We are not opposed to cooperation,” → “We are opposed to cooperation,”; speaker Sheinbaum",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}

	code, out, errOut = runCmd(t, context.Background(), "claims", "--store", path, "--format", "json", storyA)
	if code != exitOK {
		t.Fatalf("json: exit %d: %s", code, errOut)
	}
	var got struct {
		Versions int
		Ledger   struct {
			Lines []struct {
				Type, Text, Current string
				Events              []struct{ Version int }
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if got.Versions != 3 || len(got.Ledger.Lines) != 2 {
		t.Fatalf("json = %+v", got)
	}
	for _, x := range got.Ledger.Lines {
		if len(x.Events) != 2 || x.Text == x.Current {
			t.Errorf("json line = %+v, want appeared and changed", x)
		}
	}

	code, out, errOut = runCmd(t, context.Background(), "claims", "--store", path, "--format", "markdown", storyA)
	if code != exitOK || !strings.Contains(out, "## FIGURE 90 percent") || !strings.Contains(out, "- version 2, 2025-03-14 10:00:00 UTC: changed (number_changed)") {
		t.Errorf("markdown: exit %d %s\n%s", code, errOut, out)
	}

	code, _, errOut = runCmd(t, context.Background(), "claims", "--store", path, "--format", "html", storyA)
	if code != exitUsage || !strings.Contains(errOut, "--format") {
		t.Errorf("--format html: exit %d, %q", code, errOut)
	}
	code, _, errOut = runCmd(t, context.Background(), "claims", "--store", path, "https://news.example/none")
	if code != exitUsage || !strings.Contains(errOut, "no article https://news.example/none") {
		t.Errorf("unknown URL: exit %d, %q", code, errOut)
	}
}

// TestClaimsCommand_Hostile: scraped quotations reach the terminal without
// their control sequences, and Markdown without live syntax.
func TestClaimsCommand_Hostile(t *testing.T) {
	path, u := storeOne(t, "'We won \x1b[2J[click](javascript:alert(1)) <script>,' the mayor said.")
	code, out, errOut := runCmd(t, context.Background(), "claims", "--store", path, u)
	if code != exitOK || strings.Contains(out, "\x1b") || !strings.Contains(out, "QUOTE “We won") {
		t.Errorf("text: exit %d %s\n%q", code, errOut, out)
	}
	code, out, _ = runCmd(t, context.Background(), "claims", "--store", path, "--format", "markdown", u)
	if code != exitOK || strings.Contains(out, "<script") || strings.Contains(out, "[click](") || !strings.Contains(out, "\\[click\\]") {
		t.Errorf("markdown: exit %d\n%s", code, out)
	}
}

// TestClaimsCommand_Changed: --changed keeps only the claims with a later
// event: both of the seeded story's, none of a story stored once.
func TestClaimsCommand_Changed(t *testing.T) {
	path := seedStore(t, storyA)
	code, out, errOut := runCmd(t, context.Background(), "claims", "--changed", "--store", path, storyA)
	if code != exitOK || !strings.Contains(out, "1 quotation, 1 figure") {
		t.Errorf("seeded story: exit %d %s\n%s", code, errOut, out)
	}
	path, u := storeOne(t, "'We won 3 seats,' the mayor said.")
	for flag, want := range map[string]string{"--changed=false": "1 quotation, 1 figure", "--changed": "0 quotations, 0 figures"} {
		code, out, errOut = runCmd(t, context.Background(), "claims", "--store", path, flag, u)
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("claims %s: exit %d %s\n%s", flag, code, errOut, out)
		}
	}
}

// storeOne writes a SQLite store holding one article stored once with
// text, and returns its path and the article's URL.
func storeOne(t *testing.T, text string) (string, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "redline.db")
	s := openSQLite(t, path)
	ctx := t.Context()
	u := "https://news.example/once"
	a, err := s.AddArticle(ctx, snapshots.Article{URL: u, Source: "test", FirstSeen: storeBase})
	if err != nil {
		t.Fatal(err)
	}
	v := &snapshots.Version{Title: "Once", Text: text, Raw: []byte("<p>x</p>"), Header: "HTTP 200\n"}
	if err := s.Save(ctx, &snapshots.Check{ArticleID: a.ID, At: storeBase, Status: 200, FinalURL: u}, v); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path, u
}
