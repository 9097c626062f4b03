package extract_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/redline-news/redline/monitor/extract"
)

// A dek read from the page's summary is read from the same element on the
// next version, though the summary in <head> was left as it was.
func TestAnchor_DekReadFromItsElement(t *testing.T) {
	const dek = "Council approves a levee plan after two hours of public comment from residents."
	page := func(shown string) string {
		return `<html><head><title>T</title><meta name="description" content="` + dek + `"></head><body>` +
			`<div class="page"><div class="body"><h1>Levee vote</h1><p class="note">` + shown + `</p>` +
			"<p>" + strings.Join(levee, "</p><p>") + "</p></div></div></body></html>"
	}
	v1 := extractHTML(t, page(dek), extract.Rules{})
	if v1.Dek != dek || v1.Reading.Dek == "" {
		t.Fatalf("v1 dek %q from %q", v1.Dek, v1.Reading.Dek)
	}
	edited := strings.Replace(dek, "two hours", "three hours", 1)
	v2 := extractHTML(t, page(edited), extract.Rules{Anchor: &v1.Reading})
	if v2.Dek != edited {
		t.Errorf("anchored dek %q, want %q", v2.Dek, edited)
	}
	if !slices.Equal(v2.Paragraphs, v1.Paragraphs) {
		t.Errorf("body changed: %q", v2.Paragraphs)
	}
}

// A section the publisher adds next to the anchored container is read; a
// new banner or label is not, nor is a section the page already had.
func TestAnchor_FollowsNewSection(t *testing.T) {
	page := func(extra string) string {
		return `<html><head><title>T</title></head><body><main><div class="column">` +
			`<div class="dates"><p>This consultation ran until the end of the month and is now being analysed by officials.</p></div>` +
			extra +
			`<div class="description"><h1>Levee</h1><p>` + strings.Join(levee, "</p><p>") + `</p></div>` +
			`</div></main></body></html>`
	}
	v1 := extractHTML(t, page(""), extract.Rules{})
	if len(v1.Reading.Around) == 0 {
		t.Fatalf("no Around in %+v", v1.Reading)
	}
	for _, p := range v1.Paragraphs {
		if strings.Contains(p, "analysed") {
			t.Fatalf("test page: the dates block is read on v1: %q", v1.Paragraphs)
		}
	}
	outcome := "The council published its response: the levee will be raised by two metres before winter."
	v2 := extractHTML(t, page(`<section class="outcome"><h2>Outcome</h2><p>`+outcome+`</p></section>`), extract.Rules{Anchor: &v1.Reading})
	if !slices.Contains(v2.Paragraphs, outcome) {
		t.Errorf("new section not read: %q", v2.Paragraphs)
	}
	if slices.ContainsFunc(v2.Paragraphs, func(p string) bool { return strings.Contains(p, "analysed") }) {
		t.Errorf("a section the page had is read anew: %q", v2.Paragraphs)
	}
	v3 := extractHTML(t, page(`<section class="banner"><p>This consultation has concluded</p></section>`), extract.Rules{Anchor: &v1.Reading})
	if !slices.Equal(v3.Paragraphs, v1.Paragraphs) {
		t.Errorf("a banner read as story: %q", v3.Paragraphs)
	}
}

// An attached document's card is read for its title: its file details and
// format help change with the file, not with what the page says.
func TestAttachmentCard_TitleOnly(t *testing.T) {
	page := func(help string) string {
		return `<html><head><title>T</title></head><body><main><div class="story"><h1>Levee</h1><p>` + strings.Join(levee, "</p><p>") + `</p>` +
			`<section class="attachment"><h3 class="title"><a href="/files/levee-plan.pdf">Levee repair plan</a></h3>` +
			`<p class="metadata">PDF, 1.2MB, 40 pages</p>` + help + `</section>` +
			`<p>The council meets again in May to review the contractor's schedule and costs.</p></div></main></body></html>`
	}
	v1 := extractHTML(t, page(""), extract.Rules{})
	if !slices.Contains(v1.Paragraphs, "Levee repair plan") {
		t.Fatalf("attachment title not read: %q", v1.Paragraphs)
	}
	v2 := extractHTML(t, page(`<div class="warning"><p>This file may not be suitable for users of assistive technology.</p><p>If you use assistive technology and need a version of this document in a more accessible format, please email us.</p></div>`), extract.Rules{Anchor: &v1.Reading})
	if !slices.Equal(v2.Paragraphs, v1.Paragraphs) {
		t.Errorf("card's help read as story:\n%q\nwas\n%q", v2.Paragraphs, v1.Paragraphs)
	}
}

