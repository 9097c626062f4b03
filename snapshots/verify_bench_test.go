package snapshots_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
)

// BenchmarkVerify10k verifies a SQLite store of 1,000 articles × 10
// versions of 60 KB pages: every body is read back, decompressed and hashed.
// Run with: go test -run '^$' -bench Verify10k -benchtime 3x ./snapshots/
func BenchmarkVerify10k(b *testing.B) {
	const articles, versions, pageSize = 1000, 10, 60 << 10
	s := openStore(b)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("the minister said council vote river flood budget percent report officials " +
		"residents board chair agreed opposed shipment police market school hospital weather")
	page := func() (string, []byte) {
		var text strings.Builder
		var raw strings.Builder
		raw.WriteString("<html><head><title>Story</title></head><body><article>\n")
		for raw.Len() < pageSize {
			var p strings.Builder
			for range 40 {
				p.WriteString(words[rng.IntN(len(words))])
				p.WriteByte(' ')
			}
			fmt.Fprintf(&raw, "<p class=\"para\">%s</p>\n", p.String())
			text.WriteString(p.String())
			text.WriteString("\n\n")
		}
		raw.WriteString("</article></body></html>\n")
		return text.String(), []byte(raw.String())
	}
	for i := range articles {
		a, err := s.AddArticle(ctx, snapshots.Article{URL: fmt.Sprintf("https://news.example/story/%d", i), FirstSeen: verifyBase})
		if err != nil {
			b.Fatal(err)
		}
		for n := range versions {
			text, raw := page()
			at := verifyBase.Add(time.Duration(n) * time.Hour)
			v := &snapshots.Version{Title: "Story", Text: text, Raw: raw, Header: "HTTP 200\nContent-Type: text/html\n"}
			if err := s.Save(ctx, &snapshots.Check{ArticleID: a.ID, At: at, Status: 200}, v); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.SetBytes(articles * versions * pageSize)
	for b.Loop() {
		rep, err := snapshots.Verify(ctx, s, snapshots.VerifyFilter{})
		if err != nil {
			b.Fatal(err)
		}
		if !rep.OK() || rep.Versions != articles*versions {
			b.Fatalf("Verify: %d versions, problems %v", rep.Versions, rep.Problems)
		}
	}
	b.ReportMetric(float64(articles*versions*b.N)/b.Elapsed().Seconds(), "versions/s")
}
