package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
)

// TestSearchCommand: "when did this quote vanish?" In the seeded stories
// the quotation 'We are not opposed to cooperation' is in versions 1 and
// 2 and gone from version 3.
func TestSearchCommand(t *testing.T) {
	path := seedStore(t, storyA, storyB)
	code, out, errOut := runCmd(t, context.Background(), "search", "--store", path, "--url", storyA, "“we are NOT opposed”")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"““we are NOT opposed”” is in 1 article.",
		storyA + "\n  Raid seizes shipment · source test · 3 versions\n",
		"  appeared in version 1 (2025-03-14 09:00:00 UTC), still in version 2 (2025-03-14 10:00:00 UTC)\n",
		"  disappeared in version 3 (2025-03-14 11:00:00 UTC)\n",
		"    redline diff '" + storyA + "' --from 2 --to 3\n",
		"    web: /articles/1/diff?from=2&to=3\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// The diff named is the edit that removed the quotation.
	code, diff, errOut := runCmd(t, context.Background(), "diff", "--store", path, storyA, "--from", "2", "--to", "3")
	if code != exitOK || !strings.Contains(diff, "We are not opposed") {
		t.Errorf("the diff named: exit %d, %s\n%s", code, errOut, diff)
	}

	code, out, errOut = runCmd(t, context.Background(), "search", "--store", path, "--format", "json", "raid seized 90 percent")
	if code != exitOK {
		t.Fatalf("json: exit %d: %s", code, errOut)
	}
	var hits []searchHitJSON
	if err := json.Unmarshal([]byte(out), &hits); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if len(hits) != 2 || hits[0].URL != storyA || hits[1].URL != storyB || len(hits[0].Spans) != 1 {
		t.Fatalf("json: %s", out)
	}
	if sp := hits[0].Spans[0]; sp.First != 2 || sp.Last != 3 || sp.Gone != 0 || sp.GoneAt != nil || sp.DiffCommand != "" {
		t.Errorf("json span: %+v, want versions 2 to 3, still there", sp)
	}

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"none", []string{"cooperation was refused"}, `No stored version contains “cooperation was refused”.`},
		{"hostile", []string{`NEAR(" OR * -opposed`}, `No stored version contains`},
		{"source", []string{"--source", "other", "Sheinbaum said"}, `No stored version contains`},
		{"since", []string{"--since", "2025-03-14 10:30", "97 percent"}, `No stored version contains`},
		{"limit", []string{"--limit", "1", "Sheinbaum said"}, "is in 1 article (the first 1; --limit 0 lists all)."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, context.Background(), append([]string{"search", "--store", path}, tc.args...)...)
			if code != exitOK || !strings.Contains(out, tc.want) {
				t.Errorf("exit %d, stderr %q; want 0 and %q in:\n%s", code, errOut, tc.want, out)
			}
		})
	}
}

// TestSearchCommand_SinceDays: search --since takes a duration back from
// now, days included, as report does, as well as a time.
func TestSearchCommand_SinceDays(t *testing.T) {
	path := seedStore(t, storyA) // "97 percent" is in version 1 only, seen at 09:00
	now := storeBase.Add(7*24*time.Hour + 30*time.Minute)
	for _, tc := range []struct {
		since, want string
	}{
		{"8d", "is in 1 article."},
		{"7d", "No stored version contains"}, // from 09:30, after version 1
		{"169h", "is in 1 article."},
		{"2025-03-14", "is in 1 article."},
	} {
		t.Run(tc.since, func(t *testing.T) {
			code, out, errOut := runAt(t, now, "search", "--store", path, "--since", tc.since, "97 percent")
			if code != exitOK || !strings.Contains(out, tc.want) {
				t.Errorf("--since %s at %s: exit %d, stderr %q; want 0 and %q in:\n%s", tc.since, stamp(now), code, errOut, tc.want, out)
			}
		})
	}
}

func TestSearchCommand_Refused(t *testing.T) {
	path := seedStore(t, storyA)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no_phrase", nil, "search needs one phrase"},
		{"two_phrases", []string{"one", "two"}, "search needs one phrase"},
		{"no_words", []string{`"*"`}, "has no words"},
		{"bad_since", []string{"--since", "noon", "opposed"}, "--since"},
		{"bad_format", []string{"--format", "xml", "opposed"}, "--format"},
		{"bad_limit", []string{"--limit", "-1", "opposed"}, "--limit"},
		{"unknown_url", []string{"--url", "https://news.example/world/x", "opposed"}, "no article https://news.example/world/x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCmd(t, context.Background(), append([]string{"search", "--store", path}, tc.args...)...)
			if code != exitUsage || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d mentioning %q", code, errOut, exitUsage, tc.want)
			}
		})
	}
}

