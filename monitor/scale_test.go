package monitor_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"html"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/redline-news/redline/internal/testtool"
	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/browser"
	"github.com/redline-news/redline/monitor/extract"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/monitor/sitetest"
	"github.com/redline-news/redline/snapshots/sqlite"
)

// BenchmarkCycle checks 10,000 distinct articles (REDLINE_SCALE_ARTICLES
// overrides the count) built from the real templates of the 181 pages of
// the article-extraction benchmark (monitor/extract/testdata/stability):
// article i is page i mod 181 with its story paragraphs, headline and
// title replaced by text of its own, served from that page's own local
// site (one server per template, as one host per real site), behind ten
// feed pages of a thousand. A first cycle fetches, extracts and stores
// every one, a second finds nothing changed (conditional GETs answered
// 304), and a third comes after 5% of the articles changed (fetch,
// extract, diff, store). Per-host limits are lifted, as for a site that
// allows it. It reports pages per second for each cycle, pages per CPU
// second of the first (test servers included), and the process's peak RSS
// (test servers included).
//
//	go test ./monitor -run '^$' -bench 'Cycle$' -benchtime 1x
func BenchmarkCycle(b *testing.B) { benchCycle(b, 10000, nil) }

// BenchmarkCycleBrowser is BenchmarkCycle with a quarter of its sources
// (one feed page of four: 4,000 articles by default) rendered in headless
// Chromium (REDLINE_TEST_CHROMIUM) with 4 tabs, beside 64 workers for the
// fetched pages. Every request the browser makes goes through the same
// fetch.Client. A rendered page sends no conditional GET, so every cycle
// renders all of them. It also reports the browser's peak memory: the
// highest sum, sampled every 100 ms, of the proportional set size (PSS,
// shared pages divided among their sharers) of the benchmark's child
// processes.
//
//	REDLINE_TEST_CHROMIUM=/usr/bin/chromium go test ./monitor -run '^$' -bench CycleBrowser -benchtime 1x
func BenchmarkCycleBrowser(b *testing.B) {
	exe := testtool.Chromium(b)
	benchCycle(b, 4000, func(client *fetch.Client) *browser.Browser {
		return browser.New(browser.Options{Path: exe, Client: client, Concurrency: 4, Timeout: time.Minute, Logger: slog.New(slog.DiscardHandler)})
	})
}

