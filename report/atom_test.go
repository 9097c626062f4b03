package report_test

import (
	"encoding/xml"
	"errors"
	"io"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

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

// checkAtomInert fails unless s is valid UTF-8 that a strict XML parser
// reads to the end, holding only characters XML allows, with n entries,
// no markup a feed reader could run (content is type text, and no "<"
// survives unescaped) and no link but an absolute http(s) URL.
func checkAtomInert(t *testing.T, s string, n int) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("Atom output is not valid UTF-8")
	}
	dec := xml.NewDecoder(strings.NewReader(s)) // Strict by default
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("Atom output is not XML: %v\n%q", err, s)
		}
		switch tok := tok.(type) {
		case xml.CharData:
			if strings.ContainsFunc(string(tok), func(r rune) bool { return !isXMLChar(r) }) {
				t.Fatalf("Atom character data holds a character XML forbids: %q", tok)
			}
		case xml.StartElement:
			if tok.Name.Space != "http://www.w3.org/2005/Atom" {
				t.Fatalf("Atom output has foreign element %v", tok.Name)
			}
		}
	}
	var feed report.AtomFeed
	if err := xml.Unmarshal([]byte(s), &feed); err != nil || len(feed.Entries) != n {
		t.Fatalf("Atom output: %v, %d entries, want %d", err, len(feed.Entries), n)
	}
	for _, e := range feed.Entries {
		if e.Content == nil || e.Content.Type != "text" {
			t.Errorf("entry content %+v, want type text", e.Content)
		}
		for _, l := range e.Links {
			u, err := url.Parse(l.Href)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				t.Errorf("entry links %q, not an http(s) URL", l.Href)
			}
		}
	}
	if strings.Contains(strings.ToLower(s), "<script") {
		t.Errorf("Atom output holds <script")
	}
}
