package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// TestVersionFlag: --version and -version are `redline version`, not an
// unknown command.
func TestVersionFlag(t *testing.T) {
	_, want, _ := runCmd(t, context.Background(), "version")
	for _, arg := range []string{"--version", "-version"} {
		code, out, errOut := runCmd(t, context.Background(), arg)
		if code != exitOK {
			t.Errorf("redline %s: exit %d, stderr %q", arg, code, errOut)
		}
		if out != want || !strings.HasPrefix(out, "redline ") {
			t.Errorf("redline %s printed %q, want %q (as `redline version`)", arg, out, want)
		}
	}
}

// TestVersionOf: a build from a checkout names its commit, time and
// dirtiness; a tagged module its version; an unstamped build says why.
func TestVersionOf(t *testing.T) {
	vcs := func(version string, settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/redline-news/redline", Version: version}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	const rev = "16761c7164eb1c31426ef7bc0069c8fb3b544203"
	for _, tc := range []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"tagged", vcs("v1.2.0", "vcs.revision", rev), "v1.2.0"},
		{"pseudo-version", vcs("v0.0.0-20261207121644-16761c7164eb+dirty"), "v0.0.0-20261207121644-16761c7164eb+dirty"},
		{"devel clean", vcs("(devel)", "vcs.revision", rev, "vcs.time", "2026-12-07T12:16:44Z", "vcs.modified", "false"),
			"(devel) 16761c7164eb 2026-12-07T12:16:44Z"},
		{"devel dirty", vcs("(devel)", "vcs.revision", rev, "vcs.time", "2026-12-07T12:16:44Z", "vcs.modified", "true"),
			"(devel) 16761c7164eb+dirty 2026-12-07T12:16:44Z"},
		{"unstamped", vcs("(devel)"), "(devel): no version stamped (go run and -buildvcs=false builds carry none; go build in a git checkout does)"},
		{"no build info", nil, "(devel): no version stamped (go run and -buildvcs=false builds carry none; go build in a git checkout does)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := versionOf(tc.bi); got != tc.want {
				t.Errorf("versionOf = %q, want %q", got, tc.want)
			}
		})
	}
}

// binaryFixtures are files diff and extract must refuse, by the kind their
// message names.
func binaryFixtures(t *testing.T) map[string][]byte {
	t.Helper()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write(bytes.Repeat([]byte("The council voted 5-2.\n"), 200)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	// Pseudo-random bytes, the same on every run: a SHA-256 chain.
	var random []byte
	sum := sha256.Sum256([]byte("redline"))
	for len(random) < 8192 {
		random = append(random, sum[:]...)
		sum = sha256.Sum256(sum[:])
	}
	elf := append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 4096)...)
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 512)...)
	pdf := append([]byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), random[:512]...)
	return map[string][]byte{
		"gzip data":         gz.Bytes(),
		"binary data":       random,
		"an ELF executable": elf,
		"a PNG image":       png,
		"a PDF document":    pdf,
	}
}

// TestNotText: binary files are named by what they look like; text and
// HTML in any charset pass.
func TestNotText(t *testing.T) {
	for want, b := range binaryFixtures(t) {
		if got := notText(string(b)); got != want {
			t.Errorf("notText(%q…) = %q, want %q", b[:8], got, want)
		}
	}
	for name, s := range map[string]string{
		"empty":                         "",
		"utf-8 text":                    "Le conseil a voté à 5 contre 2 — « enfin ».\n",
		"text with a form feed and ESC": "page one\f\x1b[1mpage two\x1b[0m\n" + strings.Repeat("more text\n", 20),
		"latin-1 HTML":                  "<!DOCTYPE html><html><head><meta charset=iso-8859-1></head><body><p>vot\xe9</p></body></html>",
		"HTML with a stray control":     "<html><body><p>a\x08b</p></body></html>",
	} {
		if got := notText(s); got != "" {
			t.Errorf("%s: notText = %q, want \"\" (text)", name, got)
		}
	}
}

