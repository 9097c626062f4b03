package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInit (issue 18, point 13): init writes a commented config for one
// source of each kind, which loads and passes check --dry-run as written.
func TestInit(t *testing.T) {
	for _, tc := range []struct {
		flag, url string
		check     func(Config) bool
	}{
		{"--feed", "https://www.news.example.com/world/rss.xml#top", func(c Config) bool {
			return c.Sources[0].Feed == "https://www.news.example.com/world/rss.xml" && len(c.Cadence) == 3
		}},
		{"--url", "https://news.example.com/world/2026/story?id=7&utm_source=x", func(c Config) bool {
			return c.Sources[0].URL == "https://news.example.com/world/2026/story?id=7&utm_source=x"
		}},
		{"--sitemap", "HTTPS://News.Example.com/news-sitemap.xml", func(c Config) bool {
			return c.Sources[0].Sitemap == "https://news.example.com/news-sitemap.xml"
		}},
	} {
		t.Run(strings.TrimPrefix(tc.flag, "--"), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "new", "config.yaml")
			code, out, errOut := runCmd(t, t.Context(), "init", tc.flag, tc.url, "--out", path)
			if code != exitOK || !strings.HasPrefix(out, "wrote "+path+": it watches ") {
				t.Fatalf("init: exit %d, stdout %q, stderr %q", code, out, errOut)
			}
			body, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(string(body), "\n#"); n < 10 {
				t.Errorf("config has %d comment lines, want it commented:\n%s", n, body)
			}
			cfg, err := loadConfig(path)
			if err != nil {
				t.Fatalf("the config init wrote does not load: %v\n%s", err, body)
			}
			if len(cfg.Sources) != 1 || cfg.Sources[0].Name != "news.example.com" || !tc.check(cfg) || cfg.Sources[0].AllowPrivate {
				t.Errorf("sources %+v", cfg.Sources)
			}
			code, out, errOut = runCmd(t, t.Context(), "check", "--config", path, "--dry-run")
			if code != exitOK || out != path+": valid, 1 source\n" {
				t.Errorf("check --dry-run: exit %d, stdout %q, stderr %q", code, out, errOut)
			}
		})
	}
}

// TestInit_Refusals: a bad or private URL, no source or two, and an
// existing file (without --force) are refused with exit 2, and nothing is
// written.
func TestInit_Refusals(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "config.yaml")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--feed", "ftp://news.example.com/rss"}, `redline: init --feed: scheme "ftp" not allowed (want http or https)`},
		{[]string{"--url", "news.example.com/story"}, `redline: init --url: URL "news.example.com/story" has no scheme (want http:// or https://)`},
		{[]string{"--url", "https:///story"}, `redline: init --url: URL "https:///story" has no host`},
		{[]string{"--sitemap", "https://news.example.com/a b"}, `redline: init --sitemap: invalid URL "https://news.example.com/a b": contains whitespace or a backslash`},
		{[]string{"--feed", "http://127.0.0.1:8080/rss"}, `redline: init --feed: 127.0.0.1 is not a public address (loopback): give --allow-private to allow it`},
		{[]string{"--feed", "https://a.example/rss", "--url", "https://a.example/b"}, `redline: init: give one of --feed, --url, --sitemap and --links, not both --feed and --url`},
		{nil, `redline: init needs the source to watch: --feed URL (an RSS, Atom or JSON Feed), --url URL (one article), --sitemap URL or --links URL --match REGEX (a section page)`},
		{[]string{"https://a.example/rss"}, `redline: init takes no arguments, got ["https://a.example/rss"]: give the source with --feed, --url, --sitemap or --links`},
	} {
		code, stdout, errOut := runCmd(t, t.Context(), append([]string{"init", "--out", out}, tc.args...)...)
		if code != exitUsage || stdout != "" || errOut != tc.want+"\n" {
			t.Errorf("init %v: exit %d, stdout %q, stderr\n got: %q\nwant: %q", tc.args, code, stdout, errOut, tc.want+"\n")
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("init %v wrote %s", tc.args, out)
		}
	}

	// A private address with --allow-private is written with allow_private.
	runOK(t, "init", "--out", out, "--allow-private", "--url", "http://127.0.0.1:8080/a")
	cfg, err := loadConfig(out)
	if err != nil || len(cfg.Sources) != 1 || !cfg.Sources[0].AllowPrivate || cfg.AllowPrivate {
		t.Fatalf("--allow-private config: %v, %+v", err, cfg.Sources)
	}
	// An existing file is kept unless --force is given.
	code, _, errOut := runCmd(t, t.Context(), "init", "--out", out, "--feed", "https://news.example.com/rss")
	if want := "redline: init: " + out + " exists: give --force to overwrite it, or --out another file\n"; code != exitUsage || errOut != want {
		t.Errorf("init over an existing file: exit %d, stderr %q, want %q", code, errOut, want)
	}
	if cfg, err := loadConfig(out); err != nil || cfg.Sources[0].URL != "http://127.0.0.1:8080/a" {
		t.Errorf("the existing file changed: %v, %+v", err, cfg.Sources)
	}
	runOK(t, "init", "--out", out, "--force", "--feed", "https://news.example.com/rss")
	if cfg, err := loadConfig(out); err != nil || cfg.Sources[0].Feed != "https://news.example.com/rss" || cfg.Sources[0].AllowPrivate {
		t.Errorf("after --force: %v, %+v", err, cfg.Sources)
	}
}
