// Package timeline draws an article's versions over time as an SVG chart
// with a table alternative, for the web UI's article page and the HTML
// report. The chart is server-rendered by html/template, needs no script
// and sets no style attribute (the web UI's CSP forbids inline style), so
// it shows the same in a browser, an e-mail client and a screen reader.
//
// Every version is a mark: its row (and colour) is its severity, its shape
// the family of its main kind, so colour is never the only cue. The size
// is bounded whatever the history: versions that fall in the same column
// of the chart (a Column-pixel slice of time) and the same severity row
// are drawn as one mark, and the table lists the marks, not the versions,
// so both say the same. A chart has at most Columns×4 marks.
package timeline

import (
	"fmt"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/internal/plural"
	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/report/internal/layout"
)

// Version is one version as the timeline shows it.
type Version struct {
	N        int
	At       time.Time
	Severity diffing.Severity // of its change set against the version before
	Kinds    []diffing.Kind   // its change set's kinds, any order
	Title    string           // the headline then; scraped, cleaned here
	Reread   bool             // read afresh from another part of the page
}

// The chart's geometry, in SVG user units.
const (
	width   = 760
	left    = 80  // the row labels' gutter
	right   = 740 // the plot's right edge
	rowTop  = 30  // the high row
	rowStep = 24
	axisY   = rowTop + 4*rowStep - 8
	height  = axisY + 68
	// Column is the width of one column of the plot: versions closer in
	// time than this share a column, and in one row, one mark.
	Column = 6
	// Columns is how many columns the plot has.
	Columns = (right - left) / Column
	// maxTitle bounds a headline in the table and the marks' tooltips, so
	// a hostile page cannot bloat every page that shows its timeline.
	maxTitle = 200
)

// Shape families: the shape of a mark says what kind of change it is.
type family struct {
	Name  string // what the legend and the table call it
	Shape string // square, diamond, triangle, circle, bar, cross, ring
}

var (
	famFirst    = family{"first version", "ring"}
	famHeadline = family{"headline, summary or byline", "square"}
	famQuote    = family{"quote or source", "diamond"}
	famFact     = family{"figure, name, negation or hedge", "triangle"}
	famText     = family{"sentence added, removed or changed", "circle"}
	famCosmetic = family{"cosmetic", "bar"}
	famReread   = family{"read afresh", "cross"}
	families    = []family{famFirst, famHeadline, famQuote, famFact, famText, famCosmetic, famReread}
)

func familyOf(k diffing.Kind) family {
	switch k {
	case diffing.HeadlineChanged, diffing.DekChanged, diffing.BylineChanged:
		return famHeadline
	case diffing.QuoteAdded, diffing.QuoteRemoved, diffing.QuoteChanged, diffing.QuoteReattributed,
		diffing.QuoteVerbChanged, diffing.SpeakerRoleChanged, diffing.SourceChanged:
		return famQuote
	case diffing.NumberChanged, diffing.EntityChanged, diffing.NegationChanged, diffing.HedgeChanged:
		return famFact
	case diffing.Cosmetic:
		return famCosmetic
	}
	return famText
}

// mainKind is the most specific of kinds in the summaries' order, "" when
// there are none.
func mainKind(kinds []diffing.Kind) diffing.Kind {
	for _, k := range layout.AllKinds() {
		if slices.Contains(kinds, k) {
			return k
		}
	}
	if len(kinds) > 0 {
		return slices.Min(kinds) // one diffing does not name yet: still deterministic
	}
	return ""
}

// rowOf is the index of s's row in layout.SeverityColours, top to bottom:
// high, medium, low, none.
func rowOf(s diffing.Severity) int {
	rows := layout.SeverityColours()
	for i, r := range rows {
		if r.Severity == s {
			return i
		}
	}
	if s > diffing.SeverityHigh {
		return 0
	}
	return len(rows) - 1
}

// mark is one drawn mark and one row of the table.
type mark struct {
	X, Y int
	// Class and Colour are its severity's CSS class and light colour
	// (layout.SeverityColour): the shape is drawn in currentColor, which
	// the page's CSS sets by class, and the color attribute where CSS is
	// stripped. Both are empty for a legend's mark, drawn in the text's
	// colour.
	Class, Colour string
	Shape         string
	Path          string // the shape's outline, for the shapes drawn as paths
	Severity      string
	Kind          string // the family's name and the main kind's id
	Versions      string // "v3" or "v3–v9 (7 versions)"
	When          string // "2026-12-07 15:04 UTC" or a range
	WhenISO       string
	Title         string // the latest headline of the mark's versions
	Label         string // the tooltip: everything above in one line
	col, row      int
	first, last   int // indexes of its first and last versions, sorted
	n             int
	kinds         []string
}

