package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
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
	if code, _, errOut := runCmd(t, context.Background(), "check", "--config", cfg); code != exitOK {
		t.Fatalf("check: exit %d: %s", code, errOut)
	}
}
