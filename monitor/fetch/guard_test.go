package fetch_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redline-news/redline/internal/nettest"
	"github.com/redline-news/redline/monitor/fetch"
)

func addrOf(t testing.TB, srv *httptest.Server) netip.AddrPort {
	t.Helper()
	return srv.Listener.Addr().(*net.TCPAddr).AddrPort()
}

// allowing is the test SSRF policy: every non-global address refused but
// the given servers' own 127.0.0.1:port, dialled through a tripwire.
func allowing(t testing.TB, srvs ...*httptest.Server) *fetch.Guard {
	t.Helper()
	opt := fetch.GuardOptions{Dial: nettest.NewTripwire(t).Dial, Resolver: nettest.NewResolver(nil)}
	for _, s := range srvs {
		opt.Allow = append(opt.Allow, addrOf(t, s))
	}
	return fetch.NewGuard(opt)
}

// canary counts the requests that reach it; tests that point redirects at
// it expect none.
func newCanary(t testing.TB) (*httptest.Server, *atomic.Int64) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, "canary")
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// redirector redirects every request to ?to=.
func redirector(t testing.TB) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if to := r.URL.Query().Get("to"); to != "" {
			w.Header().Set("Location", to)
			w.WriteHeader(http.StatusFound)
			return
		}
		fmt.Fprint(w, "<p>origin</p>")
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestNonGlobal(t *testing.T) {
	tests := []struct {
		ip   string
		want string
	}{
		{"93.184.216.34", ""},
		{"8.8.8.8", ""},
		{"2606:4700::6810:85e5", ""},
		{"127.0.0.1", "loopback"},
		{"127.255.0.9", "loopback"},
		{"::1", "loopback"},
		{"10.1.2.3", "private"},
		{"172.16.0.1", "private"},
		{"172.31.255.255", "private"},
		{"172.32.0.1", ""},
		{"192.168.1.1", "private"},
		{"fc00::1", "private"},
		{"fd12:3456::1", "private"},
		{"169.254.169.254", "link-local"},
		{"fe80::1", "link-local"},
		{"fe80::1%eth0", "link-local"},
		{"100.64.0.1", "shared address space, CGNAT"},
		{"100.127.255.255", "shared address space, CGNAT"},
		{"100.128.0.1", ""},
		{"224.0.0.1", "multicast"},
		{"ff02::1", "multicast"},
		{"0.0.0.0", "unspecified"},
		{"0.1.2.3", "this network"},
		{"::", "unspecified"},
		{"255.255.255.255", "broadcast"},
		{"240.0.0.1", "reserved"},
		{"192.0.2.1", "documentation"},
		{"2001:db8::1", "documentation"},
		{"198.18.0.1", "benchmarking"},
		{"::ffff:127.0.0.1", "loopback"},
		{"::ffff:169.254.169.254", "link-local"},
		{"::ffff:10.0.0.1", "private"},
		{"::ffff:93.184.216.34", ""},
		{"::127.0.0.1", "IPv4-compatible IPv6"},
		{"64:ff9b::7f00:1", "NAT64 of loopback"},
		{"64:ff9b::a9fe:a9fe", "NAT64 of link-local"},
		{"64:ff9b::5db8:d822", ""},
		{"64:ff9b:1::1", "local-use NAT64"},
		{"2002:7f00:1::", "6to4 of loopback"},
		{"2002:5db8:d822::1", ""},
		{"2001::1", "Teredo"},
		{"fec0::1", "site-local"},
		{"4000::1", "reserved"},
	}
	for _, tt := range tests {
		if got := fetch.NonGlobal(netip.MustParseAddr(tt.ip)); got != tt.want {
			t.Errorf("NonGlobal(%s) = %q, want %q", tt.ip, got, tt.want)
		}
	}
}

