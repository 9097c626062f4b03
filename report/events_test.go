package report_test

import (
	"encoding/json"
	"encoding/xml"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/redline-news/redline/report"
)

// eventsOnly is a report with no change and two failed checks, one with a
// title and an http(s) URL, one without a title and with a URL that must
// not be linked.
func eventsOnly() report.Report {
	return report.Report{Generated: ts("2026-03-14T09:30:00Z"), Events: []report.Event{
		{URL: "javascript:alert(1)", Source: "b", Event: "extraction collapsed",
			Reason: "extraction collapsed: 12 words vs 1840 before", At: ts("2026-03-14T09:01:00Z")},
		{URL: "https://news.example/a", Source: "a", Title: "Levee vote", Event: "gone",
			Reason: "gone: 410", At: ts("2026-03-14T09:00:00Z")},
	}}
}

// TestRender_Events: every format lists a report's failed checks after
// its changes, and a report with only failed checks still says there were
// no changes.
func TestRender_Events(t *testing.T) {
	for _, f := range []report.Format{report.Text, report.Markdown, report.HTML} {
		out := render(t, f, eventsOnly(), report.Options{})
		for _, want := range []string{"No changes.", "Could not check (2)", "2 articles could not be checked",
			"gone: 410", "Levee vote", "https://news.example/a", "12 words vs 1840 before"} {
			if !strings.Contains(out, want) && !strings.Contains(out, strings.ReplaceAll(want, ":", `\:`)) {
				t.Errorf("Render(%s) lacks %q:\n%s", f, want, out)
			}
		}
		// The gone article came first (oldest), so it is listed first.
		if strings.Index(out, "Levee vote") > strings.Index(out, "1840") {
			t.Errorf("Render(%s) lists events out of time order:\n%s", f, out)
		}
	}

	// After the changes, not before them.
	r := fixture()
	r.Events = eventsOnly().Events
	for _, f := range []report.Format{report.Text, report.Markdown, report.HTML} {
		out := render(t, f, r, report.Options{})
		if i, j := strings.Index(out, "Could not check (2)"), strings.LastIndex(out, "Levee vote"); i < 0 || strings.Contains(out, "No changes.") {
			t.Errorf("Render(%s) of changes and events: heading at %d, or says No changes:\n%s", f, i, out)
		} else if first := strings.Index(out, "v4 → v5"); first > i || j < i {
			t.Errorf("Render(%s) does not list the events after the changes:\n%s", f, out)
		}
	}

	// HTML links the http(s) URL only.
	doc := parseHTML(t, render(t, report.HTML, eventsOnly(), report.Options{}))
	if hrefs := links(doc); !slices.Equal(hrefs, []string{"https://news.example/a"}) {
		t.Errorf("HTML links %q, want only the http(s) event URL", hrefs)
	}
}

// TestRender_EventsJSON: the events array has stable field names, and is
// absent when there are none.
func TestRender_EventsJSON(t *testing.T) {
	var got struct {
		Items  []json.RawMessage `json:"items"`
		Events []map[string]any  `json:"events"`
	}
	out := render(t, report.JSON, eventsOnly(), report.Options{})
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Items == nil || len(got.Items) != 0 {
		t.Errorf("items = %v, want []", got.Items)
	}
	if len(got.Events) != 2 {
		t.Fatalf("events = %v, want 2", got.Events)
	}
	want := map[string]any{"url": "https://news.example/a", "source": "a", "title": "Levee vote",
		"event": "gone", "reason": "gone: 410", "at": "2026-03-14T09:00:00Z"}
	if !maps.Equal(got.Events[0], want) {
		t.Errorf("events[0] = %v, want %v", got.Events[0], want)
	}
	if got.Events[1]["event"] != "extraction collapsed" || got.Events[1]["title"] != "" {
		t.Errorf("events[1] = %v", got.Events[1])
	}
	if strings.Contains(render(t, report.JSON, fixture(), report.Options{}), `"events"`) {
		t.Error(`a report without events has an "events" key`)
	}
}