// View is a timeline ready to draw: the "timeline" template (Define)
// renders it.
type View struct {
	ID, TitleID, DescID string
	Title, Desc         string
	Width, Height       int
	Left, Right, AxisY  int
	Rows                []rowView
	Marks               []mark
	Start, End          string // the axis' end labels
	StartISO, EndISO    string
	Legend              []legendItem
	Note                string // how the chart was drawn, when not one mark per version
}

type rowView struct {
	Y             int
	Label         string
	Class, Colour string // as a mark's
}

type legendItem struct {
	X, Y int
	Name string
	Mark mark // the shape, in the text's colour: the legend explains shapes, not severities
}

// Build lays out the timeline of vs, named after the article's headline
// name; the "timeline" template draws it as a <figure> holding the SVG and,
// in a <details>, the table alternative. id prefixes the element ids, so a
// page can hold several timelines; it must be unique on the page and is
// escaped like everything else. With no versions it returns nil.
func Build(id, name string, vs []Version) *View {
	if len(vs) == 0 {
		return nil
	}
	vs = slices.Clone(vs)
	slices.SortStableFunc(vs, func(a, b Version) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return a.N - b.N
	})
	v := newView(id, name, len(vs))
	sc := newScale(vs)
	v.placeMarks(vs, sc)
	merged := v.labelMarks(vs)
	v.describe(vs, sc, merged)
	v.addLegend()
	return v
}

// newView is a view with its ids, geometry, title and severity rows, and
// no marks yet.
func newView(id, name string, n int) *View {
	v := View{ID: id, TitleID: id + "-title", DescID: id + "-desc", Width: width, Height: height,
		Left: left, Right: right, AxisY: axisY}
	name = clip(sanitize.Line(name))
	v.Title = "Timeline of " + plural.Count(n, "version")
	if strings.TrimSpace(name) != "" {
		v.Title += " of “" + name + "”"
	}
	for i, r := range layout.SeverityColours() {
		v.Rows = append(v.Rows, rowView{rowTop + i*rowStep, r.Name, r.Class(), r.Light})
	}
	return &v
}

// scale places versions, sorted by time, along the plot.
type scale struct {
	vs         []Version
	start, end time.Time
	span       time.Duration
	// byOrder: all at one instant (or one version), so the versions are
	// spread by order instead and the marks stay apart; the description
	// says so.
	byOrder bool
}

func newScale(vs []Version) scale {
	start, end := vs[0].At, vs[len(vs)-1].At
	span := end.Sub(start)
	return scale{vs: vs, start: start, end: end, span: span, byOrder: span <= 0}
}

// x is the plot position of the i-th version.
func (sc scale) x(i int) int {
	plot := right - left
	if sc.byOrder {
		if len(sc.vs) == 1 {
			return left + plot/2
		}
		return left + int(int64(i)*int64(plot)/int64(len(sc.vs)-1))
	}
	// Divide by the time one unit covers rather than multiply first:
	// d×plot overflows int64 for spans over about 160 days.
	step := sc.span / time.Duration(plot)
	if step == 0 {
		return left + int(int64(sc.vs[i].At.Sub(sc.start))*int64(plot)/int64(sc.span))
	}
	return min(left+int(sc.vs[i].At.Sub(sc.start)/step), right)
}

// markLabel is how the table and the tooltip name a version's change:
// its shape family and, where there is one, its main kind.
func markLabel(ver Version) (family, string) {
	fam, kind := famText, mainKind(ver.Kinds)
	switch {
	case ver.Reread:
		fam = famReread
	case ver.N == 1:
		fam = famFirst
	case kind == "":
		fam = famText
	default:
		fam = familyOf(kind)
	}
	label := fam.Name
	if kind != "" && !ver.Reread {
		label += " (" + layout.KindLabel(kind) + ")"
	}
	return fam, label
}

