package fetch_test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redline-news/redline/internal/nettest"
	"github.com/redline-news/redline/monitor/fetch"
)

// The fetch half of the reliability battery (docs/reliability.md,
// groups A and B). Extraction cases are in monitor/extract/battery_test.go;
// what only the monitor can do (events, versions, notifications, schedules)
// is tested there.

// repeatReader repeats b for ever: big bodies are streamed, never built.
type repeatReader struct {
	b   []byte
	off int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.b[r.off:])
		n += c
		r.off = (r.off + c) % len(r.b)
	}
	return n, nil
}

// rawServer is a 127.0.0.1 listener whose every connection is handed to
// handle, for responses net/http will not write. Each connection gets a
// 10s deadline so no handler outlives the test by much; Cleanup closes the
// listener and waits for the handlers.
type rawServer struct {
	ln net.Listener
	wg sync.WaitGroup
}

func newRawServer(t *testing.T, handle func(c net.Conn)) *rawServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &rawServer{ln: ln}
	s.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Go(func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				handle(c)
			})
		}
	})
	t.Cleanup(func() {
		ln.Close()
		s.wg.Wait()
	})
	return s
}

func (s *rawServer) addr() netip.AddrPort { return s.ln.Addr().(*net.TCPAddr).AddrPort() }
func (s *rawServer) url() string          { return "http://" + s.ln.Addr().String() + "/story" }

// readRequest consumes the request head, so a response written afterwards
// is not mistaken for an early one.
func readRequest(c net.Conn) {
	buf := make([]byte, 0, 4096)
	tmp := make([]byte, 1024)
	for !bytes.Contains(buf, []byte("\r\n\r\n")) && len(buf) < 64<<10 {
		n, err := c.Read(tmp)
		buf = append(buf, tmp[:n]...)
		if err != nil {
			return
		}
	}
}

// batteryOptions is the test config: the test SSRF policy through a
// tripwire, no retries, robots.txt or host limits, short timeouts.
func batteryOptions(t testing.TB, allow ...netip.AddrPort) fetch.Options {
	return fetch.Options{
		Guard:      fetch.NewGuard(fetch.GuardOptions{Allow: allow, Dial: nettest.NewTripwire(t).Dial, Resolver: nettest.NewResolver(nil)}),
		MaxRetries: -1, HostRate: fetch.Unlimited, HostConcurrency: fetch.Unlimited, Robots: fetch.RobotsIgnore,
		Timeout: 5 * time.Second,
	}
}

// batteryServer serves h for the test's life and returns batteryOptions
// allowing it.
func batteryServer(t *testing.T, h http.Handler) (*httptest.Server, fetch.Options) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, batteryOptions(t, addrOf(t, srv))
}

// wantErr fails unless err wraps target (if set), contains each of msgs
// and names u.
func wantErr(t *testing.T, err, target error, u string, msgs ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("Get(%s) succeeded, want an error", u)
	}
	if target != nil && !errors.Is(err, target) {
		t.Errorf("got %v, want %v", err, target)
	}
	for _, m := range append(msgs, u) {
		if !strings.Contains(err.Error(), m) {
			t.Errorf("error %q does not contain %q", err, m)
		}
	}
}