// benchCycle runs the cycles of BenchmarkCycle over n articles (or
// REDLINE_SCALE_ARTICLES); with newBrowser, every fourth feed page's
// articles are rendered in the browser it returns.
func benchCycle(b *testing.B, n int, newBrowser func(*fetch.Client) *browser.Browser) {
	if v, err := strconv.Atoi(os.Getenv("REDLINE_SCALE_ARTICLES")); err == nil && v > 0 {
		n = v
	}
	templates := loadTemplates(b)
	b.Logf("%d real templates; on %d the extractor does not read the story, so their articles are not edited", len(templates.pages), templates.unread)
	for b.Loop() {
		site := newRealSite(templates, n)
		feeds := httptest.NewServer(http.HandlerFunc(site.feed))
		servers := []*httptest.Server{feeds}
		for t := range templates.pages {
			srv := httptest.NewServer(site.host(t))
			site.base = append(site.base, srv.URL)
			servers = append(servers, srv)
		}
		st := sqlite.New(filepath.Join(b.TempDir(), "redline.db"), slog.New(slog.DiscardHandler))
		if err := st.Open(context.Background()); err != nil {
			b.Fatal(err)
		}
		client := fetch.New(fetch.Options{
			Guard:   allowing(b, servers...),
			Timeout: time.Minute, MaxBodyBytes: 32 << 20,
			HostConcurrency: 64, HostRate: fetch.Unlimited, Robots: fetch.RobotsObey,
		})
		srcs := scaleSources(feeds.URL, n)
		var br *browser.Browser
		stopSampling := func() float64 { return 0 }
		if newBrowser != nil {
			br = newBrowser(client)
			if err := br.Open(context.Background()); err != nil {
				b.Fatal(err)
			}
			rendered := 0
			for k := range srcs {
				if k%4 == 3 {
					srcs[k].Browser = true
					rendered += min(sitetest.ScalePage, n-k*sitetest.ScalePage)
				}
			}
			b.Logf("%d of %d articles rendered in the browser", rendered, n)
			stopSampling = sampleChildren()
		}
		m := monitor.New(monitor.Options{
			Store:              st,
			Client:             client,
			Browser:            br,
			BrowserConcurrency: 4,
			Sources:            srcs,
			Concurrency:        64,
			Logger:             slog.New(slog.DiscardHandler),
		})
		// Reads of the first cycle by the rules they were given: the
		// generic ones (learning a host's template, and re-checking it)
		// cost several times a template one.
		var genericReads, templateReads atomic.Int64
		monitor.SetExtractor(m, func(p extract.Page, r extract.Rules) (extract.Article, error) {
			switch {
			case r.Template != nil:
				templateReads.Add(1)
			case r.Anchor == nil && r.Body.IsZero():
				genericReads.Add(1)
			}
			return extract.Extract(p, r)
		})
		rendered := map[string]bool{}
		for _, src := range srcs {
			rendered[src.Name] = src.Browser
		}
		// hung counts, per cycle, the rendered pages that never settled:
		// some real pages' scripts spin for ever without the third-party
		// scripts they wait for (refused), a failed check by design.
		var hung int
		cycle := func(name string, wantNew, wantChanged int) (perSecond, perCPUSecond float64) {
			start, cpu := time.Now(), sitetest.CPUSeconds()
			rs := m.Check(context.Background())
			elapsed, cpu := time.Since(start), sitetest.CPUSeconds()-cpu
			var failed, news, changed int
			hung = 0
			for _, r := range rs {
				switch {
				case r.Err != nil && rendered[r.Source] && errors.Is(r.Err, browser.ErrTimeout):
					hung++
				case r.Err != nil:
					failed++
					if failed == 1 {
						b.Errorf("%s: %s: %v", name, r.URL, r.Err)
					}
				case r.Changed():
					changed++
				case r.Version != nil:
					news++
				}
			}
			// A hung page is neither new nor changed: each may take one
			// from what the cycle expects.
			if len(rs) != n || failed > 0 || news > wantNew || news+hung < wantNew || changed > wantChanged || changed+hung < wantChanged {
				b.Fatalf("%s: %d results, %d failed, %d hung in the browser, %d new, %d changed; want %d, 0, -, %d, %d", name, len(rs), failed, hung, news, changed, n, wantNew, wantChanged)
			}
			if cpu > 0 {
				perCPUSecond = float64(n) / cpu
			}
			return float64(n) / elapsed.Seconds(), perCPUSecond
		}
		first, firstCPU := cycle("first cycle", n, 0)
		if br != nil {
			b.ReportMetric(float64(hung), "rendered-hung-first")
		}
		b.ReportMetric(float64(genericReads.Load()), "generic-reads-first")
		b.ReportMetric(float64(templateReads.Load()), "template-reads-first")
		unchanged, _ := cycle("unchanged cycle", 0, 0)
		edited := site.Edit(20)
		third, _ := cycle("edited cycle", 0, edited)
		b.ReportMetric(first, "pages/s-first")
		// The process's CPU time, test servers included: what a busy
		// shared machine does to the wall-clock rate does not change it.
		b.ReportMetric(firstCPU, "pages/cpu-s-first")
		b.ReportMetric(unchanged, "pages/s-unchanged")
		b.ReportMetric(third, "pages/s-5%-edited")
		b.ReportMetric(unchanged/first, "x-faster-unchanged")
		b.ReportMetric(sitetest.PeakRSSMiB(), "peak-RSS-MiB")
		if br != nil {
			b.ReportMetric(stopSampling(), "browser-peak-PSS-MiB")
			br.Close()
		}
		st.Close()
		for _, srv := range servers {
			srv.Close()
		}
	}
}

// scaleSources are the feed pages listing n stories.
func scaleSources(base string, n int) []monitor.Source {
	var srcs []monitor.Source
	for k := 0; k*sitetest.ScalePage < n; k++ {
		srcs = append(srcs, monitor.Source{Name: fmt.Sprintf("scale-%d", k), Feed: fmt.Sprintf("%s/feed.xml?page=%d", base, k)})
	}
	return srcs
}

// slot is what goes between two pieces of a template.
type slot int

const (
	slotTitle slot = iota
	slotHeadline
	slotParagraph
)

// pageTemplate is one real page cut where its own text was: pieces[k],
// then slots[k], then pieces[k+1]…
type pageTemplate struct {
	id     string
	pieces []string
	slots  []slot
	lead   int // the paragraph Edit changes; -1: none (see loadTemplates)
}

// marker stands for a slot in a rendered template: a private-use rune no
// page uses.
const marker = "\uE000"