// TestDiffAndExtractRefuseBinary: a binary file is a usage error naming
// the file and what it looks like, not thousands of lines of garbage.
func TestDiffAndExtractRefuseBinary(t *testing.T) {
	dir := t.TempDir()
	text := writeFile(t, filepath.Join(dir, "story.txt"), "The council voted 5-2.\n")
	for kind, b := range binaryFixtures(t) {
		file := filepath.Join(dir, strings.ReplaceAll(kind, " ", "-"))
		if err := os.WriteFile(file, b, 0o600); err != nil {
			t.Fatal(err)
		}
		want := file + " is not text or HTML (looks like " + kind + ")"
		for _, args := range [][]string{{"diff", file, text}, {"diff", text, file}, {"extract", file}} {
			code, out, errOut := runCmd(t, context.Background(), args...)
			if code != exitUsage || !strings.Contains(errOut, want) || out != "" {
				t.Errorf("redline %s: exit %d, stderr %q, %d bytes of stdout; want exit 2 and %q",
					strings.Join(args, " "), code, errOut, len(out), want)
			}
		}
	}
	// Standard input is checked the same way.
	gz := binaryFixtures(t)["gzip data"]
	if code, _, errOut := runStdin(t, context.Background(), string(gz), "extract", "-"); code != exitUsage ||
		!strings.Contains(errOut, "standard input is not text or HTML (looks like gzip data)") {
		t.Errorf("extract - of gzip data: exit %d, stderr %q", code, errOut)
	}
}

// TestExtractPrivateAndSource: extract of a 127.0.0.1 URL is refused with
// the flag that allows it; --allow-private allows it; --config with
// --source reads the page with that source's selectors, robots.txt policy
// and allow_private, and the config's user agent.
func TestExtractPrivateAndSource(t *testing.T) {
	const page = `<html><head><title>Flood plan</title></head><body>
<nav><p>Home · News · Sport · Weather · Contact us · Subscribe today</p></nav>
<div class="story"><p>The river authority voted 5-2 on Tuesday to approve the flood plan for the town.</p>
<p class="ad">Advertisement: buy sandbags at the corner shop, open every day of the week.</p>
<p>Board chair Robert Lin said work would start in the spring, once the ground had dried.</p></div>
</body></html>`
	var mu sync.Mutex
	var seen []string // "path user-agent", in order
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.Path+" "+r.UserAgent())
		mu.Unlock()
		if r.URL.Path != "/story" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	}))
	defer srv.Close()
	requests := func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := seen
		seen = nil
		return out
	}
	dir := t.TempDir()
	cfg := writeConfig(t, dir, fmt.Sprintf(`user_agent: "redline-test/1 (+https://example.org/bot)"
sources:
  - name: local
    url: %s/story
    allow_private: true
    respect_robots: false
    selectors: {body: div.story, remove: [.ad]}
  - name: public
    url: https://example.org/news/story
`, srv.URL))
	url := srv.URL + "/story"

	code, out, errOut := runCmd(t, context.Background(), "extract", url)
	if want := "refusing to connect to 127.0.0.1 (loopback): give --allow-private to allow it"; code != exitUsage || !strings.Contains(errOut, want) || out != "" {
		t.Errorf("extract %s: exit %d, stdout %q, stderr %q; want exit 2 and %q", url, code, out, errOut, want)
	}
	if strings.Contains(errOut, "allow_private") {
		t.Errorf("the message names a config key extract has no use for without --source: %q", errOut)
	}
	if got := requests(); len(got) != 0 {
		t.Errorf("the refused extract reached the server: %q", got)
	}

	code, out, errOut = runCmd(t, context.Background(), "extract", "--allow-private", "--text", url)
	if code != exitOK || !strings.Contains(out, "The river authority voted 5-2") {
		t.Fatalf("extract --allow-private: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if got := requests(); len(got) != 2 || !strings.HasPrefix(got[0], "/robots.txt ") || !strings.HasPrefix(got[1], "/story ") {
		t.Errorf("extract --allow-private: the server saw %q, want robots.txt then the story", got)
	}

	code, out, errOut = runCmd(t, context.Background(), "extract", "--config", cfg, "--source", "local", "--text", url)
	if code != exitOK {
		t.Fatalf("extract --source local: exit %d, stderr %q", code, errOut)
	}
	want := "The river authority voted 5-2 on Tuesday to approve the flood plan for the town.\n\nBoard chair Robert Lin said work would start in the spring, once the ground had dried.\n"
	if out != want {
		t.Errorf("extract --source local printed %q, want the source's selectors applied: %q", out, want)
	}
	// respect_robots: false on the source: no robots.txt; the config's user agent.
	if got := requests(); len(got) != 1 || got[0] != "/story redline-test/1 (+https://example.org/bot)" {
		t.Errorf("extract --source local: the server saw %q, want one GET of /story with the config's user agent", got)
	}

	code, _, errOut = runCmd(t, context.Background(), "extract", "--config", cfg, "--source", "public", url)
	if want := `give --allow-private, or set allow_private: true on source "public" in ` + cfg + `, to allow it`; code != exitUsage || !strings.Contains(errOut, want) {
		t.Errorf("extract --source public: exit %d, stderr %q; want exit 2 and %q", code, errOut, want)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"extract", "--config", cfg, "--source", "nope", url}, `--source "nope": no such source in ` + cfg + ` (its sources: local, public)`},
		{[]string{"extract", "--config", cfg, "--source", "local", "--selectors", "{body: p}", url}, "give --selectors or --source, not both"},
		{[]string{"extract", "--source", "local", "--config", filepath.Join(dir, "missing.yaml"), url}, "missing.yaml"},
	} {
		code, _, errOut := runCmd(t, context.Background(), tc.args...)
		if code != exitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("redline %s: exit %d, stderr %q; want exit 2 and %q", strings.Join(tc.args, " "), code, errOut, tc.want)
		}
	}
	if got := requests(); len(got) != 0 {
		t.Errorf("refused extracts reached the server: %q", got)
	}
}

