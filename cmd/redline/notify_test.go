package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/redline-news/redline/notify"
)

// TestCheckNotifies: a cycle's changes go to the configured webhook as one
// signed digest; a receiver that fails keeps the delivery in the store and
// gets it on the next cycle; and a second cycle where the server answers
// 304 counts as not modified.
func TestCheckNotifies(t *testing.T) {
	var edition atomic.Int32
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/story/") {
			http.NotFound(w, r)
			return
		}
		tag := fmt.Sprintf(`"%s-%d"`, r.URL.Path, edition.Load())
		w.Header().Set("ETag", tag)
		if r.Header.Get("If-None-Match") == tag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		fmt.Fprintf(w, `<html><body><article><h1>Levee vote %s</h1><p>The council voted %d-2 on Monday to spend $4.2 million on the levee.</p></article></body></html>`,
			r.URL.Path, 5-edition.Load())
	}))
	defer site.Close()

	var (
		mu       sync.Mutex
		bodies   [][]byte
		failNext atomic.Bool
	)
	const secret = "s3cret"
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if failNext.Load() {
			http.Error(w, "receiver down", http.StatusBadRequest)
			return
		}
		if err := notify.Verify(secret, b, r.Header.Get("X-Redline-Signature")); err != nil {
			t.Errorf("webhook signature: %v", err)
		}
		mu.Lock()
		bodies = append(bodies, b)
		mu.Unlock()
	}))
	defer hook.Close()

	dir := t.TempDir()
	cfg := writeConfig(t, dir, fmt.Sprintf(`store: %s
allow_private: true
reports: {dir: %s}
host_rate: 0
notify:
  - {name: hook, kind: webhook, url: %s, secret: %s}
sources:
  - {name: a, url: %s/story/1}
  - {name: b, url: %s/story/2}
`, filepath.Join(dir, "r.db"), filepath.Join(dir, "reports"), hook.URL, secret, site.URL, site.URL))
	check := func() string {
		t.Helper()
		var out, errOut bytes.Buffer
		code := run(context.Background(), []string{"check", "--config", cfg}, strings.NewReader(""), &out, &errOut)
		if code != exitOK {
			t.Fatalf("check: exit %d\n%s", code, errOut.String())
		}
		return errOut.String()
	}
	check() // first versions: nothing to notify
	if sum := check(); !strings.Contains(sum, "2 not modified") {
		t.Errorf("second cycle summary %q, want 2 not modified", sum)
	}
	if len(bodies) != 0 {
		t.Fatalf("notified %d times before any change", len(bodies))
	}

	edition.Store(1)
	failNext.Store(true)
	check() // both articles change; the receiver refuses the digest
	failNext.Store(false)
	if len(bodies) != 0 {
		t.Fatal("a refused delivery was counted as received")
	}
	check() // nothing new changed; the kept digest goes out now
	if len(bodies) != 1 {
		t.Fatalf("received %d digests, want the kept one exactly once", len(bodies))
	}
	var dg struct {
		Report struct {
			Items []struct {
				URL string `json:"url"`
			} `json:"items"`
		} `json:"report"`
	}
	if err := json.Unmarshal(bodies[0], &dg); err != nil {
		t.Fatalf("digest is not JSON: %v\n%s", err, bodies[0])
	}
	if len(dg.Report.Items) != 2 {
		t.Errorf("digest has %d items, want both changed articles in one message:\n%s", len(dg.Report.Items), bodies[0])
	}
}
