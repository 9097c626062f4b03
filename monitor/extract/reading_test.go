package extract_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/redline-news/redline/monitor/extract"
)

func extractHTML(t *testing.T, page string, r extract.Rules) extract.Article {
	t.Helper()
	a, err := extract.Extract(extract.Page{URL: "https://example.com/a", Body: []byte(page)}, r)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// replay extracts page generically, then again from its own Reading, and
// fails unless both give the same dek and paragraphs.
func replay(t *testing.T, name string, page []byte) {
	t.Helper()
	p := extract.Page{URL: "https://example.com/" + name, Body: page}
	a, err := extract.Extract(p, extract.Rules{})
	if err != nil {
		return // a page with no story has no reading to replay
	}
	rd := a.Reading
	b, err := extract.Extract(p, extract.Rules{Anchor: &rd})
	if err != nil {
		t.Errorf("%s: anchored: %v", name, err)
		return
	}
	if b.Dek != a.Dek || !slices.Equal(b.Paragraphs, a.Paragraphs) {
		t.Errorf("%s: reading %+v replayed differently:\ngeneric %q %q\nanchor  %q %q", name, rd, a.Dek, a.Paragraphs, b.Dek, b.Paragraphs)
	}
	if len(rd.Containers) > 0 && (b.Reading.Method != "anchor" || b.Reread) {
		t.Errorf("%s: replay read by %q (reread %v), want anchor", name, b.Reading.Method, b.Reread)
	}
}

func TestReading_ReplayIsExact(t *testing.T) {
	for _, f := range []string{"testdata/page.html", "testdata/split-story.html", "testdata/split-parts.html"} {
		page, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		replay(t, f, page)
	}
	pages, _, ok := corpusPages(t)
	if !ok {
		t.Log("benchmark pages not found: replayed testdata pages only (set REDLINE_EXTRACTION_PAGES)")
	}
	for i, p := range pages {
		replay(t, fmt.Sprint("corpus page ", i), p)
	}
}

// storyPage is a page of a host with a story container, furniture around
// it, and the given dek, story paragraphs, promo box and related links.
func storyPage(dek string, paras []string, promo string, related []string) string {
	var b strings.Builder
	b.WriteString(`<html><head><title>T</title></head><body><div class="masthead"><a href="/">Home</a> <a href="/world">World</a></div>`)
	if promo != "" {
		b.WriteString(`<div class="box-outer"><p>` + promo + `</p></div>`)
	}
	b.WriteString(`<div class="page"><div class="article-body"><h1>Levee vote</h1>`)
	if dek != "" {
		b.WriteString(`<p class="article-standfirst">` + dek + `</p>`)
	}
	for _, p := range paras {
		b.WriteString("<p>" + p + "</p>\n")
	}
	b.WriteString(`</div><div class="rail"><p>Updated 3 minutes ago</p><ul>`)
	for _, r := range related {
		b.WriteString(`<li><a href="/r">` + r + `</a></li>`)
	}
	b.WriteString(`</ul></div></div></body></html>`)
	return b.String()
}

var levee = []string{
	"The council voted 5-2 on Monday to spend $4.2 million on the levee repairs.",
	"Engineers recorded seepage at three sections of the east levee during the February crest.",
	"Work begins in April and should end before the summer storms arrive in the valley.",
	"Residents of the Lower Mill neighborhood spoke for more than two hours at the meeting.",
}

func TestAnchor_ReadsEditsNotFurniture(t *testing.T) {
	v1 := extractHTML(t, storyPage("", levee, "", []string{"Old story one", "Old story two"}), extract.Rules{})
	if !slices.Equal(v1.Paragraphs, levee) {
		t.Fatalf("v1 = %q", v1.Paragraphs)
	}
	anchor := v1.Reading

	// Furniture only: a promo box outside the story, the related list
	// rotated, a timestamp changed.
	v2 := storyPage("", levee, "Subscribe today and get the first month free of charge, no commitment.", []string{"New story three", "New story four"})
	v2 = strings.Replace(v2, "Updated 3 minutes ago", "Updated 1 minute ago", 1)
	a := extractHTML(t, v2, extract.Rules{Anchor: &anchor})
	if !slices.Equal(a.Paragraphs, levee) || a.Reread || a.Reading.Method != "anchor" {
		t.Errorf("furniture-only change read as %q (method %s, reread %v)", a.Paragraphs, a.Reading.Method, a.Reread)
	}

	// An article edit: a paragraph added inside the container is read.
	added := "A correction: the vote was 5-2, not 6-1 as first reported by this newspaper."
	v3 := storyPage("", append(slices.Clone(levee), added), "", []string{"Old story one", "Old story two"})
	a = extractHTML(t, v3, extract.Rules{Anchor: &anchor})
	if want := append(slices.Clone(levee), added); !slices.Equal(a.Paragraphs, want) {
		t.Errorf("added paragraph: got %q, want %q", a.Paragraphs, want)
	}

	// The site re-wrapped its layout around the same container: it is
	// followed there, not read afresh.
	v5 := strings.Replace(storyPage("", levee, "", nil), `<div class="page">`, `<div class="layout"><div class="page">`, 1)
	a = extractHTML(t, v5, extract.Rules{Anchor: &anchor})
	if a.Reread || a.Reading.Method != "anchor" || !slices.Equal(a.Paragraphs, levee) ||
		!slices.Equal(a.Reading.Containers, []string{"html > body > div.layout > div.page > div.article-body"}) {
		t.Errorf("re-wrapped container: reread %v method %q containers %q paragraphs %q", a.Reread, a.Reading.Method, a.Reading.Containers, a.Paragraphs)
	}

	// The container is gone: the page is read afresh and marked.
	v4 := strings.ReplaceAll(storyPage("", levee, "", nil), "article-body", "story-text")
	a = extractHTML(t, v4, extract.Rules{Anchor: &anchor})
	if !a.Reread || a.Reading.Method != "generic" || !slices.Equal(a.Paragraphs, levee) {
		t.Errorf("moved container: reread %v method %q paragraphs %q", a.Reread, a.Reading.Method, a.Paragraphs)
	}
}

func TestReading_PathsAreStable(t *testing.T) {
	a := extractHTML(t, storyPage("", levee, "", nil), extract.Rules{})
	want := []string{"html > body > div.page > div.article-body"}
	if !slices.Equal(a.Reading.Containers, want) {
		t.Errorf("containers = %q, want %q", a.Reading.Containers, want)
	}
	// Digits in ids and classes are left out of the path, and an element
	// added before the story does not move it.
	page := strings.Replace(storyPage("", levee, "Promo text that is long enough to be a paragraph of its own here.", nil),
		`<div class="article-body">`, `<div class="article-body mt-8" id="post-1234">`, 1)
	b := extractHTML(t, page, extract.Rules{})
	if !slices.Equal(b.Reading.Containers, want) {
		t.Errorf("containers = %q, want %q", b.Reading.Containers, want)
	}
}

func TestBlockKey(t *testing.T) {
	a := extract.BlockKey("The vote was 5-2.")
	if a != extract.BlockKey("  The vote  was 5-2 ") || a != extract.BlockKey("> The vote was 5-2.") {
		t.Error("spacing, punctuation or the quote mark changed the key")
	}
	if a == extract.BlockKey("The vote was 6-1.") {
		t.Error("a changed word kept the key")
	}
	if len(a) != 16 {
		t.Errorf("key %q is not 16 hex digits", a)
	}
}

func TestDek(t *testing.T) {
	body := `<p>` + strings.Join(levee, `</p><p>`) + `</p>`
	tests := []struct {
		name, page, dek string
		first           string // the first paragraph
	}{
		{"standfirst_class", `<html><body><article><h1>Levee</h1><div class="c-standfirst">Repairs are funded at last, after a long night.</div>` + body + `</article></body></html>`,
			"Repairs are funded at last, after a long night.", levee[0]},
		{"header_p_after_h1", `<html><body><article><header><h1>Levee</h1><p>Repairs are funded at last, after a long night.</p></header>` + body + `</article></body></html>`,
			"Repairs are funded at last, after a long night.", levee[0]},
		{"itemprop_description", `<html><body><article><h1>Levee</h1><span itemprop="description">Repairs are funded at last, after a long night.</span>` + body + `</article></body></html>`,
			"Repairs are funded at last, after a long night.", levee[0]},
		// The summary is shown as the first paragraph: it is the dek, once.
		{"og_description_shown", `<html><head><meta property="og:description" content="` + levee[0] + `"></head><body><article><h1>Levee</h1>` + body + `</article></body></html>`,
			levee[0], levee[1]},
		// A summary the page does not show is not what a reader reads.
		{"og_description_not_shown", `<html><head><meta name="description" content="Read the latest news on the levee from the Courier."></head><body><article><h1>Levee</h1>` + body + `</article></body></html>`,
			"", levee[0]},
		// A "summary" box deep in the story is not a dek.
		{"summary_after_story_began", `<html><body><article><h1>Levee</h1>` + body + `<div class="summary">In summary, the levee will be repaired this spring.</div></article></body></html>`,
			"", levee[0]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := extractHTML(t, tt.page, extract.Rules{})
			if a.Dek != tt.dek {
				t.Errorf("dek = %q, want %q", a.Dek, tt.dek)
			}
			if len(a.Paragraphs) == 0 || a.Paragraphs[0] != tt.first {
				t.Errorf("paragraphs = %q, want first %q", a.Paragraphs, tt.first)
			}
			for _, p := range a.Paragraphs {
				if tt.dek != "" && p == tt.dek {
					t.Errorf("dek %q counted twice", p)
				}
			}
		})
	}
}