// TestNonGlobal_AgreesWithNet cross-checks the table against the net
// package's own classification, for addresses in every /8.
func TestNonGlobal_AgreesWithNet(t *testing.T) {
	for a := range 256 {
		for _, rest := range [][3]byte{{0, 0, 1}, {16, 0, 1}, {64, 0, 1}, {168, 1, 1}, {254, 169, 254}, {255, 255, 255}} {
			ip := netip.AddrFrom4([4]byte{byte(a), rest[0], rest[1], rest[2]})
			if forbiddenByNet(ip) && fetch.NonGlobal(ip) == "" {
				t.Errorf("NonGlobal(%s) allows an address net calls non-global", ip)
			}
			mapped := netip.AddrFrom16(ip.As16())
			if fetch.NonGlobal(mapped) != fetch.NonGlobal(ip) {
				t.Errorf("NonGlobal(%s) = %q, differs from %s", mapped, fetch.NonGlobal(mapped), ip)
			}
		}
	}
}

// forbiddenByNet is an oracle independent of NonGlobal: what the net
// package (and RFC 6598 for CGNAT) says must never be dialled by default.
func forbiddenByNet(ip netip.Addr) bool {
	n := net.IP(ip.Unmap().AsSlice())
	return n.IsLoopback() || n.IsPrivate() || n.IsLinkLocalUnicast() || n.IsLinkLocalMulticast() ||
		n.IsInterfaceLocalMulticast() || n.IsMulticast() || n.IsUnspecified() || !n.IsGlobalUnicast() ||
		netip.MustParsePrefix("100.64.0.0/10").Contains(ip.Unmap()) || n.Equal(net.IPv4bcast)
}

