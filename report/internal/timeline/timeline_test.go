package timeline

import (
	"encoding/xml"
	"flag"
	"fmt"
	"html/template"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/internal/testtool"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

var t0 = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)

// story is a small history with one version of every family.
func story() []Version {
	return []Version{
		{N: 1, At: t0, Title: "Minister resigns"},
		{N: 2, At: t0.Add(40 * time.Minute), Severity: diffing.SeverityHigh, Kinds: []diffing.Kind{diffing.SentenceAdded, diffing.QuoteReattributed}, Title: "Minister resigns"},
		{N: 3, At: t0.Add(2 * time.Hour), Severity: diffing.SeverityHigh, Kinds: []diffing.Kind{diffing.NumberChanged}, Title: "Minister resigns over 12 deaths"},
		{N: 4, At: t0.Add(5 * time.Hour), Severity: diffing.SeverityMedium, Kinds: []diffing.Kind{diffing.HeadlineChanged}, Title: "Minister quits"},
		{N: 5, At: t0.Add(9 * time.Hour), Severity: diffing.SeverityLow, Kinds: []diffing.Kind{diffing.SentenceChanged}, Title: "Minister quits"},
		{N: 6, At: t0.Add(20 * time.Hour), Severity: diffing.SeverityNone, Kinds: []diffing.Kind{diffing.Cosmetic}, Title: "Minister quits"},
		{N: 7, At: t0.Add(26 * time.Hour), Severity: diffing.SeverityLow, Reread: true, Title: "Minister quits"},
	}
}