func TestGeneric_ReadsWhatAReaderReads(t *testing.T) {
	page := `<html><body><div class="masthead"><a href="/">Home</a></div><article><h1>Grants open</h1>
<p>` + levee[0] + `</p>
<p><a href="/apply">Apply for the grant</a></p>
<p>` + levee[1] + `</p>
<div class="callout"><p>Deadline: applications close on 12 March at noon.</p></div>
<table><tr><th>Area</th><th>Amount</th></tr><tr><td>East levee</td><td>$3.1m</td></tr><tr><td>Pumps</td><td>$1.1m</td></tr></table>
<ul><li>Bring your ID to the community center.</li><li>Bring proof of address.</li><li><a href="/corrections">Correction: the briefing is on March 12</a></li></ul>
<p>` + levee[2] + `</p>
<h3><a href="/doc.pdf">Levee repair plan 2026 (PDF)</a></h3>
<p>` + levee[3] + `</p>
<div class="share-bar"><p>Share this story on your favourite network now</p></div>
<ul><li><a href="/a">Related: council budget passes</a></li><li><a href="/b">Related: storm season outlook</a></li></ul>
<div class="change-history"><p>Published 1 March 2026. Last updated 3 March 2026: added the deadline.</p></div>
</article></body></html>`
	a := extractHTML(t, page, extract.Rules{})
	want := []string{levee[0], "Apply for the grant", levee[1], "Deadline: applications close on 12 March at noon.",
		"Area | Amount", "East levee | $3.1m", "Pumps | $1.1m",
		"Bring your ID to the community center.", "Bring proof of address.", "Correction: the briefing is on March 12",
		levee[2], "Levee repair plan 2026 (PDF)", levee[3]}
	if !slices.Equal(a.Paragraphs, want) {
		t.Errorf("paragraphs =\n%q\nwant\n%q", a.Paragraphs, want)
	}
}