func TestGuard_DialContext(t *testing.T) {
	origin := redirector(t)
	canary, hits := newCanary(t)
	originAddr, canaryAddr := addrOf(t, origin).String(), addrOf(t, canary).String()
	_, canaryPort, _ := net.SplitHostPort(canaryAddr)

	tests := []struct {
		name  string
		opt   fetch.GuardOptions
		ctx   func(context.Context) context.Context
		addr  string
		want  string // "" for a connection
		dials int    // tripwire attempts
	}{
		{"allowlisted origin", fetch.GuardOptions{Allow: []netip.AddrPort{addrOf(t, origin)}}, nil, originAddr, "", 1},
		{"other port on the same IP", fetch.GuardOptions{Allow: []netip.AddrPort{addrOf(t, origin)}}, nil, canaryAddr,
			"refusing to connect to 127.0.0.1 (loopback): set allow_private to allow it", 0},
		{"allowlist by mapped IPv6", fetch.GuardOptions{Allow: []netip.AddrPort{netip.MustParseAddrPort("[::ffff:" + canaryAddr[:strings.LastIndex(canaryAddr, ":")] + "]:" + canaryPort)}}, nil, canaryAddr, "", 1},
		{"name resolved to loopback", fetch.GuardOptions{}, nil, "intranet.test:" + canaryPort,
			"refusing to connect to intranet.test (127.0.0.1, loopback)", 0},
		{"unknown name", fetch.GuardOptions{}, nil, "localhost.:" + canaryPort, "no such host", 0},
		{"mixed answers dial only the allowed one", fetch.GuardOptions{Allow: []netip.AddrPort{addrOf(t, canary)}}, nil, "mixed.test:" + canaryPort, "", 1},
		{"AllowPrivate", fetch.GuardOptions{AllowPrivate: true}, nil, canaryAddr, "", 1},
		{"allowed by context", fetch.GuardOptions{}, fetch.WithAllowPrivate, canaryAddr, "", 1},
		{"metadata literal", fetch.GuardOptions{}, nil, "169.254.169.254:80", "refusing to connect to 169.254.169.254 (cloud metadata endpoint)", 0},
		{"mapped metadata", fetch.GuardOptions{}, nil, "[::ffff:169.254.169.254]:80", "refusing to connect to ::ffff:169.254.169.254 (cloud metadata endpoint)", 0},
		{"NAT64 loopback", fetch.GuardOptions{}, nil, "[64:ff9b::7f00:1]:" + canaryPort, "NAT64 of loopback", 0},
		// Cloud metadata: refused even with allow_private; only
		// allow_addresses opens it.
		{"metadata under AllowPrivate", fetch.GuardOptions{AllowPrivate: true}, nil, "169.254.169.254:80",
			"refusing to connect to 169.254.169.254 (cloud metadata endpoint): name it in allow_addresses to allow it", 0},
		{"AWS IPv6 metadata by context", fetch.GuardOptions{}, fetch.WithAllowPrivate, "[fd00:ec2::254]:80", "(cloud metadata endpoint)", 0},
		{"Alibaba metadata", fetch.GuardOptions{AllowPrivate: true}, nil, "100.100.100.200:80", "(cloud metadata endpoint)", 0},
		{"NAT64 metadata", fetch.GuardOptions{AllowPrivate: true}, nil, "[64:ff9b::a9fe:a9fe]:80", "(cloud metadata endpoint)", 0},
		{"metadata name", fetch.GuardOptions{AllowPrivate: true}, nil, "metadata.google.internal:" + canaryPort,
			"refusing to connect to metadata.google.internal (cloud metadata endpoint)", 0},
		{"metadata name, other case, root dot", fetch.GuardOptions{AllowPrivate: true}, nil, "Metadata.GOOG.:" + canaryPort, "(cloud metadata endpoint)", 0},
		{"metadata name in allow_addresses", fetch.GuardOptions{AllowHosts: []string{"metadata.google.internal"}}, nil, "metadata.google.internal:" + canaryPort, "", 1},
		{"address in allow_addresses, any port", fetch.GuardOptions{AllowAddresses: []netip.Addr{netip.MustParseAddr("127.0.0.1")}}, nil, canaryAddr, "", 1},
		{"udp", fetch.GuardOptions{AllowPrivate: true}, nil, canaryAddr, "network not allowed", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := nettest.NewTripwire(t)
			tt.opt.Dial = w.Dial
			tt.opt.Resolver = nettest.NewResolver(map[string][]string{
				"intranet.test":            {"127.0.0.1"},
				"mixed.test":               {"169.254.169.254,10.0.0.1,127.0.0.1"},
				"metadata.google.internal": {"127.0.0.1"}, // what a hostile resolver might say
				"Metadata.GOOG.":           {"127.0.0.1"},
			})
			g := fetch.NewGuard(tt.opt)
			ctx := t.Context()
			if tt.ctx != nil {
				ctx = tt.ctx(ctx)
			}
			network := "tcp"
			if tt.name == "udp" {
				network = "udp"
			}
			conn, err := g.DialContext(ctx, network, tt.addr)
			if conn != nil {
				conn.Close()
			}
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("DialContext(%s) = %v, want a connection", tt.addr, err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("DialContext(%s) = %v, want %q", tt.addr, err, tt.want)
			}
			if got := len(w.Dialled()); got != tt.dials {
				t.Errorf("tripwire saw %v, want %d attempts", w.Dialled(), tt.dials)
			}
		})
	}
	t.Run("refusal is an AddrError", func(t *testing.T) {
		_, err := fetch.NewGuard(fetch.GuardOptions{Dial: nettest.NewTripwire(t).Dial}).DialContext(t.Context(), "tcp", "[::1]:80")
		var ae *fetch.AddrError
		if !errors.As(err, &ae) || ae.Reason != "loopback" || ae.Addr != netip.MustParseAddr("::1") {
			t.Errorf("got %#v, want an *AddrError for ::1, loopback", err)
		}
	})
	if hits.Load() != 0 {
		t.Errorf("dials only: the canary served %d requests", hits.Load())
	}
}