// TestHistoryUnknownURL: a URL that is not watched is a usage error (exit
// 2) naming up to three watched URLs closest to it, those on its host
// first.
func TestHistoryUnknownURL(t *testing.T) {
	watched := []string{
		"https://news.example/world/flood-plan-approved",
		"https://news.example/world/flood-plan-delayed",
		"https://news.example/sport/cup-final",
		"https://www.news.example/world/flood-plans",
		"https://other.example/world/flood-plan-approved",
	}
	path := seedStore(t, watched...)
	for _, tc := range []struct {
		name, url string
		want      string
	}{
		{"typo in the path", "https://news.example/world/flood-plan-aproved",
			"no article https://news.example/world/flood-plan-aproved in the store; the closest watched:\n" +
				"  https://news.example/world/flood-plan-approved\n" +
				"  https://news.example/world/flood-plan-delayed\n" +
				"  https://www.news.example/world/flood-plans\n"},
		{"http for https, trailing slash", "http://news.example/sport/cup-final/",
			"the closest watched:\n  https://news.example/sport/cup-final\n"},
		{"mistyped host", "https://newz.example/sport/cup-final",
			"the closest watched:\n  https://news.example/sport/cup-final\n"},
		{"nothing like it", "https://elsewhere.example/a",
			"no article https://elsewhere.example/a in the store, nor one like it (5 articles watched)\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, context.Background(), "history", "--store", path, tc.url)
			if code != exitUsage || !strings.Contains(errOut, tc.want) || out != "" {
				t.Errorf("history %s: exit %d, stderr:\n%s\nwant exit 2 and:\n%s", tc.url, code, errOut, tc.want)
			}
		})
	}
	empty := filepath.Join(t.TempDir(), "empty.db")
	if code, _, errOut := runCmd(t, context.Background(), "history", "--store", empty, watched[0]); code != exitUsage ||
		!strings.Contains(errOut, "it watches no articles yet") {
		t.Errorf("history on an empty store: exit %d, stderr %q", code, errOut)
	}
}

func TestClosestURLs(t *testing.T) {
	long := "https://news.example/" + strings.Repeat("a-very-long-slug-", 10)
	urls := []string{long + "one", long + "two", "https://news.example/short"}
	got := closestURLs(long+"onf", urls, 2)
	if want := []string{long + "one", long + "two"}; !slices.Equal(got, want) {
		t.Errorf("closestURLs of a long path = %q, want %q", got, want)
	}
}

