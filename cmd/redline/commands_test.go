package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/diffing"
)

// runCmd runs redline with args and an empty standard input, and returns
// its exit status and output.
func runCmd(t *testing.T, ctx context.Context, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runStdin(t, ctx, "", args...)
}

// runOK runs redline with args and returns its standard output; the test
// stops unless it exits 0.
func runOK(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := runCmd(t, t.Context(), args...)
	if code != exitOK {
		t.Fatalf("redline %q: exit %d\n%s%s", args, code, out, errOut)
	}
	return out
}

// runAt is runCmd with the clock stopped at now, for commands that read
// a time relative to now (--since 24h).
func runAt(t *testing.T, now time.Time, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	a := &app{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, now: func() time.Time { return now }}
	code = runApp(t.Context(), a, args)
	return code, out.String(), errOut.String()
}

// runStdin is runCmd with stdin as the standard input.
func runStdin(t *testing.T, ctx context.Context, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(ctx, args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestHelpOnEveryCommand(t *testing.T) {
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, context.Background(), c.name, "--help")
			if code != exitOK {
				t.Fatalf("%s --help: exit %d, stderr %s", c.name, code, errOut)
			}
			if !strings.Contains(out+errOut, "Usage: redline "+c.name) {
				t.Errorf("%s --help does not print its usage:\n%s%s", c.name, out, errOut)
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "allow_private: true\nsources:\n  - name: a\n    url: http://127.0.0.1:1/a\n")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"check", "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"check", "--config", filepath.Join(dir, "missing.yaml")}, "missing.yaml"},
		{[]string{"check", "--config", cfg, "--format", "pdf"}, "--format"},
		{[]string{"report", "--config", cfg, "--format", "pdf"}, "redline: --format: "},
		{[]string{"diff", "--format", "pdf", "a.txt", "b.txt"}, "redline: --format: "},
		{[]string{"diff", "--format", "pdf", "--from", "1", "https://news.example/a"}, "redline: --format: "},
		{[]string{"sites", "--config", cfg, "--format", "xml"}, `redline: --format: "xml" is not text or json`},
		{[]string{"status", "--config", cfg, "--format", "xml"}, `redline: --format: "xml" is not text or json`},
		{[]string{"extract", "--format", "xml", "x.html"}, `redline: --format: "xml" is not text or json`},
		{[]string{"check", "--config", cfg, "--store", "postgres://localhost:notaport/redline"}, "postgres"},
		{[]string{"diff", "only-one"}, "diff"},
		{[]string{"history", "--config", cfg}, "URL"},
		{[]string{"history", "--config", cfg, "a", "b"}, "redline: history needs one URL (got 2 arguments)"},
		{[]string{"show", "--config", cfg}, "redline: show needs one URL (got 0 arguments)"},
		{[]string{"demo", "--duration", "1s"}, "--duration"},
		{[]string{"extract", "--selectors", "{tilte: h1}", "x.html"}, "--selectors:1: selectors.tilte: unknown key"},
		{[]string{"extract", "--selectors", `{body: "div["}`, "x.html"}, `selectors.body: invalid CSS selector "div["`},
		{[]string{"extract", "--selectors", `{remove: [".ad", "p:nope"]}`, "x.html"}, "selectors.remove[1]"},
		{[]string{"extract", "--ignore", "(", "x.html"}, `--ignore "("`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, _, errOut := runCmd(t, context.Background(), tc.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d; stderr: %s", code, exitUsage, errOut)
			}
			if !strings.Contains(errOut, tc.want) {
				t.Errorf("stderr %q does not mention %q", errOut, tc.want)
			}
		})
	}
}

// TestNoArgumentCommands: every command that takes no positional argument
// refuses one with the same message, naming the command and the stray
// arguments.
func TestNoArgumentCommands(t *testing.T) {
	for _, tc := range []struct{ cmd, hint string }{
		{"check", ""}, {"demo", ""}, {"version", ""}, {"report", ""}, {"run", ""}, {"serve", ""},
		{"init", ": give the source with --feed, --url, --sitemap or --links"},
		{"export", ""}, {"sites", ""}, {"status", ""},
		{"verify", ": use --url URL for one article"},
	} {
		t.Run(tc.cmd, func(t *testing.T) {
			code, out, errOut := runCmd(t, context.Background(), tc.cmd, "stray", "more")
			want := "redline: " + tc.cmd + ` takes no arguments, got ["stray" "more"]` + tc.hint + "\n"
			if code != exitUsage || out != "" || errOut != want {
				t.Errorf("exit %d, stdout %q, stderr\n got: %q\nwant: %q", code, out, errOut, want)
			}
		})
	}
}

