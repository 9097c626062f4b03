package web_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redline-news/redline/report/web"
	"github.com/redline-news/redline/snapshots"
)

// TestBattery runs group F of the reliability battery that concerns the
// web UI (docs/reliability.md). R01 in the UI is also TestHostile; every
// page() call checks it.
func TestBattery(t *testing.T) {
	f := newFixture(t)

	t.Run("R01_html_injection", func(t *testing.T) {
		for _, target := range []string{
			"/",
			fmt.Sprintf("/articles/%d", f.hostile.ID),
			fmt.Sprintf("/articles/%d/diff?from=1&to=2", f.hostile.ID),
			fmt.Sprintf("/articles/%d/diff?from=1&to=2&view=side", f.hostile.ID),
		} {
			doc := page(t, f.h, target) // no script, handler or foreign link
			if !strings.Contains(doc.Text(), "<script>alert(1)</script>") {
				t.Errorf("GET %s: the hostile title is not shown as text", target)
			}
		}
	})

	t.Run("R04_url_xss", func(t *testing.T) {
		ctx := t.Context()
		var ids []int64
		for _, u := range []string{
			"javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)",
			"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "vbscript:msgbox(1)",
		} {
			a, err := f.st.AddArticle(ctx, snapshots.Article{URL: u, Source: "ledger", FirstSeen: time.Now()})
			if err != nil {
				t.Fatal(err)
			}
			// The final URL a redirect led to is shown too.
			if err := f.st.Save(ctx, &snapshots.Check{ArticleID: a.ID, At: time.Now(), Status: 200, FinalURL: u, Outcome: snapshots.OutcomeNew},
				&snapshots.Version{Title: "URL " + u, Text: "Body."}); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, a.ID)
		}
		page(t, f.h, "/") // checkInert: every href is local or http(s)
		for _, id := range ids {
			doc := page(t, f.h, fmt.Sprintf("/articles/%d", id))
			if n := doc.Find(`a[href*="script"], a[href^="data:"]`).Length(); n != 0 {
				t.Errorf("article %d: %d links to a script URL", id, n)
			}
		}
	})

	t.Run("R07_raw_capture", func(t *testing.T) {
		for _, target := range []string{
			fmt.Sprintf("/articles/%d/versions/1/raw", f.hostile.ID),
			fmt.Sprintf("/articles/%d/versions/2/raw", f.hostile.ID),
			fmt.Sprintf("/articles/%d/versions/2/text", f.hostile.ID),
		} {
			res, body := get(t, f.h, target) // checks nosniff and the CSP
			if res.StatusCode != http.StatusOK || !strings.Contains(body, "<script>") {
				t.Fatalf("GET %s: %d %q", target, res.StatusCode, body)
			}
			if ct := res.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
				t.Errorf("GET %s: Content-Type %q", target, ct)
			}
			if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") || !strings.Contains(csp, "default-src 'none'") {
				t.Errorf("GET %s: CSP %q, want a sandbox with default-src 'none'", target, csp)
			}
			if cd := res.Header.Get("Content-Disposition"); strings.HasSuffix(target, "/raw") && !strings.HasPrefix(cd, "attachment;") {
				t.Errorf("GET %s: Content-Disposition %q, want an attachment", target, cd)
			}
		}
	})

	t.Run("R08_hostile_error_text", func(t *testing.T) {
		ctx := t.Context()
		const reason = `502 <script>alert(8)</script><img src=x onerror=alert(8)>`
		if err := f.st.Save(ctx, &snapshots.Check{
			ArticleID: f.hostile.ID, At: time.Now(), Status: 502, Outcome: snapshots.OutcomeFailed,
			Error: "fetch: status " + reason, FinalURL: `javascript:alert(8)//"><script>alert(8)</script>`,
		}, nil); err != nil {
			t.Fatal(err)
		}
		doc := page(t, f.h, fmt.Sprintf("/articles/%d", f.hostile.ID))
		if !strings.Contains(doc.Find("tr.check").Text(), reason) {
			t.Errorf("the check's error is not shown as text: %q", doc.Find("tr.check").Text())
		}
		// Error pages echo what the reader asked for, as plain text.
		for _, target := range []string{
			"/articles/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
			fmt.Sprintf("/articles/%d/diff?from=%%3Cscript%%3E&to=2", f.main.ID),
			"/?page=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
		} {
			res, body := get(t, f.h, target)
			if res.StatusCode != http.StatusBadRequest && res.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: status %d, want 400 or 404", target, res.StatusCode)
			}
			if ct := res.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
				t.Errorf("GET %s: Content-Type %q, want text/plain (body %q)", target, ct, body)
			}
		}
	})

	t.Run("R09_ui_routing", func(t *testing.T) {
		id := f.main.ID
		for _, tc := range []struct {
			target string
			status []int
		}{
			{"/versions/../../etc/passwd", []int{404}},
			{"/static/../../etc/passwd", []int{404}},
			{"/static/..%2f..%2fetc%2fpasswd", []int{404}},
			{"/static/..%2f..%2f", []int{404}},
			{"/static/%2e%2e/%2e%2e/etc/passwd", []int{404}},
			{"/static//style.css", []int{404}},
			{fmt.Sprintf("/articles/%d/versions/..%%2f..%%2f/raw", id), []int{404}},
			{"/diff/1;DROP", []int{404}},
			{"/articles/1;DROP%20TABLE%20articles", []int{404}},
			{fmt.Sprintf("/articles/%d/diff?from=1;DROP&to=2", id), []int{400}},
			{"/api/diff?article=1%20OR%201=1&from=1&to=2", []int{400, 404}},
			{"/?sort=id;DROP", []int{200}},
			{"/?source=x'%20OR%20'1'='1", []int{200}},
			{"/api/articles?sort=id;DROP&q=%27%3B--", []int{200}},
		} {
			res, body := get(t, f.h, tc.target)
			ok := false
			for _, s := range tc.status {
				ok = ok || res.StatusCode == s
			}
			if !ok {
				t.Errorf("GET %s: status %d, want one of %v (%.80q)", tc.target, res.StatusCode, tc.status, body)
			}
			if strings.Contains(body, "root:") {
				t.Errorf("GET %s: the body holds a system file", tc.target)
			}
		}
		// A filter that matched as SQL would list the articles.
		if doc := page(t, f.h, "/?source=x'%20OR%20'1'='1"); doc.Find("[id^=article-]").Length() != 0 {
			t.Errorf("a quote in a filter matched articles: SQL is not parameterised")
		}
		// The store is unchanged: the main article still has its versions.
		if vs, err := f.st.Versions(t.Context(), snapshots.VersionFilter{ArticleID: id}); err != nil || len(vs) != 2 {
			t.Errorf("versions after the requests: %d, %v", len(vs), err)
		}
	})

	t.Run("R10_ui_server_abuse", func(t *testing.T) {
		t.Run("big POST refused unread", func(t *testing.T) {
			body := &countingReader{r: io.LimitReader(zeros{}, 100<<20)}
			rec := httptest.NewRecorder()
			req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/", body)
			req.ContentLength = 100 << 20
			f.h.ServeHTTP(rec, req)
			if rec.Code != http.StatusMethodNotAllowed || body.n.Load() != 0 {
				t.Errorf("100 MB POST: status %d after reading %d bytes; want 405 after none", rec.Code, body.n.Load())
			}
		})
		t.Run("cross-origin", func(t *testing.T) {
			rec := httptest.NewRecorder()
			req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/articles/1", strings.NewReader("delete=1"))
			req.Header.Set("Origin", "https://evil.example")
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			f.h.ServeHTTP(rec, req)
			if rec.Code != http.StatusMethodNotAllowed {
				t.Errorf("cross-origin POST: status %d, want 405", rec.Code)
			}
			rec = httptest.NewRecorder()
			req = httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/api/articles", nil)
			req.Header.Set("Origin", "https://evil.example")
			f.h.ServeHTTP(rec, req)
			if acao := rec.Header().Get("Access-Control-Allow-Origin"); acao != "" {
				t.Errorf("cross-origin GET allowed by CORS: %q", acao)
			}
		})
		t.Run("forwarded headers", func(t *testing.T) {
			for _, target := range []string{"/", "/feed.atom", "/api/articles"} {
				_, plain := get(t, f.h, target)
				rec := httptest.NewRecorder()
				req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, target, nil)
				for k, v := range map[string]string{
					"X-Forwarded-For": "127.0.0.1", "X-Real-Ip": "127.0.0.1", "X-Forwarded-Host": "evil.example",
					"Forwarded": "for=127.0.0.1;host=evil.example", "X-Original-Url": "/admin",
				} {
					req.Header.Set(k, v)
				}
				f.h.ServeHTTP(rec, req)
				if got := rec.Body.String(); rec.Code != http.StatusOK || stripTimes(got) != stripTimes(plain) {
					t.Errorf("GET %s with forwarded headers: status %d, and the answer differs from without them", target, rec.Code)
				}
			}
		})
		t.Run("slowloris", func(t *testing.T) {
			slowloris(t, f.h)
		})
	})
}