// loadTemplates cuts the stability benchmark's 181 real pages (shared
// with monitor/extract's tests) into templates: the story paragraphs are
// the <p> elements whose text is in the page's ground truth, as in the
// stability benchmark, and the text nodes of the story set outside <p>
// elements. It also keeps the ground truths' paragraphs, the real text
// the articles are written from.
func loadTemplates(b *testing.B) *templates {
	b.Helper()
	dir := filepath.Join("extract", "testdata", "stability")
	var truth map[string]struct {
		ArticleBody string `json:"articleBody"`
	}
	if err := json.Unmarshal(gunzip(b, filepath.Join(dir, "ground-truth.json.gz")), &truth); err != nil {
		b.Fatalf("ground truth: %v", err)
	}
	ts := &templates{}
	for _, id := range slices.Sorted(maps.Keys(truth)) {
		body := strings.Join(strings.Fields(truth[id].ArticleBody), " ")
		for _, p := range strings.Split(truth[id].ArticleBody, "\n") {
			if p = strings.TrimSpace(p); len(p) > 80 {
				ts.text = append(ts.text, p)
			}
		}
		doc, err := xhtml.Parse(bytes.NewReader(gunzip(b, filepath.Join(dir, "pages", id+".html.gz"))))
		if err != nil {
			b.Fatalf("%s: %v", id, err)
		}
		t := pageTemplate{id: id}
		headline := false
		var walk func(*xhtml.Node)
		walk = func(n *xhtml.Node) {
			// Story text not set in <p> elements (between <br>s, in
			// <div>s) is replaced text node by text node.
			if n.Type == xhtml.TextNode {
				if s := strings.Join(strings.Fields(n.Data), " "); len(s) >= 30 && strings.Contains(body, s) {
					n.Data = marker
					t.slots = append(t.slots, slotParagraph)
				}
				return
			}
			if n.Type == xhtml.ElementNode {
				kind := slot(-1)
				switch {
				case n.DataAtom == atom.Title && n.Parent != nil && n.Parent.DataAtom == atom.Head:
					kind = slotTitle
				case n.DataAtom == atom.H1 && !headline:
					kind, headline = slotHeadline, true
				case n.DataAtom == atom.Script || n.DataAtom == atom.Style:
					return
				case n.DataAtom == atom.P:
					if s := strings.Join(strings.Fields(textOf(n)), " "); len(s) >= 30 && strings.Contains(body, s) {
						kind = slotParagraph
					}
				}
				if kind >= 0 {
					for n.FirstChild != nil {
						n.RemoveChild(n.FirstChild)
					}
					n.AppendChild(&xhtml.Node{Type: xhtml.TextNode, Data: marker})
					t.slots = append(t.slots, kind)
					return
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		var out bytes.Buffer
		if err := xhtml.Render(&out, doc); err != nil {
			b.Fatal(err)
		}
		t.pieces = strings.Split(out.String(), marker)
		if len(t.pieces) != len(t.slots)+1 {
			b.Fatalf("%s: %d pieces for %d slots", id, len(t.pieces), len(t.slots))
		}
		paras := 0
		for _, k := range t.slots {
			if k == slotParagraph {
				paras++
			}
		}
		if paras == 0 {
			b.Fatalf("%s: no story paragraph found by the ground truth", id)
		}
		t.lead = -1
		ts.pages = append(ts.pages, t)
	}
	if len(ts.pages) != 181 {
		b.Fatalf("%d templates, want 181", len(ts.pages))
	}
	// Edit changes a paragraph the generic extractor reads, the middle one
	// of those: the first is set apart as a standfirst on some templates,
	// and on a few the extractor misses the story, whose articles are
	// then never edited (they are still fetched and read every cycle).
	site := newRealSite(ts, len(ts.pages))
	unread := 0
	for k := range ts.pages {
		a, err := extract.Extract(extract.Page{URL: "http://127.0.0.1/story/" + strconv.Itoa(k), ContentType: "text/html; charset=utf-8", Body: site.story(k, 0)}, extract.Rules{})
		var read []int
		for p := range len(ts.pages[k].slots) {
			if err == nil && strings.Contains(a.Text(), fmt.Sprintf("Survey %d-%d ", k, p)) {
				read = append(read, p)
			}
		}
		if len(read) == 0 {
			unread++
			continue
		}
		ts.pages[k].lead = read[len(read)/2]
	}
	ts.unread = unread
	if unread > len(ts.pages)/10 {
		b.Fatalf("the story of %d of %d templates is not read", unread, len(ts.pages))
	}
	return ts
}

type templates struct {
	pages []pageTemplate
	text  []string // real paragraphs to write stories from
	// unread counts the templates whose story the generic extractor
	// does not read: their articles are never edited.
	unread int
}

func textOf(n *xhtml.Node) string {
	if n.Type == xhtml.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(textOf(c))
	}
	return b.String()
}

func gunzip(b *testing.B, path string) []byte {
	data, err := sitetest.ReadGzip(path)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// realSite serves n articles, article i on template i mod 181's own
// server at /story/i, with ETags answered by 304. Pages are assembled on
// each request, so serving 10,000 of them costs little memory in the
// process being measured.
type realSite struct {
	*templates
	n        int
	base     []string // each template's server
	versions *sitetest.Versions
}

func newRealSite(ts *templates, n int) *realSite {
	return &realSite{templates: ts, n: n, versions: sitetest.NewVersions(n)}
}

// Edit changes every k-th article (a figure in one of its paragraphs, see
// loadTemplates), so the next cycle finds those changed. It returns how
// many changed.
func (s *realSite) Edit(k int) int {
	return s.versions.Edit(k, func(i int) bool { return s.pages[i%len(s.pages)].lead >= 0 })
}

func (s *realSite) feed(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/feed.xml" {
		http.NotFound(w, r)
		return
	}
	sitetest.WriteFeed(w, r, "Real templates", s.n, func(i int) string { return s.base[i%len(s.pages)] })
}

// host serves template t's stories.
func (s *realSite) host(t int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/story/"))
		if !strings.HasPrefix(r.URL.Path, "/story/") || err != nil || i < 0 || i >= s.n || i%len(s.pages) != t {
			http.NotFound(w, r)
			return
		}
		s.versions.Serve(w, r, i, func(v uint16) []byte { return s.story(i, v) })
	})
}

