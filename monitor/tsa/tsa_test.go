package tsa_test

import (
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/internal/nettest"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/monitor/tsa"
	"github.com/redline-news/redline/monitor/tsa/tsatest"
	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/sqlite"
)

// client is a Client of url through a Guard over a tripwire, allowed to
// reach 127.0.0.1 as a configured TSA with allow_private is.
func client(t *testing.T, url string, roots []string) *tsa.Client {
	t.Helper()
	w := nettest.NewTripwire(t)
	g := fetch.NewGuard(fetch.GuardOptions{Dial: w.Dial, Resolver: nettest.NewResolver(nil)})
	opt := tsa.Options{URL: url, Dial: g.DialContext, AllowPrivate: true}
	if roots != nil {
		pool, err := tsa.LoadRoots(roots)
		if err != nil {
			t.Fatal(err)
		}
		opt.Roots = pool
	}
	c, err := tsa.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func digestOf(s string) []byte {
	d := sha256.Sum256([]byte(s))
	return d[:]
}

// TestStamp_RealTSA: a token from a TSA on 127.0.0.1 is over the digest,
// dated now, and verifies against the TSA's root.
func TestStamp_RealTSA(t *testing.T) {
	a := tsatest.Start(t)
	c := client(t, a.URL, []string{a.RootsFile})
	d := digestOf("chain hash")
	before := time.Now().Add(-time.Second)
	tok, err := c.Stamp(t.Context(), d)
	if err != nil {
		t.Fatalf("Stamp: %v", err)
	}
	if tok.Time.Before(before) || tok.Time.After(time.Now().Add(time.Second)) {
		t.Errorf("token time %s, want about now", tok.Time)
	}
	info, err := tsa.Verify(tok.DER, d, a.Roots)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if !strings.Contains(info.Signer, "test TSA") || !info.Time.Equal(tok.Time) {
		t.Errorf("Verify = %+v, want the test TSA's signature dated %s", info, tok.Time)
	}
}

// TestStamp_Unguarded: without allow_private the Guard refuses a TSA on
// 127.0.0.1; the request never leaves.
func TestStamp_Unguarded(t *testing.T) {
	a := tsatest.Start(t)
	w := nettest.NewTripwire(t)
	g := fetch.NewGuard(fetch.GuardOptions{Dial: w.Dial, Resolver: nettest.NewResolver(nil)})
	c, err := tsa.New(tsa.Options{URL: a.URL, Dial: g.DialContext})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Stamp(t.Context(), digestOf("x"))
	if !errors.As(err, new(*fetch.AddrError)) {
		t.Fatalf("Stamp of a loopback TSA without allow_private: err = %v, want the Guard's AddrError", err)
	}
	if a.Requests() != 0 {
		t.Errorf("the TSA got %d requests, want none", a.Requests())
	}
}

// TestStamp_HostileAnswers: garbage, an error status, a token over another
// hash and a token from an untrusted CA are each refused, naming the URL.
func TestStamp_HostileAnswers(t *testing.T) {
	other := tsatest.Start(t) // a TSA whose root is not configured
	honest := tsatest.Start(t)
	for _, tc := range []struct {
		name   string
		answer func(w http.ResponseWriter, body []byte)
		want   string
	}{
		{"garbage", func(w http.ResponseWriter, _ []byte) { fmt.Fprint(w, "<html>not a TSA</html>") }, "not a valid timestamp response"},
		{"status", func(w http.ResponseWriter, _ []byte) { http.Error(w, "nope", http.StatusForbidden) }, "HTTP 403"},
		{"huge", func(w http.ResponseWriter, _ []byte) { w.Write(make([]byte, 3<<20)) }, "answer over 1048576 bytes"},
		{"other_hash", func(w http.ResponseWriter, _ []byte) {
			w.Write(proxyTo(t, honest.URL, digestQuery(t, digestOf("something else"))))
		}, "nonce"},
		{"untrusted", func(w http.ResponseWriter, body []byte) { w.Write(proxyTo(t, other.URL, body)) }, "does not chain"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body) // a short query fails the case's assertion
				tc.answer(w, body)
			}))
			defer srv.Close()
			c := client(t, srv.URL, []string{honest.RootsFile})
			_, err := c.Stamp(t.Context(), digestOf("mine"))
			if err == nil || !strings.Contains(err.Error(), srv.URL) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Stamp = %v, want an error naming %s and saying %q", err, srv.URL, tc.want)
			}
		})
	}
}

// digestQuery is a timestamp query over d, as a client would send.
func digestQuery(t *testing.T, d []byte) []byte {
	t.Helper()
	c := &capture{}
	srv := httptest.NewServer(c)
	defer srv.Close()
	_, _ = client(t, srv.URL, nil).Stamp(t.Context(), d) // the answer is empty; only the query matters
	return c.body
}

type capture struct{ body []byte }

func (c *capture) ServeHTTP(_ http.ResponseWriter, r *http.Request) {
	c.body, _ = io.ReadAll(r.Body) // a short query fails the caller's assertion
}