// slowloris opens 100 connections that send half a request each and
// checks that web.Serve drops every one (ReadHeaderTimeout, 5 s), while a
// normal request is answered meanwhile.
func slowloris(t *testing.T, h http.Handler) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- web.Serve(ctx, ln, h, nil) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()
	addr := ln.Addr().String()
	const clients = 100
	var wg sync.WaitGroup
	var dropped atomic.Int32
	for range clients {
		wg.Go(func() {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: "); err != nil {
				t.Error(err)
				return
			}
			// Bounded: give up 10 s after the server should have.
			c.SetDeadline(time.Now().Add(15 * time.Second))
			_, err = io.Copy(io.Discard, c)
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return // still open: not dropped
			}
			dropped.Add(1)
		})
	}
	// A reader is served while the slow clients hold their connections.
	res, err := http.Get("http://" + addr + "/static/style.css")
	if err != nil {
		t.Fatalf("GET during slowloris: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET during slowloris: status %d", res.StatusCode)
	}
	wg.Wait()
	if n := dropped.Load(); n != clients {
		t.Errorf("server dropped %d of %d slow clients", n, clients)
	}
}

// stripTimes removes the lines that hold the time of the request.
func stripTimes(s string) string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if l := sc.Text(); !strings.Contains(l, "<updated>") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// zeros is an endless reader of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
