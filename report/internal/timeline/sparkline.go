package timeline

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redline-news/redline/internal/plural"
	"github.com/redline-news/redline/internal/sanitize"
)

// SparkDays is how many days a sparkline covers, ending today (UTC).
const SparkDays = 14

// The sparkline's geometry: one bar per day.
const (
	sparkBar    = 5
	sparkGap    = 2
	sparkHeight = 20
	sparkWidth  = SparkDays * (sparkBar + sparkGap)
)

// Spark is one source's changes per day, ready to draw: the "sparkline"
// template (Define) renders it as an SVG whose title says every count in
// words, so the figure is never the only way to read them.
type Spark struct {
	ID, TitleID   string
	Source        string
	Title         string // "ledger: 5 changes in 14 days to 2026-12-07 …"
	Total, Most   int
	Width, Height int
	Bars          []bar
}

type bar struct {
	X, Y, W, H int
	Label      string // "2026-12-03: 3 changes"
}

// Sparkline lays out counts, the changes of source per UTC day keyed by
// the day's midnight UTC, for the SparkDays days ending on today's. Days
// outside the window are ignored. id must be unique on the page.
func Sparkline(id, source string, counts map[time.Time]int, today time.Time) Spark {
	source = clip(sanitize.Line(source))
	end := today.UTC().Truncate(24 * time.Hour)
	first := end.AddDate(0, 0, -(SparkDays - 1))
	s := Spark{ID: id, TitleID: id + "-title", Source: source, Width: sparkWidth, Height: sparkHeight}
	days := make([]int, SparkDays)
	for d, n := range counts {
		if i := int(d.UTC().Sub(first) / (24 * time.Hour)); !d.Before(first) && i < SparkDays {
			days[i] += n
		}
	}
	for _, n := range days {
		s.Total += n
		s.Most = max(s.Most, n)
	}
	var words []string
	for i, n := range days {
		day := first.AddDate(0, 0, i).Format(time.DateOnly)
		words = append(words, strconv.Itoa(n))
		b := bar{X: i * (sparkBar + sparkGap), W: sparkBar, Label: day + ": " + plural.Count(n, "change")}
		// A day with changes is at least 2 high, so it never reads as none;
		// a day without is a 1-unit tick on the baseline.
		b.H = 1
		if n > 0 {
			b.H = max(2, n*sparkHeight/s.Most)
		}
		b.Y = sparkHeight - b.H
		s.Bars = append(s.Bars, b)
	}
	s.Title = fmt.Sprintf("%s: %s in the %d days %s to %s, per day: %s", source, plural.Count(s.Total, "change"),
		SparkDays, first.Format(time.DateOnly), end.Format(time.DateOnly), strings.Join(words, ", "))
	return s
}

// sparkSource draws a Spark: bars in the text's colour (the height is the
// only thing a bar says, and its tooltip and the title say it in words).
const sparkSource = `{{define "sparkline" -}}
<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" id="{{.ID}}" role="img" aria-labelledby="{{.TitleID}}" viewBox="0 0 {{.Width}} {{.Height}}" width="{{.Width}}" height="{{.Height}}">
<title id="{{.TitleID}}">{{.Title}}</title>
{{range .Bars}}<rect x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}" fill="currentColor"{{if eq .H 1}} fill-opacity="0.35"{{end}}><title>{{.Label}}</title></rect>
{{end -}}
</svg>
{{- end}}`