// settleGoroutines waits (briefly, polling) for the goroutine count to fall
// back to before, and fails if it does not.
func settleGoroutines(t *testing.T, before int) {
	t.Helper()
	for range 200 {
		if runtime.NumGoroutine() <= before {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("%d goroutines, %d before: a goroutine leaked", runtime.NumGoroutine(), before)
}

func TestBattery(t *testing.T) {
	t.Run("H02_huge_page", batteryH02)
	t.Run("H03_length_lie", batteryH03)
	t.Run("H05_gzip_bomb", batteryH05)
	t.Run("N01_slow_drip", batteryN01)
	t.Run("N02_silent_server", batteryN02)
	t.Run("N03_endless_chunked", batteryN03)
	t.Run("N04_redirect_loop", batteryN04)

	// N05–N08: the SSRF cases, answered by the Guard (guard_test.go holds
	// its helpers). N08's config half is cmd/redline's.
	batteryGuard(t)

	t.Run("N09_rate_limits", batteryN09)
	t.Run("N10_tls_failures", batteryN10)
	t.Run("N11_status_semantics", batteryN11)
	t.Run("N12_header_bomb", batteryN12)
	t.Run("N14_mid_body_reset", batteryN14)
	t.Run("N15_malformed_response", batteryN15)
	t.Run("N16_host_politeness", batteryN16)
}

// batteryH02 is case H02 of the battery (docs/reliability.md).
func batteryH02(t *testing.T) {
	const huge = 200 << 20
	const maxBody = 1 << 20
	for _, variant := range []string{"content_length", "chunked"} {
		t.Run(variant, func(t *testing.T) {
			var written atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				if variant == "content_length" {
					w.Header().Set("Content-Length", fmt.Sprint(huge))
				} else {
					w.(http.Flusher).Flush()
				}
				n, _ := io.Copy(w, io.LimitReader(&repeatReader{b: []byte("<p>lorem ipsum dolor sit amet</p>\n")}, huge))
				written.Add(n)
			}))
			opt := batteryOptions(t, addrOf(t, srv))
			opt.MaxBodyBytes = maxBody
			r, err := fetch.New(opt).Get(t.Context(), fetch.Request{URL: srv.URL + "/big"})
			wantErr(t, err, fetch.ErrBodyTooLarge, srv.URL+"/big", "body exceeds max_body_bytes=1048576")
			if r != nil && r.Body != nil {
				t.Errorf("got %d body bytes with the error, want none", len(r.Body))
			}
			srv.Close() // waits for the handler, which stops when the client hangs up
			if n := written.Load(); n >= huge/4 {
				t.Errorf("server wrote %d bytes: the client kept reading past the cap", n)
			}
		})
	}
}

// batteryH03 is case H03 of the battery (docs/reliability.md).
func batteryH03(t *testing.T) {
	t.Run("longer_than_declared", func(t *testing.T) {
		srv := newRawServer(t, func(c net.Conn) {
			readRequest(c)
			// Connection: close, so the client drops the connection after
			// the declared length instead of finding the rest on an idle
			// connection.
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n")
			io.Copy(c, io.LimitReader(&repeatReader{b: []byte("<p>x</p>")}, 50<<20))
		})
		r, err := fetch.New(batteryOptions(t, srv.addr())).Get(t.Context(), fetch.Request{URL: srv.url()})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Body) != 1000 {
			t.Errorf("body is %d bytes, want the declared 1000", len(r.Body))
		}
	})
	t.Run("shorter_than_declared", func(t *testing.T) {
		srv := newRawServer(t, func(c net.Conn) {
			readRequest(c)
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 10485760\r\n\r\n")
			io.WriteString(c, strings.Repeat("x", 1024))
		})
		r, err := fetch.New(batteryOptions(t, srv.addr())).Get(t.Context(), fetch.Request{URL: srv.url()})
		wantErr(t, err, io.ErrUnexpectedEOF, srv.url(), "disconnect after 1024 of 10485760 bytes")
		if r != nil && r.Body != nil {
			t.Errorf("got %d body bytes with the error, want none", len(r.Body))
		}
	})
}

