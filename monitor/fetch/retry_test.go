package fetch_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redline-news/redline/monitor/fetch"
)

// script answers requests in turn with the given statuses (then 200s),
// setting Retry-After where given, and counts them.
type script struct {
	mu         sync.Mutex
	statuses   []int
	retryAfter []string
	hits       atomic.Int64
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(s.hits.Add(1)) - 1
	s.mu.Lock()
	defer s.mu.Unlock()
	if n < len(s.retryAfter) && s.retryAfter[n] != "" {
		w.Header().Set("Retry-After", s.retryAfter[n])
	}
	if n < len(s.statuses) {
		http.Error(w, "try later", s.statuses[n])
		return
	}
	w.Write([]byte("ok"))
}

func identity(d time.Duration) time.Duration { return d }

// retryClient has no host limits or robots.txt, so every sleep it records
// is a backoff.
func retryClient(t testing.TB, srv *httptest.Server, opt fetch.Options) (*fetch.Client, *fakeClock) {
	if opt.Guard == nil {
		opt.Guard = allowing(t, srv)
	}
	opt.HostRate = fetch.Unlimited
	opt.Robots = fetch.RobotsIgnore
	c := fetch.New(opt)
	return c, useFakeClock(c)
}

// scripted serves s for the test's life and returns a retryClient of it.
func scripted(t testing.TB, s *script, opt fetch.Options) (*httptest.Server, *fetch.Client, *fakeClock) {
	t.Helper()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	c, clk := retryClient(t, srv, opt)
	return srv, c, clk
}

func TestClient_Retry(t *testing.T) {
	t.Run("transient statuses retried with exponential backoff", func(t *testing.T) {
		s := &script{statuses: []int{503, 502}}
		srv, c, clk := scripted(t, s, fetch.Options{RetryBaseDelay: 100 * time.Millisecond})
		fetch.SetJitter(c, identity)
		r, err := c.Get(t.Context(), fetch.Request{URL: srv.URL})
		if err != nil {
			t.Fatal(err)
		}
		if r.Attempts != 3 || s.hits.Load() != 3 || string(r.Body) != "ok" {
			t.Errorf("attempts %d, server saw %d, body %q; want 3, 3, ok", r.Attempts, s.hits.Load(), r.Body)
		}
		if got, want := clk.sleeps(), []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}; !slices.Equal(got, want) {
			t.Errorf("slept %v, want %v", got, want)
		}
	})
	t.Run("gives up after MaxRetries, capped at RetryMaxDelay", func(t *testing.T) {
		s := &script{statuses: slices.Repeat([]int{500}, 10)}
		srv, c, clk := scripted(t, s, fetch.Options{MaxRetries: 5, RetryBaseDelay: time.Second, RetryMaxDelay: 3 * time.Second})
		fetch.SetJitter(c, identity)
		r, err := c.Get(t.Context(), fetch.Request{URL: srv.URL})
		var fe *fetch.Error
		var se *fetch.StatusError
		if !errors.As(err, &fe) || fe.Attempts != 6 || !errors.As(err, &se) || se.Status != 500 ||
			!strings.Contains(err.Error(), "(6 attempts)") || !strings.Contains(err.Error(), srv.URL) {
			t.Fatalf("got %v, want a 500 after 6 attempts naming the URL", err)
		}
		if r == nil || r.Attempts != 6 || s.hits.Load() != 6 {
			t.Errorf("response %+v, server saw %d", r, s.hits.Load())
		}
		want := []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second, 3 * time.Second}
		if got := clk.sleeps(); !slices.Equal(got, want) {
			t.Errorf("slept %v, want %v", got, want)
		}
	})
	t.Run("full jitter stays under the bound", func(t *testing.T) {
		s := &script{statuses: slices.Repeat([]int{504}, 10)}
		srv, c, clk := scripted(t, s, fetch.Options{MaxRetries: 8, RetryBaseDelay: time.Second, RetryMaxDelay: 8 * time.Second})
		c.Get(t.Context(), fetch.Request{URL: srv.URL})
		got := clk.sleeps()
		if len(got) != 8 {
			t.Fatalf("slept %d times, want 8", len(got))
		}
		for i, d := range got {
			bound := min(time.Second<<i, 8*time.Second)
			if d < 0 || d > bound {
				t.Errorf("sleep %d = %s, want within [0, %s]", i, d, bound)
			}
		}
	})
	t.Run("not retried", func(t *testing.T) {
		for _, status := range []int{400, 403, 404, 410, 501} {
			s := &script{statuses: []int{status}}
			srv, c, _ := scripted(t, s, fetch.Options{})
			r, err := c.Get(t.Context(), fetch.Request{URL: srv.URL})
			if err == nil || r.Attempts != 1 || s.hits.Load() != 1 {
				t.Errorf("HTTP %d: err %v, server saw %d requests, want 1", status, err, s.hits.Load())
			}
		}
	})
	t.Run("negative MaxRetries means none", func(t *testing.T) {
		s := &script{statuses: []int{503}}
		srv, c, _ := scripted(t, s, fetch.Options{MaxRetries: -1})
		if _, err := c.Get(t.Context(), fetch.Request{URL: srv.URL}); err == nil || s.hits.Load() != 1 {
			t.Errorf("err %v, server saw %d, want one failed attempt", err, s.hits.Load())
		}
	})
}

