package extract_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/redline-news/redline/monitor/extract"
)

// testdataPages returns the pages in testdata/*.html: the fuzz targets'
// seeds.
func testdataPages(tb testing.TB) [][]byte {
	tb.Helper()
	files, err := filepath.Glob("testdata/*.html")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no testdata pages: %v", err)
	}
	pages := make([][]byte, len(files))
	for i, file := range files {
		if pages[i], err = os.ReadFile(file); err != nil {
			tb.Fatal(err)
		}
	}
	return pages
}

// FuzzExtract: hostile HTML never panics, the result is deterministic, and
// every paragraph is non-empty, trimmed, single-line UTF-8.
func FuzzExtract(f *testing.F) {
	for _, b := range testdataPages(f) {
		f.Add(b, "text/html")
	}
	for _, s := range []string{
		"", "<p>x</p>", "<article><p>a<br>b</p></article>", strings.Repeat("<div>", 520),
		strings.Repeat("<b><i>", 300) + "<p>x", "<table><tr><td><p>cell</table>",
		"<svg><title>t</title><p>x</svg>", "<noscript><p>hidden</p></noscript><p>shown</p>",
		"<script type=application/ld+json>[[[[{\"@graph\":[1,{\"author\":[{}]}]}]]]]</script><p>x",
		"\x93quoted\x94<p>\xff\xfe</p>", "<p>\x00</p>", "<template><p>t</p></template>",
	} {
		f.Add([]byte(s), "text/html; charset=windows-1252")
	}
	remove, err := extract.ParseSelector(".ad")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		for _, r := range []extract.Rules{{}, {Remove: []extract.Selector{remove}}} {
			p := extract.Page{URL: "https://example.com/", ContentType: contentType, Body: body}
			a, err := extract.Extract(p, r)
			b, err2 := extract.Extract(p, r)
			if !reflect.DeepEqual(a, b) || fmt.Sprint(err) != fmt.Sprint(err2) {
				t.Fatalf("not deterministic: %+v, %v then %+v, %v", a, err, b, err2)
			}
			if err != nil {
				if !reflect.DeepEqual(a, extract.Article{}) {
					t.Fatalf("error %v came with %+v", err, a)
				}
				if errors.Is(err, extract.ErrSelectorMiss) {
					t.Fatalf("generic extraction returned %v", err)
				}
				continue
			}
			if len(a.Paragraphs) == 0 {
				t.Fatal("no error and no paragraphs")
			}
			for _, s := range append(a.Paragraphs, a.Title, a.Byline, a.Published, a.Modified, a.Lang) {
				if !utf8.ValidString(s) || strings.TrimSpace(s) != s || strings.ContainsAny(s, "\n\t\r") {
					t.Fatalf("field %q is not trimmed single-line UTF-8", s)
				}
			}
			for _, s := range a.Paragraphs {
				if s == "" {
					t.Fatal("empty paragraph")
				}
			}
		}
	})
}

func BenchmarkExtract(b *testing.B) { benchExtract(b, extract.Rules{}) }

