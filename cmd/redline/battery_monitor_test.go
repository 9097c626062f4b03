package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redline-news/redline/report"

	"github.com/redline-news/redline/monitor"
)

// storyServer serves /story with whatever status and body were set last.
type storyServer struct {
	mu     sync.Mutex
	status int
	body   string
}

func (s *storyServer) set(status int, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status, s.body = status, body
}

func (s *storyServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/story" {
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(s.status)
	fmt.Fprint(w, s.body)
}

// storyHTML is an article of some 100 words in <div class="article-body">,
// with a last paragraph that varies.
func storyHTML(last string) string {
	return "<html><head><title>Reservoir approved</title></head><body><div class=\"article-body\"><h1>Reservoir approved</h1>" +
		"<p>The ministry confirmed on Tuesday that the reservoir project would go ahead despite objections from three neighbouring municipalities and a coalition of farmers.</p>" +
		"<p>Officials said the first phase, a dam of forty metres, would be finished within two years and would supply water to nearly half a million homes in the region.</p>" +
		"<p>Opponents argue that the environmental review was rushed and that the flooding of the valley will displace families who have farmed there for generations.</p>" +
		"<p>" + last + "</p></div></body></html>"
}

// storySite starts a storyServer and writes a config watching its /story,
// with extra YAML under the source. It returns the server, the story's
// URL and the config's path.
func storySite(t *testing.T, extra string) (s *storyServer, story, cfg string) {
	t.Helper()
	s = &storyServer{}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	return s, srv.URL + "/story", writeConfig(t, dir, fmt.Sprintf("store: %s\nreports: {dir: %s}\nallow_private: true\nhost_rate: 0\nsources:\n  - name: a\n    url: %s/story\n%s",
		filepath.Join(dir, "r.db"), filepath.Join(dir, "reports"), srv.URL, extra))
}

func TestBatteryMonitor(t *testing.T) {
	ctx := context.Background()

	// N11: a 410 is one "gone" event, reported once until it recovers.
	t.Run("N11_status_semantics", func(t *testing.T) {
		s, story, cfg := storySite(t, "")
		s.set(200, storyHTML("A spokesperson said the group would appeal."))
		if code, _, errOut := runCmd(t, ctx, "check", "--config", cfg); code != exitOK {
			t.Fatalf("first check: exit %d\n%s", code, errOut)
		}
		s.set(http.StatusGone, "gone")
		code, _, errOut := runCmd(t, ctx, "check", "--config", cfg)
		if code != exitRuntime {
			t.Fatalf("410: exit %d, want %d\n%s", code, exitRuntime, errOut)
		}
		for _, want := range []string{"1 failed (gone: 410: 1)", "source a: " + story + ": gone: 410\n"} {
			if !strings.Contains(errOut, want) {
				t.Errorf("410: stderr lacks %q:\n%s", want, errOut)
			}
		}
		_, _, errOut = runCmd(t, ctx, "check", "--config", cfg)
		if strings.Contains(errOut, "source a: ") || !strings.Contains(errOut, "1 failing since an earlier check, already reported") {
			t.Errorf("second 410 reported again:\n%s", errOut)
		}
	})

	// H11: a collapsed page is an event, never a version; R12: a page
	// going back to an older text is a revert.
	t.Run("H11_soft_failure", func(t *testing.T) {
		s, _, cfg := storySite(t, "")
		a := storyHTML("A spokesperson said the group would appeal.")
		s.set(200, a)
		runCmd(t, ctx, "check", "--config", cfg)
		s.set(200, "<html><body><p>Page not found.</p></body></html>")
		code, out, errOut := runCmd(t, ctx, "check", "--config", cfg)
		if code != exitRuntime || !strings.Contains(out, "No changes.") {
			t.Fatalf("collapse: exit %d\nstdout %s\nstderr %s", code, out, errOut)
		}
		for _, want := range []string{"(extraction collapsed: 1)", ": extraction collapsed: 3 words vs 83 before\n"} {
			if !strings.Contains(errOut, want) {
				t.Errorf("collapse: stderr lacks %q:\n%s", want, errOut)
			}
		}
		s.set(200, storyHTML("The coalition said it would not appeal after all."))
		if code, _, errOut := runCmd(t, ctx, "check", "--config", cfg); code != exitOK || !strings.Contains(errOut, "1 changed,") {
			t.Fatalf("edit: exit %d\n%s", code, errOut)
		}
		s.set(200, a)
		if code, _, errOut := runCmd(t, ctx, "check", "--config", cfg); code != exitOK || !strings.Contains(errOut, "1 changed (1 reverted),") {
			t.Errorf("revert: exit %d\n%s", code, errOut)
		}
	})

	// H12: a redesign that loses the body selector names the selector.
	t.Run("H12_selector_miss", func(t *testing.T) {
		s, story, cfg := storySite(t, "    selectors:\n      body: .article-body\n")
		s.set(200, storyHTML("A spokesperson said the group would appeal."))
		runCmd(t, ctx, "check", "--config", cfg)
		s.set(200, strings.ReplaceAll(storyHTML("A spokesperson said the group would appeal."), "article-body", "story-text"))
		_, _, errOut := runCmd(t, ctx, "check", "--config", cfg)
		want := "source a: " + story + ": selector .article-body matched 0 nodes at " + story + "\n"
		if !strings.Contains(errOut, want) || !strings.Contains(errOut, "(selector miss: 1)") {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	})

	// The daemon prints an event once per run of failures.
	t.Run("publish_reports_an_event_once", func(t *testing.T) {
		var out bytes.Buffer
		a := &app{stdout: &out}
		r := monitor.Result{Source: "a", URL: "https://example.com/x", Err: fmt.Errorf("fetch: HTTP 410"), Event: monitor.EventGone, Reason: "gone: 410"}
		a.publish(r, Config{}, false)
		r.Ongoing = true
		a.publish(r, Config{}, false)
		if got, want := out.String(), "source a: https://example.com/x: gone: 410\n"; got != want {
			t.Errorf("published %q, want %q", got, want)
		}

		// With a report directory, the outage also gets its report file,
		// once.
		out.Reset()
		dir := t.TempDir()
		cfg := Config{ReportDir: dir, Formats: []report.Format{report.JSON}}
		r.Ongoing = false
		r.Check.At = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
		a.publish(r, cfg, false)
		r.Ongoing = true
		a.publish(r, cfg, false)
		files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		if len(files) != 1 {
			t.Fatalf("report files %v, want one for the outage", files)
		}
		b, err := os.ReadFile(files[0])
		if err != nil || !strings.Contains(string(b), `"reason": "gone: 410"`) {
			t.Fatalf("report file %s: %v\n%s", files[0], err, b)
		}
	})
}