// TestSearchCommand_ScrapedTextEscaped: titles and URLs are scraped text;
// their control characters never reach the terminal.
func TestSearchCommand_ScrapedTextEscaped(t *testing.T) {
	path := t.TempDir() + "/redline.db"
	s := openSQLite(t, path)
	a, err := s.AddArticle(t.Context(), snapshots.Article{URL: "https://news.example/\x1b]8;;evil", Source: "test", FirstSeen: storeBase})
	if err != nil {
		t.Fatal(err)
	}
	for i, text := range []string{"The quote was here.", "It was not."} {
		v := &snapshots.Version{Title: "\x1b[31mRed\x1b[0m title", Text: text, Raw: []byte(text)}
		if err := s.Save(t.Context(), &snapshots.Check{ArticleID: a.ID, At: storeBase.Add(time.Duration(i) * time.Hour), Status: 200}, v); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	code, out, errOut := runCmd(t, context.Background(), "search", "--store", path, "quote\x1b was\a here")
	if code != exitOK || !strings.Contains(out, "disappeared in version 2") {
		t.Fatalf("exit %d, %s:\n%s", code, errOut, out)
	}
	if strings.ContainsRune(out, '\x1b') {
		t.Errorf("an escape reached the terminal:\n%q", out)
	}
}

// indexSetup serves a story whose figure changes at each fetch and writes
// a config checking it into dir/r.db; it returns the config and the store.
func indexSetup(t *testing.T) (cfg, db string) {
	t.Helper()
	srv, _ := countedStory(t, func(n int32) string {
		return fmt.Sprintf("<html><body><article><h1>Levee vote</h1><p>The council said %d people attended the levee vote on Friday night.</p></article></body></html>", 40*n)
	})
	dir := t.TempDir()
	db = filepath.Join(dir, "r.db")
	return writeConfig(t, dir, fmt.Sprintf("store: %s\nallow_private: true\nallow_addresses: [127.0.0.1]\nhost_rate: 0\nreports: {dir: %s, formats: [json]}\nsources:\n  - {name: a, url: %s/story}\n",
		db, filepath.Join(dir, "reports"), srv.URL)), db
}

// TestCheck_IndexesForSearch: a cycle indexes the versions it saved, so
// none is left in the queue for a search to index first.
func TestCheck_IndexesForSearch(t *testing.T) {
	cfg, db := indexSetup(t)
	for range 2 {
		checkOK(t, cfg)
	}
	st := openSQLite(t, db)
	if n, err := st.IndexPending(t.Context(), 0); err != nil || n != 0 {
		t.Errorf("IndexPending after two checks = %d, %v; want 0 left", n, err)
	}
	hits, err := st.Search(t.Context(), snapshots.SearchQuery{Phrase: "said 80 people"})
	if err != nil || len(hits) != 1 || len(hits[0].Spans) != 1 || hits[0].Spans[0].First != 2 {
		t.Errorf("Search = %+v, %v; want version 2 of the story", hits, err)
	}
}

// TestCheck_IndexFailureLogged: a cycle whose indexing fails still saves
// and reports its versions, exits 0 and logs the failure; the versions stay
// queued.
func TestCheck_IndexFailureLogged(t *testing.T) {
	cfg, db := indexSetup(t)
	checkOK(t, cfg)
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	// An index the store cannot write: every IndexPending fails.
	if _, err := raw.Exec(`DROP TABLE version_search`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	code, _, errOut := runCmd(t, context.Background(), "check", "--config", cfg)
	if code != exitOK {
		t.Fatalf("check with a broken index: exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "search index: versions left queued") || !strings.Contains(errOut, "version_search") {
		t.Errorf("the failure is not logged: %s", errOut)
	}
	st := openSQLite(t, db)
	if vs, err := st.Versions(t.Context(), snapshots.VersionFilter{}); err != nil || len(vs) != 2 {
		t.Errorf("versions after the failed indexing: %d, %v; want 2", len(vs), err)
	}
}
