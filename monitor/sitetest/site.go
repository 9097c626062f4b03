// Package sitetest is a local news site whose articles change on command.
// It serves the seed article (and the second piece in the same file) as
// realistic news pages, and publishes a scripted series of edits one
// Advance at a time. Tests, benchmarks and `redline demo` point redline at
// it. Its output is a function of its state: no clock, no randomness.
package sitetest

import (
	_ "embed"
	"html/template"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// seedText is the sample article, the same file as
// diffing/testdata/seed-article.txt (the diff tests' copy): a headline
// line, then one paragraph per line, holding two pieces.
//
//go:embed seed-article.txt
var seedText string

const (
	siteName = "The Border Ledger"

	// MainPath is the article the scripted edits change.
	MainPath = "/news/us-military-mexico-drug-war"
	// SecondPath is the second piece of the seed file. Edits never touch
	// it, so it shows that an unchanged article stays unchanged.
	SecondPath = "/news/cia-drone-program-fentanyl-labs"

	// secondStart begins the seed file's second piece, which has no
	// headline line of its own.
	secondStart = "In a dramatic escalation of counter-narcotics efforts"
	secondTitle = "CIA Drone Program Hunting Fentanyl Labs Expands Under Trump"
)

// Edit is one scripted change to an article.
type Edit struct {
	Version     int    // the article's version once the edit is published
	Path        string // the article page, e.g. MainPath
	Description string // what changed, e.g. "quote reworded"
}

// step is an Edit and how to apply it: replace old with new in the
// paragraph holding it (new may be empty), or set a new headline.
type step struct {
	desc     string
	old, new string
	headline string
	// silent edits keep dateModified, as a stealth edit does.
	silent bool
}

// script is the edit sequence, applied cumulatively to MainPath. Each step
// is one kind of change redline must classify.
var script = []step{
	{desc: "quote reworded",
		old: "'We are capable of confronting cartels without foreign boots on our soil,'",
		new: "'We are capable of confronting the cartels without foreign troops,'"},
	{desc: "figure changed silently (dateModified kept)", old: "97 percent", new: "90 percent", silent: true},
	{desc: "attribution swapped",
		old: "'We are not opposed to cooperation,' Sheinbaum clarified,",
		new: "'We are not opposed to cooperation,' Foreign Minister Juan Ramón de la Fuente clarified,"},
	{desc: "sentence removed",
		old: " This designation, announced in a recent executive order, underscores the administration’s view of the drug trade as an existential threat."},
	{desc: "headline rewritten",
		headline: "Mexico Rejects Trump's Push for U.S. Troops in Its Drug War"},
}

// article is one page's state. paragraphs is replaced on change, never
// written in place, so a copy taken under the lock can be rendered after
// it is released.
type article struct {
	path       string
	section    string
	headline   string
	author     string
	paragraphs []string
	version    int
	updates    int // edits that moved dateModified
	published  time.Time
}

// modified is published plus an hour per disclosed edit: deterministic,
// and increasing, as a CMS's dateModified would be.
func (a *article) modified() time.Time {
	return a.published.Add(time.Duration(a.updates) * time.Hour)
}

// Site is the news site: an http.Handler, safe for concurrent use.
type Site struct {
	mu       sync.RWMutex
	articles []*article // front-page order
	next     int        // index in script of the next edit
	tmpl     *template.Template
}

// New returns the site with every article at version 1.
func New() *Site {
	main, second := splitSeed(seedText)
	s := &Site{tmpl: template.Must(template.New("site").Funcs(funcs).Parse(pageTemplates))}
	s.articles = append(s.articles, &article{
		path:       MainPath,
		section:    "World",
		headline:   main[0],
		author:     "Ana Torres",
		paragraphs: main[1:],
		version:    1,
		published:  time.Date(2026, time.January, 14, 8, 30, 0, 0, time.UTC),
	})
	if len(second) > 0 {
		s.articles = append(s.articles, &article{
			path:       SecondPath,
			section:    "National Security",
			headline:   secondTitle,
			author:     "Marcus Hale",
			paragraphs: second,
			version:    1,
			published:  time.Date(2026, time.January, 13, 17, 0, 0, 0, time.UTC),
		})
	}
	return s
}

// splitSeed returns the first piece (headline, then paragraphs) and the
// second piece's paragraphs. Blank lines in the file are not paragraphs.
func splitSeed(text string) (first, second []string) {
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case second != nil || strings.HasPrefix(line, secondStart):
			second = append(second, line)
		default:
			first = append(first, line)
		}
	}
	return first, second
}

// Articles returns the article page paths in front-page order.
func (s *Site) Articles() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	paths := make([]string, len(s.articles))
	for i, a := range s.articles {
		paths[i] = a.path
	}
	return paths
}

// Edits returns the script. Versions assume no SetBody on MainPath before
// the edits are published.
func (s *Site) Edits() []Edit {
	edits := make([]Edit, len(script))
	for i, st := range script {
		edits[i] = Edit{Version: i + 2, Path: MainPath, Description: st.desc}
	}
	return edits
}

// Advance publishes the next scripted edit and returns it, with the version
// it produced. It returns false when none remain. After a SetBody on
// MainPath, an edit whose text is gone changes only the version.
func (s *Site) Advance() (Edit, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.next >= len(script) {
		return Edit{}, false
	}
	st := script[s.next]
	s.next++
	a := s.find(MainPath)
	if st.headline != "" {
		a.headline = st.headline
	}
	if st.old != "" {
		for i, p := range a.paragraphs {
			if strings.Contains(p, st.old) {
				paras := slices.Clone(a.paragraphs)
				paras[i] = strings.Replace(p, st.old, st.new, 1)
				a.paragraphs = paras
				break
			}
		}
	}
	a.version++
	if !st.silent {
		a.updates++
	}
	return Edit{Version: a.version, Path: MainPath, Description: st.desc}, true
}

// Version returns the article's version, or 0 if path is not an article.
func (s *Site) Version(path string) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if a := s.find(path); a != nil {
		return a.version
	}
	return 0
}

// SetBody replaces the article's paragraphs and bumps its version and
// dateModified. For a
// path that is not yet an article, it adds one (at version 1) with a
// headline made from the path's last segment. Paths "/" and "/feed.xml" are
// the site's own and cannot be articles.
func (s *Site) SetBody(path string, paragraphs []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.find(path); a != nil {
		a.paragraphs = slices.Clone(paragraphs)
		a.version++
		a.updates++
		return
	}
	slug := path[strings.LastIndex(path, "/")+1:]
	headline := strings.ReplaceAll(slug, "-", " ")
	if r, n := utf8.DecodeRuneInString(headline); n > 0 {
		headline = string(unicode.ToUpper(r)) + headline[n:]
	}
	s.articles = append(s.articles, &article{
		path:       path,
		section:    "World",
		headline:   headline,
		author:     "Ana Torres",
		paragraphs: slices.Clone(paragraphs),
		version:    1,
		published:  time.Date(2026, time.January, 15, 12, 0, 0, 0, time.UTC),
	})
}

// find returns the article at path, or nil. The caller holds s.mu.
func (s *Site) find(path string) *article {
	for _, a := range s.articles {
		if a.path == path {
			return a
		}
	}
	return nil
}