func TestGeneric_StoryInSiblingSections(t *testing.T) {
	a := extractFileAt(t, "testdata/split-story.html", "https://example.com/split")
	text := a.Text()
	for i := 1; i <= 12; i++ {
		if s := fmt.Sprintf("Part paragraph %d ", i); !strings.Contains(text, s) {
			t.Errorf("story paragraph %d missing; got\n%s", i, text)
		}
	}
	for _, junk := range []string{"Advertisement", "Buy tickets"} {
		if strings.Contains(text, junk) {
			t.Errorf("ad text %q kept", junk)
		}
	}
}

// A story split across sibling containers, the largest under half of it,
// with ads and promos between them (the shape of nytimes.com pages), is
// read whole: every part, in order, and none of what stands between.
// Before the missed parts were looked for (main 0a20434 and after) this
// read the first part only, six paragraphs of sixteen.
func TestGeneric_StoryInSiblingContainers(t *testing.T) {
	a := extractFileAt(t, "testdata/split-parts.html", "https://www.example-courier.com/2019/11/17/us/levee-flood-river-town.html")
	for _, first := range []string{"The water came over the levee", "Mayor Dana Ruiz", "By dawn, volunteers", "“We knocked on every door", "The last major flood",
		"Engineers with the Army Corps", "Residents had reported", "The county has asked", "At the shelter", "Maria Gonzalez, 72",
		"Officials said they did not know", "The river is expected", "Schools will remain closed", "For many in the town",
		"The town council will meet", "Correction: An earlier version"} {
		if !slices.ContainsFunc(a.Paragraphs, func(p string) bool { return strings.HasPrefix(p, first) }) {
			t.Errorf("story paragraph %q… missing", first)
		}
	}
	if len(a.Paragraphs) != 16 {
		t.Errorf("%d paragraphs, want the story's 16:\n%s", len(a.Paragraphs), strings.Join(a.Paragraphs, "\n"))
	}
	for _, junk := range []string{"Advertisement", "Flooding in the Midwest", "Why the levees keep failing", "The Morning Briefing", "More in U.S."} {
		if strings.Contains(a.Text(), junk) {
			t.Errorf("%q read as story", junk)
		}
	}
}