// batteryH05 is case H05 of the battery (docs/reliability.md).
func batteryH05(t *testing.T) {
	const maxBody = 4 << 20
	// 2 GiB of spaces in about 2 MB: 2048 gzip members of 1 MiB each,
	// which a gzip reader decodes as one stream. Compressing once keeps
	// the test fast.
	member := gzipped(t, bytes.Repeat([]byte(" "), 1<<20))
	bomb := bytes.NewBuffer(bytes.Repeat(member, 2048))
	page := gzipped(t, []byte("<html><body><p>story</p></body></html>"))
	var sawAE atomic.Value
	serve := func(encoding string, body []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			sawAE.Store(r.Header.Get("Accept-Encoding"))
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Content-Encoding", encoding)
			w.Write(body)
		}
	}
	mux := http.NewServeMux()
	mux.Handle("/bomb", serve("gzip", bomb.Bytes()))
	mux.Handle("/nested", serve("gzip", gzipped(t, page)))
	mux.Handle("/nested-declared", serve("gzip, gzip", gzipped(t, page)))
	mux.Handle("/br", serve("br", []byte("\x1b\x03\x00\xf8\xa5\x02\x12\x00")))
	mux.Handle("/zstd", serve("zstd", []byte("\x28\xb5\x2f\xfd\x00\x58\x01\x00\x00")))
	srv, opt := batteryServer(t, mux)
	opt.MaxBodyBytes = maxBody
	c := fetch.New(opt)

	t.Run("decompressed_cap", func(t *testing.T) {
		if bomb.Len() >= maxBody {
			t.Fatalf("the bomb is %d bytes on the wire; it must be under the cap", bomb.Len())
		}
		_, err := c.Get(t.Context(), fetch.Request{URL: srv.URL + "/bomb"})
		wantErr(t, err, fetch.ErrBodyTooLarge, srv.URL+"/bomb", "decompressed body exceeds max_body_bytes=4194304")
	})
	t.Run("nested_decoded_once", func(t *testing.T) {
		r, err := c.Get(t.Context(), fetch.Request{URL: srv.URL + "/nested"})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(r.Body, page) {
			t.Errorf("body %q, want the inner gzip stream as sent (one layer decoded)", r.Body)
		}
		_, err = c.Get(t.Context(), fetch.Request{URL: srv.URL + "/nested-declared"})
		wantErr(t, err, fetch.ErrUnsupportedEncoding, srv.URL+"/nested-declared", "unsupported Content-Encoding gzip, gzip")
	})
	for _, enc := range []string{"br", "zstd"} {
		t.Run("unrequested_"+enc, func(t *testing.T) {
			r, err := c.Get(t.Context(), fetch.Request{URL: srv.URL + "/" + enc})
			wantErr(t, err, fetch.ErrUnsupportedEncoding, srv.URL+"/"+enc, "unsupported Content-Encoding "+enc)
			if r != nil && r.Body != nil {
				t.Errorf("got body %q, want none", r.Body)
			}
			if got := sawAE.Load(); got != "gzip" {
				t.Errorf("we sent Accept-Encoding %q, want gzip only", got)
			}
		})
	}
}

// batteryN01 is case N01 of the battery (docs/reliability.md).
func batteryN01(t *testing.T) {
	srv := newRawServer(t, func(c net.Conn) {
		readRequest(c)
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n")
		// One byte per 20ms until the client hangs up (or the
		// connection's 10s deadline).
		for {
			if _, err := c.Write([]byte("x")); err != nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	before := runtime.NumGoroutine()
	opt := batteryOptions(t, srv.addr())
	opt.Timeout = 300 * time.Millisecond
	_, err := fetch.New(opt).Get(t.Context(), fetch.Request{URL: srv.url()})
	wantErr(t, err, nil, srv.url(), "timed out after 300ms reading body")
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("%v is not a timeout", err)
	}
	// The worker is free and nothing is left reading: the connection
	// is closed, so the server's writer stops too.
	settleGoroutines(t, before)
}

// batteryN02 is case N02 of the battery (docs/reliability.md).
func batteryN02(t *testing.T) {
	srv := newRawServer(t, func(c net.Conn) {
		readRequest(c)
		io.Copy(io.Discard, c) // say nothing until the client hangs up
	})
	before := runtime.NumGoroutine()
	opt := batteryOptions(t, srv.addr())
	opt.ResponseHeaderTimeout = 100 * time.Millisecond
	_, err := fetch.New(opt).Get(t.Context(), fetch.Request{URL: srv.url()})
	wantErr(t, err, nil, srv.url(), "timeout awaiting response headers")
	settleGoroutines(t, before)
}

// batteryN03 is case N03 of the battery (docs/reliability.md).
func batteryN03(t *testing.T) {
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(done)
		chunk := bytes.Repeat([]byte("<p>more</p>"), 1000)
		stop := time.After(30 * time.Second)
		for {
			select {
			case <-r.Context().Done():
				return
			case <-stop:
				return
			default:
			}
			if _, err := w.Write(chunk); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
	}))
	defer srv.Close()
	opt := batteryOptions(t, addrOf(t, srv))
	opt.MaxBodyBytes = 256 << 10
	_, err := fetch.New(opt).Get(t.Context(), fetch.Request{URL: srv.URL + "/"})
	wantErr(t, err, fetch.ErrBodyTooLarge, srv.URL+"/", "body exceeds max_body_bytes=262144")
	select {
	case <-done: // the connection was closed, so the handler stopped
	case <-time.After(10 * time.Second):
		t.Error("the server is still writing: the connection was not closed")
	}
}

