package extract

import (
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
)

// Learning a host's template. Pages of one host share a layout: blocks
// whose text repeats on many of its pages (navigation, promo boxes, the
// change-history header) are boilerplate by evidence, and the element
// where the pages' stories are read from is where pages differ. A
// SiteModel counts both over the pages it observes; once enough distinct
// pages agree it yields a Template, which Extract then reads with first
// (no Readability), re-checked against the generic reading now and then.

// Template thresholds.
const (
	// templatePages is how many distinct pages must have been observed.
	templatePages = 5
	// containerShare of them must have been read from the same container.
	containerShare = 0.6
	// A block is boilerplate when on at least boilerplateShare of the
	// pages, and on at least boilerplateMin.
	boilerplateShare = 0.5
	boilerplateMin   = 3
	// dropAfter disagreements in a row drop the learned template.
	dropAfter = 2
	// maxSeen bounds the block counts kept; past it, blocks seen on one
	// page only are forgotten (a story's own paragraphs, never boilerplate).
	maxSeen = 50_000
	// recentPages bounds the URLs remembered to count a page once.
	recentPages = 512
)

// SiteModel accumulates what a host's pages showed. It is
// JSON-serialisable (exported fields) and its zero value is usable.
type SiteModel struct {
	Host string `json:"host"`
	// Pages counts the distinct pages observed since the model was last
	// dropped; Recent holds the keys (urlKey) of the URLs of the last
	// recentPages of them, so a page read again soon is counted once
	// without the model growing with every page the host ever served.
	Pages  int      `json:"pages"`
	Recent []string `json:"recent,omitempty"`
	// Containers counts, per element path, the pages whose story was
	// read from it (the common container of the page's reading).
	Containers map[string]int `json:"containers,omitempty"`
	// Seen counts, per block key, the pages the block was on.
	Seen map[string]int `json:"seen,omitempty"`
	// Checks and Disagreements count the rechecks of the template against
	// the generic reading; Misses counts disagreements in a row.
	Checks        int `json:"checks,omitempty"`
	Disagreements int `json:"disagreements,omitempty"`
	Misses        int `json:"misses,omitempty"`
	// Dropped counts the times a learned template was dropped.
	Dropped int `json:"dropped,omitempty"`
}

// NewSiteModel returns an empty model of host.
func NewSiteModel(host string) *SiteModel { return &SiteModel{Host: host} }

// Observe counts page a (from Extract) into the model, once per distinct
// pageURL. Readings by the template itself are not counted as evidence for
// it, so a template cannot confirm itself.
func (m *SiteModel) Observe(pageURL string, a Article) {
	key := urlKey(pageURL)
	if slices.Contains(m.Recent, key) {
		return
	}
	if len(m.Recent) >= recentPages {
		m.Recent = slices.Delete(m.Recent, 0, len(m.Recent)-recentPages+1)
	}
	m.Recent = append(m.Recent, key)
	m.Pages++
	if m.Seen == nil {
		m.Seen = map[string]int{}
	}
	done := make(map[string]bool, len(a.Blocks))
	for _, k := range a.Blocks {
		if !done[k] {
			done[k] = true
			m.Seen[k]++
		}
	}
	if len(m.Seen) > maxSeen {
		for k, n := range m.Seen {
			if n < 2 {
				delete(m.Seen, k)
			}
		}
	}
	if a.Reading.Method == "template" {
		return
	}
	if c := commonPath(a.Reading.Containers); c != "" {
		if m.Containers == nil {
			m.Containers = map[string]int{}
		}
		m.Containers[c]++
	}
}

// urlKey is a page URL's key in SiteModel.Recent: 16 hex digits of its
// FNV-1a hash, stable across processes (the model is stored).
func urlKey(u string) string {
	h := fnv.New64a()
	h.Write([]byte(u))
	return strconv.FormatUint(h.Sum64(), 16)
}

// commonPath is the deepest element path holding every one of paths.
func commonPath(paths []string) string {
	if len(paths) == 0 {
		return ""
	}
	common := strings.Split(paths[0], pathSep)
	for _, p := range paths[1:] {
		steps := strings.Split(p, pathSep)
		n := 0
		for n < len(common) && n < len(steps) && common[n] == steps[n] {
			n++
		}
		common = common[:n]
	}
	// A story read from the whole <body> says nothing about the layout.
	if len(common) <= 2 {
		return ""
	}
	return strings.Join(common, pathSep)
}

// Template is what the model has learned: nil until templatePages distinct
// pages were observed and most of them were read from one container.
func (m *SiteModel) Template() *Template {
	pages := m.Pages
	if pages < templatePages {
		return nil
	}
	var best string
	for c, n := range m.Containers {
		if n > m.Containers[best] || n == m.Containers[best] && c < best {
			best = c
		}
	}
	if best == "" || float64(m.Containers[best]) < containerShare*float64(pages) {
		return nil
	}
	t := &Template{Host: m.Host, Pages: pages, Container: best}
	for k, n := range m.Seen {
		if n >= boilerplateMin && float64(n) >= boilerplateShare*float64(pages) {
			t.Boilerplate = append(t.Boilerplate, k)
		}
	}
	slices.Sort(t.Boilerplate)
	return t
}

// Recheck compares a template reading of a page with the generic reading of
// the same page and records the outcome. They agree when they share at
// least 90% of their words (bag of words, dek and body). After dropAfter
// disagreements in a row the learned template is dropped: the model
// forgets its containers and pages, and Template returns nil until
// enough new pages teach it again. Boilerplate counts stay: they are
// about the host's text, not its layout.
func (m *SiteModel) Recheck(templated, generic Article) (agree bool) {
	m.Checks++
	// The generic reading keeps what the template knows as boilerplate;
	// that difference is the template's point, not a disagreement.
	var boiler map[string]bool
	if t := m.Template(); t != nil {
		boiler = make(map[string]bool, len(t.Boilerplate))
		for _, k := range t.Boilerplate {
			boiler[k] = true
		}
	}
	generic.Paragraphs = slices.DeleteFunc(slices.Clone(generic.Paragraphs), func(p string) bool { return boiler[BlockKey(p)] })
	agree = wordAgreement(templated, generic) >= 0.9
	if agree {
		m.Misses = 0
		return true
	}
	m.Disagreements++
	m.Misses++
	if m.Misses >= dropAfter {
		m.Dropped++
		m.Misses = 0
		m.Containers = nil
		m.Pages, m.Recent = 0, nil
	}
	return false
}

// wordAgreement is the F1 of the two articles' bags of words.
func wordAgreement(a, b Article) float64 {
	bag := func(x Article) map[string]int {
		m := map[string]int{}
		for _, p := range append([]string{x.Dek}, x.Paragraphs...) {
			for w := range strings.FieldsFuncSeq(p, notWord) {
				m[w]++
			}
		}
		return m
	}
	ma, mb := bag(a), bag(b)
	na, nb, common := 0, 0, 0
	for w, n := range ma {
		na += n
		common += min(n, mb[w])
	}
	for _, n := range mb {
		nb += n
	}
	if na+nb == 0 {
		return 1
	}
	return 2 * float64(common) / float64(na+nb)
}