func TestExplain(t *testing.T) {
	page := `<html><body><article><h1>H</h1><p>` + strings.Join(levee, `</p><p>`) + `</p>
<div class="share-bar"><p>Share this story on your favourite network</p></div></article></body></html>`
	a, dd, err := extract.Explain(extract.Page{URL: "https://example.com/x", Body: []byte(page)}, extract.Rules{})
	if err != nil {
		t.Fatal(err)
	}
	b := extractHTML(t, page, extract.Rules{})
	if !slices.Equal(a.Paragraphs, b.Paragraphs) {
		t.Errorf("Explain read %q, Extract %q", a.Paragraphs, b.Paragraphs)
	}
	var kept []string
	share := false
	for _, d := range dd {
		if d.Kept {
			kept = append(kept, d.Text)
			if d.Why != "generic vote" || !strings.Contains(d.Path, "article") {
				t.Errorf("kept %q for %q at %q", d.Text, d.Why, d.Path)
			}
		}
		if strings.HasPrefix(d.Text, "Share this") {
			share = !d.Kept && d.Why == "furniture: class share-bar"
		}
	}
	if !slices.Equal(kept, a.Paragraphs) {
		t.Errorf("kept decisions %q, paragraphs %q", kept, a.Paragraphs)
	}
	if !share {
		t.Errorf("no share-bar decision in %+v", dd)
	}
}

// hostPage is page n of one host: its own story, plus a sign-up line inside
// the story container on every page.
func hostPage(n int) string {
	paras := []string{
		fmt.Sprintf("Story %d: the council met on day %d and voted on the matter before it.", n, n),
		fmt.Sprintf("Story %d goes on with a second paragraph of its own, numbered %d.", n, n),
		fmt.Sprintf("Story %d ends here, after the %d-th vote of the council this year.", n, n),
		"Sign up for our morning briefing to get the news in your inbox every day.",
	}
	return storyPage("", paras, "", []string{"Related one", "Related two"})
}

