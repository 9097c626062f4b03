package extract_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"

	"github.com/redline-news/redline/monitor/extract"
)

// The extraction half of the reliability battery (docs/reliability.md,
// group A). The fetch half is in monitor/fetch/battery_test.go; what only the
// monitor can do (events, notifications, provenance rows) is tested there.

const batteryURL = "https://example.com/story"

func extractPage(t *testing.T, contentType string, body []byte, r extract.Rules) (extract.Article, error) {
	t.Helper()
	return extract.Extract(extract.Page{URL: batteryURL, ContentType: contentType, Body: body}, r)
}

// mustFail asserts an error that wraps want, names the URL and comes with
// the zero Article.
func mustFail(t *testing.T, a extract.Article, err, want error) {
	t.Helper()
	if err == nil {
		t.Fatalf("Extract succeeded with %q, want %v", a.Paragraphs, want)
	}
	if !errors.Is(err, want) {
		t.Errorf("Extract error = %v, want %v", err, want)
	}
	if !strings.Contains(err.Error(), batteryURL) {
		t.Errorf("Extract error %q does not name the URL", err)
	}
	if a.Title != "" || a.Paragraphs != nil || a.Notes != nil {
		t.Errorf("Extract returned %+v with its error, want the zero Article", a)
	}
}

func hasNote(a extract.Article, substr string) bool {
	return slices.ContainsFunc(a.Notes, func(n string) bool { return strings.Contains(n, substr) })
}

// costlyPage is testdata/page.html with chains of 480 nested <div>s, each
// ending in <p><span>, at the top of its story body (the parser takes 512
// open elements), and the story padded with long paragraphs to size bytes.
func costlyPage(t *testing.T, size, chains int) []byte {
	t.Helper()
	page, err := os.ReadFile("testdata/page.html")
	if err != nil {
		t.Fatal(err)
	}
	at := []byte(`<div class="story-body" itemprop="articleBody">`)
	i := bytes.Index(page, at) + len(at)
	if i < len(at) {
		t.Fatal("page.html lacks its story body")
	}
	var b bytes.Buffer
	b.Write(page[:i])
	for range chains {
		b.WriteString(strings.Repeat("<div>", 480) + "<p><span>Deep</span> inside.</p>" + strings.Repeat("</div>", 480))
	}
	para := "<p>" + strings.Repeat("The levee held for another night, engineers said. ", 200) + "</p>\n"
	for b.Len()+len(page)-i+len(para) <= size {
		b.WriteString(para)
	}
	b.Write(page[i:])
	return b.Bytes()
}