// placeMarks gives every version a mark, or merges it into the mark of
// its column and severity row.
func (v *View) placeMarks(vs []Version, sc scale) {
	for i, ver := range vs {
		x := sc.x(i)
		col := min((x-left)/Column, Columns-1)
		row := rowOf(ver.Severity)
		fam, label := markLabel(ver)
		// Versions sorted by time reach a column in order, but a column's
		// rows interleave: look for a mark of the same column and row.
		if j := slices.IndexFunc(v.Marks, func(m mark) bool { return m.col == col && m.row == row }); j >= 0 {
			m := &v.Marks[j]
			m.n, m.last = m.n+1, i
			if !slices.Contains(m.kinds, label) {
				m.kinds = append(m.kinds, label)
			}
			continue
		}
		y := rowTop + row*rowStep
		if !sc.byOrder {
			x = left + col*Column + Column/2 // a merged mark sits mid-column
		}
		r := layout.SeverityColours()[row]
		v.Marks = append(v.Marks, mark{X: x, Y: y, Class: r.Class(), Colour: r.Light, Shape: fam.Shape,
			Path: shapePath(fam.Shape, x, y), Severity: r.Name,
			col: col, row: row, first: i, last: i, n: 1, kinds: []string{label}})
	}
}

// labelMarks writes the marks' texts: kinds, versions, times, headline
// and tooltip. It says whether any mark stands for several versions.
func (v *View) labelMarks(vs []Version) (merged bool) {
	for k := range v.Marks {
		m := &v.Marks[k]
		f, l := vs[m.first], vs[m.last]
		m.Kind = strings.Join(m.kinds, "; ")
		m.Versions = "v" + strconv.Itoa(f.N)
		m.When, m.WhenISO = layout.When(f.At), layout.ISO(f.At)
		if m.n > 1 {
			merged = true
			m.Versions = fmt.Sprintf("v%d–v%d (%d versions)", f.N, l.N, m.n)
			if !l.At.Equal(f.At) {
				m.When += " – " + layout.When(l.At)
			}
		}
		m.Title = clip(sanitize.Line(l.Title))
		m.Label = m.Versions + " · " + m.When + " · severity " + m.Severity + " · " + m.Kind
		if m.Title != "" {
			m.Label += " · " + m.Title
		}
	}
	return merged
}

// describe writes the axis' end labels, the description and the note on
// how the chart was drawn.
func (v *View) describe(vs []Version, sc scale, merged bool) {
	v.Start, v.StartISO = layout.When(sc.start), layout.ISO(sc.start)
	if sc.span > 0 {
		v.End, v.EndISO = layout.When(sc.end), layout.ISO(sc.end)
	}
	var desc []string
	desc = append(desc, fmt.Sprintf("%s, from %s to %s.", plural.Count(len(vs), "version"), layout.When(sc.start), layout.When(sc.end)))
	desc = append(desc, "Each mark's row is its severity (high, medium, low, none); its shape is what kind of change it is (see the legend); the table below gives the same data.")
	var notes []string
	if sc.byOrder && len(vs) > 1 {
		notes = append(notes, "Every version was seen at the same instant: the marks are spaced by version number, not by time.")
	}
	if merged {
		notes = append(notes, fmt.Sprintf("Versions in the same 1/%d of the chart's width with the same severity are drawn as one mark; the table lists each mark's versions.", Columns))
	}
	v.Note = strings.Join(notes, " ")
	desc = append(desc, notes...)
	v.Desc = strings.Join(desc, " ")
}

// legendCharWidth is a generous width of one character of the legend's
// 11-unit sans-serif text: the SVG cannot measure its text, and a
// narrow guess lets a long name run into the next one.
const legendCharWidth = 6.4

// addLegend lays out the legend: one item per shape family, in rows
// that wrap before an item would pass the chart's right edge.
func (v *View) addLegend() {
	x, y := left, axisY+34
	for _, f := range families {
		w := 10 + int(math.Ceil(legendCharWidth*float64(utf8.RuneCountInString(f.Name))))
		if x > left && x+w > width {
			x, y = left, y+18
		}
		v.Legend = append(v.Legend, legendItem{X: x, Y: y, Name: f.Name,
			Mark: mark{X: x, Y: y - 4, Shape: f.Shape, Path: shapePath(f.Shape, x, y-4)}})
		x += w + 18
	}
}

// Define adds the "timeline" template, which draws a *View, and the
// "sparkline" template, which draws a Spark, to t; a page
// template calls it as {{template "timeline" .Timeline}}. The caller's
// html/template escapes every value for where it lands: nothing here is
// trusted markup.
func Define(t *template.Template) error {
	if _, err := t.New("timeline-defs").Parse(timelineSource); err != nil {
		return fmt.Errorf("parse the timeline template: %w", err)
	}
	if _, err := t.New("sparkline-defs").Parse(sparkSource); err != nil {
		return fmt.Errorf("parse the sparkline template: %w", err)
	}
	return nil
}

