package web_test

import (
	"encoding/xml"
	"fmt"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/redline-news/redline/snapshots"
)

// The article page links each captured version to its Wayback Machine
// capture, and a version whose previous one was captured too to the
// archive's diff of the two; a capture URL that is not http(s) is not
// linked.
func TestArticle_WaybackLinks(t *testing.T) {
	f := newFixture(t)
	vs := f.versions(t, f.main, 2)
	hv, err := f.st.Versions(t.Context(), snapshots.VersionFilter{ArticleID: f.hostile.ID})
	if err != nil || len(hv) == 0 {
		t.Fatalf("versions of the hostile story = %d, %v", len(hv), err)
	}
	capture := func(n int) string {
		return fmt.Sprintf("https://web.archive.org/web/2025120715%02d00/%s", n, f.main.URL)
	}
	ids := []int64{vs[0].ID, vs[1].ID, hv[0].ID}
	if err := f.st.QueueCaptures(t.Context(), ids, vs[1].At); err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		c := snapshots.Capture{VersionID: id, Archive: capture(i + 1), CapturedAt: vs[1].At}
		if i == 2 {
			c.Archive = "javascript:alert(1)//web/20251207150000/x"
		}
		if err := f.st.UpdateCapture(t.Context(), c); err != nil {
			t.Fatal(err)
		}
	}

	_, body := get(t, f.h, fmt.Sprintf("/articles/%d", f.main.ID))
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for n, want := range map[int][2]string{
		1: {capture(1), ""},
		2: {capture(2), "https://web.archive.org/web/diff/20251207150100/20251207150200/" + f.main.URL},
	} {
		li := doc.Find(fmt.Sprintf("li#v%d", n))
		got := [2]string{li.Find("a.wayback").AttrOr("href", ""), li.Find("a.wayback-diff").AttrOr("href", "")}
		if got != want {
			t.Errorf("version %d: wayback links %q, want %q", n, got, want)
		}
	}

	// The feed's entry of the main story's change links them too.
	_, body = get(t, f.h, "/feed.atom")
	var feed struct {
		Entries []struct {
			ID    string `xml:"id"`
			Links []struct {
				Rel   string `xml:"rel,attr"`
				Href  string `xml:"href,attr"`
				Title string `xml:"title,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(body), &feed); err != nil {
		t.Fatal(err)
	}
	var related []string
	for _, e := range feed.Entries {
		if strings.HasSuffix(e.ID, fmt.Sprintf("/articles/%d/versions/2", f.main.ID)) {
			for _, l := range e.Links {
				if l.Rel == "related" {
					related = append(related, l.Title+" "+l.Href)
				}
			}
		}
	}
	if want := []string{"Wayback Machine capture " + capture(2), "Wayback Machine diff https://web.archive.org/web/diff/20251207150100/20251207150200/" + f.main.URL}; strings.Join(related, "|") != strings.Join(want, "|") {
		t.Errorf("feed entry's related links = %q, want %q", related, want)
	}

	_, body = get(t, f.h, fmt.Sprintf("/articles/%d", f.hostile.ID))
	if doc, err = goquery.NewDocumentFromReader(strings.NewReader(body)); err != nil {
		t.Fatal(err)
	}
	if n := doc.Find("a.wayback, a.wayback-diff").Length(); n != 0 || strings.Contains(body, "javascript:alert(1)//web") {
		t.Errorf("hostile article: %d wayback links, want none for a javascript: capture", n)
	}
}
