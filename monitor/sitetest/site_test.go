package sitetest_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/redline-news/redline/monitor/extract"
	"github.com/redline-news/redline/monitor/sitetest"
)

// get serves path from site and returns the body.
func get(tb testing.TB, site http.Handler, path string) []byte {
	tb.Helper()
	rec := httptest.NewRecorder()
	site.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://ledger.test"+path, nil))
	if rec.Code != http.StatusOK {
		tb.Fatalf("GET %s: status %d", path, rec.Code)
	}
	return rec.Body.Bytes()
}

func parse(tb testing.TB, body []byte) *goquery.Document {
	tb.Helper()
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	return doc
}

// page is what the tests read from a served article page.
type page struct {
	Title, OGTitle, H1, Byline, Published, Modified, LDHeadline, LDModified string
	Paragraphs                                                              []string
}

func readPage(tb testing.TB, site http.Handler, path string) page {
	tb.Helper()
	doc := parse(tb, get(tb, site, path))
	var ld struct {
		Type         string `json:"@type"`
		Headline     string `json:"headline"`
		DateModified string `json:"dateModified"`
	}
	if err := json.Unmarshal([]byte(doc.Find(`script[type="application/ld+json"]`).Text()), &ld); err != nil {
		tb.Fatalf("JSON-LD: %v", err)
	}
	if ld.Type != "NewsArticle" {
		tb.Errorf("JSON-LD @type = %q, want NewsArticle", ld.Type)
	}
	p := page{
		Title:      doc.Find("title").Text(),
		OGTitle:    doc.Find(`meta[property="og:title"]`).AttrOr("content", ""),
		H1:         doc.Find("article h1").Text(),
		Byline:     strings.TrimSpace(doc.Find("article .byline").Text()),
		Published:  doc.Find(`meta[property="article:published_time"]`).AttrOr("content", ""),
		Modified:   doc.Find(`meta[property="article:modified_time"]`).AttrOr("content", ""),
		LDHeadline: ld.Headline,
		LDModified: ld.DateModified,
	}
	doc.Find("article .story-body > p").Each(func(_ int, s *goquery.Selection) {
		p.Paragraphs = append(p.Paragraphs, s.Text())
	})
	return p
}

// seed returns the seed file's first piece: headline and paragraphs.
func seed(tb testing.TB) (string, []string) {
	tb.Helper()
	b, err := os.ReadFile("seed-article.txt")
	if err != nil {
		tb.Fatal(err)
	}
	var lines []string
	for l := range strings.Lines(string(b)) {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	i := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "In a dramatic escalation") })
	if i < 0 {
		tb.Fatal("seed has no second piece")
	}
	return lines[0], lines[1:i]
}

// TestSite_SeedCopiesAgree: the repository's two copies of the sample
// article (seed-article.txt here, for the demo site; diffing/testdata's, for
// the diff tests) are the same text, so the demo shows what the diff tests
// test. When the fixtures folder the project was started from sits beside
// the checkout (../shared/fixtures, absent from a clean checkout), the copy
// is also checked against it.
func TestSite_SeedCopiesAgree(t *testing.T) {
	ours, err := os.ReadFile("seed-article.txt")
	if err != nil {
		t.Fatal(err)
	}
	diffs, err := os.ReadFile("../../diffing/testdata/seed-article.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ours, diffs) {
		t.Error("monitor/sitetest/seed-article.txt differs from diffing/testdata/seed-article.txt")
	}
	if shared, err := os.ReadFile("../../../shared/fixtures/seed-article.txt"); err == nil && !bytes.Equal(ours, shared) {
		t.Error("seed-article.txt differs from shared/fixtures/seed-article.txt; copy it again")
	}
}