// shapePath is the outline of a mark of shape s centred at x, y; "" for
// the shapes the template draws as elements (circle, ring).
func shapePath(s string, x, y int) string {
	switch s {
	case "square":
		return fmt.Sprintf("M%d %dh10v10h-10z", x-5, y-5)
	case "diamond":
		return fmt.Sprintf("M%d %dl6 6l-6 6l-6 -6z", x, y-6)
	case "triangle":
		return fmt.Sprintf("M%d %dl6 11h-12z", x, y-6)
	case "bar":
		return fmt.Sprintf("M%d %dh12v4h-12z", x-6, y-2)
	case "cross":
		return fmt.Sprintf("M%d %dl10 10M%d %dl-10 10", x-5, y-5, x+5, y-5)
	}
	return ""
}

// clip shortens s to maxTitle runes, marking the cut.
func clip(s string) string { return sanitize.Cut(s, maxTitle) }

// timelineSource draws the chart with presentation attributes only (no
// style attribute, no <style>: CSP), then the table. Every element is
// closed explicitly, as HTML outside SVG knows no self-closing tags. A
// severity's colour is its class's, which the page's CSS sets for light
// and dark schemes (layout.SeverityCSS); the color attribute, which CSS
// overrides, keeps the light colour where a mail client strips the CSS.
const timelineSource = `{{define "timeline-shape"}}
{{- if eq .Shape "circle"}}<circle cx="{{.X}}" cy="{{.Y}}" r="5" fill="currentColor"></circle>
{{- else if eq .Shape "ring"}}<circle cx="{{.X}}" cy="{{.Y}}" r="5" fill="none" stroke="currentColor" stroke-width="2"></circle>
{{- else if eq .Shape "cross"}}<path d="{{.Path}}" fill="none" stroke="currentColor" stroke-width="2.5"></path>
{{- else}}<path d="{{.Path}}" fill="currentColor"></path>{{end}}{{end}}
{{- define "timeline"}}{{if . -}}
<figure class="timeline-chart" id="{{.ID}}">
<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{{.TitleID}} {{.DescID}}" viewBox="0 0 {{.Width}} {{.Height}}" width="100%" preserveAspectRatio="xMinYMin meet" font-family="system-ui, sans-serif" font-size="11">
<title id="{{.TitleID}}">{{.Title}}</title>
<desc id="{{.DescID}}">{{.Desc}}</desc>
{{range .Rows}}<text x="{{$.Left}}" y="{{.Y}}" dx="-10" dy="4" text-anchor="end" class="severity {{.Class}}" color="{{.Colour}}" fill="currentColor">{{.Label}}</text>
<line x1="{{$.Left}}" y1="{{.Y}}" x2="{{$.Right}}" y2="{{.Y}}" stroke="currentColor" stroke-opacity="0.15"></line>
{{end -}}
<line x1="{{.Left}}" y1="{{.AxisY}}" x2="{{.Right}}" y2="{{.AxisY}}" stroke="currentColor" stroke-opacity="0.6"></line>
<text x="{{.Left}}" y="{{.AxisY}}" dy="16" fill="currentColor">{{.Start}}</text>
{{with .End}}<text x="{{$.Right}}" y="{{$.AxisY}}" dy="16" text-anchor="end" fill="currentColor">{{.}}</text>
{{end -}}
<g class="marks">
{{range .Marks}}<g class="severity {{.Class}}" color="{{.Colour}}"><title>{{.Label}}</title>{{template "timeline-shape" .}}</g>
{{end -}}
</g>
<g class="legend" fill="currentColor">
{{range .Legend}}<g>{{template "timeline-shape" .Mark}}<text x="{{.X}}" y="{{.Y}}" dx="10">{{.Name}}</text></g>
{{end -}}
</g>
</svg>
{{with .Note}}<figcaption class="note">{{.}}</figcaption>
{{end -}}
<details class="timeline-table">
<summary>The timeline as a table</summary>
<table>
<thead><tr><th scope="col">Versions</th><th scope="col">Seen</th><th scope="col">Severity</th><th scope="col">Kind</th><th scope="col">Headline</th></tr></thead>
<tbody>
{{range .Marks}}<tr><td>{{.Versions}}</td><td><time datetime="{{.WhenISO}}">{{.When}}</time></td><td>{{.Severity}}</td><td>{{.Kind}}</td><td>{{.Title}}</td></tr>
{{end -}}
</tbody>
</table>
</details>
</figure>
{{- end}}{{end}}`
