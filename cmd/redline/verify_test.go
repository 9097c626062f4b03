package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
)

// storeBase is when the seeded articles' first versions were seen.
var storeBase = time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)

// storyTexts are three successive versions of a story's body.
var storyTexts = []string{
	"Officials said the raid seized 97 percent of the shipment.\n\n'We are not opposed to cooperation,' Sheinbaum said.",
	"Officials said the raid seized 90 percent of the shipment.\n\n'We are not opposed to cooperation,' Sheinbaum said.",
	"Officials said the raid seized 90 percent of the shipment.\n\n'We are opposed to cooperation,' Sheinbaum said.",
}

// seedStore writes a SQLite store with three versions of each URL, version
// i seen at storeBase + i hours, each followed a minute later by an
// unchanged check, and returns its path.
func seedStore(t *testing.T, urls ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "redline.db")
	s := openSQLite(t, path)
	ctx := t.Context()
	for _, u := range urls {
		a, err := s.AddArticle(ctx, snapshots.Article{URL: u, Source: "test", FirstSeen: storeBase})
		if err != nil {
			t.Fatal(err)
		}
		for i, text := range storyTexts {
			at := storeBase.Add(time.Duration(i) * time.Hour)
			v := &snapshots.Version{Title: "Raid seizes shipment", Text: text,
				Raw:    fmt.Appendf(nil, "<html><body><article><h1>Raid</h1><p>%s</p><a href=%q>link</a></article></body></html>", text, u),
				Header: "HTTP 200\nContent-Type: text/html; charset=utf-8\n"}
			c := &snapshots.Check{ArticleID: a.ID, At: at, Status: 200, FinalURL: u}
			if err := s.Save(ctx, c, v); err != nil {
				t.Fatal(err)
			}
			un := &snapshots.Check{ArticleID: a.ID, At: at.Add(time.Minute), Status: 200,
				Outcome: snapshots.OutcomeUnchanged, TextSHA256: v.TextSHA256, Version: v.Number}
			if err := s.Save(ctx, un, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// tamper runs SQL on the store file behind redline's back.
func tamper(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		res, err := db.ExecContext(t.Context(), q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			t.Fatalf("%s: no row changed", q)
		}
	}
}

const (
	storyA = "https://news.example/world/a"
	storyB = "https://news.example/world/b"
)

// version2 selects version 2 of story A.
const version2 = `article_id = (SELECT id FROM articles WHERE url = '` + storyA + `') AND number = 2`

func TestVerifyCommand(t *testing.T) {
	clean := seedStore(t, storyA, storyB)
	code, out, errOut := runCmd(t, context.Background(), "verify", "--store", clean)
	if code != exitOK || !strings.Contains(out, "verified 2 articles, 6 versions, 12 checks: OK") {
		t.Fatalf("verify of an untouched store: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = runCmd(t, context.Background(), "verify", "--store", clean, "--url", storyB)
	if code != exitOK || !strings.Contains(out, "verified 1 article, 3 versions") {
		t.Errorf("verify --url: exit %d\n%s", code, out)
	}

	for _, tc := range []struct {
		name string
		sql  []string
		want []string
	}{
		{"text", []string{`UPDATE versions SET text = 'Officials said nothing.' WHERE ` + version2},
			[]string{"PROBLEM " + storyA + " version 2: text hash: stored "}},
		{"title", []string{`UPDATE versions SET title = 'Quiet day' WHERE ` + version2},
			[]string{"PROBLEM " + storyA + " version 2: text hash"}},
		// Another stored body, whole and decodable, in place of version 2's.
		{"raw_body_swapped", []string{`UPDATE blobs SET (data, size) = (SELECT b.data, b.size FROM blobs b
			JOIN versions v ON v.raw_sha256 = b.sha256 WHERE v.number = 1 LIMIT 1)
			WHERE sha256 = (SELECT raw_sha256 FROM versions WHERE ` + version2 + `)`},
			[]string{"PROBLEM " + storyA + " version 2: raw hash: stored "}},
		// Bytes overwritten: the body no longer decodes.
		{"raw_body_corrupted", []string{`UPDATE blobs SET data = zeroblob(length(data))
			WHERE sha256 = (SELECT raw_sha256 FROM versions WHERE ` + version2 + `)`},
			[]string{"PROBLEM " + storyA + " version 2: raw body"}},
		{"chain_hash", []string{`UPDATE versions SET chain_hash = '` + strings.Repeat("0", 64) + `' WHERE ` + version2},
			[]string{"PROBLEM " + storyA + " version 2: chain hash", "PROBLEM " + storyA + " version 3: prev hash"}},
		{"header", []string{`UPDATE versions SET header = 'HTTP 200' WHERE ` + version2},
			[]string{"PROBLEM " + storyA + " version 2: chain hash"}},
		{"middle_deleted", []string{`DELETE FROM versions WHERE ` + version2},
			[]string{"PROBLEM " + storyA + " version 3: numbering: follows version 1",
				"PROBLEM " + storyA + " version 3: prev hash", "PROBLEM " + storyA + " version 2 check"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := seedStore(t, storyA, storyB)
			tamper(t, path, tc.sql...)
			code, out, errOut := runCmd(t, context.Background(), "verify", "--store", path)
			if code != exitChanges {
				t.Errorf("verify of a tampered store: exit %d, want %d\n%s%s", code, exitChanges, out, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(out, storyB) {
				t.Errorf("the untouched article is reported:\n%s", out)
			}
			if !strings.Contains(out, "checks: ") || !strings.Contains(out, " problem") {
				t.Errorf("no summary line:\n%s", out)
			}
			code, out, _ = runCmd(t, context.Background(), "verify", "--store", path, "--url", storyB)
			if code != exitOK {
				t.Errorf("verify --url of the untouched article: exit %d\n%s", code, out)
			}
		})
	}
}

func TestVerifyCommand_Errors(t *testing.T) {
	path := seedStore(t, storyA)
	// A missing directory is made (sqlite.Store.Open); a file where the
	// directory should be cannot be.
	notDir := filepath.Join(t.TempDir(), "data")
	writeFile(t, notDir, "")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"verify", "--store", path, "extra"}, exitUsage, "no arguments"},
		{[]string{"verify", "--store", path, "--url", "https://news.example/none"}, exitRuntime, "https://news.example/none"},
		{[]string{"verify", "--store", filepath.Join(notDir, "r.db")}, exitRuntime, "open store"},
	} {
		t.Run(strings.Join(tc.args[3:], " "), func(t *testing.T) {
			code, _, errOut := runCmd(t, context.Background(), tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d mentioning %q", code, errOut, tc.code, tc.want)
			}
		})
	}
}