// story is article i at version v: its template with text of its own in
// the title, headline and story paragraphs. Each paragraph is a real one
// from the benchmark's ground truths followed by a sentence no other
// paragraph has, so no two stories share a paragraph.
func (s *realSite) story(i int, v uint16) []byte {
	t := s.pages[i%len(s.pages)]
	var b bytes.Buffer
	b.Grow(len(t.pieces[0]) * 2)
	para := 0
	for k, piece := range t.pieces {
		b.WriteString(piece)
		if k == len(t.slots) {
			break
		}
		switch t.slots[k] {
		case slotTitle, slotHeadline:
			fmt.Fprintf(&b, "Story %d: what the council decided, and what it means", i)
		case slotParagraph:
			h := fnv.New32a()
			fmt.Fprintf(h, "%d/%d", i, para)
			b.WriteString(html.EscapeString(s.text[h.Sum32()%uint32(len(s.text))]))
			if para == t.lead {
				fmt.Fprintf(&b, " Officials said on Monday that %d people had been detained in operation %d, a figure revised %d times.", 100+i%900, i, v)
			} else {
				fmt.Fprintf(&b, " Survey %d-%d counted %d households.", i, para, 1000+(i*31+para*7)%9000)
			}
			para++
		}
	}
	return b.Bytes()
}

// sampleChildren samples, every 100 ms until the returned func is called,
// the summed PSS of this process's descendants (the browser and its
// renderers), and that func returns the highest sum in MiB. It reads
// /proc, so it measures nothing off Linux.
func sampleChildren() (stop func() float64) {
	done := make(chan struct{})
	peak := make(chan float64, 1)
	go func() {
		var hi float64
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			hi = max(hi, descendantsPSS(os.Getpid()))
			select {
			case <-done:
				peak <- hi
				return
			case <-t.C:
			}
		}
	}()
	return func() float64 { close(done); return <-peak }
}

// descendantsPSS sums the PSS, in MiB, of every process whose parent chain
// leads to pid.
func descendantsPSS(pid int) float64 {
	entries, _ := os.ReadDir("/proc") // no /proc: nothing to measure
	parent := map[int]int{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// The command name, in parentheses, may hold spaces: the fields
		// after its closing parenthesis are state, then ppid.
		f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(f) > 1 {
			parent[p], _ = strconv.Atoi(f[1])
		}
	}
	var kb float64
	for p := range parent {
		q := parent[p]
		for q != 0 && q != pid && q != 1 {
			q = parent[q]
		}
		if q != pid {
			continue
		}
		rollup, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(p), "smaps_rollup"))
		if err != nil {
			continue
		}
		for line := range strings.SplitSeq(string(rollup), "\n") {
			if v, ok := strings.CutPrefix(line, "Pss:"); ok {
				n, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
				kb += n
			}
		}
	}
	return kb / 1024
}