func TestSite_ArticlePage(t *testing.T) {
	site := sitetest.New()
	headline, paras := seed(t)
	if got, want := site.Articles(), []string{sitetest.MainPath, sitetest.SecondPath}; !slices.Equal(got, want) {
		t.Fatalf("Articles() = %q, want %q", got, want)
	}
	p := readPage(t, site, sitetest.MainPath)
	want := page{
		Title: headline + " | The Border Ledger", OGTitle: headline, H1: headline, Byline: "By Ana Torres",
		Published: "2026-01-14T08:30:00Z", Modified: "2026-01-14T08:30:00Z",
		LDHeadline: headline, LDModified: "2026-01-14T08:30:00Z", Paragraphs: paras,
	}
	if fmt.Sprint(p) != fmt.Sprint(want) {
		t.Errorf("page =\n%+v\nwant\n%+v", p, want)
	}

	doc := parse(t, get(t, site, sitetest.MainPath))
	for sel, want := range map[string]int{
		`html[lang="en"]`:                         1,
		`head script[type="application/ld+json"]`: 1,
		"header nav a":                            6,
		".cookie-banner":                          1,
		".share-bar .share-count":                 2,
		".ad":                                     3,
		"aside .most-read li":                     2,
		"article time[datetime]":                  2,
		"footer.site-footer":                      1,
		`link[rel="canonical"]`:                   1,
	} {
		if got := doc.Find(sel).Length(); got != want {
			t.Errorf("%s matches %d nodes, want %d", sel, got, want)
		}
	}
	if got := doc.Find("aside h2").Text(); got != "Most read" {
		t.Errorf("sidebar heading = %q, want %q", got, "Most read")
	}

	second := readPage(t, site, sitetest.SecondPath)
	if second.H1 != "CIA Drone Program Hunting Fentanyl Labs Expands Under Trump" || len(second.Paragraphs) < 20 {
		t.Errorf("second article: %q with %d paragraphs", second.H1, len(second.Paragraphs))
	}
	if !strings.HasPrefix(second.Paragraphs[0], "In a dramatic escalation") {
		t.Errorf("second article starts %q", second.Paragraphs[0])
	}
}

// TestSite_Advance checks that each edit changes exactly what it says,
// against expectations written out here rather than read from the script.
func TestSite_Advance(t *testing.T) {
	site := sitetest.New()
	tests := []struct {
		desc     string
		old, new string // in the body; empty old means the headline changes
		headline string
		silent   bool
	}{
		{desc: "quote reworded",
			old: "'We are capable of confronting cartels without foreign boots on our soil,'",
			new: "'We are capable of confronting the cartels without foreign troops,'"},
		{desc: "figure changed silently (dateModified kept)", old: "We’ve knocked out 97 percent", new: "We’ve knocked out 90 percent", silent: true},
		{desc: "attribution swapped", old: "cooperation,' Sheinbaum clarified,",
			new: "cooperation,' Foreign Minister Juan Ramón de la Fuente clarified,"},
		{desc: "sentence removed",
			old: "'weapon of mass destruction.' This designation, announced in a recent executive order, underscores the administration’s view of the drug trade as an existential threat.",
			new: "'weapon of mass destruction.'"},
		{desc: "headline rewritten", headline: "Mexico Rejects Trump's Push for U.S. Troops in Its Drug War"},
	}
	if got := site.Edits(); len(got) != len(tests) {
		t.Fatalf("Edits() has %d edits, want %d", len(got), len(tests))
	}
	// The second page's sidebar lists the main headline, so compare the
	// article, not the bytes.
	secondBefore := readPage(t, site, sitetest.SecondPath)
	updates := 0
	for i, tt := range tests {
		before := readPage(t, site, sitetest.MainPath)
		edit, ok := site.Advance()
		wantEdit := sitetest.Edit{Version: i + 2, Path: sitetest.MainPath, Description: tt.desc}
		if !ok || edit != wantEdit || site.Edits()[i] != wantEdit {
			t.Fatalf("Advance() = %+v, %v; want %+v (Edits: %+v)", edit, ok, wantEdit, site.Edits()[i])
		}
		if got := site.Version(sitetest.MainPath); got != i+2 {
			t.Errorf("Version = %d, want %d", got, i+2)
		}
		after := readPage(t, site, sitetest.MainPath)

		want := before
		if !tt.silent {
			updates++
		}
		wantModified := time.Date(2026, 1, 14, 8+updates, 30, 0, 0, time.UTC).Format(time.RFC3339)
		want.Modified, want.LDModified = wantModified, wantModified
		if tt.headline != "" {
			want.Title, want.OGTitle, want.H1, want.LDHeadline = tt.headline+" | The Border Ledger", tt.headline, tt.headline, tt.headline
		} else {
			want.Paragraphs = slices.Clone(before.Paragraphs)
			n := 0
			for j, p := range want.Paragraphs {
				if c := strings.Count(p, tt.old); c > 0 {
					n += c
					want.Paragraphs[j] = strings.Replace(p, tt.old, tt.new, 1)
				}
			}
			if n != 1 {
				t.Fatalf("%s: %q occurs %d times before the edit, want once", tt.desc, tt.old, n)
			}
		}
		if fmt.Sprint(after) != fmt.Sprint(want) {
			t.Errorf("after %q:\n got %+v\nwant %+v", tt.desc, after, want)
		}
	}
	if edit, ok := site.Advance(); ok {
		t.Errorf("Advance() after the script = %+v, true", edit)
	}
	if fmt.Sprint(readPage(t, site, sitetest.SecondPath)) != fmt.Sprint(secondBefore) {
		t.Error("the second article changed")
	}
	if got := site.Version(sitetest.SecondPath); got != 1 {
		t.Errorf("second article version = %d, want 1", got)
	}
	if got := site.Version("/news/nope"); got != 0 {
		t.Errorf("Version of unknown path = %d, want 0", got)
	}
}