// A standfirst's class may run its words together: "articleDek",
// "sub-headline".
func TestDek_ClassWordsRunTogether(t *testing.T) {
	const dek = "The council approved the levee plan after a long night of public comment."
	for _, cls := range []string{"articleDek", "sub-headline"} {
		page := `<html><head><title>T</title></head><body><main><h1>Levee</h1><div class="` + cls + `">` + dek + `</div><article><p>` +
			strings.Join(levee, "</p><p>") + `</p></article></main></body></html>`
		if a := extractHTML(t, page, extract.Rules{}); a.Dek != dek {
			t.Errorf("class %q: dek %q", cls, a.Dek)
		}
	}
}

// A box inside the story is read, however the page calls it, while its
// like outside the story is dropped: an <aside> between two paragraphs is
// an inset a reader reads, one beside the story a rail; a box the page
// calls a banner names a consultation's dates as often as an advert
// (role="banner" is the site's header, and still dropped).
func TestBoxInStoryIsRead(t *testing.T) {
	const box = "Residents can apply for sandbags at the fire station until Friday evening."
	const dates = "This consultation closes at 11:59pm on 8 June 2022."
	for _, tc := range []struct {
		name, page, read, dropped string
		readWhat, droppedWhat     string
	}{
		{
			name: "aside_in_story_flow",
			page: `<html><head><title>T</title></head><body><main><article><h1>Levee</h1><p>` + levee[0] + `</p><p>` + levee[1] + `</p>` +
				`<aside class="callout"><p>` + box + `</p></aside><p>` + levee[2] + `</p><p>` + levee[3] + `</p></article>` +
				`<aside class="rail"><p>Our newsroom covers the valley's councils, courts and schools every weekday.</p></aside></main></body></html>`,
			read: box, dropped: "newsroom", readWhat: "inset not read", droppedWhat: "rail read",
		},
		{
			name: "banner_class",
			page: `<html><head><title>T</title></head><body><header role="banner"><p>Department for levees and the management of the waterways</p></header><main><article><h1>Levee</h1><p>` + levee[0] + `</p><p>` + levee[1] + `</p>` +
				`<section class="app-banner"><p>` + dates + `</p></section><p>` + levee[2] + `</p><p>` + levee[3] + `</p></article></main></body></html>`,
			read: dates, dropped: "waterways", readWhat: "banner-classed box not read", droppedWhat: "site header read",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := extractHTML(t, tc.page, extract.Rules{})
			if !slices.Contains(a.Paragraphs, tc.read) {
				t.Errorf("%s: %q", tc.readWhat, a.Paragraphs)
			}
			if slices.ContainsFunc(a.Paragraphs, func(p string) bool { return strings.Contains(p, tc.dropped) }) {
				t.Errorf("%s: %q", tc.droppedWhat, a.Paragraphs)
			}
		})
	}
}

// A section of other stories under a "related" heading is dropped though
// it holds more text than the story.
func TestRelatedSectionDropped(t *testing.T) {
	var teasers strings.Builder
	for i := range 5 {
		teasers.WriteString(`<article class="postbox"><p>Another story entirely, number ` + string(rune('A'+i)) + `, with a long excerpt about gardens, weather, festivals and the many other things that fill a site's pages.</p></article>`)
	}
	page := `<html><head><title>T</title></head><body><div id="primary"><article class="post"><h1>Levee</h1><p>` + strings.Join(levee, "</p><p>") + `</p></article>` +
		`<section class="more"><h3 class="relatedPostsTitle">You may like</h3>` + teasers.String() + `</section></div></body></html>`
	a := extractHTML(t, page, extract.Rules{})
	if !slices.Equal(a.Paragraphs, levee) {
		t.Errorf("paragraphs %q, want the story alone", a.Paragraphs)
	}
}

// A dek the page shows as one of the story's blocks is read once, as the
// dek, wherever the block stands.
func TestDek_SummaryBlockCountedOnce(t *testing.T) {
	const lead = "The council approved the levee plan after a long night of public comment from residents."
	page := `<html><head><title>T</title><meta name="description" content="` + lead + `"></head><body><main><article><h1>Levee</h1><p>` +
		strings.Join(levee, "</p><p>") + `</p><p>` + lead + `</p><p>The mayor thanked the engineers for their work on the plan.</p></article></main></body></html>`
	a := extractHTML(t, page, extract.Rules{})
	if a.Dek != lead || slices.Contains(a.Paragraphs, lead) {
		t.Errorf("dek %q, paragraphs %q", a.Dek, a.Paragraphs)
	}
}
