package report_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/redline-news/redline/report"
)

// TestRenderHTML_Timeline: each article of the HTML report carries its
// timeline inline, as the web UI draws it: an SVG labelled by its title
// and description with ids unique on the page, and a table with one row
// per reported version; a hostile headline is text in both.
func TestRenderHTML_Timeline(t *testing.T) {
	r := fixture()
	out := render(t, report.HTML, r, report.Options{})
	articles := strings.Count(out, "<article>")
	if n := strings.Count(out, `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="timeline-`); n != articles || n == 0 {
		t.Fatalf("%d timeline charts for %d articles", n, articles)
	}
	for i := 1; i <= articles; i++ {
		id := "timeline-" + strconv.Itoa(i)
		for _, want := range []string{`id="` + id + `"`, `id="` + id + `-title"`, `id="` + id + `-desc"`} {
			if strings.Count(out, want) != 1 {
				t.Errorf("%s is not on the page exactly once", want)
			}
		}
	}
	if n, items := strings.Count(out, "<tr><td>v"), len(r.Items); n != items {
		t.Errorf("timeline tables have %d rows, want one per item (%d)", n, items)
	}
	for _, want := range []string{
		`<td>v4</td><td><time datetime="2026-03-14T09:05:00Z">2026-03-14 09:05 UTC</time></td><td>high</td><td>quote or source (quote_reattributed)</td>`,
		`<title id="timeline-2-title">Timeline of 1 version of “Breaking: &lt;script&gt;alert(1)&lt;/script&gt;`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML report lacks %s", want)
		}
	}
	checkHTMLInert(t, out)
}