func TestSiteModel_LearnsTemplate(t *testing.T) {
	m := extract.NewSiteModel("example.com")
	var zero extract.SiteModel // zero-safe
	zero.Observe("https://example.com/0", extractHTML(t, hostPage(0), extract.Rules{}))
	if zero.Template() != nil {
		t.Error("a template from one page")
	}
	for n := range 5 {
		a := extractHTML(t, hostPage(n), extract.Rules{})
		if n < 4 && m.Template() != nil {
			t.Fatalf("template after %d pages", n)
		}
		m.Observe(fmt.Sprintf("https://example.com/%d", n), a)
		m.Observe(fmt.Sprintf("https://example.com/%d", n), a) // counted once
	}
	tp := m.Template()
	if tp == nil {
		t.Fatalf("no template after 5 pages: %+v", m)
	}
	if tp.Pages != 5 || tp.Container != "html > body > div.page > div.article-body" {
		t.Errorf("template %+v", tp)
	}
	signUp := extract.BlockKey("Sign up for our morning briefing to get the news in your inbox every day.")
	if !slices.Contains(tp.Boilerplate, signUp) {
		t.Errorf("sign-up line not boilerplate: %q", tp.Boilerplate)
	}

	// A new page of the host is read from the template, without the
	// boilerplate, and agrees with the generic reading but for it.
	a := extractHTML(t, hostPage(9), extract.Rules{Template: tp})
	g := extractHTML(t, hostPage(9), extract.Rules{})
	if a.Reading.Method != "template" || len(a.Paragraphs) != 3 || a.Paragraphs[0] != g.Paragraphs[0] {
		t.Errorf("template reading %q by %q", a.Paragraphs, a.Reading.Method)
	}
	if !m.Recheck(a, g) {
		t.Error("template and generic readings disagree")
	}
	// A previous version read without containers anchors nothing: the
	// template still applies.
	empty := extract.Reading{Method: "generic"}
	if b := extractHTML(t, hostPage(9), extract.Rules{Template: tp, Anchor: &empty}); b.Reading.Method != "template" || !slices.Equal(b.Paragraphs, a.Paragraphs) {
		t.Errorf("empty anchor and template: %q by %q", b.Paragraphs, b.Reading.Method)
	}

	_, dd, err := extract.Explain(extract.Page{URL: "https://example.com/9", Body: []byte(hostPage(9))}, extract.Rules{Template: tp})
	if err != nil {
		t.Fatal(err)
	}
	boiler := false
	for _, d := range dd {
		if strings.HasPrefix(d.Text, "Sign up for our morning briefing") {
			boiler = !d.Kept && strings.HasPrefix(d.Why, "boilerplate")
		}
	}
	if !boiler {
		t.Errorf("Explain does not give the sign-up line as boilerplate: %+v", dd)
	}

	// A page whose layout changed falls back to the generic reading.
	moved := strings.ReplaceAll(hostPage(10), "article-body", "story-text")
	a = extractHTML(t, moved, extract.Rules{Template: tp})
	if a.Reading.Method != "generic" || len(a.Paragraphs) < 3 {
		t.Errorf("moved layout read %q by %q", a.Paragraphs, a.Reading.Method)
	}

	// Rules win over templates.
	r := extract.Rules{Template: tp, Body: mustSelector(t, "div.page")}
	if a := extractHTML(t, hostPage(11), r); a.Reading.Method != "rule" {
		t.Errorf("rule and template: read by %q", a.Reading.Method)
	}

	// Disagreements drop what was learned.
	other := extract.Article{Paragraphs: []string{"Something else entirely, with other words."}}
	m.Recheck(a, other)
	if m.Template() == nil {
		t.Error("one disagreement dropped the template")
	}
	m.Recheck(a, other)
	if m.Template() != nil {
		t.Error("template kept after two disagreements in a row")
	}
}

