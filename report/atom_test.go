package report_test

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/redline-news/redline/report"
)

// TestRender_Atom: a report as an Atom feed parses as XML, has one entry
// per change in report order (most severe article first), ids that do not
// change between renders, and no live markup or non-http link from a
// hostile page.
func TestRender_Atom(t *testing.T) {
	r := fixture()
	r.Items[0].Title = `Levee vote <script>alert(1)</script> & "more"`
	r.Items[0].URL = "javascript:alert(1)"
	out := render(t, report.Atom, r, report.Options{})
	var feed report.AtomFeed
	if err := xml.Unmarshal([]byte(out), &feed); err != nil {
		t.Fatalf("not XML: %v\n%s", err, out)
	}
	if len(feed.Entries) != len(r.Items) {
		t.Fatalf("%d entries, want %d", len(feed.Entries), len(r.Items))
	}
	if again := render(t, report.Atom, r, report.Options{}); again != out {
		t.Error("rendering twice gives different feeds")
	}
	var hostile *report.AtomEntry
	for i, e := range feed.Entries {
		if !strings.HasPrefix(e.ID, "urn:uuid:") {
			t.Errorf("entry %d id %q", i, e.ID)
		}
		for _, l := range e.Links {
			if !strings.HasPrefix(l.Href, "http://") && !strings.HasPrefix(l.Href, "https://") {
				t.Errorf("entry %d links to %q", i, l.Href)
			}
		}
		if strings.Contains(e.Title, "Levee vote") {
			hostile = &feed.Entries[i]
		}
	}
	if hostile == nil {
		t.Fatal("the hostile title is missing")
	}
	if len(hostile.Links) != 0 {
		t.Errorf("a javascript: URL became a link: %+v", hostile.Links)
	}
	if strings.Contains(out, "<script>") {
		t.Error("raw <script> in the feed")
	}
	if hostile.Content == nil || hostile.Content.Type != "text" {
		t.Errorf("content %+v, want type text", hostile.Content)
	}
}