// TestGuard_DefaultDialer checks the real dialer, without a tripwire:
// its Control hook refuses as DialContext does, and the allowlist admits
// the one server it names.
func TestGuard_DefaultDialer(t *testing.T) {
	origin := redirector(t)
	canary, hits := newCanary(t)
	g := fetch.NewGuard(fetch.GuardOptions{Allow: []netip.AddrPort{addrOf(t, origin)}, Resolver: nettest.NewResolver(nil)})
	conn, err := g.DialContext(t.Context(), "tcp", addrOf(t, origin).String())
	if err != nil {
		t.Fatalf("allowlisted origin: %v", err)
	}
	conn.Close()
	if _, err := g.DialContext(t.Context(), "tcp", addrOf(t, canary).String()); !errors.As(err, new(*fetch.AddrError)) {
		t.Errorf("canary: got %v, want an *AddrError", err)
	}
	if hits.Load() != 0 {
		t.Errorf("canary hit %d times", hits.Load())
	}
}

// guardedClient fetches through a Guard that allows only origin, with the
// fake resolver and a tripwire; no retries, robots.txt or rate limits.
func guardedClient(t testing.TB, w *nettest.Tripwire, r *nettest.Resolver, allow ...*httptest.Server) *fetch.Client {
	opt := fetch.GuardOptions{Dial: w.Dial, Resolver: r}
	for _, s := range allow {
		opt.Allow = append(opt.Allow, addrOf(t, s))
	}
	return fetch.New(fetch.Options{
		Guard: fetch.NewGuard(opt), MaxRetries: -1, HostRate: fetch.Unlimited, HostConcurrency: fetch.Unlimited,
		Robots: fetch.RobotsIgnore, Timeout: 5 * time.Second,
	})
}

func TestClient_AllowPrivate(t *testing.T) {
	canary, hits := newCanary(t)
	w := nettest.NewTripwire(t)
	c := guardedClient(t, w, nettest.NewResolver(nil)) // allowlist empty
	if _, err := c.Get(t.Context(), fetch.Request{URL: canary.URL, AllowPrivate: true}); err != nil {
		t.Fatalf("with AllowPrivate: %v", err)
	}
	// The connection just used is idle in the pool; a request without the
	// allowance must not get it.
	if _, err := c.Get(t.Context(), fetch.Request{URL: canary.URL}); !errors.As(err, new(*fetch.AddrError)) {
		t.Errorf("without AllowPrivate after one with it: got %v, want an *AddrError", err)
	}
	if hits.Load() != 1 {
		t.Errorf("canary hit %d times, want 1", hits.Load())
	}
	t.Run("global option", func(t *testing.T) {
		c := fetch.New(fetch.Options{Guard: fetch.NewGuard(fetch.GuardOptions{AllowPrivate: true, Dial: w.Dial}), Robots: fetch.RobotsIgnore})
		if _, err := c.Get(t.Context(), fetch.Request{URL: canary.URL}); err != nil {
			t.Errorf("AllowPrivate guard: %v", err)
		}
	})
	t.Run("default guard refuses loopback", func(t *testing.T) {
		_, err := fetch.New(fetch.Options{Robots: fetch.RobotsIgnore}).Get(t.Context(), fetch.Request{URL: canary.URL})
		if !errors.As(err, new(*fetch.AddrError)) {
			t.Errorf("got %v, want an *AddrError", err)
		}
	})
}

// TestClient_RobotsRefused: a refused robots.txt is the Guard's error,
// not a cached "unreachable, disallow all" that would block a source
// allowed to reach the same site.
func TestClient_RobotsRefused(t *testing.T) {
	s := &site{}
	s.set(200, "User-agent: *\nDisallow:\n")
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := fetch.New(fetch.Options{Guard: fetch.NewGuard(fetch.GuardOptions{Dial: nettest.NewTripwire(t).Dial}), HostRate: fetch.Unlimited})
	_, err := c.Get(t.Context(), fetch.Request{URL: srv.URL + "/story"})
	if !errors.As(err, new(*fetch.AddrError)) || errors.Is(err, fetch.ErrDisallowedByRobots) || !strings.Contains(err.Error(), "robots.txt: refusing") {
		t.Fatalf("got %v, want the robots.txt dial refused", err)
	}
	if _, err := c.Get(t.Context(), fetch.Request{URL: srv.URL + "/story", AllowPrivate: true}); err != nil {
		t.Errorf("allowed request after a refused one: %v", err)
	}
	if n := s.count("/robots.txt"); n != 1 {
		t.Errorf("robots.txt fetched %d times, want 1", n)
	}
}

