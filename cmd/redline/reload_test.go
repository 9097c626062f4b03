package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
)

// TestBattery_C12_reload: SIGHUP makes `redline run` reread its config. An
// invalid config is refused with a logged error and the daemon keeps
// running on the old one; a valid one replaces the sources.
func TestBattery_C12_reload(t *testing.T) {
	var a, b atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/a":
			a.Add(1)
		case "/b":
			b.Add(1)
		default:
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, "<html><body><article><h1>Story %s</h1><p>A paragraph about the levee vote on Monday.</p></article></body></html>", r.URL.Path)
	}))
	defer srv.Close()
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.yaml")
	write := func(body string) {
		t.Helper()
		writeConfig(t, dir, body)
	}
	head := fmt.Sprintf("store: %s\nreports: {dir: %s}\nallow_private: true\nmin_interval: 1s\nhost_rate: 0\n", filepath.Join(dir, "r.db"), filepath.Join(dir, "reports"))
	write(head + fmt.Sprintf("sources:\n  - {name: a, url: %s/a, schedule: \"@every 1s\"}\n", srv.URL))

	d := startDaemon(t, "run", "--config", cfgPath)
	errOut := &d.errOut
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		d.waitFor(t, what, ok)
	}
	waitFor("the first check", func() bool { return a.Load() > 0 })

	// An invalid config: refused, the daemon goes on with the old one.
	write(head + "sources:\n  - {name: a, url: " + srv.URL + "/a, schedule: \"every second\"}\n")
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor("the refusal", func() bool { return strings.Contains(errOut.String(), "config reload refused") })
	if !strings.Contains(errOut.String(), "schedule") {
		t.Errorf("the refusal does not name the field:\n%s", errOut.String())
	}
	before := a.Load()
	waitFor("checks to go on", func() bool { return a.Load() > before })

	// A notifier whose secret the environment lacks: refused too, naming
	// the variable, rather than stopping the daemon when it is wired.
	t.Setenv("REDLINE_RELOAD_TEST_SECRET", "")
	os.Unsetenv("REDLINE_RELOAD_TEST_SECRET")
	write(head + fmt.Sprintf("sources:\n  - {name: a, url: %s/a, schedule: \"@every 1s\"}\n", srv.URL) +
		"notify:\n  - {name: hook, kind: webhook, url: https://hooks.example/x, secret_env: REDLINE_RELOAD_TEST_SECRET}\n")
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor("the second refusal", func() bool { return strings.Count(errOut.String(), "config reload refused") == 2 })
	if !strings.Contains(errOut.String(), "REDLINE_RELOAD_TEST_SECRET, which is not set") {
		t.Errorf("the refusal does not name the variable:\n%s", errOut.String())
	}
	before = a.Load()
	waitFor("checks to go on", func() bool { return a.Load() > before })

	// A valid config: the new source is watched.
	write(head + fmt.Sprintf("sources:\n  - {name: b, url: %s/b, schedule: \"@every 1s\"}\n", srv.URL))
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor("the new source", func() bool { return b.Load() > 0 })
	if !strings.Contains(errOut.String(), "config reloaded") {
		t.Errorf("no reload log line:\n%s", errOut.String())
	}
	if code := d.stop(t); code != exitOK {
		t.Errorf("run: exit %d\n%s", code, errOut.String())
	}
}