// TestExtractSelectors: rules tried on the command line are the config's
// selectors block, and they change what is extracted.
func TestExtractSelectors(t *testing.T) {
	page := filepath.Join("..", "..", "monitor", "extract", "testdata", "page.html")
	code, out, errOut := runCmd(t, context.Background(), "extract", "--text",
		"--selectors", `{body: "div.story-body", remove: [".ad-slot", "blockquote"], modified: "nothing-matches"}`,
		"--ignore", `^Fisk said`, page)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.HasPrefix(out, "The Riverside River Authority voted 5-2") {
		t.Errorf("body rule not applied; output starts %q", out[:min(len(out), 80)])
	}
	for _, gone := range []string{"Speed matters", "Fisk said she would", "Advertisement", "Volunteers stack sandbags"} {
		if strings.Contains(out, gone) {
			t.Errorf("output still has %q", gone)
		}
	}
	if !strings.Contains(out, "Board chair Robert Lin said") {
		t.Errorf("output lost story text:\n%s", out)
	}
}

func TestDiffFiles(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "old.txt")
	cur := filepath.Join(dir, "new.html")
	writeFile(t, old, "Officials said the raid seized 97 percent of the shipment.\n'We are not opposed to cooperation,' Sheinbaum said.\n")
	writeFile(t, cur, `<html><head></head><body><nav>Home · World</nav><article>
<p>Officials said the raid seized 90 percent of the shipment.</p>
<p>'We are opposed to cooperation,' Sheinbaum said.</p></article><footer>© 2026</footer></body></html>`)

	code, out, errOut := runCmd(t, context.Background(), "diff", "--format", "json", "--exit-code", old, cur)
	if code != exitChanges {
		t.Fatalf("diff --exit-code on different files: exit %d, stderr %s", code, errOut)
	}
	for _, want := range []string{`"number_changed"`, `"negation_changed"`, `"quote_changed"`, `"97 percent"`} {
		if !strings.Contains(out, want) {
			t.Errorf("diff output lacks %s:\n%s", want, out)
		}
	}
	var cs struct {
		Old, New map[string]any
		Summary  struct {
			Severity    string         `json:"severity"`
			Counts      map[string]int `json:"counts"`
			StealthEdit bool           `json:"stealth_edit"`
		}
		Changes []map[string]any
	}
	if err := json.Unmarshal([]byte(out), &cs); err != nil {
		t.Fatalf("diff --format json is not the change set: %v", err)
	}
	if cs.Old == nil || cs.New == nil || cs.Summary.Severity != "high" || !cs.Summary.StealthEdit || len(cs.Changes) != 2 || cs.Summary.Counts["number_changed"] != 1 {
		t.Errorf("change set JSON: %+v", cs)
	}
	for _, c := range cs.Changes {
		for _, k := range []string{"kind", "kinds", "severity", "paragraph", "sentence", "before", "after", "ops"} {
			if _, ok := c[k]; !ok {
				t.Errorf("change lacks %q: %v", k, c)
			}
		}
	}
	code, out, _ = runCmd(t, context.Background(), "diff", "--exit-code", old, old)
	if code != exitOK || !strings.Contains(out, "No changes") {
		t.Errorf("diff of a file with itself: exit %d, output %q", code, out)
	}
	code, _, errOut = runCmd(t, context.Background(), "diff", old, filepath.Join(dir, "nope.txt"))
	if code != exitUsage || !strings.Contains(errOut, "nope.txt") {
		t.Errorf("diff with a missing file: exit %d, stderr %q", code, errOut)
	}
}

func TestCheckFailureIsRecordedAndExits3(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	dir := t.TempDir()
	cfg := writeConfig(t, dir, fmt.Sprintf("store: %s\nallow_private: true\nreports:\n  dir: %s\nsources:\n  - name: a\n    url: %s/story\n", filepath.Join(dir, "r.db"), filepath.Join(dir, "reports"), srv.URL))
	code, _, errOut := runCmd(t, context.Background(), "check", "--config", cfg)
	if code != exitRuntime {
		t.Fatalf("check against a 503: exit %d, want %d; stderr %s", code, exitRuntime, errOut)
	}
	if !strings.Contains(errOut, "503") {
		t.Errorf("the failure reason is not reported: %s", errOut)
	}
	code, out, _ := runCmd(t, context.Background(), "history", "--config", cfg, "--checks", srv.URL+"/story")
	if code != exitOK || !strings.Contains(out, "503") {
		t.Errorf("the failed check is not in the history: exit %d\n%s", code, out)
	}
}