func TestClient_RetryAfter(t *testing.T) {
	t.Run("seconds", func(t *testing.T) {
		s := &script{statuses: []int{429}, retryAfter: []string{"7"}}
		srv, c, clk := scripted(t, s, fetch.Options{})
		r, err := c.Get(t.Context(), fetch.Request{URL: srv.URL})
		if err != nil || r.Attempts != 2 {
			t.Fatalf("got %v, want success on attempt 2", err)
		}
		if got := clk.sleeps(); !slices.Equal(got, []time.Duration{7 * time.Second}) {
			t.Errorf("slept %v, want [7s]", got)
		}
	})
	t.Run("HTTP-date", func(t *testing.T) {
		s := &script{statuses: []int{503}}
		srv, c, clk := scripted(t, s, fetch.Options{})
		s.retryAfter = []string{clk.now().Add(90 * time.Second).Format(http.TimeFormat)}
		if _, err := c.Get(t.Context(), fetch.Request{URL: srv.URL}); err != nil {
			t.Fatal(err)
		}
		if got := clk.sleeps(); !slices.Equal(got, []time.Duration{90 * time.Second}) {
			t.Errorf("slept %v, want [1m30s]", got)
		}
	})
	t.Run("over the cap gives up and carries the delay", func(t *testing.T) {
		s := &script{statuses: []int{429}, retryAfter: []string{"3600"}}
		srv, c, clk := scripted(t, s, fetch.Options{MaxRetryAfter: 5 * time.Minute})
		r, err := c.Get(t.Context(), fetch.Request{URL: srv.URL})
		var se *fetch.StatusError
		if !errors.Is(err, fetch.ErrRetryAfterTooLong) || !errors.As(err, &se) || se.RetryAfter != time.Hour || se.Status != 429 {
			t.Fatalf("got %v, want ErrRetryAfterTooLong with a 429 StatusError carrying 1h", err)
		}
		if !strings.Contains(err.Error(), srv.URL) || !strings.Contains(err.Error(), "5m0s cap") {
			t.Errorf("message %q does not name the URL and the cap", err)
		}
		if r == nil || r.Attempts != 1 || s.hits.Load() != 1 || len(clk.sleeps()) != 0 {
			t.Errorf("response %+v, server saw %d, slept %v; want one attempt and no wait", r, s.hits.Load(), clk.sleeps())
		}
	})
	t.Run("past the caller's deadline gives up now", func(t *testing.T) {
		s := &script{statuses: []int{503}, retryAfter: []string{"60"}}
		srv, c, clk := scripted(t, s, fetch.Options{})
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		_, err := c.Get(ctx, fetch.Request{URL: srv.URL})
		if !errors.Is(err, fetch.ErrRetryAfterTooLong) || len(clk.sleeps()) != 0 {
			t.Errorf("got %v after sleeping %v, want ErrRetryAfterTooLong at once", err, clk.sleeps())
		}
	})
}

