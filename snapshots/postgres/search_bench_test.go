package postgres_test

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots/postgres"
	"github.com/redline-news/redline/snapshots/storetest"
)

// BenchmarkSearch100k is the SQLite store's BenchmarkSearch100k on
// PostgreSQL: 100,000 versions built once, searched through the GIN index.
//
//	go test ./snapshots/postgres -run '^$' -bench Search100k
func BenchmarkSearch100k(b *testing.B) {
	s := postgres.New(newSchema(b), slog.New(slog.DiscardHandler))
	storetest.Open(b, s)
	fillSearchCorpus(b, s)
	storetest.BenchSearch(b, s)
}

// fillSearchCorpus inserts the benchmark corpus in one transaction, rows
// written directly, a thousand at a time, with their words as Save writes
// them (searchWords).
func fillSearchCorpus(b *testing.B, s *postgres.Store) {
	b.Helper()
	start := time.Now()
	ctx := b.Context()
	tx, err := postgres.Pool(s).Begin(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback(ctx)
	raw := strings.Repeat("0", 64)
	if _, err := tx.Exec(ctx, `INSERT INTO blobs (sha256, size, data) VALUES ($1, 0, '')`, raw); err != nil {
		b.Fatal(err)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := tx.Exec(ctx, `INSERT INTO articles (url, source, first_seen)
		SELECT 'https://news.example/' || i, 'bench', $2 FROM generate_series(0, $1 - 1) i`,
		storetest.SearchBenchArticles, t0.Format(time.RFC3339Nano)); err != nil {
		b.Fatal(err)
	}
	var ids []int64
	rows, err := tx.Query(ctx, `SELECT id FROM articles ORDER BY id`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	const chunk = 100 // articles per statement
	for lo := 0; lo < len(ids); lo += chunk {
		var arts []int64
		var nums []int32
		var ats, titles, texts, prevs []string
		for i := lo; i < min(lo+chunk, len(ids)); i++ {
			for n := 1; n <= storetest.SearchBenchVersions; n++ {
				prev := ""
				if n > 1 {
					prev = "x"
				}
				arts, nums, prevs = append(arts, ids[i]), append(nums, int32(n)), append(prevs, prev)
				ats = append(ats, t0.Add(time.Duration(i*storetest.SearchBenchVersions+n)*time.Second).Format("2006-01-02T15:04:05.000000000Z07:00"))
				titles = append(titles, fmt.Sprintf("Story %d", i))
				texts = append(texts, storetest.SearchBenchText(i, n))
			}
		}
		words := make([]string, len(texts))
		for k := range texts {
			words[k] = postgres.SearchWords(titles[k], "", texts[k])
		}
		if _, err := tx.Exec(ctx, `WITH v AS (INSERT INTO versions (article_id, number, at, title, byline, published,
			modified, text, text_sha256, raw_sha256, header, prev_hash, chain_hash, severity)
			SELECT a, n, at, t, '', '', '', x, '', $7, '', p, '', ''
			FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u (a, n, at, t, x, p)
			RETURNING id, article_id, number, at)
			INSERT INTO version_search (version_id, article_id, number, at, words)
			SELECT v.id, v.article_id, v.number, v.at, w.w::tsvector FROM v
			JOIN unnest($1::bigint[], $2::int[], $8::text[]) AS w (a, n, w) ON w.a = v.article_id AND w.n = v.number`,
			arts, nums, ats, titles, texts, prevs, raw, words); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := postgres.Pool(s).Exec(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	b.Logf("built %d versions in %v", len(ids)*storetest.SearchBenchVersions, time.Since(start).Round(time.Millisecond))
}

// BenchmarkIndexPending indexes b.N queued versions of 8 KB and 60 KB of
// text, the work Save queues (migration 0010); versions/s against
// BenchmarkSave60KB's says whether indexing keeps up with saving.
//
//	go test ./snapshots/postgres -run '^$' -bench IndexPending -benchtime 300x
func BenchmarkIndexPending(b *testing.B) {
	for _, size := range []int{8 << 10, 60 << 10} {
		b.Run(fmt.Sprintf("%dKB", size>>10), func(b *testing.B) {
			storetest.BenchIndexPending(b, open(b, newSchema(b)), size)
		})
	}
}
