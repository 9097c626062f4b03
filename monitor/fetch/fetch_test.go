package fetch_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redline-news/redline/internal/nettest"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/snapshots"
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
	c := fetch.New(fetch.Options{
		Guard: allowing(t, srv), UserAgent: "redline-test/1", MaxBodyBytes: 1024, MaxRedirects: 3, Timeout: 200 * time.Millisecond,
		MaxRetries: -1, HostRate: fetch.Unlimited, // retries and limits have their own tests
	})

	t.Run("user agent and hash", func(t *testing.T) {
		r, err := c.Get(t.Context(), fetch.Request{URL: srv.URL + "/page"})
		if err != nil {
			t.Fatal(err)
		}
		if got := gotUA.Load(); got != "redline-test/1" {
			t.Errorf("server saw User-Agent %q, want redline-test/1", got)
		}
		if r.Status != 200 || r.Header.Get("ETag") != `"v1"` {
			t.Errorf("got status %d etag %q", r.Status, r.Header.Get("ETag"))
		}
		// The store keeps this digest as the check's RawSHA256 and
		// verifies a stored body against it with snapshots.RawHash.
		if want := snapshots.RawHash(r.Body); r.SHA256 != want {
			t.Errorf("SHA256 = %q, want snapshots.RawHash of the body, %q", r.SHA256, want)
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

// fakeClock stands in for time: sleep returns at once, moving now forward
// and recording the wait.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	slept []time.Duration
}

func useFakeClock(c *fetch.Client) *fakeClock {
	f := &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	fetch.SetClock(c, f.now, f.sleep)
	return f
}

func (f *fakeClock) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
	f.slept = append(f.slept, d)
	return nil
}

func (f *fakeClock) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
}

func (f *fakeClock) sleeps() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.slept...)
}

func gzipped(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestClient_Gzip(t *testing.T) {
	const page = "<html><body><p>compressed story</p></body></html>"
	small := gzipped(t, []byte(page))
	bomb := gzipped(t, make([]byte, 2<<20)) // 2 MiB of zeros, about 2 KiB on the wire
	var gotAE atomic.Value
	mux := http.NewServeMux()
	serve := func(body []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			gotAE.Store(r.Header.Get("Accept-Encoding"))
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(body)
		}
	}
	mux.Handle("/page", serve(small))
	mux.Handle("/bomb", serve(bomb))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	const maxBody = 256 << 10
	if len(bomb) >= maxBody {
		t.Fatalf("the bomb is %d bytes compressed; it must be under the cap to test the decoded size", len(bomb))
	}
	c := fetch.New(fetch.Options{Guard: allowing(t, srv), MaxBodyBytes: maxBody, HostRate: fetch.Unlimited})

	t.Run("decoded", func(t *testing.T) {
		r, err := c.Get(t.Context(), fetch.Request{URL: srv.URL + "/page"})
		if err != nil {
			t.Fatal(err)
		}
		if string(r.Body) != page {
			t.Errorf("body %q, want the decoded page", r.Body)
		}
		if got := gotAE.Load(); got != "gzip" {
			t.Errorf("server saw Accept-Encoding %q, want gzip", got)
		}
	})
	t.Run("bomb refused on decoded size", func(t *testing.T) {
		_, err := c.Get(t.Context(), fetch.Request{URL: srv.URL + "/bomb"})
		if !errors.Is(err, fetch.ErrBodyTooLarge) || !strings.Contains(err.Error(), srv.URL+"/bomb") {
			t.Errorf("got %v, want ErrBodyTooLarge naming the URL", err)
		}
	})
}

