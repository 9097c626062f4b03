package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/internal/syncio"
	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/sqlite"
)

// TestServe starts `redline serve` on a free port, reads the URL it
// prints, fetches pages and the API, then cancels its context as SIGINT
// would and expects a clean exit.
func TestServe(t *testing.T) {
	db := filepath.Join(t.TempDir(), "r.db")
	st := sqlite.New(db, slog.New(slog.DiscardHandler))
	if err := st.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	a, err := st.AddArticle(t.Context(), snapshots.Article{URL: "https://news.example/story", Source: "example", FirstSeen: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Save(t.Context(), &snapshots.Check{ArticleID: a.ID, At: time.Now(), Status: 200},
		&snapshots.Version{Title: "A story", Text: "It began.", Raw: []byte("<p>It began.</p>")}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	var errOut strings.Builder
	done := make(chan int, 1)
	go func() {
		code := run(ctx, []string{"serve", "--store", db, "--addr", "127.0.0.1:0", "--log-level", "warn"}, strings.NewReader(""), pw, &syncio.Writer{W: &errOut})
		pw.Close()
		done <- code
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed no URL: %v (exit %d, stderr %s)", err, <-done, errOut.String())
	}
	go io.Copy(io.Discard, pr) // nothing more is expected; never block serve
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "redline serve: ")
	if !ok || !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("serve printed %q, want its URL on 127.0.0.1", line)
	}

	get := func(path string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, strings.TrimSuffix(base, "/")+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, string(body)
	}
	res, body := get("/")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "A story") ||
		!strings.Contains(res.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("GET /: %d, CSP %q", res.StatusCode, res.Header.Get("Content-Security-Policy"))
	}
	res, body = get("/api/articles")
	var list struct {
		Total int `json:"total"`
	}
	if err := json.Unmarshal([]byte(body), &list); err != nil || res.StatusCode != http.StatusOK || list.Total != 1 {
		t.Errorf("GET /api/articles: %d %v %+v", res.StatusCode, err, list)
	}

	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("serve exited %d after cancel, want 0; stderr %s", code, errOut.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop after its context was cancelled")
	}
}

func TestServe_Usage(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "extra"},
		{"serve", "--store", filepath.Join(t.TempDir(), "r.db"), "--addr", "not-an-address"},
	} {
		if code, _, _ := runCmd(t, t.Context(), args...); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
		}
	}
}
