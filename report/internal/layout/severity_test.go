package layout_test

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/report/internal/layout"
)

// luminance is the WCAG 2.x relative luminance of "#rrggbb".
func luminance(t *testing.T, hex string) float64 {
	t.Helper()
	v, err := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	if err != nil || len(hex) != 7 {
		t.Fatalf("colour %q is not #rrggbb", hex)
	}
	var l float64
	for i, w := range []float64{0.2126, 0.7152, 0.0722} {
		c := float64(v>>(16-8*i)&0xff) / 255
		if c <= 0.03928 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += w * c
	}
	return l
}

func contrast(t *testing.T, a, b string) float64 {
	t.Helper()
	la, lb := luminance(t, a), luminance(t, b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// TestSeverityColours_Contrast: every severity's colour reads as text (WCAG
// AA, 4.5:1) on the backgrounds it is shown on: white for Light; for Dark
// the web UI's #161616 and the dark canvases of Chrome (#121212) and
// Firefox (#1c1b22), on which the HTML report, setting no background, is
// shown in a dark scheme.
func TestSeverityColours_Contrast(t *testing.T) {
	cs := layout.SeverityColours()
	if len(cs) != 4 || cs[0].Severity != diffing.SeverityHigh || cs[3].Severity != diffing.SeverityNone {
		t.Fatalf("SeverityColours = %+v, want high to none", cs)
	}
	for _, c := range cs {
		if c.Name != c.Severity.String() {
			t.Errorf("%s named %q", c.Severity, c.Name)
		}
		if r := contrast(t, c.Light, "#ffffff"); r < 4.5 {
			t.Errorf("%s %s on #ffffff: %.2f:1, want 4.5:1", c.Name, c.Light, r)
		}
		for _, bg := range []string{"#161616", "#121212", "#1c1b22"} {
			if r := contrast(t, c.Dark, bg); r < 4.5 {
				t.Errorf("%s %s on %s: %.2f:1, want 4.5:1", c.Name, c.Dark, bg, r)
			}
		}
		t.Logf("%s: %s %.2f:1 on #fff; %s %.2f:1 on #161616", c.Name, c.Light, contrast(t, c.Light, "#ffffff"), c.Dark, contrast(t, c.Dark, "#161616"))
	}
}

// TestSeverityCSS: each severity's class and custom property take its
// light colour, and its dark one in a dark scheme.
func TestSeverityCSS(t *testing.T) {
	css := layout.SeverityCSS(".severity")
	light, dark, ok := strings.Cut(css, "@media (prefers-color-scheme: dark)")
	if !ok {
		t.Fatalf("no dark scheme:\n%s", css)
	}
	for _, c := range layout.SeverityColours() {
		for _, want := range []struct{ css, colour string }{{light, c.Light}, {dark, c.Dark}} {
			if !strings.Contains(want.css, ".severity."+c.Class()+" { color: "+want.colour+"; }") ||
				!strings.Contains(want.css, "--"+c.Name+": "+want.colour+";") {
				t.Errorf("%s is not %s in:\n%s", c.Name, want.colour, want.css)
			}
		}
	}
}