func TestClient_Timeouts(t *testing.T) {
	block := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	srv := httptest.NewServer(block)
	defer srv.Close()

	// A TCP peer that accepts and never answers the TLS ClientHello.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		accepting sync.WaitGroup
		mu        sync.Mutex
		accepted  []net.Conn
	)
	accepting.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			accepted = append(accepted, c)
			mu.Unlock()
		}
	})
	defer func() {
		ln.Close()
		accepting.Wait()
		for _, c := range accepted {
			c.Close()
		}
	}()

	// A dialer that never connects, as a black-holed address would.
	hang := func(ctx context.Context, network, addr string) (net.Conn, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	allow := []netip.AddrPort{addrOf(t, srv), ln.Addr().(*net.TCPAddr).AddrPort()}
	base := fetch.Options{Guard: fetch.NewGuard(fetch.GuardOptions{Allow: allow, Dial: nettest.NewTripwire(t).Dial}),
		Timeout: 10 * time.Second, MaxRetries: -1, HostRate: fetch.Unlimited, Robots: fetch.RobotsIgnore}
	tests := []struct {
		name string
		url  string
		opt  func(o *fetch.Options)
		want string
	}{
		{"connect", srv.URL + "/", func(o *fetch.Options) {
			o.Guard = fetch.NewGuard(fetch.GuardOptions{Allow: allow, Dial: hang})
			o.ConnectTimeout = 50 * time.Millisecond
		}, "timed out after 50ms"},
		{"tls handshake", "https://" + ln.Addr().String() + "/", func(o *fetch.Options) { o.TLSHandshakeTimeout = 50 * time.Millisecond }, "TLS handshake timeout"},
		{"response header", srv.URL + "/", func(o *fetch.Options) { o.ResponseHeaderTimeout = 50 * time.Millisecond }, "timeout awaiting response headers"},
		{"total", srv.URL + "/", func(o *fetch.Options) { o.Timeout = 50 * time.Millisecond }, "timed out after 50ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := base
			tt.opt(&opt)
			start := time.Now()
			_, err := fetch.New(opt).Get(t.Context(), fetch.Request{URL: tt.url})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.url) {
				t.Fatalf("got %v, want %q naming the URL", err, tt.want)
			}
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				t.Errorf("%v is not a net.Error timeout", err)
			}
			// Only a sanity bound: the 10s total would have fired instead.
			if el := time.Since(start); el > 5*time.Second {
				t.Errorf("took %s", el)
			}
		})
	}
}

func TestClient_ErrorType(t *testing.T) {
	c := fetch.New(fetch.Options{})
	for _, u := range []string{"file:///etc/passwd", "http://[::1", "http:///nohost"} {
		_, err := c.Get(t.Context(), fetch.Request{URL: u})
		var fe *fetch.Error
		if !errors.As(err, &fe) || fe.URL != u || !strings.Contains(err.Error(), u) || fe.Attempts != 0 {
			t.Errorf("Get(%q) = %v, want a *fetch.Error naming the URL with no attempts", u, err)
		}
	}
}

// TestClient_ReusesConnectionsAcrossManyHosts: a monitor visits its hosts
// in turn; a second round over 150 hosts reuses the first round's
// connections instead of dialing each host again.
func TestClient_ReusesConnectionsAcrossManyHosts(t *testing.T) {
	const hosts = 150
	var dials atomic.Int64
	var srvs []*httptest.Server
	for range hosts {
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/robots.txt" {
				http.NotFound(w, r)
				return
			}
			fmt.Fprint(w, "<p>page</p>")
		}))
		srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				dials.Add(1)
			}
		}
		srv.Start()
		t.Cleanup(srv.Close)
		srvs = append(srvs, srv)
	}
	c := fetch.New(fetch.Options{Guard: allowing(t, srvs...), HostRate: fetch.Unlimited, Robots: fetch.RobotsIgnore})
	for round := range 2 {
		for _, srv := range srvs {
			if _, err := c.Get(t.Context(), fetch.Request{URL: srv.URL + "/page"}); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
	}
	// Without reuse every page dials (300). A loaded machine may lose the
	// odd idle connection to a server-side close or a slow return to the
	// pool, so a few more than one per host still pass.
	if n := dials.Load(); n < hosts || n > hosts+hosts/20 {
		t.Errorf("%d connections for 2 rounds over %d hosts, want %d (at most %d)", n, hosts, hosts, hosts+hosts/20)
	}
}
