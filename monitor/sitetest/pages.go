package sitetest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"
)

// ServeHTTP serves "/" (the front page), "/feed.xml" (RSS) and the article
// pages. Responses carry Last-Modified and a content ETag and answer
// conditional requests with 304, as a CDN-fronted site does, so fetch tests
// can check their conditional GETs.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	base := baseURL(r)
	all := s.snapshot()
	var (
		body  []byte
		ctype = "text/html; charset=utf-8"
		err   error
	)
	switch r.URL.Path {
	case "/":
		body, err = s.render("front", pageData{Base: base, All: all})
	case "/feed.xml":
		ctype = "application/rss+xml; charset=utf-8"
		body, err = feed(base, all)
	default:
		i := slices.IndexFunc(all, func(a article) bool { return a.path == r.URL.Path })
		if i < 0 {
			http.NotFound(w, r)
			return
		}
		body, err = s.render("article", pageData{Base: base, All: all, Article: &all[i]})
	}
	if err != nil {
		http.Error(w, "render: "+err.Error(), http.StatusInternalServerError)
		return
	}
	sum := sha256.Sum256(body)
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
	w.Header().Set("Cache-Control", "max-age=60")
	http.ServeContent(w, r, "", lastModified(all, r.URL.Path), bytes.NewReader(body))
}

// snapshot copies every article's state under the lock; rendering happens
// after it is released.
func (s *Site) snapshot() []article {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]article, len(s.articles))
	for i, a := range s.articles {
		out[i] = *a
	}
	return out
}

// lastModified is the page's article's modified time, or the latest of all
// for the front page and feed.
func lastModified(all []article, path string) time.Time {
	var t time.Time
	for _, a := range all {
		if a.path == path {
			return a.modified()
		}
		if m := a.modified(); m.After(t) {
			t = m
		}
	}
	return t
}

