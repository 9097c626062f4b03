package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/template"

	"gopkg.in/yaml.v3"
)

// initTemplate is the config `redline init` writes: the few keys a first
// run needs, each with a line on what it does, and one source. config.yaml
// in the repository stays the reference for every key.
var initTemplate = template.Must(template.New("init").Parse(`# redline configuration, written by "redline init". It watches
# {{.What}}.
# Every key, its default and an example are in config.yaml in the redline
# repository; add the ones you need here.
#
#   redline check --config {{.File}} --dry-run   # validate this file
#   redline check --config {{.File}}             # check once now
#   redline run --config {{.File}}               # keep watching, on the schedule

# store: where versions are kept: a SQLite file, created on first use, or
# a postgres:// URL.
store: redline.db

# user_agent: sent with every request. Name your project and a contact so
# the site's owners know who is asking, for example:
# user_agent: "newsroom-watch (+mailto:desk@example.org)"

# schedule: when the source is polled: a cron spec ("*/15 * * * *"),
# "@hourly", or an interval ("@every 15m").
schedule: "@every 15m"
{{- if .Cadence}}

# cadence: how often an article found in the {{.Key}} is checked as it
# ages; past the last stage it is no longer checked.
cadence:
  - {until: 6h, every: 15m}
  - {until: 48h, every: 1h}
  - {until: 720h, every: 24h}
{{- end}}

# reports: after each check with changes, a report in each format is
# written to dir (markdown, json, html, text).
reports:
  dir: reports
  formats: [markdown, json]

# sources: what to watch. Each has a name and one of url (one article),
# feed (RSS, Atom or JSON Feed), sitemap or links (a section page).
sources:
  - name: {{.Name}}
    {{.Key}}: {{.URL}}
{{- if .Match}}
    # match: the links of the page that are articles (a regular
    # expression on their full URL, fragment and tracking parameters removed).
    match: {{.Match}}
{{- end}}
{{- if .Selector}}
    # selector: the part of the page whose links are read.
    selector: {{.Selector}}
{{- end}}
{{- if .AllowPrivate}}
    allow_private: true   # a private or loopback address, allowed here only
{{- end}}
    # selectors: CSS selectors for the story, if redline's own reading
    # picks the wrong part of the page. Try them on a page first:
    #   redline extract --selectors '{body: "article .story-body"}' URL
    # tags: [world]
`))

func runInit(_ context.Context, a *app, args []string) error {
	fs := newFlagSet(a, "init", "--feed URL | --url URL | --sitemap URL | --links URL --match REGEX",
		`Write a small, commented config that watches one source: a feed's articles
(--feed), one article (--url), a sitemap's articles (--sitemap) or the
articles a section page links to (--links, with --match for which links
are articles and optionally --selector for where they are). It passes
'redline check --config FILE --dry-run' as written. An existing file is
kept unless --force is given.`, nil, false)
	feed := fs.String("feed", "", "watch the articles of this RSS, Atom or JSON Feed (`URL`)")
	article := fs.String("url", "", "watch this one article (`URL`)")
	sitemap := fs.String("sitemap", "", "watch the articles of this sitemap or sitemap index (`URL`)")
	links := fs.String("links", "", "watch the articles this section front or homepage links to (`URL`)")
	match := fs.String("match", "", "with --links: the `REGEX` an article's URL matches")
	selector := fs.String("selector", "", "with --links: the CSS `SELECTOR` of the part of the page whose links are read")
	out := fs.String("out", defaultConf, "write the config to `FILE`")
	force := fs.Bool("force", false, "overwrite FILE if it exists")
	allowPrivate := fs.Bool("allow-private", false, "the source is on a private or loopback address: set allow_private on it")
	if err := parseNoArgs(fs, args, "give the source with --feed, --url, --sitemap or --links"); err != nil {
		return err
	}
	var key, raw string
	for _, k := range []struct{ name, val string }{{"feed", *feed}, {"url", *article}, {"sitemap", *sitemap}, {"links", *links}} {
		if k.val == "" {
			continue
		}
		if key != "" {
			return usagef("init: give one of --feed, --url, --sitemap and --links, not both --%s and --%s", key, k.name)
		}
		key, raw = k.name, k.val
	}
	if key == "" {
		return usagef("init needs the source to watch: --feed URL (an RSS, Atom or JSON Feed), --url URL (one article), --sitemap URL or --links URL --match REGEX (a section page)")
	}
	if err := initLinkFlags(key, *match, *selector); err != nil {
		return err
	}
	u, err := checkURL(raw)
	if err == nil && !*allowPrivate {
		err = checkPublicURL(u, "give --allow-private to allow it")
	}
	if err != nil {
		return usagef("init --%s: %v", key, err)
	}
	body, err := initConfig(*out, key, u, *allowPrivate, *match, *selector)
	if err != nil {
		return err
	}
	if err := writeNew(*out, body, *force); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "wrote %s: it watches %s\nnext: redline check --config %s --dry-run\n", *out, initWhat(key, u), *out)
	return nil
}

// initWhat says what a source of this kind watches.
func initWhat(key, u string) string {
	switch key {
	case "feed":
		return "the articles of the feed " + u
	case "sitemap":
		return "the articles of the sitemap " + u
	case "links":
		return "the articles the page " + u + " links to"
	}
	return "the article " + u
}

// initConfig renders the config for one source and checks it as `check
// --dry-run` would, so init never writes a file redline refuses.
func initConfig(file, key, u string, allowPrivate bool, match, selector string) ([]byte, error) {
	quotedURL, err := yamlQuoted(u)
	if err != nil {
		return nil, err
	}
	name, err := yamlQuoted(sourceName(u))
	if err != nil {
		return nil, err
	}
	quotedMatch, err := yamlQuotedIfSet(match)
	if err != nil {
		return nil, err
	}
	quotedSelector, err := yamlQuotedIfSet(selector)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	err = initTemplate.Execute(&b, map[string]any{
		"File": file, "What": initWhat(key, u), "Key": key, "URL": quotedURL,
		"Name": name, "Cadence": key != "url", "AllowPrivate": allowPrivate,
		"Match": quotedMatch, "Selector": quotedSelector,
	})
	if err != nil {
		return nil, err
	}
	cfg, err := parseConfig(file, b.Bytes())
	if err == nil {
		err = cfg.requireSources()
	}
	if err != nil {
		return nil, fmt.Errorf("init: the config written would be refused: %w", err)
	}
	return b.Bytes(), nil
}

// sourceName names a source after its host: news.example.com for
// https://www.news.example.com/rss.
func sourceName(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Hostname() == "" {
		return "source" // checkURL accepted u: not reached
	}
	return strings.TrimPrefix(p.Hostname(), "www.")
}

// yamlQuoted is s as a double-quoted YAML scalar, whatever it holds.
func yamlQuoted(s string) (string, error) {
	b, err := yaml.Marshal(&yaml.Node{Kind: yaml.ScalarNode, Style: yaml.DoubleQuotedStyle, Value: s})
	return strings.TrimSpace(string(b)), err
}

// writeNew writes a file, creating its directory; an existing file is
// refused unless force is set.
func writeNew(path string, body []byte, force bool) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return usagef("init: %s exists: give --force to overwrite it, or --out another file", path)
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