// render draws the timeline as a page template does: through Define's
// "timeline" template.
func render(t *testing.T, id, name string, vs []Version) string {
	t.Helper()
	page := template.Must(template.New("page").Parse(`{{template "timeline" .}}`))
	if err := Define(page); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := page.Execute(&b, Build(id, name, vs)); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// wellFormed checks the output is one well-formed XML element tree, so
// the SVG parses wherever it is embedded.
func wellFormed(t *testing.T, s string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	d.Strict = true
	d.AutoClose = nil
	for {
		_, err := d.Token()
		if err != nil {
			if err.Error() == "EOF" {
				return
			}
			t.Fatalf("timeline is not well-formed XML: %v\n%s", err, s)
		}
	}
}

// TestTimelineGolden: the chart and its table for a seven-version story
// are byte for byte the golden file (deterministic output), and every
// version is a mark with its own shape and row.
func TestTimelineGolden(t *testing.T) {
	got := render(t, "timeline", "Minister resigns", story())
	wellFormed(t, got)
	testtool.Golden(t, filepath.Join("testdata", "story.golden"), got, *update)
	if again := render(t, "timeline", "Minister resigns", story()); again != got {
		t.Error("two renderings of the same history differ")
	}
	for _, want := range []string{
		`role="img"`, `aria-labelledby="timeline-title timeline-desc"`,
		`<title id="timeline-title">Timeline of 7 versions of “Minister resigns”</title>`,
		`<desc id="timeline-desc">7 versions, from 2026-12-07 09:00 UTC to 2026-12-08 11:00 UTC.`,
		`<td>v3</td>`, `<td>high</td><td>figure, name, negation or hedge (number_changed)</td>`,
		`<td>quote or source (quote_reattributed)</td>`, // the main kind, not the first listed
		`<td>read afresh</td>`, `<td>first version</td>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("timeline lacks %s", want)
		}
	}
	if n := strings.Count(got, "<tr><td>"); n != 7 {
		t.Errorf("table has %d rows, want 7 (one per version)", n)
	}
	if strings.Contains(got, "style=") || strings.Contains(got, "<style") || strings.Contains(got, "<script") {
		t.Error("timeline carries style or script, which the web UI's CSP refuses")
	}
}

// TestTimelineHostileTitle: a headline that closes the SVG and opens a
// script is text in the table and the tooltip, never markup.
func TestTimelineHostileTitle(t *testing.T) {
	evil := `</title></svg><script>alert(1)</script><svg onload=alert(2)>` + "\u202e" + `&amp;`
	vs := story()
	for i := range vs {
		vs[i].Title = evil
	}
	got := render(t, `x"><script>`, evil, vs)
	wellFormed(t, got)
	for _, bad := range []string{"<script", "</svg><", "<svg onload", "\u202e", `x"><`} {
		if strings.Contains(got, bad) {
			t.Errorf("hostile text reached the markup unescaped: %q", bad)
		}
	}
	if !strings.Contains(got, "&lt;/title&gt;&lt;/svg&gt;&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the hostile headline is not shown as escaped text")
	}
	if strings.Count(got, "</svg>") != 1 {
		t.Error("the SVG is closed more than once")
	}
}

// TestTimelineThousands: ten thousand versions make a bounded chart:
// at most Columns×4 marks, the table listing the same marks, each
// version counted once, and a note saying versions were merged.
func TestTimelineThousands(t *testing.T) {
	var vs []Version
	long := strings.Repeat("word ", 5000)
	for i := range 10000 {
		sev := diffing.Severity(i % 4)
		vs = append(vs, Version{N: i + 1, At: t0.Add(time.Duration(i*i%7919) * time.Minute), Severity: sev,
			Kinds: []diffing.Kind{diffing.NumberChanged}, Title: long})
	}
	got := render(t, "big", "", vs)
	wellFormed(t, got)
	marks := strings.Count(got, `"><title>`)
	rows := strings.Count(got, "<tr><td>")
	if marks > Columns*4 || marks != rows {
		t.Errorf("%d marks and %d table rows, want the same number, at most %d", marks, rows, Columns*4)
	}
	if len(got) > 400_000 {
		t.Errorf("timeline of 10,000 versions is %d bytes, want it bounded", len(got))
	}
	total := 0
	for _, m := range regexp.MustCompile(`<tr><td>v\d+–v\d+ \((\d+) versions\)|<tr><td>v\d+</td>`).FindAllStringSubmatch(got, -1) {
		n := 1
		if m[1] != "" {
			fmt.Sscan(m[1], &n)
		}
		total += n
	}
	if total != 10000 {
		t.Errorf("the table accounts for %d versions, want 10000", total)
	}
	if !strings.Contains(got, "are drawn as one mark") {
		t.Error("the merging of versions is not described")
	}
	if strings.Contains(got, long[:1000]) {
		t.Error("a 25,000-character headline was not clipped")
	}
}

// TestTimelineOneInstant: versions all seen at once are spread by
// number, each its own mark, and the description says why.
func TestTimelineOneInstant(t *testing.T) {
	var vs []Version
	for i := range 5 {
		vs = append(vs, Version{N: i + 1, At: t0, Severity: diffing.SeverityMedium, Kinds: []diffing.Kind{diffing.SentenceAdded}})
	}
	got := render(t, "t", "", vs)
	wellFormed(t, got)
	if n := strings.Count(got, `"><title>`); n != 5 {
		t.Errorf("%d marks, want 5", n)
	}
	if !strings.Contains(got, "spaced by version number") {
		t.Error("the description does not say the marks are spaced by number")
	}
	xs := regexp.MustCompile(`<circle cx="(\d+)" cy="54" r="5"`).FindAllStringSubmatch(got, -1)
	seen := map[string]bool{}
	for _, x := range xs {
		seen[x[1]] = true
	}
	if len(xs) != 5 || len(seen) != 5 {
		t.Errorf("marks at %d distinct positions, want 5", len(seen))
	}
}

// TestTimelineZeroAndOne: no versions, no chart; one version, one mark
// in the middle and a table of one row.
func TestTimelineZeroAndOne(t *testing.T) {
	if got := render(t, "t", "x", nil); got != "" {
		t.Errorf("no versions rendered %q, want nothing", got)
	}
	got := render(t, "t", "x", []Version{{N: 1, At: t0, Title: "Only"}})
	wellFormed(t, got)
	if n := strings.Count(got, `"><title>`); n != 1 {
		t.Errorf("%d marks, want 1", n)
	}
	if !strings.Contains(got, `<circle cx="410" cy="102" r="5" fill="none"`) {
		t.Errorf("the one version is not a ring mid-plot in the none row:\n%s", got)
	}
	if !strings.Contains(got, "<td>v1</td>") || strings.Count(got, "<tr><td>") != 1 {
		t.Error("the table does not list the one version")
	}
}

// TestTimelineLongSpan: versions years apart land in order across the
// whole plot (a span times the plot's width overflows int64 nanoseconds).
func TestTimelineLongSpan(t *testing.T) {
	vs := []Version{{N: 1, At: t0}, {N: 2, At: t0.AddDate(5, 0, 0), Severity: diffing.SeverityLow}, {N: 3, At: t0.AddDate(10, 0, 0), Severity: diffing.SeverityHigh}}
	got := render(t, "t", "", vs)
	xs := regexp.MustCompile(`<g class="severity sev-\w+" color="#\w+"><title>v\d[^<]*</title><(?:circle cx|path d)="M?(\d+)`).FindAllStringSubmatch(got, -1)
	if len(xs) != 3 {
		t.Fatalf("%d marks, want 3:\n%s", len(xs), got)
	}
	var prev int
	for i, x := range xs {
		var n int
		fmt.Sscan(x[1], &n)
		if n < left-6 || n > right+6 || (i > 0 && n <= prev) {
			t.Errorf("mark %d at x=%d, want within the plot and after %d", i+1, n, prev)
		}
		prev = n
	}
}

// TestTimelineLegendFits: each legend item, its name at a generous
// character width, ends before the next item and inside the chart, and
// the rows stay inside its height. (TestBrowser checks the same with
// the browser's own font.)
func TestTimelineLegendFits(t *testing.T) {
	v := Build("t", "x", []Version{{N: 1, At: t0}})
	if len(v.Legend) != len(families) {
		t.Fatalf("%d legend items, want %d", len(v.Legend), len(families))
	}
	for i, it := range v.Legend {
		end := it.X + 10 + int(legendCharWidth*float64(utf8.RuneCountInString(it.Name)))
		if end > v.Width {
			t.Errorf("%q ends at %d, past the chart's width %d", it.Name, end, v.Width)
		}
		if i+1 < len(v.Legend) && v.Legend[i+1].Y == it.Y && v.Legend[i+1].X <= end {
			t.Errorf("%q ends at %d, into %q at %d", it.Name, end, v.Legend[i+1].Name, v.Legend[i+1].X)
		}
		if it.Y+6 > v.Height {
			t.Errorf("%q at y %d, below the chart's height %d", it.Name, it.Y, v.Height)
		}
	}
}