// proxyTo sends a query to a TSA and returns its answer.
func proxyTo(t *testing.T, url string, query []byte) []byte {
	resp, err := http.Post(url, "application/timestamp-query", strings.NewReader(string(query)))
	if err != nil {
		t.Error(err)
		return nil
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Error(err)
	}
	return b
}

// TestVerify_Refuses: a tampered token, a token over another hash and a
// token from a CA not among the roots each fail, with their own error.
func TestVerify_Refuses(t *testing.T) {
	a := tsatest.Start(t)
	d := digestOf("stored chain hash")
	good := a.Token(t, d, time.Now())
	if _, err := tsa.Verify(good, d, a.Roots); err != nil {
		t.Fatalf("Verify of a good token: %v", err)
	}
	tampered := append([]byte(nil), good...)
	tampered[len(tampered)-5] ^= 0x01 // inside the signature, at the end
	stranger := tsatest.NewCA(t, "stranger")
	lax := tsatest.StartWith(t, tsatest.NewLaxCA(t, "lax"))
	for _, tc := range []struct {
		name  string
		token []byte
		roots *x509.CertPool // nil: the TSA's own
		want  error
	}{
		{"tampered", tampered, nil, tsa.ErrSignature},
		{"wrong_imprint", a.Token(t, digestOf("another version"), time.Now()), nil, tsa.ErrImprint},
		{"untrusted_root", good, stranger.Pool, tsa.ErrChain},
		{"key_usage_not_critical", lax.Token(t, d, time.Now()), lax.Roots, tsa.ErrChain},
	} {
		t.Run(tc.name, func(t *testing.T) {
			roots := a.Roots
			if tc.roots != nil {
				roots = tc.roots
			}
			if _, err := tsa.Verify(tc.token, d, roots); !errors.Is(err, tc.want) {
				t.Fatalf("Verify = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestStamper_DownThenUp: versions saved while the TSA is down are kept
// without a token, the failure is news once over two failed passes, and
// the first pass after the TSA is back stamps them all, oldest first.
func TestStamper_DownThenUp(t *testing.T) {
	a := tsatest.Start(t)
	st := sqlite.New(filepath.Join(t.TempDir(), "s.db"), nil)
	if err := st.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := tsa.NewStamper(client(t, a.URL, []string{a.RootsFile}), st, nil, 0)
	art, err := st.AddArticle(t.Context(), snapshots.Article{URL: "https://news.example/a", Source: "x", FirstSeen: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	saveVersion := func(text string) {
		t.Helper()
		c := &snapshots.Check{ArticleID: art.ID, At: time.Now(), Status: 200, Outcome: snapshots.OutcomeNew}
		if err := st.Save(t.Context(), c, &snapshots.Version{At: c.At, Title: "T", Text: text, Raw: []byte(text)}); err != nil {
			t.Fatal(err)
		}
	}
	saveVersion("one")
	if p := s.Stamp(t.Context()); p.Err != nil || p.Stamped != 1 {
		t.Fatalf("pass with the TSA up = %+v, want 1 stamped", p)
	}
	a.SetDown(true)
	saveVersion("two")
	p := s.Stamp(t.Context())
	if p.Err == nil || !p.News || p.Pending != 1 || !strings.Contains(p.Err.Error(), "HTTP 503") || !strings.Contains(p.Err.Error(), a.URL) {
		t.Fatalf("first pass with the TSA down = %+v, want news of HTTP 503 from %s, 1 pending", p, a.URL)
	}
	saveVersion("three")
	if p := s.Stamp(t.Context()); p.Err == nil || p.News || p.Pending != 2 {
		t.Fatalf("second pass with the TSA down = %+v, want the failure again, not news, 2 pending", p)
	}
	a.SetDown(false)
	if p := s.Stamp(t.Context()); p.Err != nil || p.Stamped != 2 || p.Pending != 0 {
		t.Fatalf("pass with the TSA back = %+v, want 2 stamped", p)
	}
	rep, err := tsa.Audit(t.Context(), st, a.Roots, "")
	if err != nil || rep.Verified != 3 || rep.Unstamped != 0 || len(rep.Problems) != 0 {
		t.Fatalf("Audit = %+v, %v; want 3 verified", rep, err)
	}
	a.SetDown(true)
	saveVersion("four")
	if p := s.Stamp(t.Context()); !p.News {
		t.Fatalf("a new outage after a recovery = %+v, want news again", p)
	}
	// The next `redline check` is another process, with a Stamper of its
	// own: the outage it meets began before it and was reported, so its
	// failure is not news, though it saved a version of its own.
	next := tsa.NewStamper(client(t, a.URL, []string{a.RootsFile}), st, nil, 0)
	saveVersion("five")
	if p := next.Stamp(t.Context()); p.Err == nil || p.News || p.Pending != 2 {
		t.Fatalf("a later process's pass in the same outage = %+v, want the failure, not news, 2 pending", p)
	}
}
