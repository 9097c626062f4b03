package sqlite_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots/sqlite"
	"github.com/redline-news/redline/snapshots/storetest"
)

// BenchmarkSearch100k searches a store of 100,000 versions (10,000
// articles of 10), built once, through the FTS5 index the save trigger
// fills:
//
//   - quote: a quotation in 400 versions of 100 articles, which vanished
//     from each after its sixth version (the question the search answers);
//
//   - common: a phrase in every version, the first 50 articles asked for.
//
//     go test ./snapshots/sqlite -run '^$' -bench Search100k
func BenchmarkSearch100k(b *testing.B) {
	s, _ := openTemp(b)
	fillSearchCorpus(b, s)
	storetest.BenchSearch(b, s)
}

// fillSearchCorpus inserts the benchmark corpus in one transaction, rows
// written directly (hundreds of times faster than a Save each, whose work
// BenchmarkSave60KB measures); the insert trigger indexes them as it
// indexes a Save's.
func fillSearchCorpus(b *testing.B, s *sqlite.Store) {
	b.Helper()
	start := time.Now()
	ctx := b.Context()
	tx, err := sqlite.DB(s).BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	exec := func(q string, args ...any) {
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			b.Fatal(err)
		}
	}
	raw := strings.Repeat("0", 64)
	exec(`INSERT INTO blobs (sha256, size, data) VALUES (?, 0, x'')`, raw)
	art, err := tx.PrepareContext(ctx, `INSERT INTO articles (id, url, source, first_seen) VALUES (?, ?, 'bench', ?)`)
	if err != nil {
		b.Fatal(err)
	}
	ver, err := tx.PrepareContext(ctx, `INSERT INTO versions (article_id, number, at, title, byline, published,
		modified, text, text_sha256, raw_sha256, header, prev_hash, chain_hash, severity)
		VALUES (?, ?, ?, ?, '', '', '', ?, '', ?, '', ?, '', '')`)
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range storetest.SearchBenchArticles {
		if _, err := art.ExecContext(ctx, i+1, fmt.Sprintf("https://news.example/%d", i), t0.Format(time.RFC3339Nano)); err != nil {
			b.Fatal(err)
		}
		for n := 1; n <= storetest.SearchBenchVersions; n++ {
			prev := ""
			if n > 1 {
				prev = "x"
			}
			at := t0.Add(time.Duration(i*storetest.SearchBenchVersions+n) * time.Second).Format("2006-01-02T15:04:05.000000000Z07:00")
			if _, err := ver.ExecContext(ctx, i+1, n, at, fmt.Sprintf("Story %d", i), storetest.SearchBenchText(i, n), raw, prev); err != nil {
				b.Fatal(err)
			}
		}
	}
	// The versions are in the index's queue, as Save leaves them.
	exec(`INSERT INTO search_pending (version_id) SELECT id FROM versions`)
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if _, err := s.IndexPending(ctx, 0); err != nil {
		b.Fatal(err)
	}
	b.Logf("built %d versions in %v", storetest.SearchBenchArticles*storetest.SearchBenchVersions, time.Since(start).Round(time.Millisecond))
}