// noGoroutinesLeft fails if Extract left goroutines behind: it starts none,
// so the count must be back where it was.
func noGoroutinesLeft(t *testing.T, before int) {
	t.Helper()
	for range 100 {
		if runtime.NumGoroutine() <= before {
			return
		}
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
	t.Errorf("%d goroutines after Extract, %d before", runtime.NumGoroutine(), before)
}

func TestBattery(t *testing.T) {
	t.Run("H01_deep_nesting", func(t *testing.T) {
		body := strings.Repeat("<div>", 100_000) + "<p>The story.</p>" + strings.Repeat("</div>", 100_000)
		a, err := extractPage(t, "text/html", []byte(body), extract.Rules{})
		mustFail(t, a, err, extract.ErrTooDeep)
		if want := "parse " + batteryURL + ": HTML nesting too deep: over 512 open elements (the HTML parser's limit)"; err != nil && err.Error() != want {
			t.Errorf("got  %q\nwant %q", err, want)
		}
		// A lower limit is the user's to set (max_nesting_depth).
		body = strings.Repeat("<div>", 100) + "<p>The story, told at length so that it counts as a paragraph of the article.</p>" + strings.Repeat("</div>", 100)
		if _, err := extractPage(t, "text/html", []byte(body), extract.Rules{}); err != nil {
			t.Fatalf("100 levels under the parser's limit: %v", err)
		}
		a, err = extractPage(t, "text/html", []byte(body), extract.Rules{MaxDepth: 64})
		mustFail(t, a, err, extract.ErrTooDeep)
		if want := "parse " + batteryURL + ": HTML nesting too deep: 103 nested elements, over max_nesting_depth=64"; err != nil && err.Error() != want {
			t.Errorf("got  %q\nwant %q", err, want)
		}
	})

	t.Run("H04_markup_bombs", func(t *testing.T) {
		bombs := map[string]string{
			"named_entities":     "<p>" + strings.Repeat("&amp;", 1<<20) + "</p>", // 5 MiB
			"numeric_entities":   "<p>" + strings.Repeat("&#8220;&#x201d;", 300_000) + "</p>",
			"unclosed_b":         strings.Repeat("<b>", 1_000_000) + "<p>story</p>",
			"mixed_case_tags":    strings.Repeat("<DiV><SpAn><tAbLe><SeLeCt>", 50_000) + "<p>story</p>",
			"unclosed_formatted": strings.Repeat("<a><b><i><em><strong><p>x", 50_000),
		}
		for name, body := range bombs {
			t.Run(name, func(t *testing.T) {
				before := runtime.NumGoroutine()
				// A short deadline keeps the test quick under -race; without
				// -race most of these finish well inside it.
				a, err := extractPage(t, "text/html", []byte(body), extract.Rules{Timeout: 2 * time.Second})
				// Finishing is fine and so is a refusal; either names the
				// URL, and nothing keeps running afterwards.
				if err != nil && !strings.Contains(err.Error(), batteryURL) {
					t.Errorf("Extract error %q does not name the URL", err)
				}
				if err != nil && !errors.Is(err, extract.ErrTimeout) && !errors.Is(err, extract.ErrEmpty) && !errors.Is(err, extract.ErrTooDeep) {
					t.Errorf("Extract error %v, want a result, ErrTimeout, ErrEmpty or ErrTooDeep", err)
				}
				if err == nil && !utf8.ValidString(a.Text()) {
					t.Error("text is not valid UTF-8")
				}
				noGoroutinesLeft(t, before)
			})
		}
		t.Run("deadline", func(t *testing.T) {
			before := runtime.NumGoroutine()
			a, err := extractPage(t, "text/html", []byte(bombs["named_entities"]), extract.Rules{Timeout: time.Nanosecond})
			mustFail(t, a, err, extract.ErrTimeout)
			if want := "extract " + batteryURL + ": extraction exceeded 1ns"; err != nil && err.Error() != want {
				t.Errorf("got %q, want %q", err, want)
			}
			noGoroutinesLeft(t, before)
		})
		// The Atom billion-laughs case is the feed parser's (monitor/feed.go).
	})

	t.Run("C05_pathological_selector", func(t *testing.T) {
		// Valid, and costly: each :has walks the subtree below every node
		// the level above reaches, so on a chain of d nested <div>s whose
		// <p> holds a <span> (nothing matches, nothing stops early) the
		// work grows as d⁴. cascadia's Match cannot be interrupted; the
		// deadline must hold anyway.
		const costly = "div:has(div:has(div:has(p:not(:has(span)))))"
		t.Run("H02_size_page", func(t *testing.T) {
			page := costlyPage(t, 10<<20-64<<10, 4) // just under fetch's default body cap
			// The deadline must pass while the selector runs, not while the
			// page is parsed (seconds under -race): time the parse and the
			// metadata with a body rule that costs nothing, and allow three
			// times that.
			start := time.Now()
			_, err := extractPage(t, "text/html", page, extract.Rules{Body: mustSelector(t, ".nope"), Timeout: -1})
			if !errors.Is(err, extract.ErrSelectorMiss) {
				t.Fatalf("Extract with a cheap rule: %v, want ErrSelectorMiss", err)
			}
			limit := 3*time.Since(start) + 100*time.Millisecond
			before := runtime.NumGoroutine()
			start = time.Now()
			a, err := extractPage(t, "text/html", page, extract.Rules{Body: mustSelector(t, costly), Timeout: limit})
			took := time.Since(start)
			t.Logf("%d-byte page: deadline %v, returned after %v", len(page), limit, took)
			mustFail(t, a, err, extract.ErrTimeout)
			if want := fmt.Sprintf("extract %s: body rule %q: extraction exceeded %s", batteryURL, costly, limit); err != nil && err.Error() != want {
				t.Errorf("got  %q\nwant %q", err, want)
			}
			// Without the deadline inside the match this takes minutes; 20×
			// leaves room for a noisy machine.
			if took > 20*limit {
				t.Errorf("Extract returned after %v, more than 20× its %v deadline", took, limit)
			}
			noGoroutinesLeft(t, before)
		})
		// Every site rule runs under the deadline, each named in the error.
		small := costlyPage(t, 0, 4)
		for _, tt := range []struct {
			field string
			rules extract.Rules
		}{
			{"title", extract.Rules{Title: mustSelector(t, costly)}},
			{"byline", extract.Rules{Byline: mustSelector(t, costly)}},
			{"published", extract.Rules{Published: mustSelector(t, costly)}},
			{"modified", extract.Rules{Modified: mustSelector(t, costly)}},
			{"remove", extract.Rules{Body: mustSelector(t, "body"), Remove: []extract.Selector{mustSelector(t, ".ad"), mustSelector(t, costly)}}},
		} {
			t.Run(tt.field, func(t *testing.T) {
				// Long enough that what runs before the rule never uses it
				// up, even under -race on a loaded machine (a fixed 200 ms,
				// then 1 s, did): the deadline must strike inside the rule,
				// to be named by it. Time the same extraction with a rule
				// that costs nothing, and allow five times that.
				start := time.Now()
				if _, err := extractPage(t, "text/html", small, extract.Rules{Body: mustSelector(t, "body"), Timeout: -1}); err != nil {
					t.Fatalf("Extract with cheap rules: %v", err)
				}
				limit := max(time.Second, 5*time.Since(start))
				tt.rules.Timeout = limit
				before := runtime.NumGoroutine()
				start = time.Now()
				a, err := extractPage(t, "text/html", small, tt.rules)
				took := time.Since(start)
				t.Logf("deadline %v, returned after %v", limit, took)
				mustFail(t, a, err, extract.ErrTimeout)
				if want := fmt.Sprintf("extract %s: %s rule %q: extraction exceeded %s", batteryURL, tt.field, costly, limit); err != nil && err.Error() != want {
					t.Errorf("got  %q\nwant %q", err, want)
				}
				if took > 20*limit {
					t.Errorf("Extract returned after %v, more than 20× its %v deadline", took, limit)
				}
				noGoroutinesLeft(t, before)
			})
		}
	})

	t.Run("H06_invalid_utf8", func(t *testing.T) {
		// 0xFF, a lone 0xE0, a CESU-8 surrogate (3 bytes) and an é cut at
		// the end, as a body cap would: 6 invalid bytes.
		body := []byte("<html><body><p>one\xFFtwo \xE0three \xED\xA0\x80four caf\xC3")
		a, err := extractPage(t, "text/html; charset=utf-8", body, extract.Rules{})
		if err != nil {
			t.Fatal(err)
		}
		if want := "one\uFFFDtwo \uFFFDthree \uFFFDfour caf\uFFFD"; a.Text() != want {
			t.Errorf("Text() = %q, want %q", a.Text(), want)
		}
		if a.InvalidBytes != 6 || !hasNote(a, "6 invalid bytes replaced") {
			t.Errorf("InvalidBytes = %d, notes %q; want 6 and a note", a.InvalidBytes, a.Notes)
		}
		again, _ := extractPage(t, "text/html; charset=utf-8", body, extract.Rules{})
		if again.Text() != a.Text() {
			t.Errorf("not deterministic: %q then %q", a.Text(), again.Text())
		}
		j, err := json.Marshal(a)
		if err != nil || !json.Valid(j) || !utf8.Valid(j) {
			t.Errorf("JSON %q (%v) is not valid UTF-8 JSON", j, err)
		}
		if !bytes.Equal(body, []byte("<html><body><p>one\xFFtwo \xE0three \xED\xA0\x80four caf\xC3")) {
			t.Error("Extract changed the raw bytes")
		}
	})

	t.Run("H07_late_meta_charset", func(t *testing.T) {
		pad := strings.Repeat("<!-- padding padding padding -->\n", 40) // > 1024 bytes
		tests := []struct {
			name, charset, body, want string
		}{
			{"windows-1252", "windows-1252", "<p>\x93Quoted,\x94 she said.</p>", "“Quoted,” she said."},
			// Not the windows-1252 fallback, so only the late <meta> can
			// get it right.
			{"iso-8859-7", "iso-8859-7", "<p>\xe1\xe8\xde\xed\xe1</p>", "αθήνα"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				page := "<html><head>" + pad + `<meta charset="` + tt.charset + `"></head><body>` + tt.body + "</body></html>"
				a, err := extractPage(t, "text/html", []byte(page), extract.Rules{})
				if err != nil {
					t.Fatal(err)
				}
				if a.Text() != tt.want {
					t.Errorf("Text() = %q, want %q", a.Text(), tt.want)
				}
				if !hasNote(a, "declared late") {
					t.Errorf("notes %q, want the late declaration noted", a.Notes)
				}
			})
		}
	})

	t.Run("H08_mislabelled_charset", func(t *testing.T) {
		const text = "日本語のニュース記事です。「引用」と彼は言った。"
		t.Run("valid_utf8_labelled_shift_jis", func(t *testing.T) {
			a, err := extractPage(t, "text/html; charset=Shift_JIS", []byte("<p>"+text+"</p>"), extract.Rules{})
			if err != nil {
				t.Fatal(err)
			}
			if a.Text() != text {
				t.Errorf("Text() = %q, want %q", a.Text(), text)
			}
			if !hasNote(a, "declared shift_jis, decoded UTF-8") {
				t.Errorf("notes %q, want the overruled label recorded", a.Notes)
			}
		})
		t.Run("undeclared_shift_jis", func(t *testing.T) {
			sjis, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte("<p>" + text + "</p>"))
			if err != nil {
				t.Fatal(err)
			}
			a, err := extractPage(t, "text/html", sjis, extract.Rules{})
			if err != nil {
				t.Fatal(err)
			}
			if a.Text() != text && !hasNote(a, "charset uncertain") {
				t.Errorf("Text() = %q with notes %q: silent mojibake", a.Text(), a.Notes)
			}
		})
	})

	t.Run("H09_charset_flip", func(t *testing.T) {
		// v1 UTF-8, v2 the same text in windows-1252: the raw bytes differ,
		// the text does not. (That this means "no content change
		// (encoding only)" and no notification is the monitor's call.)
		const page = "<html><body><p>“It’s done,” she said — café.</p></body></html>"
		v2, err := charmap.Windows1252.NewEncoder().Bytes([]byte(page))
		if err != nil {
			t.Fatal(err)
		}
		a1, err := extractPage(t, "text/html; charset=utf-8", []byte(page), extract.Rules{})
		if err != nil {
			t.Fatal(err)
		}
		a2, err := extractPage(t, "text/html; charset=windows-1252", v2, extract.Rules{})
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal([]byte(page), v2) {
			t.Fatal("the two versions have the same bytes")
		}
		if a1.Text() != a2.Text() {
			t.Errorf("text changed with the encoding: %q vs %q", a1.Text(), a2.Text())
		}
	})

	t.Run("H10_content_type_lie", func(t *testing.T) {
		for _, tt := range []struct{ name, body, sniffed string }{
			{"png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01", "image/png"},
			{"pdf", "%PDF-1.7\n1 0 obj", "application/pdf"},
			{"zip", "PK\x03\x04\x14\x00\x00\x00\x08\x00", "application/zip"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				a, err := extractPage(t, "text/html; charset=utf-8", []byte(tt.body), extract.Rules{})
				mustFail(t, a, err, extract.ErrNotHTML)
				if want := "extract " + batteryURL + ": content is " + tt.sniffed + ", not HTML"; err != nil && err.Error() != want {
					t.Errorf("got %q, want %q", err, want)
				}
			})
		}
		t.Run("octet_stream_html", func(t *testing.T) {
			a, err := extractPage(t, "application/octet-stream", []byte("<!DOCTYPE html><html><body><p>Real story.</p></body></html>"), extract.Rules{})
			if err != nil {
				t.Fatal(err)
			}
			if a.Text() != "Real story." || !hasNote(a, "declared application/octet-stream, sniffed text/html") {
				t.Errorf("got %q with notes %q, want the story and a note", a.Text(), a.Notes)
			}
		})
	})

	t.Run("H11_soft_failure", func(t *testing.T) {
		// Extraction's part: an empty 200 is ErrEmpty, never an empty
		// article; a "not found" page or a login wall comes out as a few
		// words, which the monitor must compare with the previous version
		// ("extraction collapsed: 12 words vs 1 840 before").
		a, err := extractPage(t, "text/html", nil, extract.Rules{})
		mustFail(t, a, err, extract.ErrEmpty)
		for name, page := range map[string]string{
			"not_found":  "<html><head><title>Page not found</title></head><body><h1>Page not found</h1><p>Sorry, the page you requested could not be found.</p></body></html>",
			"login_wall": `<html><body><form action=/login><p>Subscribe or log in to keep reading.</p><input name=user><input type=password name=pass></form></body></html>`,
		} {
			a, err := extractPage(t, "text/html", []byte(page), extract.Rules{})
			if err != nil {
				continue // a refusal is fine too
			}
			if n := len(strings.Fields(a.Text())); n > 20 {
				t.Errorf("%s: %d words, want the few words the monitor can flag", name, n)
			}
		}
	})

	t.Run("H12_selector_miss", func(t *testing.T) {
		redesign := `<html><body><main class="story-v2"><p>The story, in a new template.</p></main></body></html>`
		a, err := extractPage(t, "text/html", []byte(redesign), extract.Rules{Body: mustSelector(t, ".article-body")})
		mustFail(t, a, err, extract.ErrSelectorMiss)
		// The monitor prefixes "source S: " and records it as an event.
		if want := "selector .article-body matched 0 nodes at " + batteryURL + ": selector matched nothing"; err != nil && err.Error() != want {
			t.Errorf("got %q, want %q", err, want)
		}
	})

	t.Run("H13_control_bytes", func(t *testing.T) {
		page := "\xEF\xBB\xBF<html><head><title>Head\x00line\x07 here</title></head><body>\r\n" +
			"<p>NUL\x00here, bell\x07there,\x1b[2J escape\x7f and \u0085NEL.</p>\r" +
			"<p>CRLF\r\nline\rends\u0090.</p></body></html>"
		a, err := extractPage(t, "text/html; charset=utf-8", []byte(page), extract.Rules{})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range append([]string{a.Title, a.Byline}, a.Paragraphs...) {
			for _, r := range s {
				if unicode.IsControl(r) || r == '\uFEFF' {
					t.Errorf("control character %U left in %q", r, s)
				}
			}
		}
		// The parser turns a NUL in <title> into U+FFFD and drops one in
		// body text; the other controls are dropped, line ends and NEL are
		// whitespace.
		if want := "Head\uFFFDline here"; a.Title != want {
			t.Errorf("Title = %q, want %q", a.Title, want)
		}
		if want := "NULhere, bellthere,[2J escape and NEL.\n\nCRLF line ends."; a.Text() != want {
			t.Errorf("Text() = %q, want %q", a.Text(), want)
		}
	})

	t.Run("N13_broken_content_type", func(t *testing.T) {
		body := []byte("<html><body><p>“Quoted,” she said.</p></body></html>")
		for _, ct := range []string{"text/html; charset=x-nonexistent", "text/html; charset=utf-8, text/html; charset=iso-8859-1", "", ";;;"} {
			a, err := extractPage(t, ct, body, extract.Rules{})
			if err != nil {
				t.Fatalf("Content-Type %q: %v", ct, err)
			}
			if a.Text() != "“Quoted,” she said." {
				t.Errorf("Content-Type %q: Text() = %q", ct, a.Text())
			}
			again, _ := extractPage(t, ct, body, extract.Rules{})
			if !slices.Equal(again.Notes, a.Notes) || again.Text() != a.Text() {
				t.Errorf("Content-Type %q: not deterministic", ct)
			}
		}
		a, _ := extractPage(t, "text/html; charset=x-nonexistent", body, extract.Rules{})
		if !hasNote(a, `unknown charset "x-nonexistent"`) {
			t.Errorf("notes %q, want the unknown charset warned about", a.Notes)
		}
	})
}
