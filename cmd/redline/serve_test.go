package main

import (
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
)

// TestServe starts `redline serve` on a free port, reads the URL it
// prints, fetches pages and the API, then cancels its context as SIGINT
// would and expects a clean exit.
func TestServe(t *testing.T) {
	db := filepath.Join(t.TempDir(), "r.db")
	st := openSQLite(t, db)
	a, err := st.AddArticle(t.Context(), snapshots.Article{URL: "https://news.example/story", Source: "example", FirstSeen: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Save(t.Context(), &snapshots.Check{ArticleID: a.ID, At: time.Now(), Status: 200},
		&snapshots.Version{Title: "A story", Text: "It began.", Raw: []byte("<p>It began.</p>")}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	d := startDaemon(t, "serve", "--store", db, "--addr", "127.0.0.1:0", "--log-level", "warn")
	var line string
	d.waitFor(t, "serve to print its URL", func() bool {
		var ok bool
		line, _, ok = strings.Cut(d.out.String(), "\n")
		return ok
	})
	base, ok := strings.CutPrefix(line, "redline serve: ")
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

	if code := d.stop(t); code != exitOK {
		t.Errorf("serve exited %d after cancel, want 0; stderr %s", code, d.errOut.String())
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
