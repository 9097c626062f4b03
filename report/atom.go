package report

import (
	"bytes"
	"cmp"
	"crypto/sha1"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/report/internal/layout"
)

// Atom is the Atom 1.0 feed format: one entry per article change, and one
// per failed check.
const Atom Format = "atom"

// AtomFeed is an Atom 1.0 feed of changes. Feed files kept by notifiers
// and the feeds `redline report` and `redline serve` write share it, so
// an entry has one id wherever it appears. Only the elements the feeds
// use; encoding/xml escapes every value and replaces characters XML
// cannot hold.
type AtomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID        string      `xml:"id"`
	Title     string      `xml:"title"`
	Updated   string      `xml:"updated"`
	Links     []AtomLink  `xml:"link"` // the served feed's self and alternate links
	Author    AtomPerson  `xml:"author"`
	Generator string      `xml:"generator,omitempty"`
	Entries   []AtomEntry `xml:"entry"`
}

// AtomPerson is an author.
type AtomPerson struct {
	Name string `xml:"name"`
}

// AtomEntry is one change of one article.
type AtomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Updated    string         `xml:"updated"`
	Links      []AtomLink     `xml:"link"`
	Author     *AtomPerson    `xml:"author,omitempty"`
	Categories []AtomCategory `xml:"category"`
	Summary    *AtomContent   `xml:"summary,omitempty"`
	Content    *AtomContent   `xml:"content,omitempty"`
}

// AtomLink is a link; Href is always http(s).
type AtomLink struct {
	Rel   string `xml:"rel,attr,omitempty"`
	Type  string `xml:"type,attr,omitempty"`
	Href  string `xml:"href,attr"`
	Title string `xml:"title,attr,omitempty"`
}

// AtomCategory is a change kind.
type AtomCategory struct {
	Term string `xml:"term,attr"`
}

// AtomContent is an entry's body or summary.
type AtomContent struct {
	Type string `xml:"type,attr,omitempty"`
	Body string `xml:",chardata"`
}

// atomSummary is an entry's summary of text s, none when s is empty.
func atomSummary(s string) *AtomContent {
	if s == "" {
		return nil
	}
	return &AtomContent{Body: s}
}

// AtomTime is RFC 3339 in UTC to the second: fixed width, so entries with
// the same instant compare equal as text.
const AtomTime = "2006-01-02T15:04:05Z"

// AtomEntryOf is one item as an Atom entry. Its id depends only on the
// article URL and the versions, so the same change always has the same id.
// The content is the text report of the item (escaped by the XML encoder,
// never markup a feed reader would run).
func AtomEntryOf(it Item, generated time.Time) (AtomEntry, error) {
	at := it.At
	if at.IsZero() {
		at = generated
	}
	var text bytes.Buffer
	if err := Render(&text, Text, Report{Items: []Item{it}}, Options{}); err != nil {
		return AtomEntry{}, err
	}
	title := sanitize.Line(article{url: it.URL, items: []Item{it}}.title())
	if title == "" {
		title = "(untitled)"
	}
	var kinds []string
	summary := ""
	if it.Reread {
		summary = RereadSentence
	} else if it.Changes != nil {
		for _, kc := range layout.KindCounts(it.Changes) {
			kinds = append(kinds, string(kc.Kind))
		}
	}
	e := AtomEntry{
		ID:      UUIDURN(fmt.Sprintf("redline change\x00%s\x00%d\x00%d", it.URL, it.FromVersion, it.ToVersion)),
		Title:   fmt.Sprintf("[%s] %s (v%d → v%d)", ItemSeverity(it), title, it.FromVersion, it.ToVersion),
		Updated: at.UTC().Format(AtomTime),
		Summary: atomSummary(cmp.Or(summary, strings.Join(kinds, ", "))),
		Content: &AtomContent{Type: "text", Body: text.String()},
	}
	if u, err := url.Parse(it.URL); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		e.Links = []AtomLink{{Rel: "alternate", Href: u.String()}}
	}
	capture, diff := waybackLinks(it)
	for _, l := range []AtomLink{{Rel: "related", Href: capture, Title: "Wayback Machine capture"},
		{Rel: "related", Href: diff, Title: "Wayback Machine diff"}} {
		if l.Href != "" {
			e.Links = append(e.Links, l)
		}
	}
	if src := sanitize.Line(it.Source); src != "" {
		e.Author = &AtomPerson{Name: src}
	}
	for _, k := range kinds {
		e.Categories = append(e.Categories, AtomCategory{Term: k})
	}
	return e, nil
}

// AtomEventEntryOf is a failed check as an Atom entry, titled "Could not
// check: gone: 410 — <title or URL>". Its id depends only on the URL, the
// event and when it happened, so the same outage always has the same id
// and the next one a new id.
func AtomEventEntryOf(e Event, generated time.Time) AtomEntry {
	at := e.At
	if at.IsZero() {
		at = generated
	}
	reason := eventReason(e)
	name := strings.TrimSpace(sanitize.Line(e.Title))
	if name == "" {
		name = sanitize.Line(e.URL)
	}
	entry := AtomEntry{
		ID:      UUIDURN(fmt.Sprintf("redline event\x00%s\x00%s\x00%s", e.URL, e.Event, at.UTC().Format(time.RFC3339Nano))),
		Title:   fmt.Sprintf("Could not check: %s — %s", reason, name),
		Updated: at.UTC().Format(AtomTime),
		Summary: atomSummary(reason),
		Content: &AtomContent{Type: "text", Body: eventText(e) + "\n"},
	}
	if u, err := url.Parse(e.URL); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		entry.Links = []AtomLink{{Rel: "alternate", Href: u.String()}}
	}
	if src := sanitize.Line(e.Source); src != "" {
		entry.Author = &AtomPerson{Name: src}
	}
	if ev := sanitize.Line(e.Event); ev != "" {
		entry.Categories = []AtomCategory{{Term: ev}}
	}
	return entry
}

// Encode writes the feed as an XML document.
func (f AtomFeed) Encode(w io.Writer) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		return fmt.Errorf("encode atom: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// UUIDURN returns a name-based (version 5) UUID URN for name in the URL
// namespace: a valid, stable Atom id without owning a domain for tag: URIs.
func UUIDURN(name string) string {
	ns := [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// renderAtom writes a report as an Atom feed, articles in report order.
func renderAtom(b *bytes.Buffer, r Report) error {
	feed := AtomFeed{
		ID:        UUIDURN("redline report"),
		Title:     "redline: changes",
		Updated:   r.Generated.UTC().Format(AtomTime),
		Author:    AtomPerson{Name: "redline"},
		Generator: "redline",
	}
	for _, a := range groupArticles(r.Items) {
		for _, it := range a.items {
			e, err := AtomEntryOf(it, r.Generated)
			if err != nil {
				return err
			}
			feed.Entries = append(feed.Entries, e)
		}
	}
	for _, e := range sortedEvents(r.Events) {
		feed.Entries = append(feed.Entries, AtomEventEntryOf(e, r.Generated))
	}
	return feed.Encode(b)
}
