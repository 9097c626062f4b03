package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/redline-news/redline/internal/testtool"
	"github.com/redline-news/redline/monitor/sitetest"
)

// browserContext starts headless Chromium exe with a fresh profile and
// returns a context for its first tab, which the test's cleanup closes;
// every action in it fails after 90 seconds, so a page that never loads
// fails the test instead of hanging it.
func browserContext(t *testing.T, exe string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.Flag("no-first-run", true))
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	bctx, tcancel := context.WithTimeout(bctx, 90*time.Second)
	t.Cleanup(func() { tcancel(); bcancel(); acancel() })
	return bctx
}

// hostilePage is an article that tries to run script: a <script> element
// in the page, script and a javascript: link written as text in the story
// (so they reach redline's extracted text), and an onerror handler.
const hostilePage = `<html><head><title>Hostile</title><script>window.__pwned = "page script"</script></head><body>
<article><h1>Hostile &lt;script&gt;window.__pwned="title"&lt;/script&gt; headline</h1>
<p>The council voted %s on Monday. &lt;script&gt;window.__pwned = "text"&lt;/script&gt; and &lt;img src=x onerror="window.__pwned='img'"&gt;</p>
<p>Read more at <a href="javascript:window.__pwned='link'">javascript:window.__pwned='link'</a> and in the report.</p>
</article></body></html>`

// TestBrowser drives headless Chromium over `redline serve` on a store
// filled by real check cycles against a local site: the list, an article's
// timeline and a diff load; the diff shows the reworded quote marked; and
// a hostile article runs nothing anywhere, its raw snapshot included.
func TestBrowser(t *testing.T) {
	exe := testtool.Chromium(t)
	site := sitetest.New()
	vote := "5-2"
	mux := http.NewServeMux()
	mux.Handle("/", site)
	mux.HandleFunc("/hostile", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, hostilePage, vote)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	dir := t.TempDir()
	db := filepath.Join(dir, "r.db")
	cfg := writeConfig(t, dir, fmt.Sprintf("store: %s\nreports: {dir: %s}\nhost_rate: 0\nallow_private: true\n"+
		"sources:\n  - {name: ledger, feed: %s/feed.xml}\n  - {name: hostile, url: %s/hostile}\n",
		db, filepath.Join(dir, "reports"), srv.URL, srv.URL))
	checkOK(t, cfg)
	site.Advance() // the quote is reworded
	vote = "4-3"
	checkOK(t, cfg)

	addr := freeAddr(t)
	startDaemon(t, "serve", "--config", cfg, "--addr", addr)
	base := "http://" + addr
	for deadline := time.Now().Add(10 * time.Second); ; {
		if resp, err := http.Get(base + "/"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("redline serve did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}

	bctx := browserContext(t, exe)

	pwned := func(page string) {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Evaluate[string](`String(window.__pwned)`))
		if err != nil {
			t.Fatalf("%s: evaluate: %v", page, err)
		}
		if v != "undefined" {
			t.Errorf("%s: hostile content ran script (window.__pwned = %q)", page, v)
		}
	}

	// The list: both articles, the hostile title shown as text.
	if err := chromedp.Do(bctx, chromedp.Navigate(base+"/")); err != nil {
		t.Fatalf("list: %v", err)
	}
	list, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if !strings.Contains(list, "Hostile <script>") || !strings.Contains(list, "Mexico") {
		t.Errorf("list page lacks the articles:\n%s", list)
	}
	// The sparklines are drawn, each with a name a screen reader reads.
	sparks, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("svg")].map(s => {
		const r = s.getBoundingClientRect();
		return (r.width > 0 && r.height > 0 ? "drawn" : "not drawn") + ": " + (s.querySelector("title") || {}).textContent;
	})`))
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if len(sparks) != 2 || !slices.ContainsFunc(sparks, func(s string) bool { return strings.HasPrefix(s, "drawn: ") && strings.Contains(s, "change") }) {
		t.Errorf("list page sparklines %q, want one drawn and titled per source (2)", sparks)
	}
	pwned("list")

	// Every link on the list that leads to an article page, then its
	// timeline and diff pages.
	hrefs, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("a[href^='/articles/']")].map(a => a.getAttribute("href"))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(hrefs) == 0 {
		t.Fatal("no article links on the list page")
	}
	var diffs []string
	ledgerRows := 0
	for _, h := range hrefs {
		if err := chromedp.Do(bctx, chromedp.Navigate(base+h)); err != nil {
			t.Fatalf("timeline %s: %v", h, err)
		}
		links, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("a[href*='/diff']")].map(a => a.getAttribute("href"))`))
		if err != nil {
			t.Fatalf("timeline %s: %v", h, err)
		}
		pwned("timeline " + h)
		diffs = append(diffs, links...)
		timelineShown(t, bctx, h)
		ledgerRows += ledgerShown(t, bctx, base, h)
	}
	// The feed's story had its quote reworded: its ledger has that change.
	if ledgerRows == 0 {
		t.Error("no ledger shows a changed quotation or figure; the feed's story had its quote reworded")
	}
	if len(diffs) == 0 {
		t.Fatal("no diff links on the timelines")
	}
	var quoteShown bool
	for _, d := range diffs {
		if err := chromedp.Do(bctx, chromedp.Navigate(base+d)); err != nil {
			t.Fatalf("diff %s: %v", d, err)
		}
		marked, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("ins, del")].map(e => e.textContent)`))
		if err != nil {
			t.Fatalf("diff %s: %v", d, err)
		}
		pwned("diff " + d)
		joined := strings.Join(marked, " ")
		if strings.Contains(joined, "troops") && strings.Contains(joined, "boots") {
			quoteShown = true
			png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100)) // quality 100: PNG
			if err != nil {
				t.Fatalf("screenshot: %v", err)
			}
			art := os.Getenv("REDLINE_TEST_ARTIFACTS")
			if art == "" {
				art = filepath.Join(os.TempDir(), "redline-test-artifacts")
			}
			if err := os.MkdirAll(art, 0o755); err == nil {
				path := filepath.Join(art, "diff-page.png")
				if err := os.WriteFile(path, png, 0o644); err == nil {
					t.Logf("screenshot of the diff page: %s", path)
				}
			}
		}
		// The raw snapshots linked from the page are never served as
		// something a browser renders: plain text, a download, nosniff.
		raws, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("a[href$='/raw']")].map(a => a.getAttribute("href"))`))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range raws {
			resp, err := http.Get(base + r)
			if err != nil {
				t.Fatalf("raw %s: %v", r, err)
			}
			resp.Body.Close()
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") ||
				resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("raw %s served as %q (nosniff %q)", r, ct, resp.Header.Get("X-Content-Type-Options"))
			}
		}
	}
	if !quoteShown {
		t.Error("no diff page marks the reworded quote (boots → troops)")
	}
	// Links from articles are only http(s).
	if err := chromedp.Do(bctx, chromedp.Navigate(base+"/")); err != nil {
		t.Fatal(err)
	}
	bad, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("a")].map(a => a.href).filter(h => !/^https?:/.test(h))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Errorf("non-http links on the list: %q", bad)
	}
}

