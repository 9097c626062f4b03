package notify_test

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/internal/nettest"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/notify"
)

// guarded returns the default policy (no allowlist) over a tripwire.
func guarded(t *testing.T) (*fetch.Guard, *nettest.Tripwire) {
	w := nettest.NewTripwire(t)
	return fetch.NewGuard(fetch.GuardOptions{Dial: w.Dial, Resolver: nettest.NewResolver(nil)}), w
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
		if len(w.Dialled()) != 0 || len(srv.messages()) != 0 {
			t.Errorf("tripwire saw %d dials, server got %d messages; want 0 and 0", len(w.Dialled()), len(srv.messages()))
		}
	})
	t.Run("metadata address refused", func(t *testing.T) {
		g, w := guarded(t)
		if err := send(t, mailConfig("169.254.169.254:25"), g); !errors.As(err, new(*fetch.AddrError)) {
			t.Errorf("got %v, want an *AddrError", err)
		}
		if len(w.Dialled()) != 0 {
			t.Errorf("tripwire saw %d dials", len(w.Dialled()))
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
	w := nettest.NewTripwire(t)
	port := hop.Listener.Addr().(*net.TCPAddr).Port
	public := fmt.Sprintf("93.184.216.34:%d", port)
	w.StandIn = map[string]string{public: hop.Listener.Addr().String()}
	g := fetch.NewGuard(fetch.GuardOptions{Dial: w.Dial, Resolver: nettest.NewResolver(nil)})
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
