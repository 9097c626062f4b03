package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/report/web"
	"github.com/redline-news/redline/snapshots"
)

// TestSearch: the search page finds a quotation, says in which version it
// vanished and links the diff of that edit; it is linked from the list
// page, and shows scraped text and the phrase escaped.
func TestSearch(t *testing.T) {
	st := openStore(t)
	a, err := st.AddArticle(t.Context(), snapshots.Article{URL: "https://news.example/raid", Source: "ledger", FirstSeen: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	for i, text := range []string{
		"“We are not opposed to cooperation,” Sheinbaum said.",
		"“We are opposed to cooperation,” Sheinbaum said.",
		"“We are opposed to cooperation,” Sheinbaum said on Tuesday.",
	} {
		v := &snapshots.Version{Title: "Raid seizes shipment", Text: text, Raw: []byte(text)}
		if err := st.Save(t.Context(), &snapshots.Check{ArticleID: a.ID, At: t0.Add(time.Duration(i) * time.Hour), Status: 200}, v); err != nil {
			t.Fatal(err)
		}
	}
	hostile := saveHostile(t, st)
	h := web.New(st, web.Options{Logger: testLogger(t)})

	if href := page(t, h, "/").Find("#search-link").AttrOr("href", ""); href != "/search" {
		t.Errorf("list page links the search as %q, want /search", href)
	}
	if doc := page(t, h, "/search"); doc.Find("form#search input[name=q]").Length() != 1 || doc.Find("#hits").Length() != 0 {
		t.Errorf("/search without a phrase: want the form alone")
	}

	doc := page(t, h, "/search?q="+url.QueryEscape(`"we are NOT opposed"`))
	hit := doc.Find(fmt.Sprintf("#hit-%d", a.ID))
	if doc.Find("#hits > li").Length() != 1 || hit.Length() != 1 {
		t.Fatalf("search: %q", doc.Find("main").Text())
	}
	span := strings.Join(strings.Fields(hit.Find("li.span").Text()), " ")
	if want := "appeared in v1 (2025-03-14 09:00 UTC); gone in v2 (2025-03-14 10:00 UTC) · the edit that removed it"; span != want {
		t.Errorf("span %q, want %q", span, want)
	}
	diff := hit.Find("a.diff-link").AttrOr("href", "")
	if want := fmt.Sprintf("/articles/%d/diff?from=1&to=2", a.ID); diff != want {
		t.Errorf("diff link %q, want %q", diff, want)
	}
	if d := page(t, h, diff); !strings.Contains(d.Find("main").Text(), "not") {
		t.Errorf("the linked diff does not show the removed word")
	}

	// Scraped text and the phrase are escaped (page checks that nothing
	// runs); a hostile title is found and shown as text.
	doc = page(t, h, "/search?q="+url.QueryEscape("the minister said <script>alert(7)</script>"))
	if got := doc.Find("#count").Text(); !strings.Contains(got, "<script>alert(7)</script>") {
		t.Errorf("the phrase is not shown as text: %q", got)
	}
	doc = page(t, h, "/search?q="+url.QueryEscape("the minister said"))
	if got := doc.Find(fmt.Sprintf("#hit-%d a.title", hostile.ID)).Text(); !strings.Contains(got, "<script>alert(1)</script> headline") {
		t.Errorf("hostile title shown as %q", got)
	}
	// Full-text syntax is text: no hit, no error.
	doc = page(t, h, "/search?q="+url.QueryEscape(`NEAR(" OR * -cooperation`))
	if got := doc.Find("#count").Text(); !strings.HasPrefix(got, "No stored version contains") {
		t.Errorf("hostile syntax: %q", got)
	}
	doc = page(t, h, "/search?q=cooperation&since=2025-03-15")
	if got := doc.Find("#count").Text(); !strings.HasPrefix(got, "No stored version contains") {
		t.Errorf("since: %q", got)
	}

	for _, target := range []string{
		"/search?q=" + url.QueryEscape(`"*"`),
		"/search?q=cooperation&since=yesterday",
		"/search?q=" + strings.Repeat("x", 201),
		"/search?q=%ff",
	} {
		if res, body := get(t, h, target); res.StatusCode != http.StatusBadRequest {
			t.Errorf("GET %s: status %d (%q), want 400", target, res.StatusCode, body)
		}
	}
}