// timelineShown checks the article page at h draws its timeline chart,
// named for a screen reader by its title and description, with its
// table alternative.
func timelineShown(t *testing.T, bctx context.Context, h string) {
	t.Helper()
	got, err := chromedp.Run(bctx, chromedp.Evaluate[string](`(() => {
		const svg = document.querySelector('svg[role="img"]');
		if (!svg) return "no chart";
		const r = svg.getBoundingClientRect();
		const name = (svg.getAttribute("aria-labelledby") || "").split(" ").map(id => (document.getElementById(id) || {}).textContent || "").join(" | ");
		const rows = svg.parentElement.closest("section, figure, div, article").querySelectorAll("table tbody tr").length;
		return (r.width > 0 && r.height > 0 ? "drawn" : "not drawn") + "; " + rows + " rows; " + name;
	})()`))
	if err != nil {
		t.Fatalf("timeline %s: %v", h, err)
	}
	if !strings.HasPrefix(got, "drawn; ") || strings.HasPrefix(got, "drawn; 0 rows") || !strings.Contains(got, "; Timeline of ") || !strings.Contains(got, " UTC. ") {
		t.Errorf("timeline %s: chart %q, want it drawn, named by its title and description, with a table alternative", h, got)
	}
	// The legend as the browser's font draws it: no item runs into
	// another or past the chart's edge.
	clashes, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`(() => {
		const svg = document.querySelector('svg[role="img"]');
		const boxes = [...svg.querySelectorAll("g.legend > g")].map(g => [g.textContent, g.getBBox()]);
		const out = [];
		boxes.forEach(([name, a], i) => {
			if (a.x + a.width > svg.viewBox.baseVal.width) out.push(name + " runs past the edge");
			boxes.slice(i + 1).forEach(([other, b]) => {
				if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) out.push(name + " runs into " + other);
			});
		});
		return boxes.length ? out : ["no legend"];
	})()`))
	if err != nil {
		t.Fatalf("timeline %s legend: %v", h, err)
	}
	if len(clashes) > 0 {
		t.Errorf("timeline %s legend: %q", h, clashes)
	}
}

// ledgerShown follows the article page's link to its claim ledger and
// returns how many changes the ledger's tables list.
func ledgerShown(t *testing.T, bctx context.Context, base, h string) int {
	t.Helper()
	href, err := chromedp.Run(bctx, chromedp.Evaluate[string](`(document.querySelector("a.claims-link") || {}).getAttribute?.("href") || ""`))
	if err != nil || href != h+"/claims" {
		t.Fatalf("timeline %s: claim ledger link %q, %v; want %s/claims", h, href, err, h)
	}
	if err := chromedp.Do(bctx, chromedp.Navigate(base+href)); err != nil {
		t.Fatalf("ledger %s: %v", href, err)
	}
	got, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`[document.querySelector("h1").textContent,
		...[...document.querySelectorAll("tr.event-changed")].map(tr => tr.innerText)]`))
	if err != nil {
		t.Fatalf("ledger %s: %v", href, err)
	}
	if !strings.HasPrefix(got[0], "Claim ledger: ") {
		t.Errorf("ledger %s: heading %q", href, got[0])
	}
	return len(got) - 1
}
