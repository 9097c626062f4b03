package fetch_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redline-news/redline/monitor/fetch"
)

func TestClient_Get(t *testing.T) {
	var gotUA, gotINM atomic.Value
	mux := http.NewServeMux()
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		gotUA.Store(r.Header.Get("User-Agent"))
		gotINM.Store(r.Header.Get("If-None-Match"))
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		fmt.Fprint(w, "<html><body><p>hello</p></body></html>")
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, strings.Repeat("x", 2048))
	})
	mux.HandleFunc("/exact", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, strings.Repeat("x", 1024))
	})
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "gone", http.StatusGone)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/page", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "file:///etc/passwd")
		w.WriteHeader(http.StatusFound)
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // hold the request until the client gives up
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c := fetch.New(fetch.Options{UserAgent: "redline-test/1", MaxBodyBytes: 1024, MaxRedirects: 3, Timeout: 200 * time.Millisecond})

	t.Run("user agent and hash", func(t *testing.T) {
		r, err := c.Get(t.Context(), fetch.Request{URL: srv.URL + "/page"})
		if err != nil {
			t.Fatal(err)
		}
		if got := gotUA.Load(); got != "redline-test/1" {
			t.Errorf("server saw User-Agent %q, want redline-test/1", got)
		}
		if r.Status != 200 || len(r.SHA256) != 64 || r.Header.Get("ETag") != `"v1"` {
			t.Errorf("got status %d sha %q etag %q", r.Status, r.SHA256, r.Header.Get("ETag"))
		}
	})
	t.Run("conditional get", func(t *testing.T) {
		r, err := c.Get(t.Context(), fetch.Request{URL: srv.URL + "/page", ETag: `"v1"`})
		if err != nil {
			t.Fatal(err)
		}
		if !r.NotModified() || gotINM.Load() != `"v1"` {
			t.Errorf("got status %d, server saw If-None-Match %q", r.Status, gotINM.Load())
		}
	})
	t.Run("body cap", func(t *testing.T) {
		if _, err := c.Get(t.Context(), fetch.Request{URL: srv.URL + "/exact"}); err != nil {
			t.Errorf("a body of exactly the cap: %v", err)
		}
		_, err := c.Get(t.Context(), fetch.Request{URL: srv.URL + "/big"})
		if !errors.Is(err, fetch.ErrBodyTooLarge) || !strings.Contains(err.Error(), srv.URL+"/big") {
			t.Errorf("got %v, want ErrBodyTooLarge naming the URL", err)
		}
	})
	t.Run("status error", func(t *testing.T) {
		r, err := c.Get(t.Context(), fetch.Request{URL: srv.URL + "/gone"})
		var se *fetch.StatusError
		if !errors.As(err, &se) || se.Status != 410 || r == nil || r.Status != 410 {
			t.Errorf("got %v, want a StatusError 410 with the response", err)
		}
	})
	t.Run("redirect recorded", func(t *testing.T) {
		r, err := c.Get(t.Context(), fetch.Request{URL: srv.URL + "/moved"})
		if err != nil || r.FinalURL != srv.URL+"/page" {
			t.Errorf("got %v, final URL %q", err, r.FinalURL)
		}
	})
	t.Run("redirect loop", func(t *testing.T) {
		_, err := c.Get(t.Context(), fetch.Request{URL: srv.URL + "/loop"})
		if err == nil || !strings.Contains(err.Error(), "stopped after 3 redirects") {
			t.Errorf("got %v, want stopped after 3 redirects", err)
		}
	})
	t.Run("redirect to file scheme", func(t *testing.T) {
		_, err := c.Get(t.Context(), fetch.Request{URL: srv.URL + "/to-file"})
		if err == nil || !strings.Contains(err.Error(), "unsupported redirect target") {
			t.Errorf("got %v, want unsupported redirect target", err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		_, err := c.Get(t.Context(), fetch.Request{URL: srv.URL + "/slow"})
		if err == nil || !strings.Contains(err.Error(), "timed out after 200ms") {
			t.Errorf("got %v, want timed out after 200ms", err)
		}
	})
	t.Run("scheme refused", func(t *testing.T) {
		for _, u := range []string{"file:///etc/passwd", "gopher://x/", "javascript:alert(1)", "http:///nohost"} {
			if _, err := c.Get(t.Context(), fetch.Request{URL: u}); err == nil {
				t.Errorf("Get(%q) succeeded, want an error", u)
			}
		}
	})
}