// TestRender_EventsAtom: one entry per failed check, titled with its
// reason and article, whose id stays the same for the same outage and
// changes for the next one.
func TestRender_EventsAtom(t *testing.T) {
	out := render(t, report.Atom, eventsOnly(), report.Options{})
	checkAtomInert(t, out, 2)
	var feed report.AtomFeed
	if err := xml.Unmarshal([]byte(out), &feed); err != nil {
		t.Fatal(err)
	}
	gone := feed.Entries[0]
	if gone.Title != "Could not check: gone: 410 — Levee vote" {
		t.Errorf("title %q", gone.Title)
	}
	if len(gone.Links) != 1 || gone.Links[0].Href != "https://news.example/a" {
		t.Errorf("links %+v", gone.Links)
	}
	if c := feed.Entries[1]; c.Title != "Could not check: extraction collapsed: 12 words vs 1840 before — javascript:alert(1)" || len(c.Links) != 0 {
		t.Errorf("untitled event entry: title %q, links %+v", c.Title, c.Links)
	}
	e := eventsOnly().Events[1]
	same := report.AtomEventEntryOf(e, ts("2026-03-15T00:00:00Z"))
	if same.ID != gone.ID {
		t.Errorf("the same event has id %s, then %s", gone.ID, same.ID)
	}
	e.At = e.At.Add(24 * 3600e9)
	if next := report.AtomEventEntryOf(e, e.At); next.ID == gone.ID {
		t.Error("a later outage of the same article has the same id")
	}
}

// TestRender_EventsHostile: hostile text in an event's URL, title, source
// and reason is as inert as it is in a change.
func TestRender_EventsHostile(t *testing.T) {
	const home = "https://news.example/a"
	ev := func(h, u string) report.Report {
		return report.Report{Generated: ts("2026-03-14T09:30:00Z"), Events: []report.Event{
			{URL: u, Source: h, Title: h, Event: h, Reason: h, At: ts("2026-03-14T09:00:00Z")},
			{URL: home, Source: h, Title: h, Event: "gone", Reason: "gone: 410 " + h, At: ts("2026-03-14T09:00:01Z")},
		}}
	}
	benignMD := render(t, report.Markdown, ev(benign, home), report.Options{})
	wantKinds := map[string]map[string]int{}
	for _, p := range mdParsers {
		doc, _ := parseMarkdown(t, p.md, benignMD)
		wantKinds[p.name] = mdKinds(doc)
	}
	wantElems := elements(t, render(t, report.HTML, ev(benign, home), report.Options{}))
	hostile := append(append(append([]string{hostileTitle}, r01Hostile...), r02Hostile()...), r04URLs...)
	for _, h := range hostile {
		r := ev(h, home)
		txt := render(t, report.Text, r, report.Options{})
		checkTerminalSafe(t, txt)
		if strings.Contains(txt, "\x1b") {
			t.Errorf("%q: Text output contains ESC", h)
		}

		md := render(t, report.Markdown, r, report.Options{})
		for _, p := range mdParsers {
			doc, src := parseMarkdown(t, p.md, md)
			if got, want := mdKinds(doc), wantKinds[p.name]; !maps.Equal(got, want) {
				t.Errorf("%s: %q: nodes differ from the benign report's:\n got %v\nwant %v\n%s", p.name, h, got, want, md)
			}
			for _, dest := range mdLinks(doc, src) {
				if dest != home {
					t.Errorf("%s: %q: Markdown links to %q", p.name, h, dest)
				}
			}
		}

		out := render(t, report.HTML, r, report.Options{})
		checkHTMLInert(t, out)
		if got := elements(t, out); !slices.Equal(got, wantElems) {
			t.Errorf("%q: HTML elements differ from the benign report's:\n got %q\nwant %q", h, got, wantElems)
		}

		js := render(t, report.JSON, r, report.Options{})
		var back struct {
			Events []struct{ URL, Title, Reason string } `json:"events"`
		}
		if err := json.Unmarshal([]byte(js), &back); err != nil || len(back.Events) != 2 || back.Events[0].Title != strings.ToValidUTF8(h, "\uFFFD") {
			t.Errorf("%q: JSON does not round-trip the event: %v %+v", h, err, back)
		}

		checkAtomInert(t, render(t, report.Atom, r, report.Options{}), 2)
	}
	// A hostile URL is shown, never linked.
	for _, u := range r04URLs {
		r := ev(benign, u)
		checkHTMLInert(t, render(t, report.HTML, r, report.Options{}))
		md := render(t, report.Markdown, r, report.Options{})
		for _, p := range mdParsers {
			doc, src := parseMarkdown(t, p.md, md)
			for _, dest := range mdLinks(doc, src) {
				if dest != home {
					t.Errorf("%s: %q: Markdown links to %q", p.name, u, dest)
				}
			}
		}
		checkAtomInert(t, render(t, report.Atom, r, report.Options{}), 2)
	}
}