// TestSite_Stable: between Advances every page is byte-identical, and a
// conditional GET gets a 304.
func TestSite_Stable(t *testing.T) {
	site := sitetest.New()
	srv := httptest.NewServer(site)
	defer srv.Close()
	for _, path := range append(site.Articles(), "/", "/feed.xml") {
		fetch := func(etag string) (*http.Response, []byte) {
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if etag != "" {
				req.Header.Set("If-None-Match", etag)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			return resp, b
		}
		r1, b1 := fetch("")
		r2, b2 := fetch("")
		if !bytes.Equal(b1, b2) || r1.Header.Get("ETag") != r2.Header.Get("ETag") {
			t.Errorf("%s differs between two GETs", path)
		}
		if r1.Header.Get("Last-Modified") == "" {
			t.Errorf("%s has no Last-Modified", path)
		}
		if r3, _ := fetch(r1.Header.Get("ETag")); r3.StatusCode != http.StatusNotModified {
			t.Errorf("%s with If-None-Match: status %d, want 304", path, r3.StatusCode)
		}
		if path == sitetest.MainPath {
			site.Advance()
			if r4, _ := fetch(r1.Header.Get("ETag")); r4.StatusCode != http.StatusOK {
				t.Errorf("%s after Advance with old ETag: status %d, want 200", path, r4.StatusCode)
			}
		}
	}
}

func TestSite_SetBody(t *testing.T) {
	site := sitetest.New()
	site.SetBody(sitetest.MainPath, []string{"Only <this> & that."})
	if got := site.Version(sitetest.MainPath); got != 2 {
		t.Errorf("Version after SetBody = %d, want 2", got)
	}
	if got := readPage(t, site, sitetest.MainPath).Paragraphs; !slices.Equal(got, []string{"Only <this> & that."}) {
		t.Errorf("paragraphs = %q", got)
	}
	// An edit whose text is gone still publishes a version.
	if edit, ok := site.Advance(); !ok || edit.Version != 3 {
		t.Errorf("Advance after SetBody = %+v, %v", edit, ok)
	}

	const path = "/news/flood-warning"
	paras := []string{"First.", "Second."}
	site.SetBody(path, paras)
	paras[0] = "mutated by the caller"
	if !slices.Contains(site.Articles(), path) || site.Version(path) != 1 {
		t.Fatalf("SetBody(%s) did not add version 1 of the article: %q", path, site.Articles())
	}
	p := readPage(t, site, path)
	if p.H1 != "Flood warning" || !slices.Equal(p.Paragraphs, []string{"First.", "Second."}) {
		t.Errorf("new article = %+v", p)
	}
}

func TestSite_FrontAndFeed(t *testing.T) {
	site := sitetest.New()
	front := parse(t, get(t, site, "/"))
	var links []string
	front.Find("main .teaser h2 a").Each(func(_ int, s *goquery.Selection) { links = append(links, s.AttrOr("href", "")) })
	if !slices.Equal(links, site.Articles()) {
		t.Errorf("front page links %q, want %q", links, site.Articles())
	}

	var rss struct {
		Channel struct {
			Items []struct {
				Title string `xml:"title"`
				Link  string `xml:"link"`
			} `xml:"item"`
		} `xml:"channel"`
	}
	if err := xml.Unmarshal(get(t, site, "/feed.xml"), &rss); err != nil {
		t.Fatal(err)
	}
	var feedLinks []string
	for _, it := range rss.Channel.Items {
		feedLinks = append(feedLinks, it.Link)
	}
	want := []string{"http://ledger.test" + sitetest.MainPath, "http://ledger.test" + sitetest.SecondPath}
	if !slices.Equal(feedLinks, want) {
		t.Errorf("feed links %q, want %q", feedLinks, want)
	}
	if headline, _ := seed(t); rss.Channel.Items[0].Title != headline {
		t.Errorf("feed title %q, want %q", rss.Channel.Items[0].Title, headline)
	}
}

func TestSite_Errors(t *testing.T) {
	site := sitetest.New()
	for _, tt := range []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/news/missing", http.StatusNotFound},
		{http.MethodPost, sitetest.MainPath, http.StatusMethodNotAllowed},
		{http.MethodHead, sitetest.MainPath, http.StatusOK},
	} {
		rec := httptest.NewRecorder()
		site.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
		if rec.Code != tt.want {
			t.Errorf("%s %s: status %d, want %d", tt.method, tt.path, rec.Code, tt.want)
		}
	}
}

