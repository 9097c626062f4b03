package notify_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/notify"
)

// tripwire is the innermost dialer: it fails the test on any address
// other than 127.0.0.1, without connecting, and records every attempt.
type tripwire struct {
	t        *testing.T
	mu       sync.Mutex
	attempts []string
	standIn  map[string]string // a public address (never dialled) → the 127.0.0.1 server playing it
}

func (w *tripwire) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	w.mu.Lock()
	w.attempts = append(w.attempts, addr)
	w.mu.Unlock()
	if local, ok := w.standIn[addr]; ok {
		addr = local
	}
	if ap, err := netip.ParseAddrPort(addr); err != nil || ap.Addr() != netip.MustParseAddr("127.0.0.1") {
		w.t.Errorf("tripwire: dial %q: only 127.0.0.1 may be dialled in tests", addr)
		return nil, fmt.Errorf("tripwire: %q refused", addr)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}

func (w *tripwire) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.attempts)
}

// noNames resolves nothing: these tests use IP literals only.
type noNames struct{}

func (noNames) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// guarded returns the default policy (no allowlist) over a tripwire.
func guarded(t *testing.T) (*fetch.Guard, *tripwire) {
	w := &tripwire{t: t}
	return fetch.NewGuard(fetch.GuardOptions{Dial: w.dial, Resolver: noNames{}}), w
}

// TestAllowPrivate_Webhook: a notifier with AllowPrivate reaches a local
// receiver; one without is refused there, even right after, when the
// allowed notifier's connection is idle in a pool.
func TestAllowPrivate_Webhook(t *testing.T) {
	srv := newServer(t)
	g, _ := guarded(t)
	allowed := notify.Config{Name: "allowed", Kind: notify.KindWebhook, URL: srv.URL + "/hook", Secret: "s", AllowPrivate: true}
	refused := notify.Config{Name: "refused", Kind: notify.KindSlack, URL: srv.URL + "/slack"}
	d, err := notify.New([]notify.Config{allowed}, notify.Options{Dial: g.DialContext, Logger: discard(), Tries: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Send(t.Context(), digest(high)); err != nil {
		t.Fatalf("allowed notifier: %v", err)
	}
	d, err = notify.New([]notify.Config{allowed, refused}, notify.Options{Dial: g.DialContext, Logger: discard(), Tries: 1})
	if err != nil {
		t.Fatal(err)
	}
	err = d.Send(t.Context(), digest(high))
	if !errors.As(err, new(*fetch.AddrError)) || !strings.Contains(err.Error(), `slack "refused"`) || strings.Contains(err.Error(), `"allowed"`) {
		t.Errorf("got %v, want only the notifier without allow_private refused", err)
	}
	if got := len(srv.requests()); got != 2 {
		t.Errorf("receiver got %d requests, want 2 (the allowed notifier's)", got)
	}
}

func TestBattery_SMTP(t *testing.T) {
	srv := newSMTPServer(t, true)
	send := func(t *testing.T, cfg notify.Config, g *fetch.Guard) error {
		t.Helper()
		d, err := notify.New([]notify.Config{cfg}, notify.Options{
			Dial: g.DialContext, Logger: discard(), Tries: 1, Timeout: 10 * time.Second,
			TLSConfig: &tls.Config{RootCAs: srv.pool},
		})
		if err != nil {
			t.Fatal(err)
		}
		return d.Send(t.Context(), digest(item("https://news.example/a", "example", "Figure cut", diffing.SeverityHigh, diffing.NumberChanged)))
	}
	t.Run("private relay refused", func(t *testing.T) {
		g, w := guarded(t)
		err := send(t, mailConfig(srv.addr), g)
		if !errors.As(err, new(*fetch.AddrError)) || !strings.Contains(err.Error(), "smtp "+srv.addr+": refusing to connect to 127.0.0.1 (loopback)") {
			t.Errorf("got %v, want the SMTP dial refused, naming the server", err)
		}
		if w.count() != 0 || len(srv.messages()) != 0 {
			t.Errorf("tripwire saw %d dials, server got %d messages; want 0 and 0", w.count(), len(srv.messages()))
		}
	})
	t.Run("metadata address refused", func(t *testing.T) {
		g, w := guarded(t)
		if err := send(t, mailConfig("169.254.169.254:25"), g); !errors.As(err, new(*fetch.AddrError)) {
			t.Errorf("got %v, want an *AddrError", err)
		}
		if w.count() != 0 {
			t.Errorf("tripwire saw %d dials", w.count())
		}
	})
	t.Run("allowed per notifier", func(t *testing.T) {
		g, _ := guarded(t)
		cfg := mailConfig(srv.addr)
		cfg.AllowPrivate = true
		if err := send(t, cfg, g); err != nil {
			t.Fatalf("with AllowPrivate: %v", err)
		}
		if len(srv.messages()) != 1 {
			t.Errorf("server got %d messages, want 1", len(srv.messages()))
		}
	})
}

// TestAllowPrivate_NoRedirectFromPublic: a notifier with AllowPrivate may
// reach a local receiver, but a receiver on a public address may not
// redirect it into the local network.
func TestAllowPrivate_NoRedirectFromPublic(t *testing.T) {
	canary := newServer(t)
	hop := httptest.NewServer(http.RedirectHandler(canary.URL+"/hook", http.StatusTemporaryRedirect))
	t.Cleanup(hop.Close)
	w := &tripwire{t: t}
	port := hop.Listener.Addr().(*net.TCPAddr).Port
	public := fmt.Sprintf("93.184.216.34:%d", port)
	w.standIn = map[string]string{public: hop.Listener.Addr().String()}
	g := fetch.NewGuard(fetch.GuardOptions{Dial: w.dial, Resolver: noNames{}})
	cfg := notify.Config{Name: "n", Kind: notify.KindWebhook, URL: "http://" + public + "/hook", Secret: "s", AllowPrivate: true}
	d, err := notify.New([]notify.Config{cfg}, notify.Options{Dial: g.DialContext, Logger: discard(), Tries: 1})
	if err != nil {
		t.Fatal(err)
	}
	err = d.Send(t.Context(), digest(high))
	var ae *fetch.AddrError
	if !errors.As(err, &ae) || !ae.FromPublic {
		t.Errorf("got %v, want an *AddrError: a public receiver redirected into the local network", err)
	}
	if n := len(canary.requests()); n != 0 {
		t.Errorf("the private receiver got %d requests, want 0", n)
	}
}
