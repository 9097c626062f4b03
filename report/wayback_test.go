package report_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/redline-news/redline/report"
)

const (
	waybackCapture = "https://web.archive.org/web/20260314090500/https://news.example/politics/budget"
	waybackDiff    = "https://web.archive.org/web/diff/20260313080000/20260314090500/https://news.example/politics/budget"
)

// waybackReport is the fixture with the budget story's version 4 linked
// to its captures.
func waybackReport(capture, diff string) report.Report {
	r := fixture()
	for i := range r.Items {
		if r.Items[i].URL == "https://news.example/politics/budget" && r.Items[i].ToVersion == 4 {
			r.Items[i].Wayback, r.Items[i].WaybackDiff = capture, diff
		}
	}
	return r
}

func TestRender_WaybackLinks(t *testing.T) {
	r := waybackReport(waybackCapture, waybackDiff)
	t.Run("text", func(t *testing.T) {
		got := render(t, report.Text, r, report.Options{})
		for _, want := range []string{"    wayback: " + waybackCapture + "\n", "    wayback diff: " + waybackDiff + "\n"} {
			if !strings.Contains(got, want) {
				t.Errorf("text report lacks %q:\n%s", want, got)
			}
		}
	})
	t.Run("markdown", func(t *testing.T) {
		got := render(t, report.Markdown, r, report.Options{})
		if want := "Wayback Machine: <" + waybackCapture + "> · diff: <" + waybackDiff + ">\n"; !strings.Contains(got, want) {
			t.Errorf("markdown report lacks %q:\n%s", want, got)
		}
	})
	t.Run("json", func(t *testing.T) {
		var out struct {
			Items []struct {
				URL         string `json:"url"`
				Wayback     string `json:"wayback"`
				WaybackDiff string `json:"wayback_diff"`
			} `json:"items"`
		}
		if err := json.Unmarshal([]byte(render(t, report.JSON, r, report.Options{})), &out); err != nil {
			t.Fatal(err)
		}
		linked := 0
		for _, it := range out.Items {
			if it.Wayback != "" {
				linked++
				if it.Wayback != waybackCapture || it.WaybackDiff != waybackDiff {
					t.Errorf("json item %s: wayback %q, diff %q", it.URL, it.Wayback, it.WaybackDiff)
				}
			}
		}
		if linked != 1 {
			t.Errorf("%d json items linked, want 1", linked)
		}
	})
	t.Run("html", func(t *testing.T) {
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(render(t, report.HTML, r, report.Options{})))
		if err != nil {
			t.Fatal(err)
		}
		links := doc.Find("p.wayback a")
		if links.Length() != 2 || links.Eq(0).AttrOr("href", "") != waybackCapture || links.Eq(1).AttrOr("href", "") != waybackDiff {
			t.Errorf("html wayback links = %d, %q, %q", links.Length(), links.Eq(0).AttrOr("href", ""), links.Eq(1).AttrOr("href", ""))
		}
	})
	t.Run("atom", func(t *testing.T) {
		e, err := report.AtomEntryOf(r.Items[0], r.Generated)
		if err != nil {
			t.Fatal(err)
		}
		var hrefs []string
		for _, l := range e.Links {
			if l.Rel == "related" {
				hrefs = append(hrefs, l.Title+" "+l.Href)
			}
		}
		if want := []string{"Wayback Machine capture " + waybackCapture, "Wayback Machine diff " + waybackDiff}; strings.Join(hrefs, "|") != strings.Join(want, "|") {
			t.Errorf("atom related links = %q, want %q", hrefs, want)
		}
	})
}

// A capture link that is not http or https (it comes from the archive's
// answer) is never rendered: the report is the one without captures.
func TestRender_WaybackHostile(t *testing.T) {
	r := waybackReport("javascript:alert(3)", "javascript:alert(4)")
	for _, f := range []report.Format{report.Text, report.Markdown, report.JSON, report.HTML} {
		if got, want := render(t, f, r, report.Options{}), render(t, f, fixture(), report.Options{}); got != want {
			t.Errorf("%s report with javascript: captures differs from the one without:\n%s", f, got)
		}
	}
	// No capture: no Wayback line.
	if got := render(t, report.Text, fixture(), report.Options{}); strings.Contains(got, "wayback") {
		t.Errorf("text report without captures mentions the Wayback Machine:\n%s", got)
	}
}
