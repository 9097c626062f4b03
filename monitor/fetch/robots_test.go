package fetch_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redline-news/redline/internal/nettest"
	"github.com/redline-news/redline/monitor/fetch"
)

// site serves a robots.txt the test sets (status and body) and records
// every path it was asked for.
type site struct {
	mu     sync.Mutex
	status int
	robots string
	paths  []string
}

func (s *site) set(status int, robots string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status, s.robots = status, robots
}

func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.paths = append(s.paths, r.URL.Path)
	if r.URL.Path == "/robots.txt" {
		w.WriteHeader(s.status)
		w.Write([]byte(s.robots))
		return
	}
	w.Write([]byte("<html><body>page</body></html>"))
}

func (s *site) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, p := range s.paths {
		if p == path {
			n++
		}
	}
	return n
}

const rules = `# groups for two crawlers
User-agent: *
Disallow: /admin

User-agent: redline
Disallow: /private
Crawl-delay: 3
`

func TestClient_Robots(t *testing.T) {
	var guard *fetch.Guard // allows the latest site only
	newSite := func(t *testing.T, status int, robots string) (*site, string) {
		s := &site{}
		s.set(status, robots)
		srv := httptest.NewServer(s)
		t.Cleanup(srv.Close)
		guard = allowing(t, srv)
		return s, srv.URL
	}
	t.Run("disallowed URL is never fetched", func(t *testing.T) {
		s, base := newSite(t, 200, rules)
		c := fetch.New(fetch.Options{Guard: guard, HostRate: fetch.Unlimited})
		useFakeClock(c)
		_, err := c.Get(t.Context(), fetch.Request{URL: base + "/private/story?id=1"})
		if !errors.Is(err, fetch.ErrDisallowedByRobots) || !strings.Contains(err.Error(), base+"/private/story?id=1") {
			t.Fatalf("got %v, want ErrDisallowedByRobots naming the URL", err)
		}
		var fe *fetch.Error
		if !errors.As(err, &fe) || fe.Attempts != 0 {
			t.Errorf("got %#v, want a *fetch.Error with no attempts", err)
		}
		if n := s.count("/private/story"); n != 0 {
			t.Errorf("server was asked for the disallowed page %d times", n)
		}
		// Our group replaces "*": /admin is not disallowed for redline.
		if _, err := c.Get(t.Context(), fetch.Request{URL: base + "/admin"}); err != nil {
			t.Errorf("/admin: %v", err)
		}
	})
	t.Run("other agents get the * group", func(t *testing.T) {
		_, base := newSite(t, 200, rules)
		c := fetch.New(fetch.Options{Guard: guard, UserAgent: "otherbot/2.0", HostRate: fetch.Unlimited})
		if _, err := c.Get(t.Context(), fetch.Request{URL: base + "/private"}); err != nil {
			t.Errorf("/private for otherbot: %v", err)
		}
		if _, err := c.Get(t.Context(), fetch.Request{URL: base + "/admin"}); !errors.Is(err, fetch.ErrDisallowedByRobots) {
			t.Errorf("/admin for otherbot: %v, want ErrDisallowedByRobots", err)
		}
	})
	t.Run("fetched once per site, even by concurrent requests", func(t *testing.T) {
		s, base := newSite(t, 200, "User-agent: *\nDisallow:\n")
		c := fetch.New(fetch.Options{Guard: guard, HostRate: fetch.Unlimited})
		getAll(t, c, fetch.Request{URL: base + "/story"}, 10)
		if n := s.count("/robots.txt"); n != 1 {
			t.Errorf("robots.txt fetched %d times, want 1", n)
		}
	})
	t.Run("refetched after 24h", func(t *testing.T) {
		s, base := newSite(t, 200, "User-agent: *\nDisallow:\n")
		c := fetch.New(fetch.Options{Guard: guard, HostRate: fetch.Unlimited})
		clk := useFakeClock(c)
		c.Get(t.Context(), fetch.Request{URL: base + "/a"})
		clk.advance(23 * time.Hour)
		c.Get(t.Context(), fetch.Request{URL: base + "/a"})
		if n := s.count("/robots.txt"); n != 1 {
			t.Errorf("robots.txt fetched %d times within 24h, want 1", n)
		}
		s.set(200, "User-agent: *\nDisallow: /a\n")
		clk.advance(2 * time.Hour)
		if _, err := c.Get(t.Context(), fetch.Request{URL: base + "/a"}); !errors.Is(err, fetch.ErrDisallowedByRobots) || s.count("/robots.txt") != 2 {
			t.Errorf("after 25h: %v, robots.txt fetched %d times; want the new rules", err, s.count("/robots.txt"))
		}
	})
	t.Run("4xx allows all", func(t *testing.T) {
		for _, status := range []int{401, 403, 404, 410} {
			_, base := newSite(t, status, "")
			c := fetch.New(fetch.Options{Guard: guard, HostRate: fetch.Unlimited})
			if _, err := c.Get(t.Context(), fetch.Request{URL: base + "/private"}); err != nil {
				t.Errorf("robots.txt HTTP %d: %v, want allowed", status, err)
			}
		}
	})
	t.Run("5xx disallows all until asked again", func(t *testing.T) {
		s, base := newSite(t, 503, "")
		c := fetch.New(fetch.Options{Guard: guard, HostRate: fetch.Unlimited})
		clk := useFakeClock(c)
		_, err := c.Get(t.Context(), fetch.Request{URL: base + "/story"})
		if !errors.Is(err, fetch.ErrDisallowedByRobots) || !strings.Contains(err.Error(), "503") || !strings.Contains(err.Error(), base+"/story") {
			t.Fatalf("got %v, want ErrDisallowedByRobots naming the URL and the 503", err)
		}
		var se *fetch.StatusError
		if errors.As(err, &se) {
			t.Errorf("the robots.txt status leaks as the page's: %v", se)
		}
		if n := s.count("/story"); n != 0 {
			t.Errorf("page fetched %d times, want 0", n)
		}
		if n := s.count("/robots.txt"); n != 3 {
			t.Errorf("robots.txt fetched %d times, want 3 (retried like any GET)", n)
		}
		s.set(200, "")
		clk.advance(11 * time.Minute)
		if _, err := c.Get(t.Context(), fetch.Request{URL: base + "/story"}); err != nil {
			t.Errorf("after the error TTL, with robots.txt back: %v", err)
		}
	})
	t.Run("ignored when asked", func(t *testing.T) {
		s, base := newSite(t, 200, rules)
		c := fetch.New(fetch.Options{Guard: guard, HostRate: fetch.Unlimited})
		if _, err := c.Get(t.Context(), fetch.Request{URL: base + "/private", Robots: fetch.RobotsIgnore}); err != nil {
			t.Errorf("per request: %v", err)
		}
		c = fetch.New(fetch.Options{Guard: guard, HostRate: fetch.Unlimited, Robots: fetch.RobotsIgnore})
		if _, err := c.Get(t.Context(), fetch.Request{URL: base + "/private"}); err != nil {
			t.Errorf("per client: %v", err)
		}
		if n := s.count("/robots.txt"); n != 0 {
			t.Errorf("robots.txt fetched %d times, want 0", n)
		}
		if _, err := c.Get(t.Context(), fetch.Request{URL: base + "/private", Robots: fetch.RobotsObey}); !errors.Is(err, fetch.ErrDisallowedByRobots) {
			t.Errorf("obeyed per request on an ignoring client: %v", err)
		}
	})
	t.Run("crawl-delay lowers the host rate", func(t *testing.T) {
		_, base := newSite(t, 200, rules)
		c := fetch.New(fetch.Options{Guard: guard, HostRate: fetch.Unlimited})
		clk := useFakeClock(c)
		for range 3 {
			if _, err := c.Get(t.Context(), fetch.Request{URL: base + "/story"}); err != nil {
				t.Fatal(err)
			}
		}
		if got, want := clk.sleeps(), []time.Duration{3 * time.Second, 3 * time.Second}; !slices.Equal(got, want) {
			t.Errorf("waited %v, want %v", got, want)
		}
	})
	t.Run("robots.txt fetch counts against the host rate", func(t *testing.T) {
		_, base := newSite(t, 404, "")
		c := fetch.New(fetch.Options{Guard: guard, HostRate: 20})
		clk := useFakeClock(c)
		if _, err := c.Get(t.Context(), fetch.Request{URL: base + "/story"}); err != nil {
			t.Fatal(err)
		}
		if got := clk.sleeps(); len(got) != 1 || got[0] < 49*time.Millisecond {
			t.Errorf("waited %v, want one 50ms wait between robots.txt and the page", got)
		}
	})
	t.Run("a long robots.txt is cut at 512 KiB, not refused", func(t *testing.T) {
		long := "User-agent: redline\nDisallow: /early\n" + strings.Repeat("# padding\n", 60<<10) + "Disallow: /late\n"
		_, base := newSite(t, 200, long)
		c := fetch.New(fetch.Options{Guard: guard, HostRate: fetch.Unlimited})
		if _, err := c.Get(t.Context(), fetch.Request{URL: base + "/early"}); !errors.Is(err, fetch.ErrDisallowedByRobots) {
			t.Errorf("/early: %v, want ErrDisallowedByRobots", err)
		}
		if _, err := c.Get(t.Context(), fetch.Request{URL: base + "/late"}); err != nil {
			t.Errorf("/late, past the cap: %v", err)
		}
	})
}