// batteryN04 is case N04 of the battery (docs/reliability.md).
func batteryN04(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/b", http.StatusFound) })
	mux.HandleFunc("/b", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/a", http.StatusFound) })
	mux.HandleFunc("/hop/{n}", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscan(r.PathValue("n"), &n)
		if n == 0 {
			fmt.Fprint(w, "<p>arrived</p>")
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusFound)
	})
	srv, opt := batteryServer(t, mux)
	c := fetch.New(opt)
	t.Run("loop", func(t *testing.T) {
		for range 2 { // and the next run fails the same way, no state kept
			r, err := c.Get(t.Context(), fetch.Request{URL: srv.URL + "/a"})
			wantErr(t, err, nil, srv.URL+"/a", "stopped after 10 redirects ("+srv.URL+"/a → "+srv.URL+"/b)")
			if r != nil {
				t.Errorf("got a response %+v, want none", r)
			}
		}
	})
	t.Run("11_hops", func(t *testing.T) {
		_, err := c.Get(t.Context(), fetch.Request{URL: srv.URL + "/hop/11"})
		wantErr(t, err, nil, srv.URL+"/hop/11", "stopped after 10 redirects ("+srv.URL+"/hop/11 → "+srv.URL+"/hop/0)")
		r, err := c.Get(t.Context(), fetch.Request{URL: srv.URL + "/hop/10"})
		if err != nil || r.FinalURL != srv.URL+"/hop/0" {
			t.Errorf("10 hops: got %v, want to arrive at /hop/0", err)
		}
	})
}