func TestTemplate_NeverReducesToNothing(t *testing.T) {
	a := extractHTML(t, hostPage(1), extract.Rules{})
	// A template whose boilerplate is the whole story (other pages taught
	// it wrong): the page is read generically instead.
	tp := &extract.Template{Host: "example.com", Pages: 5, Container: a.Reading.Containers[0], Boilerplate: a.Blocks}
	b := extractHTML(t, hostPage(1), extract.Rules{Template: tp})
	if b.Reading.Method != "generic" || !slices.Equal(b.Paragraphs, a.Paragraphs) {
		t.Errorf("collapsing template read %q by %q", b.Paragraphs, b.Reading.Method)
	}
}

// TestTemplate_AgreesOnCorpus reads every benchmark page with a template
// learned from the page's own generic reading (the fast path: the page cut
// down to its head and container) and checks that the two readings agree,
// as SiteModel.Recheck judges, on nearly every page.
func TestTemplate_AgreesOnCorpus(t *testing.T) {
	pages, _, ok := corpusPages(t)
	if !ok {
		t.Fatal("no corpus pages: testdata/stability/pages is missing")
	}
	agree, total, fell := 0, 0, 0
	for i, p := range pages {
		page := extract.Page{URL: fmt.Sprint("https://example.com/", i), Body: p}
		g, err := extract.Extract(page, extract.Rules{})
		if err != nil || len(g.Reading.Containers) == 0 {
			continue
		}
		m := extract.NewSiteModel("example.com")
		for j := range 5 {
			m.Observe(fmt.Sprint(page.URL, "?v=", j), extract.Article{Reading: g.Reading, Blocks: g.Reading.Skip})
		}
		tp := m.Template()
		if tp == nil {
			t.Fatalf("page %d: no template from %q", i, g.Reading.Containers)
		}
		a, err := extract.Extract(page, extract.Rules{Template: tp})
		if err != nil {
			t.Fatalf("page %d: %v", i, err)
		}
		total++
		if a.Reading.Method != "template" {
			fell++
			continue
		}
		if m.Recheck(a, g) {
			agree++
		} else {
			t.Logf("page %d: template %d paragraphs, generic %d", i, len(a.Paragraphs), len(g.Paragraphs))
		}
	}
	t.Logf("%d pages: %d read by template and agreeing, %d fell back", total, agree, fell)
	if agree < total*95/100 {
		t.Errorf("template readings agree with generic on %d of %d pages, want 95%%", agree, total)
	}
}

// TestTemplate_HostileMarkup cuts truncated and mangled pages with a
// template: the fast path's own scanner must never panic, and a page it
// cannot follow is read generically or fails as Extract does.
func TestTemplate_HostileMarkup(t *testing.T) {
	page, err := os.ReadFile("testdata/page.html")
	if err != nil {
		t.Fatal(err)
	}
	a := extractHTML(t, string(page), extract.Rules{})
	tp := &extract.Template{Host: "example.com", Pages: 5, Container: a.Reading.Containers[0]}
	mangle := []func(string) string{
		func(s string) string { return s },
		func(s string) string { return strings.ReplaceAll(s, ">", "") },
		func(s string) string { return strings.ReplaceAll(s, `"`, "") },
		func(s string) string { return strings.ReplaceAll(s, "</", "<") },
		func(s string) string { return strings.ReplaceAll(s, "<", "<!--") },
	}
	for _, m := range mangle {
		s := m(string(page))
		for n := 0; n <= len(s); n += 97 {
			b, err := extract.Extract(extract.Page{URL: "https://example.com/a", Body: []byte(s[:n])}, extract.Rules{Template: tp})
			if err == nil && len(b.Paragraphs) == 0 {
				t.Fatalf("cut at %d: no error and no paragraphs", n)
			}
		}
	}
}