// FuzzURLPolicy: whatever host url.Parse and the transport make of a URL,
// every address dialled is the allowed origin or global. The tripwire
// connects nowhere here; the fake resolver maps names to non-global
// addresses, which must all be refused.
func FuzzURLPolicy(f *testing.F) {
	for _, s := range []string{
		"http://origin.test:8080/", "http://127.0.0.1:8080/", "http://127.0.0.1:8081/", "http://[::ffff:127.0.0.1]:8081/",
		"http://2130706433:8080/", "http://0x7f.1/", "http://169.254.169.254/latest/meta-data/", "http://meta.test/",
		"http://rebind.test:8080/", "http://x@127.0.0.1:8081/", "http://[fe80::1%25eth0]/", "https://[64:ff9b::a9fe:a9fe]/",
		"http://127.0.0.1:8081#@origin.test:8080/", "http://origin.test:8080@127.0.0.1:8081/", "http://[::]:80/",
	} {
		f.Add(s)
	}
	origin := netip.MustParseAddrPort("127.0.0.1:8080")
	f.Fuzz(func(t *testing.T, raw string) {
		w := nettest.NewTripwire(t)
		w.NoConnect = true
		res := nettest.NewResolver(map[string][]string{
			"origin.test": {"127.0.0.1"},
			"meta.test":   {"169.254.169.254"},
			"rebind.test": {"127.0.0.1", "10.0.0.1,::1"},
			"mixed.test":  {"192.168.0.1,fd00::1,100.64.0.1"},
		})
		c := fetch.New(fetch.Options{
			Guard:      fetch.NewGuard(fetch.GuardOptions{Allow: []netip.AddrPort{origin}, Dial: w.Dial, Resolver: res}),
			MaxRetries: -1, HostRate: fetch.Unlimited, Robots: fetch.RobotsIgnore, Timeout: time.Second, ConnectTimeout: time.Second,
		})
		for range 2 { // twice, for rebind.test's second answer
			_, _ = c.Get(t.Context(), fetch.Request{URL: raw})
		}
		for _, a := range w.Dialled() {
			ap, err := netip.ParseAddrPort(a)
			if err != nil {
				t.Fatalf("URL %q: dialled %q, not an IP literal and port", raw, a)
			}
			if ap != origin && forbiddenByNet(ap.Addr()) {
				t.Fatalf("URL %q: dialled %s, which the policy forbids", raw, a)
			}
			if ap.Addr().Is4In6() || ap.Addr().Zone() != "" {
				t.Fatalf("URL %q: dialled %s, not the unmapped address", raw, a)
			}
		}
	})
}

// TestGuard_SplitsConnectTime: with several allowed addresses, each dial
// gets its share of the time left, so a black-holed first address cannot
// use it all; the last gets what remains.
func TestGuard_SplitsConnectTime(t *testing.T) {
	var deadlines []time.Time
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		dl, _ := ctx.Deadline()
		deadlines = append(deadlines, dl)
		return nil, errors.New("unreachable")
	}
	g := fetch.NewGuard(fetch.GuardOptions{
		Dial:     dial,
		Resolver: nettest.NewResolver(map[string][]string{"two.test": {"127.0.0.1,127.0.0.1"}}),
		Allow:    []netip.AddrPort{netip.MustParseAddrPort("127.0.0.1:9")},
	})
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	overall, _ := ctx.Deadline()
	if _, err := g.DialContext(ctx, "tcp", "two.test:9"); err == nil || err.Error() != "unreachable" {
		t.Fatalf("got %v, want the last dial's error", err)
	}
	if len(deadlines) != 2 || !deadlines[0].Before(overall.Add(-4*time.Second)) || !deadlines[1].Equal(overall) {
		t.Errorf("dial deadlines %v, want about half of the 10s, then the rest (%v)", deadlines, overall)
	}
}