// batteryN09 is case N09 of the battery (docs/reliability.md).
func batteryN09(t *testing.T) {
	tests := []struct {
		retryAfter string
		status     int
		wantHits   int64
		wantSleep  func(d time.Duration) bool
		wantErr    error
	}{
		// Obeyed: one retry after the asked-for wait.
		{"120", 429, 2, func(d time.Duration) bool { return d == 120*time.Second }, nil},
		// Garbage or the past: ignored, ordinary backoff (base 1s).
		{"Wed, 21 Oct 2015 07:28:00 GMT", 503, 2, func(d time.Duration) bool { return d == time.Second }, nil},
		{"-5", 429, 2, func(d time.Duration) bool { return d == time.Second }, nil},
		{"soon", 503, 2, func(d time.Duration) bool { return d == time.Second }, nil},
		// Past MaxRetryAfter: give up now and carry the delay, so the
		// monitor schedules the next try (clamping it to its range).
		{"999999999999", 429, 1, nil, fetch.ErrRetryAfterTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.retryAfter, func(t *testing.T) {
			s := &script{statuses: []int{tt.status}, retryAfter: []string{tt.retryAfter}}
			srv, c, clk := scripted(t, s, fetch.Options{MaxRetries: 5, MaxRetryAfter: 5 * time.Minute})
			fetch.SetJitter(c, identity)
			_, err := c.Get(t.Context(), fetch.Request{URL: srv.URL})
			if tt.wantErr != nil {
				wantErr(t, err, tt.wantErr, srv.URL)
				var se *fetch.StatusError
				if !errors.As(err, &se) || se.RetryAfter <= 5*time.Minute {
					t.Errorf("got %v, want a StatusError carrying the long Retry-After", err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if got := s.hits.Load(); got != tt.wantHits {
				t.Errorf("server saw %d requests, want %d", got, tt.wantHits)
			}
			sl := clk.sleeps()
			if tt.wantSleep == nil && len(sl) != 0 || tt.wantSleep != nil && (len(sl) != 1 || !tt.wantSleep(sl[0])) {
				t.Errorf("slept %v", sl)
			}
		})
	}
	t.Run("storm_bounded", func(t *testing.T) {
		s := &script{statuses: slices.Repeat([]int{429}, 100), retryAfter: slices.Repeat([]string{"1"}, 100)}
		srv, c, _ := scripted(t, s, fetch.Options{MaxRetries: 2})
		_, err := c.Get(t.Context(), fetch.Request{URL: srv.URL})
		var se *fetch.StatusError
		if !errors.As(err, &se) || se.Status != 429 || s.hits.Load() != 3 {
			t.Errorf("got %v after %d requests, want a 429 after 3", err, s.hits.Load())
		}
	})
}

// batteryN10 is case N10 of the battery (docs/reliability.md).
func batteryN10(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<p>secure</p>") }))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
	srv.StartTLS()
	defer srv.Close()
	trusted := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	expired := expiredTLSServer(t)
	tests := []struct {
		name, url string
		roots     *x509.CertPool
		want      string
	}{
		{"self_signed", srv.URL + "/", nil, "x509: certificate signed by unknown authority"},
		{"wrong_hostname", "https://wrong.test:" + port + "/", trusted, "x509: certificate is valid for"},
		{"expired", expired.url, expired.roots, "x509: certificate has expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := batteryOptions(t, addrOf(t, srv), expired.addr)
			opt.Guard = fetch.NewGuard(fetch.GuardOptions{Allow: []netip.AddrPort{addrOf(t, srv), expired.addr}, Dial: nettest.NewTripwire(t).Dial,
				Resolver: nettest.NewResolver(map[string][]string{"wrong.test": {"127.0.0.1"}})})
			opt.MaxRetries = 2 // a bad certificate must not be retried
			opt.RootCAs = tt.roots
			_, err := fetch.New(opt).Get(t.Context(), fetch.Request{URL: tt.url})
			wantErr(t, err, nil, tt.url, tt.want)
			var cve *tls.CertificateVerificationError
			var fe *fetch.Error
			if !errors.As(err, &cve) || !errors.As(err, &fe) || fe.Attempts != 1 {
				t.Errorf("got %#v, want one attempt failing certificate verification", err)
			}
		})
	}
	t.Run("trusted_ok", func(t *testing.T) {
		// The same server with its CA trusted: the failures above are
		// the certificate's, and nothing falls back to insecure.
		opt := batteryOptions(t, addrOf(t, srv))
		opt.RootCAs = trusted
		if _, err := fetch.New(opt).Get(t.Context(), fetch.Request{URL: srv.URL + "/"}); err != nil {
			t.Fatal(err)
		}
	})
}

// batteryN11 is case N11 of the battery (docs/reliability.md).
func batteryN11(t *testing.T) {
	var fails atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/404", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	mux.HandleFunc("/410", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "gone", http.StatusGone) })
	mux.HandleFunc("/500-once", func(w http.ResponseWriter, r *http.Request) {
		if fails.Add(1) == 1 {
			http.Error(w, "oops", http.StatusInternalServerError)
			return
		}
		fmt.Fprint(w, "<p>back</p>")
	})
	mux.HandleFunc("/etag", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		fmt.Fprint(w, "<p>v1</p>")
	})
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/new", http.StatusMovedPermanently) })
	mux.HandleFunc("/new", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<p>moved</p>") })
	srv, opt := batteryServer(t, mux)
	opt.MaxRetries = 2
	c := fetch.New(opt)
	useFakeClock(c)

	for _, status := range []int{404, 410} {
		u := fmt.Sprintf("%s/%d", srv.URL, status)
		r, err := c.Get(t.Context(), fetch.Request{URL: u})
		var se *fetch.StatusError
		if !errors.As(err, &se) || se.Status != status || r == nil || r.Status != status || r.Attempts != 1 {
			t.Errorf("%d: got %v, want one attempt and a StatusError the monitor turns into one \"gone\" event", status, err)
		}
	}
	if r, err := c.Get(t.Context(), fetch.Request{URL: srv.URL + "/500-once"}); err != nil || r.Attempts != 2 {
		t.Errorf("500 once: got %v, want success on the retry", err)
	}
	first, err := c.Get(t.Context(), fetch.Request{URL: srv.URL + "/etag"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Get(t.Context(), fetch.Request{URL: srv.URL + "/etag", ETag: first.Header.Get("ETag")})
	if err != nil || !r.NotModified() || len(r.Body) != 0 {
		t.Errorf("conditional GET: got %+v, %v; want a 304 with no body", r, err)
	}
	r, err = c.Get(t.Context(), fetch.Request{URL: srv.URL + "/old"})
	if err != nil || r.FinalURL != srv.URL+"/new" {
		t.Errorf("redirect: got %v, final URL %q; want %s/new", err, r.FinalURL, srv.URL)
	}
}

// batteryN12 is case N12 of the battery (docs/reliability.md).
func batteryN12(t *testing.T) {
	for name, header := range map[string]string{
		"1MB_of_headers": "X-Pad: " + strings.Repeat("a", 1000) + "\r\n",
		"set_cookie":     "Set-Cookie: c=1; Path=/\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			srv := newRawServer(t, func(c net.Conn) {
				readRequest(c)
				io.WriteString(c, "HTTP/1.1 200 OK\r\n")
				for range 10_000 { // 10 000 × ≥ 25 bytes; 1 MB for X-Pad
					if _, err := io.WriteString(c, header); err != nil {
						return
					}
				}
				io.WriteString(c, "Content-Length: 0\r\n\r\n")
			})
			_, err := fetch.New(batteryOptions(t, srv.addr())).Get(t.Context(), fetch.Request{URL: srv.url()})
			wantErr(t, err, fetch.ErrHeadersTooLarge, srv.url(), "response headers exceed limit (max_header_bytes=65536)")
		})
	}
	// The limit is configurable: 20 KB of headers pass the default and
	// not an 8 KiB limit.
	srv := newRawServer(t, func(c net.Conn) {
		readRequest(c)
		io.WriteString(c, "HTTP/1.1 200 OK\r\nX-Pad: "+strings.Repeat("a", 20_000)+"\r\nContent-Length: 0\r\n\r\n")
	})
	if _, err := fetch.New(batteryOptions(t, srv.addr())).Get(t.Context(), fetch.Request{URL: srv.url()}); err != nil {
		t.Fatalf("20 KB of headers under the default limit: %v", err)
	}
	opt := batteryOptions(t, srv.addr())
	opt.MaxHeaderBytes = 8 << 10
	_, err := fetch.New(opt).Get(t.Context(), fetch.Request{URL: srv.url()})
	wantErr(t, err, fetch.ErrHeadersTooLarge, srv.url(), "response headers exceed limit (max_header_bytes=8192)")
}