// TestReading_TemplateReplayIsExact: a version read by its host's template
// is read the same way again when its reading is the next version's anchor
// (the anchor path weighs furniture against the whole page, the template
// path against its container: a scale run read a story by its template and
// its next version, one figure edited, by the anchor as 60 words of 477).
func TestReading_TemplateReplayIsExact(t *testing.T) {
	pages, _, ok := corpusPages(t)
	if !ok {
		t.Fatal("no corpus pages: testdata/stability/pages is missing")
	}
	replayed := 0
	for i, page := range pages {
		p := extract.Page{URL: fmt.Sprintf("https://example.com/%d", i), Body: page}
		g, err := extract.Extract(p, extract.Rules{})
		if err != nil {
			continue
		}
		// Taught by five pages of this layout whose text is the story's
		// own (no block repeats), the model learns the container alone.
		g.Blocks = nil
		m := extract.NewSiteModel("example.com")
		for k := range 5 {
			m.Observe(fmt.Sprintf("https://example.com/%d/%d", i, k), g)
		}
		tmpl := m.Template()
		if tmpl == nil {
			continue
		}
		a, err := extract.Extract(p, extract.Rules{Template: tmpl})
		if err != nil || a.Reading.Method != "template" {
			continue
		}
		rd := a.Reading
		b, err := extract.Extract(p, extract.Rules{Anchor: &rd, Template: tmpl})
		if err != nil {
			t.Errorf("page %d: anchored on its template reading: %v", i, err)
			continue
		}
		replayed++
		if b.Dek != a.Dek || !slices.Equal(b.Paragraphs, a.Paragraphs) || b.Reread {
			t.Errorf("page %d: template reading %+v replayed differently (reread %v): %d paragraphs, then %d", i, rd, b.Reread, len(a.Paragraphs), len(b.Paragraphs))
		}
	}
	if replayed < len(pages)/2 {
		t.Errorf("only %d of %d pages were read by a template and replayed", replayed, len(pages))
	}
}

// Text a reader reads in the story's flow though its markup looks like
// furniture is read, and what is furniture stays out: each case puts one
// element between the story's paragraphs.
func TestGeneric_ReadsInsetsNotFurniture(t *testing.T) {
	paras := func(ps []string) string { return "<p>" + strings.Join(ps, "</p>\n<p>") + "</p>\n" }
	tests := []struct {
		name, between, want, not string
	}{
		{"pull quote in a float, an ad slot after it",
			`<div class="float-right"><aside><q>The water came up the wall in minutes</q></aside></div><div class="ad-slot"></div>`,
			"The water came up the wall in minutes", ""},
		{"teaser card aside",
			`<aside class="inset"><a href="/other"><h6>Flood insurance is about to cost more</h6></a><p>Millions of homeowners will pay more from April on.</p><a href="/other">Read more</a></aside>`,
			"", "Flood insurance is about to cost more"},
		{"embedded post, mostly links",
			`<blockquote class="embedded-post"><p>Levee vote tonight <a href="https://t.co/x1">https://t.co/x1</a> by <a href="/u">@council</a> <a href="https://t.co/x2">pic.example.com/x2</a></p></blockquote>`,
			"pic.example.com/x2", ""},
		{"affiliate disclaimer in an ad-named box",
			`<div class="ad-disclaimer-container"><p><em>Disclosure: We earn a commission from links on this page.</em> <a href="/about">More.</a></p></div>`,
			"We earn a commission from links on this page", ""},
		{"a video's caption",
			`<p class="media"><span class="embedded video" data-vid="1"></span></p><div class="embeddedMediaCaption"><div><p>Body camera video shows crews stacking sandbags along the east levee on Friday night.</p></div></div>`,
			"Body camera video shows crews stacking sandbags", ""},
		{"a photo's caption",
			`<figure><img src="/levee.jpg"><div class="image-caption"><p>Sandbags stacked along the east levee on a grey morning in the valley.</p></div></figure>`,
			"", "Sandbags stacked along the east levee"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := `<html><body><nav><a href="/">Home</a></nav><article><h1>Levee vote</h1>` + paras(levee[:2]) + tt.between + paras(levee[2:]) + `</article><footer><p>Copyright The Courier</p></footer></body></html>`
			a := extractHTML(t, page, extract.Rules{})
			if tt.want != "" && !strings.Contains(a.Text(), tt.want) {
				t.Errorf("%q not read; got\n%s", tt.want, a.Text())
			}
			if tt.not != "" && strings.Contains(a.Text(), tt.not) {
				t.Errorf("%q read as story; got\n%s", tt.not, a.Text())
			}
			for _, p := range levee {
				if !slices.Contains(a.Paragraphs, p) {
					t.Errorf("story paragraph %q lost; got\n%s", p, a.Text())
				}
			}
		})
	}
}