func baseURL(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

// pageData is what the templates see.
type pageData struct {
	Base    string
	All     []article
	Article *article
}

func (s *Site) render(name string, d pageData) ([]byte, error) {
	var b bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&b, name, d); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Template accessors: article's fields stay unexported, so the templates
// reach them through these methods.

func (a article) Path() string         { return a.path }
func (a article) Section() string      { return a.section }
func (a article) Headline() string     { return a.headline }
func (a article) Author() string       { return a.author }
func (a article) Paragraphs() []string { return a.paragraphs }
func (a article) Published() time.Time { return a.published }
func (a article) Modified() time.Time  { return a.modified() }

// Summary is the first paragraph, for the front page and feed.
func (a article) Summary() string {
	if len(a.paragraphs) == 0 {
		return ""
	}
	return a.paragraphs[0]
}

// newsArticle is the schema.org JSON-LD block. html/template encodes it as
// JSON inside the script element, escaping "<" so no headline can close it.
type newsArticle struct {
	Context          string `json:"@context"`
	Type             string `json:"@type"`
	Headline         string `json:"headline"`
	DatePublished    string `json:"datePublished"`
	DateModified     string `json:"dateModified"`
	Author           person `json:"author"`
	Publisher        person `json:"publisher"`
	MainEntityOfPage string `json:"mainEntityOfPage"`
	ArticleSection   string `json:"articleSection"`
}

type person struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

// JSONLD returns the article's JSON-LD, with base the site's URL.
func (a article) JSONLD(base string) newsArticle {
	return newsArticle{
		Context:          "https://schema.org",
		Type:             "NewsArticle",
		Headline:         a.headline,
		DatePublished:    a.published.Format(time.RFC3339),
		DateModified:     a.modified().Format(time.RFC3339),
		Author:           person{Type: "Person", Name: a.author},
		Publisher:        person{Type: "Organization", Name: siteName},
		MainEntityOfPage: base + a.path,
		ArticleSection:   a.section,
	}
}

var funcs = template.FuncMap{
	"site":    func() string { return siteName },
	"rfc3339": func(t time.Time) string { return t.Format(time.RFC3339) },
	"day":     func(t time.Time) string { return t.Format("January 2, 2006") },
	"clock":   func(t time.Time) string { return t.Format("3:04 PM MST") },
	"slug":    func(s string) string { return strings.ToLower(strings.ReplaceAll(s, " ", "-")) },
}

// feed renders RSS 2.0. Links are absolute, as feed readers require.
func feed(base string, all []article) ([]byte, error) {
	type guid struct {
		IsPermaLink bool   `xml:"isPermaLink,attr"`
		Value       string `xml:",chardata"`
	}
	type item struct {
		Title       string `xml:"title"`
		Link        string `xml:"link"`
		GUID        guid   `xml:"guid"`
		PubDate     string `xml:"pubDate"`
		Author      string `xml:"author,omitempty"`
		Description string `xml:"description"`
	}
	type channel struct {
		Title         string `xml:"title"`
		Link          string `xml:"link"`
		Description   string `xml:"description"`
		LastBuildDate string `xml:"lastBuildDate"`
		Items         []item `xml:"item"`
	}
	type rss struct {
		XMLName xml.Name `xml:"rss"`
		Version string   `xml:"version,attr"`
		Channel channel  `xml:"channel"`
	}
	doc := rss{Version: "2.0", Channel: channel{
		Title:         siteName,
		Link:          base + "/",
		Description:   "News from both sides of the border.",
		LastBuildDate: lastModified(all, "").Format(time.RFC1123Z),
	}}
	for _, a := range all {
		doc.Channel.Items = append(doc.Channel.Items, item{
			Title:       a.headline,
			Link:        base + a.path,
			GUID:        guid{IsPermaLink: true, Value: base + a.path},
			PubDate:     a.published.Format(time.RFC1123Z),
			Description: a.Summary(),
		})
	}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}

// pageTemplates holds the front and article pages. The furniture (cookie
// banner, nav, share counts, ads, "Most read", footer) is what a real news
// page wraps around its story, and what the extractor must drop. It is
// fixed, so a page changes only when its article does.
const pageTemplates = `
{{define "head"}}<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/ledger.css">
<link rel="alternate" type="application/rss+xml" title="{{site}}" href="/feed.xml">
<script>window.dataLayer = window.dataLayer || []; dataLayer.push({"site": "border-ledger"});</script>
<script async src="/static/ads.js"></script>{{end}}

{{define "top"}}<div class="cookie-banner" role="dialog" aria-label="Cookie consent">
  <p>We use cookies to personalise content and ads and to analyse our traffic.</p>
  <button type="button">Accept all</button> <a href="/privacy">Manage preferences</a>
</div>
<header class="site-header">
  <a class="logo" href="/">{{site}}</a>
  <nav class="site-nav" aria-label="Sections">
    <ul>
      <li><a href="/">Home</a></li>
      <li><a href="/section/world">World</a></li>
      <li><a href="/section/us">U.S.</a></li>
      <li><a href="/section/politics">Politics</a></li>
      <li><a href="/section/security">National Security</a></li>
      <li><a href="/section/opinion">Opinion</a></li>
    </ul>
  </nav>
  <a class="subscribe" href="/subscribe">Subscribe</a>
</header>
<div class="ad ad-leaderboard" data-slot="top">
  <span class="ad-label">Advertisement</span>
  <a href="/ads/click?slot=top">Border crossings made easy: apply for a trusted-traveler card today</a>
</div>{{end}}

{{define "bottom"}}<footer class="site-footer">
  <p>© 2026 {{site}}. All rights reserved.</p>
  <ul>
    <li><a href="/about">About us</a></li>
    <li><a href="/contact">Contact</a></li>
    <li><a href="/privacy">Privacy policy</a></li>
    <li><a href="/feed.xml">RSS</a></li>
  </ul>
</footer>
<script>(function () { document.documentElement.className = "js"; })();</script>{{end}}

{{define "mostread"}}<aside class="sidebar" aria-label="Most read">
  <h2>Most read</h2>
  <ol class="most-read">
    {{- range .All}}
    <li><a href="{{.Path}}">{{.Headline}}</a></li>
    {{- end}}
  </ol>
  <div class="ad ad-rail" data-slot="rail"><span class="ad-label">Advertisement</span></div>
</aside>{{end}}

{{define "front"}}<!DOCTYPE html>
<html lang="en">
<head>
{{template "head" .}}
<title>{{site}}: News from both sides of the border</title>
</head>
<body>
{{template "top" .}}
<main class="front">
  {{- range .All}}
  <section class="teaser">
    <p class="section">{{.Section}}</p>
    <h2><a href="{{.Path}}">{{.Headline}}</a></h2>
    <p class="summary">{{.Summary}}</p>
    <p class="meta">By {{.Author}} · <time datetime="{{rfc3339 .Modified}}">{{day .Modified}}</time></p>
  </section>
  {{- end}}
</main>
{{template "mostread" .}}
{{template "bottom" .}}
</body>
</html>
{{end}}

{{define "article"}}{{with .Article}}<!DOCTYPE html>
<html lang="en">
<head>
{{template "head" $}}
<title>{{.Headline}} | {{site}}</title>
<meta name="description" content="{{.Summary}}">
<meta name="author" content="{{.Author}}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{{site}}">
<meta property="og:title" content="{{.Headline}}">
<meta property="og:url" content="{{$.Base}}{{.Path}}">
<meta property="article:section" content="{{.Section}}">
<meta property="article:published_time" content="{{rfc3339 .Published}}">
<meta property="article:modified_time" content="{{rfc3339 .Modified}}">
<link rel="canonical" href="{{.Path}}">
<script type="application/ld+json">{{.JSONLD $.Base}}</script>
</head>
<body class="article-page">
{{template "top" $}}
<main>
<article class="story">
  <header class="story-header">
    <p class="kicker"><a href="/section/world">{{.Section}}</a></p>
    <h1 class="headline">{{.Headline}}</h1>
    <p class="byline">By <a rel="author" href="/authors/{{slug .Author}}">{{.Author}}</a></p>
    <p class="dateline">
      <time class="published" datetime="{{rfc3339 .Published}}">{{day .Published}}</time>
      · Updated <time class="modified" datetime="{{rfc3339 .Modified}}">{{day .Modified}}, {{clock .Modified}}</time>
    </p>
  </header>
  <div class="share-bar" aria-label="Share this article">
    <a class="share share-facebook" href="/share/facebook?u={{.Path}}">Share</a> <span class="share-count">2,418</span>
    <a class="share share-x" href="/share/x?u={{.Path}}">Post</a> <span class="share-count">611</span>
    <a class="share share-email" href="mailto:?subject={{.Headline}}">Email</a>
  </div>
  <div class="story-body">
    {{- range $i, $p := .Paragraphs}}
    <p>{{$p}}</p>
    {{- if eq $i 2}}
    <div class="ad ad-inline" data-slot="story-1">
      <span class="ad-label">Advertisement</span>
      <a href="/ads/click?slot=story-1">Secure your home: 30% off smart cameras this week</a>
    </div>
    {{- end}}
    {{- end}}
  </div>
  <p class="story-tags">Filed under <a href="/tag/mexico">Mexico</a>, <a href="/tag/fentanyl">Fentanyl</a></p>
</article>
{{template "mostread" $}}
</main>
{{template "bottom" $}}
</body>
</html>
{{end}}{{end}}
`