// batteryN14 is case N14 of the battery (docs/reliability.md).
func batteryN14(t *testing.T) {
	srv := newRawServer(t, func(c net.Conn) {
		readRequest(c)
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 102400\r\n\r\n")
		io.WriteString(c, strings.Repeat("y", 51200))
		// Closed mid-body by the deferred Close.
	})
	opt := batteryOptions(t, srv.addr())
	r, err := fetch.New(opt).Get(t.Context(), fetch.Request{URL: srv.url()})
	wantErr(t, err, io.ErrUnexpectedEOF, srv.url(), "disconnect after 51200 of 102400 bytes")
	if r != nil && (r.Body != nil || r.SHA256 != "") {
		t.Errorf("got a partial body (%d bytes) with the error, want none", len(r.Body))
	}
}

// batteryN15 is case N15 of the battery (docs/reliability.md).
func batteryN15(t *testing.T) {
	for name, resp := range map[string]string{
		"garbage_status": "GARBAGE\r\n\r\n",
		"nul_in_header":  "HTTP/1.1 200 OK\r\nX-Bad\x00Name: 1\r\nContent-Length: 2\r\n\r\nok",
		"http_0.9":       "<html><body><p>no status line</p></body></html>",
		"bad_code":       "HTTP/1.1 2x0 OK\r\nContent-Length: 2\r\n\r\nok",
	} {
		t.Run(name, func(t *testing.T) {
			srv := newRawServer(t, func(c net.Conn) {
				readRequest(c)
				io.WriteString(c, resp)
			})
			_, err := fetch.New(batteryOptions(t, srv.addr())).Get(t.Context(), fetch.Request{URL: srv.url()})
			wantErr(t, err, nil, srv.url())
		})
	}
}