func TestClient_RetryTransport(t *testing.T) {
	t.Run("connection errors retried", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
		defer srv.Close()
		var dials atomic.Int64
		var d net.Dialer
		c, clk := retryClient(t, srv, fetch.Options{Guard: fetch.NewGuard(fetch.GuardOptions{Allow: []netip.AddrPort{addrOf(t, srv)}, Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if dials.Add(1) <= 2 {
				return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
			}
			return d.DialContext(ctx, network, addr)
		}})})
		r, err := c.Get(t.Context(), fetch.Request{URL: srv.URL})
		if err != nil || r.Attempts != 3 || len(clk.sleeps()) != 2 {
			t.Errorf("got %v, attempts %v, slept %v; want success on attempt 3", err, r, clk.sleeps())
		}
	})
	t.Run("attempt timeout retried", func(t *testing.T) {
		var hits atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if hits.Add(1) == 1 {
				<-r.Context().Done()
				return
			}
			w.Write([]byte("ok"))
		}))
		defer srv.Close()
		c, _ := retryClient(t, srv, fetch.Options{Timeout: 100 * time.Millisecond})
		r, err := c.Get(t.Context(), fetch.Request{URL: srv.URL})
		if err != nil || r.Attempts != 2 {
			t.Errorf("got %v, want success on attempt 2", err)
		}
	})
	t.Run("unknown scheme in a redirect not retried", func(t *testing.T) {
		var hits atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			w.Header().Set("Location", "ftp://example.com/")
			w.WriteHeader(http.StatusFound)
		}))
		defer srv.Close()
		c, _ := retryClient(t, srv, fetch.Options{})
		if _, err := c.Get(t.Context(), fetch.Request{URL: srv.URL}); err == nil || hits.Load() != 1 {
			t.Errorf("got %v after %d requests, want one refused redirect", err, hits.Load())
		}
	})
	t.Run("cancel stops the wait", func(t *testing.T) {
		s := &script{statuses: []int{503, 503, 503}}
		srv := httptest.NewServer(s)
		defer srv.Close()
		c := fetch.New(fetch.Options{Guard: allowing(t, srv), HostRate: fetch.Unlimited, Robots: fetch.RobotsIgnore, RetryBaseDelay: time.Hour, RetryMaxDelay: time.Hour})
		fetch.SetJitter(c, identity)
		sleeping := make(chan struct{})
		var once sync.Once
		// The real sleep, with a signal that the client is in it.
		fetch.SetClock(c, time.Now, func(ctx context.Context, d time.Duration) error {
			once.Do(func() { close(sleeping) })
			return fetch.Sleep(ctx, d)
		})
		ctx, cancel := context.WithCancel(t.Context())
		go func() { <-sleeping; cancel() }()
		start := time.Now()
		_, err := c.Get(ctx, fetch.Request{URL: srv.URL})
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "stopped waiting to retry") {
			t.Errorf("got %v, want context.Canceled while waiting", err)
		}
		if el := time.Since(start); el > time.Minute || s.hits.Load() != 1 {
			t.Errorf("returned after %s and %d requests, want at once after 1", el, s.hits.Load())
		}
	})
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"120", 2 * time.Minute},
		{" 5 ", 5 * time.Second},
		{"-3", 0},
		{"soon", 0},
		{"99999999999999999", 24 * time.Hour}, // capped: a check is never put off by more than a day
		{now.Add(time.Hour).Format(http.TimeFormat), time.Hour},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{strconv.Quote("7"), 0},
	}
	for _, tt := range tests {
		if got := fetch.ParseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
