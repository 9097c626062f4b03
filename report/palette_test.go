package report_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/report"
)

// TestRenderHTML_OnePalette: a severity is one colour in the report's text
// and on its timeline. Every mark and row label of the chart carries its
// severity's class, which the page's CSS colours for light and dark
// schemes, and as its color attribute (what shows where a mail client
// strips the CSS) the light colour the CSS gives that class. The chart had
// its own colours: medium #a05a00 and low #1f5fa8 beside the text's
// #8a4b00 and #3d5a80, and light ones on a dark page.
func TestRenderHTML_OnePalette(t *testing.T) {
	var rep report.Report
	for i, s := range []diffing.Severity{diffing.SeverityLow, diffing.SeverityHigh, diffing.SeverityMedium} {
		rep.Items = append(rep.Items, report.Item{
			URL: "https://news.example/story", Title: "Story", FromVersion: i + 1, ToVersion: i + 2,
			At: ts(fmt.Sprintf("2026-03-14T0%d:00:00Z", i+1)),
			Changes: &diffing.ChangeSet{Summary: diffing.Summary{Severity: s, Counts: map[diffing.Kind]int{diffing.SentenceChanged: 1}},
				Changes: []diffing.Change{{Kind: diffing.SentenceChanged, Kinds: kinds(diffing.SentenceChanged), Severity: s,
					Before: "It was.", After: "It is.", Ops: []diffing.Op{eq("It "), del("was"), ins("is"), eq(".")}}}},
		})
	}
	out := render(t, report.HTML, rep, report.Options{})
	start, end := strings.Index(out, "<style>"), strings.Index(out, "</style>")
	if start < 0 || end < start {
		t.Fatal("no <style> element")
	}
	light, dark, ok := strings.Cut(out[start:end], "@media (prefers-color-scheme: dark)")
	if !ok {
		t.Fatal("no dark colour scheme")
	}
	rule := regexp.MustCompile(`\.(sev-\w+) \{ color: (#[0-9a-f]{6}); \}`)
	rules := func(css string) map[string]string {
		m := map[string]string{}
		for _, r := range rule.FindAllStringSubmatch(css, -1) {
			m[r[1]] = r[2]
		}
		return m
	}
	lightRules, darkRules := rules(light), rules(dark)
	seen := map[string]int{}
	for _, m := range regexp.MustCompile(`class="severity (sev-\w+)" color="(#[0-9a-f]{6})"`).FindAllStringSubmatch(out, -1) {
		seen[m[1]]++
		if lightRules[m[1]] != m[2] {
			t.Errorf("timeline %s drawn in %s, the page's CSS colours it %q", m[1], m[2], lightRules[m[1]])
		}
		if darkRules[m[1]] == "" {
			t.Errorf("no dark colour for %s", m[1])
		}
	}
	// Each severity has a row label, and these three a mark too.
	for class, n := range map[string]int{"sev-high": 2, "sev-medium": 2, "sev-low": 2, "sev-none": 1} {
		if seen[class] != n {
			t.Errorf("%d chart elements of class %s, want %d (a row label, and a mark for each item)", seen[class], class, n)
		}
	}
	if got := regexp.MustCompile(`<strong class="(sev-\w+)">`).FindAllStringSubmatch(out, -1); len(got) == 0 {
		t.Error("no severity in the text has its class")
	}
}
