package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
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

	hook := newWebhookSink(t)
	dir := t.TempDir()
	cfg := hookConfig(t, dir, "{dir: "+filepath.Join(dir, "reports")+"}", hook.URL, site.URL)
	check := func() string {
		t.Helper()
		code, _, errOut := runCmd(t, context.Background(), "check", "--config", cfg)
		if code != exitOK {
			t.Fatalf("check: exit %d\n%s", code, errOut)
		}
		return errOut
	}
	check() // first versions: nothing to notify
	if sum := check(); !strings.Contains(sum, "2 not modified") {
		t.Errorf("second cycle summary %q, want 2 not modified", sum)
	}
	if len(hook.received()) != 0 {
		t.Fatalf("notified %d times before any change", len(hook.received()))
	}

	edition.Store(1)
	hook.refuse.Store(true)
	check() // both articles change; the receiver refuses the digest
	hook.refuse.Store(false)
	if len(hook.received()) != 0 {
		t.Fatal("a refused delivery was counted as received")
	}
	check() // nothing new changed; the kept digest goes out now
	got := hook.received()
	if len(got) != 1 {
		t.Fatalf("received %d digests, want the kept one exactly once", len(got))
	}
	var dg struct {
		Report struct {
			Items []struct {
				URL string `json:"url"`
			} `json:"items"`
		} `json:"report"`
	}
	if err := json.Unmarshal(got[0], &dg); err != nil {
		t.Fatalf("digest is not JSON: %v\n%s", err, got[0])
	}
	if len(dg.Report.Items) != 2 {
		t.Errorf("digest has %d items, want both changed articles in one message:\n%s", len(dg.Report.Items), got[0])
	}
}
