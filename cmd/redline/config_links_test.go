package main

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/redline-news/redline/monitor"
)

// TestLoadConfig_LinksRefusals: a links source's mistakes are refused at
// load, each naming file, line and field.
func TestLoadConfig_LinksRefusals(t *testing.T) {
	refusals(t, map[string]string{
		"links-and-feed.yaml":     `links-and-feed.yaml:4: sources[0].links: give one of url, feed, sitemap and links, not both feed (line 3) and links`,
		"links-no-match.yaml":     `links-no-match.yaml:3: sources[0].match: missing: a links source needs match, a regular expression its article URLs match (e.g. '^https://news\.example\.com/world/\d{4}/'), so the page's other links (sections, tags, login) are not watched`,
		"links-bad-match.yaml":    "links-bad-match.yaml:4: sources[0].match: invalid regular expression \"/world/(\\\\d{4}/\": error parsing regexp: missing closing ): `/world/(\\d{4}/`",
		"links-bad-selector.yaml": `links-bad-selector.yaml:5: sources[0].selector: invalid CSS selector "main .story-list a[": expected identifier, found EOF instead`,
		"links-keys-without-links.yaml": "links-keys-without-links.yaml:4: sources[0].match: match is for a links source (a section page), and this source has no links\n" +
			"links-keys-without-links.yaml:5: sources[0].selector: selector is for a links source (a section page), and this source has no links (an article's own selectors go under selectors:)",
		"links-private.yaml": `links-private.yaml:3: sources[0].links: 10.0.0.5 is not a public address (private): set allow_private: true on this source to allow it`,
	})
}

// TestLoadConfig_Links: a links source compiles to a monitor.Source that
// reads the section page, with its pattern and link area.
func TestLoadConfig_Links(t *testing.T) {
	cfg, err := parseConfig("links.yaml", []byte(`sources:
  - name: world
    links: https://NEWS.example.com/world/#top
    match: '^https://news\.example\.com/world/\d{4}/'
    selector: main .story-list
  - name: front
    links: https://news.example.com/
    match: '/politics/'
`))
	if err != nil {
		t.Fatal(err)
	}
	w, f := cfg.Sources[0], cfg.Sources[1]
	if w.Links != "https://news.example.com/world/" || w.URL != "" || w.Feed != "" || w.Sitemap != "" {
		t.Errorf("links = %q (url %q, feed %q, sitemap %q), want the normalized section URL alone", w.Links, w.URL, w.Feed, w.Sitemap)
	}
	if w.LinkMatch == nil || !w.LinkMatch.MatchString("https://news.example.com/world/2026/a") || w.LinkMatch.MatchString("https://news.example.com/sport/2026/a") {
		t.Errorf("match = %v, want the pattern compiled", w.LinkMatch)
	}
	if got := w.LinkArea.String(); got != "main .story-list" {
		t.Errorf("selector = %q, want %q", got, "main .story-list")
	}
	if !f.LinkArea.IsZero() || f.LinkMatch == nil {
		t.Errorf("front: selector %q, match %v, want no area and a pattern", f.LinkArea, f.LinkMatch)
	}
}

// TestInit_Links: init --links --match (and --selector) writes a config
// that loads with the section page, its pattern and its link area, and
// passes check --dry-run; --match is required with --links and refused
// without it.
func TestInit_Links(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	code, out, errOut := runCmd(t, t.Context(), "init", "--links", "https://www.news.example.com/world/#top",
		"--match", `^https://www\.news\.example\.com/world/\d{4}/`, "--selector", `main .story-list, div[data-kind="lead"]`, "--out", path)
	if code != exitOK || out != "wrote "+path+": it watches the articles the page https://www.news.example.com/world/ links to\nnext: redline check --config "+path+" --dry-run\n" {
		t.Fatalf("init: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	cfg, err := loadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	src := cfg.Sources[0]
	if src.Links != "https://www.news.example.com/world/" || src.LinkMatch.String() != `^https://www\.news\.example\.com/world/\d{4}/` ||
		src.LinkArea.String() != `main .story-list, div[data-kind="lead"]` || len(cfg.Cadence) != 3 {
		t.Errorf("source %+v, cadence %v", src, cfg.Cadence)
	}
	code, out, errOut = runCmd(t, t.Context(), "check", "--config", path, "--dry-run")
	if code != exitOK || out != path+": valid, 1 source\n" {
		t.Errorf("check --dry-run: exit %d, stdout %q, stderr %q", code, out, errOut)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--links", "https://news.example.com/world/"}, `redline: init --links needs --match REGEX, the pattern of the page's article URLs (e.g. '^https://news\.example\.com/world/\d{4}/'), so its other links are not watched`},
		{[]string{"--feed", "https://news.example.com/rss", "--match", "/world/"}, `redline: init --match: it is for --links (a section page), not --feed`},
		{[]string{"--links", "https://news.example.com/world/", "--match", "(unclosed"}, "redline: init --match: invalid regular expression \"(unclosed\": error parsing regexp: missing closing ): `(unclosed`"},
		{[]string{"--links", "https://news.example.com/world/", "--match", "/world/", "--selector", "div["}, `redline: init --selector: invalid CSS selector "div[": expected identifier, found EOF instead`},
	} {
		code, stdout, errOut := runCmd(t, t.Context(), append([]string{"init", "--out", path + "2"}, tc.args...)...)
		if code != exitUsage || stdout != "" || errOut != tc.want+"\n" {
			t.Errorf("init %v: exit %d, stdout %q, stderr\n got: %q\nwant: %q", tc.args, code, stdout, errOut, tc.want)
		}
	}
}

// TestLoadConfig_ExampleLinks: config.yaml documents a links source that
// loads as one.
func TestLoadConfig_ExampleLinks(t *testing.T) {
	unsetSecrets(t)
	cfg, err := loadConfig("../../config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(cfg.Sources, func(s monitor.Source) bool { return s.Links != "" })
	if i < 0 {
		t.Fatal("config.yaml has no links source")
	}
	src := cfg.Sources[i]
	if !src.LinkMatch.MatchString("https://news.example.com/world/2026/03/border-talks") || src.LinkMatch.MatchString("https://news.example.com/world/live/") || src.LinkArea.IsZero() {
		t.Errorf("links source %s: match %v, selector %q", src.Name, src.LinkMatch, src.LinkArea)
	}
}