func TestClient_RobotsCancelled(t *testing.T) {
	var robotsHits atomic.Int64
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" && robotsHits.Add(1) == 1 {
			<-release // the first robots.txt fetch hangs until its caller gives up
		}
		w.WriteHeader(http.StatusNotFound)
	}))
	defer srv.Close()
	defer close(release)
	c := fetch.New(fetch.Options{Guard: allowing(t, srv), HostRate: fetch.Unlimited, MaxRetries: -1})
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if _, err := c.Get(ctx, fetch.Request{URL: srv.URL + "/a"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the caller's deadline", err)
	}
	// A cancelled fetch teaches nothing: the next caller asks again, and a
	// missing robots.txt allows the page.
	if _, err := c.Get(t.Context(), fetch.Request{URL: srv.URL + "/a"}); err == nil || errors.Is(err, fetch.ErrDisallowedByRobots) {
		t.Errorf("got %v, want the page's own 404", err)
	}
	if n := robotsHits.Load(); n != 2 {
		t.Errorf("robots.txt fetched %d times, want 2", n)
	}
}

// A host that does not resolve, or refuses connections, never answered
// for its robots.txt: the page's fetch failed, and robots.txt is not to
// blame. RFC 9309 §2.3.1.4 still keeps the page unfetched; the error says
// why in the transport's words, once.
func TestClient_RobotsUnreachableIsFetchError(t *testing.T) {
	refused := httptest.NewServer(http.NotFoundHandler())
	closedAt := addrOf(t, refused)
	refused.Close() // nothing listens there now: connection refused
	// hangUp closes the connection on a robots.txt request without a
	// word, and counts requests for anything else.
	var pages atomic.Int64
	hangUp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/robots.txt" {
			pages.Add(1)
			return
		}
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		conn.Close()
	}))
	t.Cleanup(hangUp.Close)
	tests := []struct {
		name  string
		url   string
		want  string // the error's cause, said once
		check func(t *testing.T, err error)
	}{
		{
			name: "no such host",
			url:  "http://no-such-host.invalid/story",
			want: "no such host",
			check: func(t *testing.T, err error) {
				var dns *net.DNSError
				if !errors.As(err, &dns) || !dns.IsNotFound || dns.Name != "no-such-host.invalid" {
					t.Errorf("got %v, want a *net.DNSError for no-such-host.invalid in the chain", err)
				}
			},
		},
		{
			name: "connection refused",
			url:  "http://" + closedAt.String() + "/story",
			want: "connection refused",
			check: func(t *testing.T, err error) {
				if !errors.Is(err, syscall.ECONNREFUSED) {
					t.Errorf("got %v, want ECONNREFUSED in the chain", err)
				}
			},
		},
		{
			name: "connection closed before an answer",
			url:  hangUp.URL + "/story",
			want: "EOF",
			check: func(t *testing.T, err error) {
				// RFC 9309 §2.3.1.4: unreachable robots.txt, so the page
				// is not fetched.
				if n := pages.Load(); n != 0 {
					t.Errorf("page fetched %d times, want 0", n)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The resolver knows no names: .invalid fails at once, with no
			// DNS server needed.
			guard := fetch.NewGuard(fetch.GuardOptions{Allow: []netip.AddrPort{closedAt, addrOf(t, hangUp)}, Resolver: nettest.NewResolver(nil)})
			c := fetch.New(fetch.Options{Guard: guard, HostRate: fetch.Unlimited, MaxRetries: -1})
			for i := range 2 { // the first asks, the second meets the cached answer
				_, err := c.Get(t.Context(), fetch.Request{URL: tt.url})
				if err == nil {
					t.Fatalf("Get #%d: nil error", i+1)
				}
				msg := err.Error()
				if errors.Is(err, fetch.ErrDisallowedByRobots) || strings.Contains(msg, "robots") {
					t.Errorf("Get #%d: %q blames robots.txt, which never answered", i+1, msg)
				}
				if !strings.HasPrefix(msg, "fetch "+tt.url+": ") {
					t.Errorf("Get #%d: %q, want it to start with the page's URL", i+1, msg)
				}
				if n := strings.Count(msg, tt.want); n != 1 {
					t.Errorf("Get #%d: %q says %q %d times, want once", i+1, msg, tt.want, n)
				}
				tt.check(t, err)
			}
		})
	}
}