// TestWriteProblem: the system's reason a store cannot be written, in
// words, from its error number: what SQLite's "unable to open database
// file (14)" hides.
func TestWriteProblem(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&fs.PathError{Op: "open", Path: "/mnt/ro/.redline-probe-1", Err: syscall.EROFS}, "read-only file system"},
		{&fs.PathError{Op: "open", Path: "/srv/redline/.redline-probe-1", Err: syscall.EACCES}, "permission denied"},
		{&fs.PathError{Op: "open", Path: "/srv/redline/.redline-probe-1", Err: syscall.EPERM}, "permission denied"},
		{&fs.PathError{Op: "open", Path: "/srv/file/.redline-probe-1", Err: syscall.ENOTDIR}, "not a directory (a file stands where a directory should be)"},
		{&fs.PathError{Op: "open", Path: "/srv/none/.redline-probe-1", Err: syscall.ENOENT}, "does not exist"},
		{&fs.PathError{Op: "open", Path: "/srv/full/.redline-probe-1", Err: syscall.ENOSPC}, "no space left on device"},
	} {
		if got := writeProblem(tc.err); got != tc.want {
			t.Errorf("writeProblem(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
	err := error(&storeWriteError{Store: "/mnt/ro/redline.db", Path: "/mnt/ro", Dir: true,
		Err: &fs.PathError{Op: "open", Path: "/mnt/ro/.redline-probe-1", Err: syscall.EROFS}})
	if got, want := err.Error(), "/mnt/ro/redline.db cannot be written: directory /mnt/ro: read-only file system"; got != want {
		t.Errorf("storeWriteError = %q, want %q", got, want)
	}
	if !errors.Is(err, syscall.EROFS) {
		t.Errorf("storeWriteError does not unwrap to its errno")
	}
}

// TestSQLitePath: one rule says which DSNs are SQLite files, for opening,
// probing and status alike.
func TestSQLitePath(t *testing.T) {
	for _, tc := range []struct {
		dsn, path string
		ok        bool
	}{
		{"redline.db", "redline.db", true},
		{"/var/lib/redline/r.db", "/var/lib/redline/r.db", true},
		{"sqlite:///var/lib/redline/r.db", "/var/lib/redline/r.db", true},
		{"postgres://u@db/redline", "", false},
		{"postgresql://u@db/redline", "", false},
		{"", "", false},
	} {
		if path, ok := sqlitePath(tc.dsn); path != tc.path || ok != tc.ok {
			t.Errorf("sqlitePath(%q) = %q, %v; want %q, %v", tc.dsn, path, ok, tc.path, tc.ok)
		}
	}
	// openStore follows it: a sqlite:// URL opens the file, no DSN is a
	// usage error.
	st, err := openStore(t.Context(), "sqlite://"+filepath.Join(t.TempDir(), "r.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("open sqlite:// store: %v", err)
	}
	st.Close()
	var ue *usageError
	if _, err := openStore(t.Context(), "", slog.New(slog.DiscardHandler)); !errors.As(err, &ue) {
		t.Errorf("open with no DSN: %v, want a usage error", err)
	}
}

// TestStoreNotWritable: a store that cannot be written is refused with
// the reason and the path, by every command and by check --dry-run. A
// regular file where the store's directory should be fails for root too;
// a directory without write permission fails for other users, and for
// root (who may write there) the store opens.
func TestStoreNotWritable(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, filepath.Join(dir, "file"), "not a directory")
	store := filepath.Join(file, "redline.db")
	want := "open store: " + store + " cannot be written: directory " + file + ": not a directory"
	code, _, errOut := runCmd(t, context.Background(), "history", "--store", store, "https://news.example/a")
	if code != exitRuntime || !strings.Contains(errOut, want) {
		t.Errorf("history on %s: exit %d, stderr %q; want exit 3 and %q", store, code, errOut, want)
	}

	writeCfg := func(store string) string {
		t.Helper()
		return writeConfig(t, dir, fmt.Sprintf("store: %s\nsources:\n  - {name: a, url: \"https://news.example/a\"}\n", store))
	}
	cfg := writeCfg(store)
	code, out, errOut := runCmd(t, context.Background(), "check", "--dry-run", "--config", cfg)
	if want := "store: " + store + " cannot be written: directory " + file + ": not a directory"; code == exitOK || !strings.Contains(errOut, want) {
		t.Errorf("check --dry-run with the store under a file: exit %d, stdout %q, stderr %q; want a failure naming %q", code, out, errOut, want)
	}

	// A writable place passes, and the probe leaves nothing behind.
	good := filepath.Join(dir, "ok", "redline.db")
	if err := os.Mkdir(filepath.Dir(good), 0o700); err != nil {
		t.Fatal(err)
	}
	writeCfg(good)
	if code, out, errOut := runCmd(t, context.Background(), "check", "--dry-run", "--config", cfg); code != exitOK {
		t.Errorf("check --dry-run with a writable store: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if left, _ := os.ReadDir(filepath.Dir(good)); len(left) != 0 {
		t.Errorf("check --dry-run left %v in the store's directory", left)
	}

	// A directory without write permission, judged by a real write as
	// the probe judges it.
	ro := filepath.Join(dir, "ro")
	if err := os.Mkdir(ro, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(ro, 0o700) })
	roStore := filepath.Join(ro, "redline.db")
	probe, err := os.CreateTemp(ro, "probe-")
	writable := err == nil
	if writable {
		probe.Close()
		os.Remove(probe.Name())
	}
	writeCfg(roStore)
	code, out, errOut = runCmd(t, context.Background(), "check", "--dry-run", "--config", cfg)
	if writable { // root
		if code != exitOK {
			t.Errorf("check --dry-run on a directory this user can write: exit %d, stderr %q", code, errOut)
		}
	} else if want := "store: " + roStore + " cannot be written: directory " + ro + ": permission denied"; code == exitOK || !strings.Contains(errOut, want) {
		t.Errorf("check --dry-run on a 0555 directory: exit %d, stdout %q, stderr %q; want %q", code, out, errOut, want)
	}
	code, _, errOut = runCmd(t, context.Background(), "history", "--store", roStore, "https://news.example/a")
	if writable {
		if code != exitUsage || !strings.Contains(errOut, "watches no articles yet") {
			t.Errorf("history on a directory this user can write: exit %d, stderr %q", code, errOut)
		}
	} else if want := "open store: " + roStore + " cannot be written: directory " + ro + ": permission denied"; code != exitRuntime || !strings.Contains(errOut, want) {
		t.Errorf("history on a 0555 directory: exit %d, stderr %q; want exit 3 and %q", code, errOut, want)
	}
}

// TestCommandFor: the demo's closing hint names a command that exists: `go
// run ./cmd/redline` after go run (whose binary is temporary), "redline"
// when that is on PATH, else the binary's path.
func TestCommandFor(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin", "redline")
	other := filepath.Join(dir, "other", "redline")
	for _, p := range []string{bin, other} {
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(dir, "link-to-redline")
	if err := os.Symlink(bin, link); err != nil {
		t.Fatal(err)
	}
	goRun := selfCommand{name: "go run ./cmd/redline", goRun: true}
	for _, tc := range []struct {
		name                      string
		exe, cwd, onPath, gocache string
		want                      selfCommand
	}{
		{"go run temporary", "/tmp/go-build1604948749/b001/exe/redline", "/home/u/redline", "", "", goRun},
		{"go run cached binary", "/root/.cache/go-build/19/19c36dbfa1-d/redline", "/home/u/redline", "", "", goRun},
		{"go run, GOCACHE elsewhere", "/var/cache/gocache/19/19c36dbfa1-d/redline", "/home/u/redline", "", "/var/cache/gocache", goRun},
		{"on PATH", bin, dir, link, "", selfCommand{name: "redline"}},
		{"another redline on PATH", bin, dir, other, "", selfCommand{name: "./" + filepath.Join("bin", "redline")}},
		{"built here", bin, filepath.Join(dir, "bin"), "", "", selfCommand{name: "./redline"}},
		{"built elsewhere", bin, filepath.Join(dir, "other"), "", "", selfCommand{name: bin}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := commandFor(tc.exe, tc.cwd, tc.onPath, tc.gocache); got != tc.want {
				t.Errorf("commandFor(%q, %q, %q, %q) = %+v, want %+v", tc.exe, tc.cwd, tc.onPath, tc.gocache, got, tc.want)
			}
		})
	}

	const store, url = "/tmp/redline-demo-1/redline.db", "http://127.0.0.1:40000/news/flood-plan"
	got := demoHint(goRun, store, url)
	want := "try:     go run ./cmd/redline history --store " + store + " " + url + "\n" +
		"         (or build redline once, go build -o redline ./cmd/redline, then ./redline history …)\n"
	if got != want {
		t.Errorf("demo hint after go run:\n%s\nwant:\n%s", got, want)
	}
	if got, want := demoHint(selfCommand{name: "redline"}, store, url), "try:     redline history --store "+store+" "+url+"\n"; got != want {
		t.Errorf("demo hint of an installed redline: %q, want %q", got, want)
	}
}