// A box of a few sentences right beside the story's container (a
// consultation's summary with its closing date) is read with it, and a
// call to action boxed alone in the story's flow is read too: the next
// version, read from the anchor, reads a moved date and a new link.
func TestGeneric_ReadsBoxBesideStory(t *testing.T) {
	page := func(closes, cta string) string {
		return `<html><body><main><div class="metadata"><p>Published 1 June 2022</p></div><div class="column">` +
			`<section class="banner" aria-label="Notice"><h2>Summary</h2><p>Proposes an approval scheme for the repairs of the east levee.</p>` +
			`<p>This consultation closes at 11:45pm on ` + closes + `</p></section>` +
			`<div class="description"><h2>Consultation description</h2><p>` + strings.Join(levee, "</p><p>") + `</p>` + cta + `</div>` +
			`<div class="ways-to-respond"><h2>Ways to respond</h2><p><a href="/respond">Respond online</a></p><p>or</p>` +
			`<p>Complete a response form and either email it to levee.consultation@example.gov or write to the Levee Consultation team, ` +
			`River House, 1 River Road, Valley Town, VT1 2AB.</p></div></div></main></body></html>`
	}
	v1 := extractHTML(t, page("29 December 2022", ""), extract.Rules{})
	if !strings.Contains(v1.Text(), "closes at 11:45pm on 29 December 2022") {
		t.Fatalf("closing date not read; got\n%s", v1.Text())
	}
	cta := `<div class="call-to-action"><p><a href="/easy-read">See the easy read version of this consultation</a></p></div>`
	v2 := extractHTML(t, page("29 June 2023", cta), extract.Rules{Anchor: &v1.Reading})
	for _, want := range []string{"closes at 11:45pm on 29 June 2023", "See the easy read version of this consultation"} {
		if !strings.Contains(v2.Text(), want) {
			t.Errorf("%q not read from the anchor; got\n%s", want, v2.Text())
		}
	}
	if v2.Reread {
		t.Errorf("re-read: %v", v2.Notes)
	}
}

// The titles of the documents a page attaches after its text are read,
// an HTML publication's (a page, not a file) with them.
func TestGeneric_ReadsAttachmentTitlesAfterStory(t *testing.T) {
	card := func(title, href string) string {
		return `<section class="attachment"><div class="attachment-details"><h3 class="title"><a href="` + href + `">` + title + `</a></h3>` +
			`<p class="metadata"><span class="type">PDF</span>, <span class="file-size">267 KB</span></p></div></section>`
	}
	page := `<html><body><main><div class="description"><h2>Consultation description</h2><p>` + strings.Join(levee, "</p><p>") + `</p>` +
		`<section><h2>Documents</h2>` + card("Levee repair plan: a consultation", "/government/publications/levee-repair-plan") +
		card("Levee repair plan: technical annex", "/uploads/levee-annex.pdf") + card("Privacy notice", "/government/publications/levee-privacy") +
		`</section></div></main></body></html>`
	a := extractHTML(t, page, extract.Rules{})
	for _, want := range []string{"Levee repair plan: a consultation", "Levee repair plan: technical annex", "Privacy notice"} {
		if !slices.Contains(a.Paragraphs, want) {
			t.Errorf("attachment title %q not read; got\n%s", want, a.Text())
		}
	}
	if strings.Contains(a.Text(), "267 KB") {
		t.Errorf("an attachment's file size read; got\n%s", a.Text())
	}
}
