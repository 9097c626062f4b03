package extract

// This file is a placeholder for the site-template API the extract branch
// implements (issue 16), so the monitor and the CLI compile before it
// lands. The coordinator deletes it at merge: every name here is defined
// there, with real behaviour. Nothing here learns anything.

// SiteModel is what the pages of one host taught about its template.
type SiteModel struct {
	Host string `json:"host"`
}

// NewSiteModel returns an empty model of host.
func NewSiteModel(host string) *SiteModel { return &SiteModel{Host: host} }

// Observe learns from a's reading of the page at pageURL.
func (m *SiteModel) Observe(pageURL string, a Article) {}

// Template returns what was learned, nil until enough pages were seen.
func (m *SiteModel) Template() *Template { return nil }

// Recheck compares a template reading with the generic one and drops the
// template when they disagree.
func (m *SiteModel) Recheck(templated, generic Article) (agree bool) { return true }

// Decision is what extraction did with one block of the page.
type Decision struct {
	Path, Text string
	Kept       bool
	Why        string
}

// Explain extracts p as Extract does and says, block by block, what was
// kept or dropped and why.
func Explain(p Page, r Rules) (Article, []Decision, error) {
	a, err := Extract(p, r)
	return a, nil, err
}