func TestRunDaemonStopsCleanly(t *testing.T) {
	srv, hits := countedStory(t, func(n int32) string {
		return fmt.Sprintf("<html><body><article><h1>Story</h1><p>Paragraph one of the story, fetched %d times so far.</p></article></body></html>", n)
	})
	dir := t.TempDir()
	cfg := writeConfig(t, dir, fmt.Sprintf("store: %s\nallow_private: true\nmin_interval: 1s\nreports:\n  dir: %s\nsources:\n  - name: a\n    url: %s/story\n    schedule: \"@every 1s\"\n", filepath.Join(dir, "r.db"), filepath.Join(dir, "reports"), srv.URL))
	metricsAddr := freeAddr(t)
	d := startDaemon(t, "run", "--config", cfg, "--metrics", metricsAddr)
	d.waitFor(t, "two fetches", func() bool { return hits.Load() >= 2 })
	var scrape string
	d.waitFor(t, "a check counted in the metrics", func() bool {
		resp, err := http.Get("http://" + metricsAddr + "/metrics")
		if err != nil {
			return false
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		scrape = string(b)
		return strings.Contains(scrape, `redline_checks_total{result="new_version"}`)
	})
	for _, name := range []string{"redline_fetch_duration_seconds_bucket", "redline_queue_depth", "go_goroutines"} {
		if !strings.Contains(scrape, name) {
			t.Errorf("metrics lack %s", name)
		}
	}
	if code := d.stop(t); code != exitOK {
		t.Fatalf("run after a signal: exit %d; stderr %s", code, d.errOut.String())
	}
	if !strings.Contains(d.errOut.String(), "redline stopped") {
		t.Errorf("no clean-stop log line: %s", d.errOut.String())
	}
	// Each fetch changed the count in the text: a new version with a changed figure.
	code, hist, _ := runCmd(t, context.Background(), "history", "--config", cfg, srv.URL+"/story")
	if code != exitOK || !strings.Contains(hist, "number_changed") {
		t.Errorf("history after the daemon: exit %d\n%s", code, hist)
	}
}

// TestDiffStdin: either file can be standard input ("-"), plain text or
// HTML; both at once is a usage error; a missing file names itself.
func TestDiffStdin(t *testing.T) {
	dir := t.TempDir()
	cur := writeFile(t, filepath.Join(dir, "new.txt"), "Officials said the raid seized 90 percent of the shipment.\n")
	diff := func(stdin string, args ...string) (int, string, string) {
		return runStdin(t, context.Background(), stdin, append([]string{"diff", "--format", "json"}, args...)...)
	}
	code, out, errOut := diff("Officials said the raid seized 97 percent of the shipment.\n", "-", cur)
	if code != exitOK || !strings.Contains(out, `"number_changed"`) || !strings.Contains(out, `"97 percent"`) {
		t.Errorf("old from stdin: exit %d, stderr %q, out %s", code, errOut, out)
	}
	code, out, _ = diff("<html><body><article><p>Officials said the raid seized 97 percent of the shipment.</p></article></body></html>", cur, "-")
	if code != exitOK || !strings.Contains(out, `"number_changed"`) {
		t.Errorf("new (HTML) from stdin: exit %d, out %s", code, out)
	}
	if code, _, errOut := diff("", "-", "-"); code != exitUsage || !strings.Contains(errOut, "standard input") {
		t.Errorf("both from stdin: exit %d, stderr %q", code, errOut)
	}
	missing := filepath.Join(dir, "missing.txt")
	if code, _, errOut := diff("", missing, cur); code != exitUsage || !strings.Contains(errOut, missing) {
		t.Errorf("missing file: exit %d, stderr %q", code, errOut)
	}
}

// TestOneShotGC: a diff that is the whole process runs without the
// collector (under a memory limit) when its documents are small, and
// leaves the collector alone for large ones, when GOGC or GOMEMLIMIT is
// set, and when a test (or any caller of run) is not the process.
func TestOneShotGC(t *testing.T) {
	origPercent := debug.SetGCPercent(100)
	origLimit := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() {
		debug.SetGCPercent(origPercent)
		debug.SetMemoryLimit(origLimit)
	})
	reset := func() {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
	}
	noEnv := func(string) string { return "" }
	if !oneShotGC(1<<20, noEnv) {
		t.Fatal("a 1 MB pair: collector left on")
	}
	if p := debug.SetGCPercent(100); p != -1 {
		t.Errorf("GC percent after oneShotGC = %d, want -1 (off)", p)
	}
	if l := debug.SetMemoryLimit(-1); l != oneShotMemLimit {
		t.Errorf("memory limit = %d, want %d", l, oneShotMemLimit)
	}
	reset()
	for name, getenv := range map[string]func(string) string{
		"GOGC":       func(k string) string { return map[string]string{"GOGC": "200"}[k] },
		"GOMEMLIMIT": func(k string) string { return map[string]string{"GOMEMLIMIT": "1GiB"}[k] },
	} {
		if oneShotGC(1<<20, getenv) || debug.SetGCPercent(100) != 100 {
			t.Errorf("%s set: the runtime was tuned anyway", name)
		}
	}
	if oneShotGC(oneShotMaxBytes+1, noEnv) || debug.SetGCPercent(100) != 100 {
		t.Errorf("a pair over %d bytes: collector turned off", oneShotMaxBytes)
	}

	dir := t.TempDir()
	old, cur := filepath.Join(dir, "old.txt"), filepath.Join(dir, "new.txt")
	writeFile(t, old, "Officials said the raid seized 97 percent.\n")
	writeFile(t, cur, "Officials said the raid seized 90 percent.\n")
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"diff", old, cur}, strings.NewReader(""), &out, &errOut); code != exitOK {
		t.Fatalf("diff: exit %d, %s", code, errOut.String())
	}
	if p := debug.SetGCPercent(100); p != 100 {
		t.Errorf("run (not the process) left GC percent %d", p)
	}
	a := &app{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, now: time.Now, ownsProcess: true}
	if code := runApp(context.Background(), a, []string{"diff", old, cur}); code != exitOK {
		t.Fatalf("diff as the process: exit %d, %s", code, errOut.String())
	}
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		if p := debug.SetGCPercent(100); p != -1 {
			t.Errorf("diff as the process: GC percent %d, want -1", p)
		}
	}
}