// batteryN16 is case N16 of the battery (docs/reliability.md).
func batteryN16(t *testing.T) {
	// The fetch part: the per-host limit holds on the slow host and a
	// fast host is not queued behind it. Keeping each source's
	// schedule is the monitor's.
	release := make(chan struct{})
	var inflight, peak atomic.Int64
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inflight.Add(1)
		defer inflight.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		select {
		case <-release:
		case <-time.After(10 * time.Second):
		}
	}))
	defer slow.Close()
	fast := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<p>fast</p>") }))
	defer fast.Close()
	opt := batteryOptions(t, addrOf(t, slow), addrOf(t, fast))
	opt.HostConcurrency = 2
	opt.Timeout = 20 * time.Second
	c := fetch.New(opt)
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			if _, err := c.Get(t.Context(), fetch.Request{URL: fmt.Sprintf("%s/%d", slow.URL, i)}); err != nil {
				t.Error(err)
			}
		})
	}
	for inflight.Load() < 2 { // wait until the slow host is saturated
		time.Sleep(time.Millisecond)
	}
	if _, err := c.Get(t.Context(), fetch.Request{URL: fast.URL + "/"}); err != nil {
		t.Errorf("fast host: %v", err)
	}
	close(release) // the fast fetch finished while the slow host held its slots
	wg.Wait()
	if p := peak.Load(); p != 2 {
		t.Errorf("slow host saw %d requests at once, want the limit of 2", p)
	}
}

type tlsServer struct {
	url   string
	addr  netip.AddrPort
	roots *x509.CertPool
}

// expiredTLSServer serves with a self-signed certificate for 127.0.0.1
// that expired a day ago, and returns it with a pool trusting it.
func expiredTLSServer(t *testing.T) tlsServer {
	t.Helper()
	cert, roots := nettest.SelfSigned(t, "expired.test", time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour))
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<p>stale</p>") }))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return tlsServer{url: srv.URL + "/", addr: addrOf(t, srv), roots: roots}
}

