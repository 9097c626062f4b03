package layout

import (
	"fmt"
	"strings"

	"github.com/redline-news/redline/diffing"
)

// SeverityColour is how every page colours one severity: the HTML report's
// CSS, the web UI's CSS and the timeline SVG all take it from
// SeverityColours, so a severity looks the same in text and on the chart.
type SeverityColour struct {
	Severity diffing.Severity
	// Name is the severity's name: its CSS class is "sev-"+Name and its
	// custom property "--"+Name.
	Name string
	// Light is the colour on a light page, Dark in a dark colour scheme.
	// Each has at least WCAG AA contrast for text (4.5:1) on the pages'
	// backgrounds (TestSeverityColours_Contrast): Light on #fff, Dark on
	// the web UI's #161616 and the browsers' dark canvases (#121212,
	// #1c1b22), where the HTML report sets none.
	Light, Dark string
}

// Class is the severity's CSS class, "sev-high".
func (c SeverityColour) Class() string { return "sev-" + c.Name }

// SeverityColours lists the severities from high to none, as the
// timeline's rows go.
func SeverityColours() []SeverityColour {
	return []SeverityColour{
		{diffing.SeverityHigh, "high", "#b00020", "#ff8a8a"},
		{diffing.SeverityMedium, "medium", "#8a4b00", "#ffc06a"},
		{diffing.SeverityLow, "low", "#3d5a80", "#9ec5ff"},
		{diffing.SeverityNone, "none", "#5f6368", "#a8a8a8"},
	}
}

// SeverityColourOf returns s's colours; ok is false for a severity diffing
// does not name.
func SeverityColourOf(s diffing.Severity) (c SeverityColour, ok bool) {
	for _, c := range SeverityColours() {
		if c.Severity == s {
			return c, true
		}
	}
	return SeverityColour{}, false
}

// SeverityCSS is the stylesheet text that gives each severity its colour
// in a light and a dark colour scheme: the custom properties (--high…)
// on :root, and the colour of the elements of class scope+".sev-high"…
// (scope "" colours every element of that class). The timeline SVG's marks
// carry the class, so a page's CSS recolours them for a dark scheme; their
// color attribute, the Light colour, holds where CSS is stripped. It holds
// only SeverityColours' constants, no text from a page.
func SeverityCSS(scope string) string {
	var b strings.Builder
	write := func(indent string, colour func(SeverityColour) string) {
		b.WriteString(indent + ":root {")
		for _, c := range SeverityColours() {
			fmt.Fprintf(&b, " --%s: %s;", c.Name, colour(c))
		}
		b.WriteString(" }\n")
		for _, c := range SeverityColours() {
			fmt.Fprintf(&b, "%s%s.%s { color: %s; }\n", indent, scope, c.Class(), colour(c))
		}
	}
	write("", func(c SeverityColour) string { return c.Light })
	b.WriteString("@media (prefers-color-scheme: dark) {\n")
	write("  ", func(c SeverityColour) string { return c.Dark })
	b.WriteString("}\n")
	return b.String()
}
