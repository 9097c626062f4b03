package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestClaimsPage: the timeline links the claim ledger, which shows the
// quotation the local site reworded as one line with its change, and the
// hostile article's claims as inert text.
func TestClaimsPage(t *testing.T) {
	f := newFixture(t)
	want := fmt.Sprintf("/articles/%d/claims", f.main.ID)
	tl := page(t, f.h, fmt.Sprintf("/articles/%d", f.main.ID))
	if got := tl.Find("a.claims-link").AttrOr("href", ""); got != want {
		t.Errorf("timeline's ledger link %q, want %q", got, want)
	}

	doc := page(t, f.h, want)
	var changed []*goquery.Selection
	doc.Find("ol.claims li.claim").Each(func(_ int, s *goquery.Selection) {
		if s.Find("tr.event-changed").Length() > 0 {
			changed = append(changed, s)
		}
	})
	quoteChanged := 0
	for _, s := range changed {
		ev := s.Find("tr.event-changed")
		if strings.Contains(ev.Text(), "quote changed") && ev.Find("del").Text() != "" && ev.Find("ins").Text() != "" {
			quoteChanged++
			if got := s.Find("tr").Length(); got != 3 { // the header, appeared, changed
				t.Errorf("reworded quotation has %d rows, want 3: %s", got, s.Text())
			}
			if got := s.Find("q.claim-text").Text(); got != ev.Find("ins").Text() {
				t.Errorf("quotation shown as %q, want its words now %q", got, ev.Find("ins").Text())
			}
		}
	}
	if quoteChanged != 1 {
		t.Errorf("%d reworded quotations in the ledger, want 1:\n%s", quoteChanged, doc.Find("article").Text())
	}

	// The hostile article: its quotation and figures are text, not markup.
	doc = page(t, f.h, fmt.Sprintf("/articles/%d/claims", f.hostile.ID))
	if got := doc.Find("ol.claims").Text(); !strings.Contains(got, "all is <script>alert(5)</script>,") {
		t.Errorf("hostile quotation shown as %q, want the markup as text", got)
	}
	if got := doc.Find("p.context").Text(); !strings.Contains(got, `<a href="javascript:alert(2)">click</a> 7 people.`) {
		t.Errorf("hostile sentence shown as %q, want the markup as text", got)
	}

	if res, _ := get(t, f.h, "/articles/999999/claims"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown article: status %d, want 404", res.StatusCode)
	}
}

// TestClaimsAPI: /api/articles/{id}/claims gives the ledger as JSON, the
// reworded quotation one line with its change.
func TestClaimsAPI(t *testing.T) {
	f := newFixture(t)
	res, body := get(t, f.h, fmt.Sprintf("/api/articles/%d/claims", f.main.ID))
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("status %d, type %q: %s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	var got struct {
		Article struct{ URL string }
		Lines   []struct {
			Type, Text, Current string
			Events              []struct {
				Version       int
				Event         string
				Kinds         []string
				Before, After string
			}
		}
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	if got.Article.URL != f.main.URL {
		t.Errorf("article %q, want %q", got.Article.URL, f.main.URL)
	}
	n := 0
	for _, x := range got.Lines {
		for _, e := range x.Events {
			if x.Type == "quote" && e.Event == "changed" && e.Version == 2 && e.Before == x.Text && e.After == x.Current && len(e.Kinds) > 0 && e.Kinds[0] == "quote_changed" {
				n++
			}
		}
	}
	if n != 1 {
		t.Errorf("%d reworded quotations, want 1: %s", n, body)
	}
	if res, _ := get(t, f.h, "/api/articles/999999/claims"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown article: status %d, want 404", res.StatusCode)
	}
}