// benchExtract extracts the big page at three sizes with rules.
func benchExtract(b *testing.B, rules extract.Rules) {
	for _, n := range []int{1, 10, 70} {
		page := bigPage(b, n)
		b.Run(fmt.Sprintf("x%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(page)))
			for b.Loop() {
				if _, err := extract.Extract(extract.Page{URL: pageURL, Body: page}, rules); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkExtractRules extracts with a source's site rules, every field
// set, so the cost of matching selectors under the deadline shows.
func BenchmarkExtractRules(b *testing.B) {
	rules := extract.Rules{
		Title:     mustSelector(b, "article h1.headline"),
		Byline:    mustSelector(b, "header .byline"),
		Published: mustSelector(b, ".dateline time:first-of-type"),
		Modified:  mustSelector(b, ".dateline time:last-of-type"),
		Body:      mustSelector(b, "article .story-body"),
		Remove: []extract.Selector{mustSelector(b, ".ad-slot"), mustSelector(b, "div:has(form)"),
			mustSelector(b, "p.read-more, .story-body > h2 + p")},
	}
	benchExtract(b, rules)
}

// corpusPages loads the pages of the public article-extraction benchmark.
// The repository's copy is testdata/stability/pages (script and style
// bodies emptied; testdata/stability/README.md), which CI reads.
// REDLINE_EXTRACTION_PAGES names another folder of *.html.gz pages, and a
// checkout that has the benchmark's original html folder beside it
// (../shared/benchmarks/article-extraction/html) reads that instead. ok is
// false when no pages are found.
func corpusPages(tb testing.TB) (pages [][]byte, size int, ok bool) {
	tb.Helper()
	dir := os.Getenv("REDLINE_EXTRACTION_PAGES")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "benchmarks", "article-extraction", "html")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.html.gz"))
	if len(files) == 0 && os.Getenv("REDLINE_EXTRACTION_PAGES") == "" {
		// No original beside the checkout (CI's clean one): the
		// repository's copy, which reads the same
		// (testdata/stability/README.md).
		files, _ = filepath.Glob(filepath.Join("testdata", "stability", "pages", "*.html.gz"))
	}
	if len(files) == 0 {
		return nil, 0, false
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			tb.Fatalf("%s: %v", f, err)
		}
		page, err := io.ReadAll(zr)
		if err != nil {
			tb.Fatalf("%s: %v", f, err)
		}
		pages = append(pages, page)
		size += len(page)
	}
	return pages, size, true
}

// BenchmarkExtractCorpus extracts the pages of the public article-extraction
// benchmark with the generic path and reports pages per second.
func BenchmarkExtractCorpus(b *testing.B) {
	pages, size, ok := corpusPages(b)
	if !ok {
		b.Skip("no benchmark pages: set REDLINE_EXTRACTION_PAGES to the benchmark's html folder")
	}
	runtime.GC()
	b.ReportAllocs()
	b.SetBytes(int64(size))
	for b.Loop() {
		for _, p := range pages {
			// A page with no story is a result too; only panics matter here.
			_, _ = extract.Extract(extract.Page{URL: pageURL, Body: p}, extract.Rules{})
		}
	}
	b.ReportMetric(float64(len(pages)*b.N)/b.Elapsed().Seconds(), "pages/s")
}

// BenchmarkExtractCorpusTemplate extracts the same pages as a host whose
// template is known: each page with the template learned from its own
// generic reading (its container; what the reading left out there as
// boilerplate). Compare its pages/s with BenchmarkExtractCorpus's.
func BenchmarkExtractCorpusTemplate(b *testing.B) {
	pages, _, ok := corpusPages(b)
	if !ok {
		b.Skip("no benchmark pages: set REDLINE_EXTRACTION_PAGES to the benchmark's html folder")
	}
	var rules []extract.Rules
	var kept [][]byte
	size := 0
	for _, p := range pages {
		a, err := extract.Extract(extract.Page{URL: pageURL, Body: p}, extract.Rules{})
		if err != nil || len(a.Reading.Containers) == 0 {
			continue
		}
		m := extract.NewSiteModel("example.com")
		for i := range 5 {
			m.Observe(fmt.Sprintf("%s?v=%d", pageURL, i), extract.Article{Reading: a.Reading, Blocks: a.Reading.Skip})
		}
		t := m.Template()
		if t == nil {
			b.Fatalf("no template learned from %q", a.Reading.Containers)
		}
		rules = append(rules, extract.Rules{Template: t})
		kept = append(kept, p)
		size += len(p)
	}
	runtime.GC() // the learning's garbage is not the template path's cost
	b.ReportAllocs()
	b.SetBytes(int64(size))
	fell := 0
	for b.Loop() {
		fell = 0
		for i, p := range kept {
			a, _ := extract.Extract(extract.Page{URL: pageURL, Body: p}, rules[i])
			if a.Reading.Method != "template" {
				fell++
			}
		}
	}
	b.ReportMetric(float64(len(kept)*b.N)/b.Elapsed().Seconds(), "pages/s")
	b.ReportMetric(float64(fell), "fallbacks")
}
