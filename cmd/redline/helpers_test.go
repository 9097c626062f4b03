package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redline-news/redline/internal/syncio"
	"github.com/redline-news/redline/notify"
	"github.com/redline-news/redline/snapshots/sqlite"
)

// writeFile writes body to path and returns path. The mode is 0600, the
// mode a config holding secrets must have, so every test file can use it.
func writeFile(t *testing.T, path, body string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeConfig writes body as dir/config.yaml and returns its path.
func writeConfig(t *testing.T, dir, body string) string {
	t.Helper()
	return writeFile(t, filepath.Join(dir, "config.yaml"), body)
}

// countedStory serves page(n) at /story for the nth fetch, and 404 for
// anything else (robots.txt). It returns the server and the fetch count.
func countedStory(t *testing.T, page func(n int32) string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/story" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, page(hits.Add(1)))
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// checkOK runs `redline check` on cfg and stops the test unless it exits 0.
func checkOK(t *testing.T, cfg string) {
	t.Helper()
	runOK(t, "check", "--config", cfg)
}

// hookSecret signs the digests webhookSink receives.
const hookSecret = "s3cret"

// webhookSink is a webhook receiver: it checks each digest's signature
// against hookSecret and keeps the bodies. While refuse holds it answers
// 400 and keeps nothing, as a receiver that is down.
type webhookSink struct {
	URL    string
	refuse atomic.Bool
	mu     sync.Mutex
	bodies [][]byte
}

func newWebhookSink(t *testing.T) *webhookSink {
	t.Helper()
	h := &webhookSink{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if h.refuse.Load() {
			http.Error(w, "receiver down", http.StatusBadRequest)
			return
		}
		if err := notify.Verify(hookSecret, b, r.Header.Get("X-Redline-Signature")); err != nil {
			t.Errorf("webhook signature: %v", err)
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		h.bodies = append(h.bodies, b)
	}))
	t.Cleanup(srv.Close)
	h.URL = srv.URL
	return h
}

// received returns the bodies kept so far.
func (h *webhookSink) received() [][]byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.bodies)
}

// hookConfig writes a config in dir that checks site's /story/1 (source a)
// and /story/2 (source b), notifies hookURL signed with hookSecret and
// writes reports as the YAML value reports says.
func hookConfig(t *testing.T, dir, reports, hookURL, site string) string {
	t.Helper()
	return writeConfig(t, dir, fmt.Sprintf(`store: %s
allow_private: true
reports: %s
host_rate: 0
notify:
  - {name: hook, kind: webhook, url: %s, secret: %s}
sources:
  - {name: a, url: %s/story/1}
  - {name: b, url: %s/story/2}
`, filepath.Join(dir, "r.db"), reports, hookURL, hookSecret, site, site))
}

// daemon is a long-running command (run, serve) started in the
// background with its output captured; the test's cleanup stops it.
type daemon struct {
	out, errOut syncio.Buffer
	cancel      context.CancelFunc
	done        chan int
	code        int
	stopped     bool
}

func startDaemon(t *testing.T, args ...string) *daemon {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	d := &daemon{cancel: cancel, done: make(chan int, 1)}
	go func() { d.done <- run(ctx, args, strings.NewReader(""), &d.out, &d.errOut) }()
	t.Cleanup(func() { d.stop(t) })
	return d
}

// stop cancels the command, as SIGINT and SIGTERM do through
// signal.NotifyContext, and returns its exit status.
func (d *daemon) stop(t *testing.T) int {
	t.Helper()
	if d.stopped {
		return d.code
	}
	d.cancel()
	select {
	case d.code = <-d.done:
		d.stopped = true
	case <-time.After(30 * time.Second):
		t.Fatalf("the daemon did not stop after its context was cancelled; log:\n%s", d.errOut.String())
	}
	return d.code
}

// waitFor polls ok until it holds, and fails the test with the log when
// the daemon exits first or ok has not held within 30s.
func (d *daemon) waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !ok(); {
		select {
		case d.code = <-d.done:
			d.stopped = true
			t.Fatalf("waiting for %s, the daemon exited %d; log:\n%s", what, d.code, d.errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s; log:\n%s", what, d.errOut.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// freeAddr returns a 127.0.0.1 address nothing listens on at the moment.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// openSQLite opens the SQLite store at path, creating it if need be; the
// test's cleanup closes it (closing it earlier is fine).
func openSQLite(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	st := sqlite.New(path, slog.New(slog.DiscardHandler))
	if err := st.Open(t.Context()); err != nil {
		t.Fatalf("open store %s: %v", path, err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
