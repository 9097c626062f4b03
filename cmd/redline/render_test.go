package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/internal/testtool"
	"github.com/redline-news/redline/snapshots"
)

// TestLoadConfig_BrowserRefusals: each bad browser or render key is
// refused at load, named by file, line and field.
func TestLoadConfig_BrowserRefusals(t *testing.T) {
	refusals(t, map[string]string{
		"browser-missing.yaml":           `browser-missing.yaml:2: browser.path: no Chromium found at browser.path "/nonexistent/chromium": exec: "/nonexistent/chromium": stat /nonexistent/chromium: no such file or directory`,
		"browser-render-unknown.yaml":    `browser-render-unknown.yaml:4: sources[0].render: want fetch or browser, got "chrome"`,
		"browser-wait-for-fetch.yaml":    `browser-wait-for-fetch.yaml:4: sources[0].wait_for: only a source with render: browser waits for a selector`,
		"browser-wait-for-selector.yaml": `browser-wait-for-selector.yaml:7: sources[0].wait_for: invalid CSS selector "div[": expected identifier, found EOF instead`,
		"browser-limits.yaml": "browser-limits.yaml:3: browser.timeout: want a duration between 1s and 10m such as 30s, got \"forever\"\n" +
			"browser-limits.yaml:4: browser.concurrency: must be between 1 and 64, got 0\n" +
			"browser-limits.yaml:5: browser.restart_after: must be between 1 and 1000000, got -5",
		"browser-unknown-key.yaml": `browser-unknown-key.yaml:2: browser.headless: unknown key (allowed: concurrency, path, restart_after, third_party, timeout)`,
	})
}

// TestLoadConfig_Browser: the browser block and a source's render and
// wait_for are compiled; with no browser.path and none on PATH, the
// source that needs one is named with the setting to fix.
func TestLoadConfig_Browser(t *testing.T) {
	cfg, err := parseConfig("browser.yaml", []byte(`browser:
  path: /bin/true
  timeout: 45s
  concurrency: 3
  third_party: true
  restart_after: 50
sources:
  - name: js
    url: https://news.example.com/a
    render: browser
    wait_for: article p
  - name: plain
    url: https://news.example.com/b
    render: fetch
`))
	if err != nil {
		t.Fatal(err)
	}
	want := BrowserConfig{Path: "/bin/true", Timeout: 45 * time.Second, Concurrency: 3, ThirdParty: true, RestartAfter: 50}
	if cfg.Browser != want {
		t.Errorf("browser = %+v, want %+v", cfg.Browser, want)
	}
	js, plain := cfg.Sources[0], cfg.Sources[1]
	if !js.Browser || js.WaitFor != "article p" || plain.Browser || plain.WaitFor != "" {
		t.Errorf("sources: js %v %q, plain %v %q", js.Browser, js.WaitFor, plain.Browser, plain.WaitFor)
	}
	t.Setenv("PATH", t.TempDir())
	_, err = parseConfig("nopath.yaml", []byte("sources:\n  - name: js\n    url: https://news.example.com/a\n    render: browser\n"))
	if want := "nopath.yaml:4: browser.path: no Chromium found on PATH (looked for [chromium chromium-browser google-chrome google-chrome-stable chrome headless_shell]): install Chromium or set browser.path"; err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	// A config without browser sources needs no browser.
	if _, err := parseConfig("plain.yaml", []byte("sources:\n  - name: p\n    url: https://news.example.com/a\n")); err != nil {
		t.Errorf("a config with no browser source: %v", err)
	}
}

// scriptPage is a page whose story its script writes.
func scriptPage(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/story", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!DOCTYPE html><html><head><title>Harbour</title></head><body><article><h1>Harbour budget approved</h1><div id="story"></div></article><script src="/story.js"></script></body></html>`)
	})
	mux.HandleFunc("/story.js", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `for (const t of [
  "The city council approved the harbour budget on Monday by a vote of seven to two, after a debate that lasted most of the afternoon.",
  "The mayor said the money would repair the north pier, which has been closed since the storm in January, and pay for a new ferry landing.",
  "Two councillors voted against the plan, saying the costs had doubled since the first estimate was published last spring."]) {
  const p = document.createElement("p"); p.textContent = t; document.getElementById("story").appendChild(p);
}
const done = document.createElement("aside"); done.id = "done"; document.body.appendChild(done);`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestExtract_RenderBrowser: `redline extract --render browser` reads the
// story a page's script writes, which the fetched page does not hold.
func TestExtract_RenderBrowser(t *testing.T) {
	exe := testtool.Chromium(t)
	srv := scriptPage(t)
	cfg := writeConfig(t, t.TempDir(), fmt.Sprintf("allow_private: true\nbrowser:\n  path: %s\n", exe))
	u := srv.URL + "/story"
	code, out, errOut := runCmd(t, t.Context(), "extract", "--config", cfg, "--render", "browser", "--wait-for", "#done", "--text", u)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "approved the harbour budget on Monday") || !strings.Contains(out, "costs had doubled") {
		t.Errorf("rendered text lacks the story:\n%s", out)
	}
	code, out, _ = runCmd(t, t.Context(), "extract", "--config", cfg, "--text", u)
	if strings.Contains(out, "harbour budget on Monday") {
		t.Errorf("fetched without the browser (exit %d), the page already holds the story: the test proves nothing", code)
	}
	code, _, errOut = runCmd(t, t.Context(), "extract", "--wait-for", "#done", u)
	if code != exitUsage || !strings.Contains(errOut, "--wait-for needs --render browser") {
		t.Errorf("--wait-for without the browser: exit %d, %s", code, errOut)
	}
}

// TestCheck_RenderBrowser: `redline check` checks a source with render:
// browser through the browser and stores the story its script wrote.
func TestCheck_RenderBrowser(t *testing.T) {
	exe := testtool.Chromium(t)
	srv := scriptPage(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "redline.db")
	cfg := writeConfig(t, dir, fmt.Sprintf(`store: %s
allow_private: true
host_rate: 0
browser:
  path: %s
  timeout: 1m
sources:
  - name: js
    url: %s/story
    render: browser
`, db, exe, srv.URL))
	runOK(t, "check", "--config", cfg)
	st := openSQLite(t, db)
	arts, err := st.Articles(t.Context(), snapshots.ArticleFilter{Source: "js"})
	if err != nil || len(arts) != 1 {
		t.Fatalf("articles %v, %v", arts, err)
	}
	v, err := st.Version(t.Context(), arts[0].ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(v.Text, "approved the harbour budget on Monday") || !strings.Contains(string(v.Raw), `<aside id="done"></aside>`) {
		t.Errorf("stored text %q / raw body %q: want the rendered story", v.Text, v.Raw)
	}
}