// TestClient_PublicToPrivateRedirect checks that allow_private opens the
// local network to requests that start there, never to a chain that a
// public address answered: a public page redirecting to a private address
// is refused, over a fresh dial or a pooled connection, while a private
// page may still redirect to another private one.
func TestClient_PublicToPrivateRedirect(t *testing.T) {
	origin := redirector(t)
	canary, hits := newCanary(t)
	w := nettest.NewTripwire(t)
	// news.example is public: 93.184.216.34, played by the redirector.
	public := netip.AddrPortFrom(netip.MustParseAddr("93.184.216.34"), addrOf(t, origin).Port())
	w.StandIn = map[string]string{public.String(): addrOf(t, origin).String()}
	c := guardedClient(t, w, nettest.NewResolver(map[string][]string{"news.example": {"93.184.216.34"}}))
	to := "?to=" + url.QueryEscape(canary.URL+"/")
	publicURL := fmt.Sprintf("http://news.example:%d/%s", public.Port(), to)

	_, err := c.Get(t.Context(), fetch.Request{URL: publicURL, AllowPrivate: true})
	var ae *fetch.AddrError
	if !errors.As(err, &ae) || !ae.FromPublic {
		t.Fatalf("public → private with allow_private: got %v, want an *AddrError from a public hop", err)
	}
	if want := "a redirect from a public address may not lead to a non-public one, even with allow_private"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	if hits.Load() != 0 {
		t.Fatalf("the private canary was reached %d times", hits.Load())
	}

	// A connection to the canary, pooled by an allowed request, is not
	// reused by a chain a public address answered.
	if _, err := c.Get(t.Context(), fetch.Request{URL: canary.URL, AllowPrivate: true}); err != nil {
		t.Fatalf("private fetch with allow_private: %v", err)
	}
	if _, err := c.Get(t.Context(), fetch.Request{URL: publicURL, AllowPrivate: true}); !errors.As(err, &ae) || !ae.FromPublic {
		t.Errorf("public → private over a pooled connection: got %v, want an *AddrError from a public hop", err)
	}
	if hits.Load() != 1 {
		t.Errorf("canary hit %d times, want 1 (the direct fetch only)", hits.Load())
	}

	// Private → private stays allowed.
	if _, err := c.Get(t.Context(), fetch.Request{URL: origin.URL + "/" + to, AllowPrivate: true}); err != nil {
		t.Errorf("private → private with allow_private: %v", err)
	}
	if hits.Load() != 2 {
		t.Errorf("canary hit %d times, want 2", hits.Load())
	}
	// And a private page may not send redline to the metadata endpoint.
	meta := origin.URL + "/?to=" + url.QueryEscape("http://169.254.169.254/latest/meta-data/")
	if _, err := c.Get(t.Context(), fetch.Request{URL: meta, AllowPrivate: true}); !errors.As(err, &ae) || !ae.Metadata {
		t.Errorf("private → metadata with allow_private: got %v, want a metadata refusal", err)
	}
}

func TestHostNonGlobal(t *testing.T) {
	for host, want := range map[string]string{
		"localhost": "loopback name", "LocalHost.": "loopback name", "api.localhost": "loopback name",
		"127.0.0.1": "loopback", "[::1]": "loopback", "::ffff:127.0.0.1": "loopback", "10.1.2.3": "private",
		"169.254.169.254": "link-local", "93.184.216.34": "", "news.example": "", "localhost.example": "",
	} {
		if got := fetch.HostNonGlobal(host); got != want {
			t.Errorf("HostNonGlobal(%q) = %q, want %q", host, got, want)
		}
	}
}