// batteryGuard holds N05–N08, the SSRF cases, which the Guard answers.
func batteryGuard(t *testing.T) {
	t.Run("N05_metadata_redirect", func(t *testing.T) {
		origin := redirector(t)
		w := nettest.NewTripwire(t)
		c := guardedClient(t, w, nettest.NewResolver(nil), origin)
		u := origin.URL + "/?to=" + url.QueryEscape("http://169.254.169.254/latest/meta-data/")
		_, err := c.Get(t.Context(), fetch.Request{URL: u})
		want := "fetch " + u + ": redirect hop 1 → http://169.254.169.254/latest/meta-data/: refusing to connect to 169.254.169.254 (cloud metadata endpoint): name it in allow_addresses to allow it"
		if err == nil || err.Error() != want {
			t.Errorf("got  %v\nwant %s", err, want)
		}
		var ae *fetch.AddrError
		var fe *fetch.Error
		if !errors.As(err, &ae) || !errors.As(err, &fe) || fe.Attempts != 1 {
			t.Errorf("got %#v, want a *fetch.Error after 1 attempt wrapping an *AddrError", err)
		}
		if got := w.Dialled(); len(got) != 1 || got[0] != addrOf(t, origin).String() {
			t.Errorf("tripwire saw %v, want only the origin", got)
		}
	})
	t.Run("N06_loopback_tricks", func(t *testing.T) {
		origin := redirector(t)
		canary, hits := newCanary(t)
		_, port, _ := net.SplitHostPort(addrOf(t, canary).String())
		for _, target := range []string{
			"http://127.0.0.1:" + port + "/",
			"http://[::ffff:127.0.0.1]:" + port + "/",
			"http://[::ffff:7f00:1]:" + port + "/",
			"http://[::1]:" + port + "/",
			"http://[64:ff9b::7f00:1]:" + port + "/",
			"http://2130706433:" + port + "/",
			"http://0x7f.1:" + port + "/",
			"http://0177.0.0.1:" + port + "/",
			"http://127.1:" + port + "/",
			"http://0.0.0.0:" + port + "/",
			"http://localhost:" + port + "/",
			"http://localhost.:" + port + "/",
			"http://x@127.0.0.1:" + port + "/",
		} {
			t.Run(target, func(t *testing.T) {
				w := nettest.NewTripwire(t)
				c := guardedClient(t, w, nettest.NewResolver(nil), origin)
				_, err := c.Get(t.Context(), fetch.Request{URL: origin.URL + "/?to=" + url.QueryEscape(target)})
				if err == nil || !strings.Contains(err.Error(), "redirect hop 1") {
					t.Errorf("got %v, want the redirect refused", err)
				}
				if n := w.DialledTo(addrOf(t, canary).String()); n != 0 {
					t.Errorf("tripwire saw %d dials to the canary", n)
				}
			})
		}
		t.Run("direct", func(t *testing.T) {
			w := nettest.NewTripwire(t)
			c := guardedClient(t, w, nettest.NewResolver(nil), origin)
			_, err := c.Get(t.Context(), fetch.Request{URL: canary.URL + "/"})
			var ae *fetch.AddrError
			if !errors.As(err, &ae) || !strings.Contains(err.Error(), "fetch "+canary.URL+"/: refusing to connect to 127.0.0.1 (loopback)") {
				t.Errorf("got %v, want the canary refused, naming the URL and address", err)
			}
		})
		if hits.Load() != 0 {
			t.Errorf("canary hit %d times, want 0", hits.Load())
		}
	})
	t.Run("N07_dns_rebinding", func(t *testing.T) {
		origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// No keep-alive, so the second fetch must dial (and resolve)
			// again rather than reuse the checked connection.
			w.Header().Set("Connection", "close")
			fmt.Fprint(w, "<p>story</p>")
		}))
		defer origin.Close()
		_, port, _ := net.SplitHostPort(addrOf(t, origin).String())
		w := nettest.NewTripwire(t)
		res := nettest.NewResolver(map[string][]string{"rebind.test": {"127.0.0.1", "169.254.169.254"}})
		c := guardedClient(t, w, res, origin)
		u := "http://rebind.test:" + port + "/story"
		if _, err := c.Get(t.Context(), fetch.Request{URL: u}); err != nil {
			t.Fatalf("first fetch: %v", err)
		}
		_, err := c.Get(t.Context(), fetch.Request{URL: u})
		want := "fetch " + u + ": refusing to connect to rebind.test (169.254.169.254, cloud metadata endpoint): name it in allow_addresses to allow it"
		if err == nil || err.Error() != want {
			t.Errorf("second fetch: got %v\nwant %s", err, want)
		}
		if got := w.Dialled(); len(got) != 1 {
			t.Errorf("tripwire saw %v, want the first fetch's dial only", got)
		}
	})
	t.Run("N08_scheme_tricks_dial_nothing", func(t *testing.T) {
		origin := redirector(t)
		w := nettest.NewTripwire(t)
		c := guardedClient(t, w, nettest.NewResolver(nil), origin)
		for _, target := range []string{"file:///etc/passwd", "gopher://127.0.0.1/", `http:\\127.0.0.1\`, "data:text/html,x"} {
			if _, err := c.Get(t.Context(), fetch.Request{URL: target}); err == nil {
				t.Errorf("Get(%q) succeeded", target)
			}
			_, err := c.Get(t.Context(), fetch.Request{URL: origin.URL + "/?to=" + url.QueryEscape(target)})
			if err == nil {
				t.Errorf("redirect to %q followed", target)
			}
		}
		for _, a := range w.Dialled() {
			if a != addrOf(t, origin).String() {
				t.Errorf("tripwire saw %s", a)
			}
		}
	})
}