// TestSite_Concurrent reads every page while edits are published; run it
// with -race. Each page read must be internally consistent: its headline
// and its dateModified from the same version.
func TestSite_Concurrent(t *testing.T) {
	site := sitetest.New()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				for _, path := range append(site.Articles(), "/", "/feed.xml") {
					get(t, site, path)
				}
				p := readPage(t, site, sitetest.MainPath)
				if rewritten := p.H1 != p.LDHeadline || p.Title != p.H1+" | The Border Ledger"; rewritten {
					t.Errorf("torn page: %+v", p)
				}
				if p.Modified != p.LDModified {
					t.Errorf("torn dates: %q vs %q", p.Modified, p.LDModified)
				}
			}
		})
	}
	wg.Go(func() {
		for {
			if _, ok := site.Advance(); !ok {
				break
			}
			site.Edits()
			site.Version(sitetest.MainPath)
		}
		site.SetBody("/news/late", []string{"Late."})
	})
	wg.Wait()
	if got := site.Version(sitetest.MainPath); got != 6 {
		t.Errorf("final version = %d, want 6", got)
	}
}

// TestSite_Extract runs the extractor over every version: the furniture
// must go, and what is left must be exactly the article.
func TestSite_Extract(t *testing.T) {
	site := sitetest.New()
	for {
		for _, path := range site.Articles() {
			p := readPage(t, site, path)
			a, err := extract.Extract(extract.Page{
				URL: "http://ledger.test" + path, ContentType: "text/html; charset=utf-8", Body: get(t, site, path),
			}, extract.Rules{})
			if err != nil {
				t.Fatal(err)
			}
			// The lead paragraph is the page's description too: it is
			// read as the dek, and the body goes on after it.
			read := a.Paragraphs
			if a.Dek != "" {
				read = append([]string{a.Dek}, read...)
			}
			if a.Title != p.H1 || a.Modified != p.Modified || a.Published != p.Published || a.Lang != "en" ||
				a.CanonicalURL != "http://ledger.test"+path || !slices.Equal(read, p.Paragraphs) {
				t.Errorf("%s v%d: extracted %+v\nserved %+v", path, site.Version(path), a, p)
			}
			if want := strings.TrimPrefix(p.Byline, "By "); a.Byline != want {
				t.Errorf("Byline = %q, want %q", a.Byline, want)
			}
		}
		if _, ok := site.Advance(); !ok {
			break
		}
	}
}

func BenchmarkSite_Article(b *testing.B) {
	site := sitetest.New()
	req := httptest.NewRequest(http.MethodGet, sitetest.MainPath, nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		site.ServeHTTP(rec, req)
	}
}