// TestPlainDocument: a plain-text file given to Compare whole compares as
// its non-blank, trimmed lines would; --title-line takes the first
// non-blank line as the headline.
func TestPlainDocument(t *testing.T) {
	seed, err := os.ReadFile("../../diffing/testdata/seed-article.txt")
	if err != nil {
		t.Fatal(err)
	}
	lines := func(s string) diffing.Document {
		var d diffing.Document
		for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				d.Paragraphs = append(d.Paragraphs, l)
			}
		}
		return d
	}
	old := string(seed)
	cur := strings.NewReplacer("97 percent", "90 percent", "\n", "\r\n", " said", "\u00a0said", ".\n", ". \t\n\n").Replace(old)
	cur = "\n\n" + cur + "\n  \n"
	want, err := json.Marshal(diffing.Compare(lines(old), lines(cur)))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(diffing.Compare(plainDocument(old, false), plainDocument(cur, false)))
	if string(got) != string(want) {
		t.Errorf("whole text compares differently from its lines:\n got %s\nwant %s", got, want)
	}
	if !strings.Contains(string(got), `"number_changed"`) {
		t.Errorf("the figure edit was not found: %s", got)
	}
	d := plainDocument("\n  \n  Headline here \r\nBody one.\n\nBody two.\n", true)
	if d.Title != "Headline here" || len(d.Paragraphs) != 1 || lines(d.Paragraphs[0]).Paragraphs[1] != "Body two." {
		t.Errorf("--title-line: %+v", d)
	}
	if d := plainDocument(" \n\t\n", false); len(d.Paragraphs) != 0 || d.Title != "" {
		t.Errorf("blank file: %+v", d)
	}
}

// TestExtract_JSONEscapesHidden: --format json escapes a bidi override in
// scraped text as every report's JSON does (report.WriteJSON), so cat-ing
// the output cannot reorder the line on a terminal; the value decodes
// unchanged. The commands once wrote JSON with their own encoder, which
// left it raw.
func TestExtract_JSONEscapesHidden(t *testing.T) {
	page := filepath.Join(t.TempDir(), "page.html")
	body := strings.Repeat("<p>The council met on Tuesday and voted on the budget for the coming year.</p>\n", 6)
	if err := os.WriteFile(page, []byte("<html><head><title>x</title></head><body><article><h1>Budget \u202eapproved</h1>"+body+"</article></body></html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := runOK(t, "extract", "--format", "json", page)
	if strings.Contains(out, "\u202e") || !strings.Contains(out, `\u202e`) {
		t.Errorf("extract --format json: want the override escaped as \\u202e, got\n%s", out)
	}
	var art struct{ Title string }
	if err := json.Unmarshal([]byte(out), &art); err != nil || art.Title != "Budget \u202eapproved" {
		t.Errorf("decoded title %q, %v; want the title as extracted", art.Title, err)
	}
}
