package extract_test

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/redline-news/redline/monitor/extract"
)

func TestLinks(t *testing.T) {
	const page = "https://news.example.com/world/index.html"
	for _, tc := range []struct {
		name, area, html string
		want             []string
	}{
		{"relative_to_the_page", "", `<a href="2026/a">a</a><a href="/world/2026/b#top">b</a><a href="../sport/c">c</a>`,
			[]string{"https://news.example.com/world/2026/a", "https://news.example.com/world/2026/b", "https://news.example.com/sport/c"}},
		{"relative_to_base_href", "", `<head><base href="https://cdn.example.net/world/"></head><a href="2026/a">a</a><area href="/x">`,
			[]string{"https://cdn.example.net/world/2026/a", "https://cdn.example.net/x"}},
		{"first_base_decides", "", `<head><base target="_blank"><base href="/sections/"><base href="/other/"></head><a href="a">a</a>`,
			[]string{"https://news.example.com/sections/a"}},
		{"javascript_base_ignored", "", `<head><base href="javascript:alert(1)"></head><a href="a">a</a>`,
			[]string{"https://news.example.com/world/a"}},
		{"other_schemes_left_out", "", `<a href="javascript:alert(1)">j</a><a href=" JAVA&#9;SCRIPT:x">j</a><a href="mailto:desk@example.org">m</a>
			<a href="tel:+15555">t</a><a href="data:text/html,hi">d</a><a href="ftp://x/y">f</a><a href="">e</a><a>none</a><a href="http://[::1">bad</a>
			<a href="//other.example.org/world/2026/z">protocol-relative</a>`,
			[]string{"https://other.example.org/world/2026/z"}},
		{"inside_the_area_only", "main .stories, main .stories .lead, a.pick",
			`<nav><a href="/nav">n</a></nav><a class="pick" href="/pick">p</a><main><div class="stories"><div class="lead"><a href="/lead">l</a></div><a href="/second">s</a></div></main><aside><a href="/aside">x</a></aside>`,
			[]string{"https://news.example.com/pick", "https://news.example.com/lead", "https://news.example.com/second"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			area, err := extract.ParseSelector(tc.area)
			if err != nil {
				t.Fatal(err)
			}
			got, err := extract.Links(extract.Page{URL: page, ContentType: "text/html", Body: []byte(tc.html)}, extract.LinkRules{Area: area})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Links(%q) = %q, want %q", tc.html, got, tc.want)
			}
		})
	}
}

func TestLinks_Errors(t *testing.T) {
	area, err := extract.ParseSelector("main.stories")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		body string
		area extract.Selector
		want error
	}{
		{"area_matches_nothing", `<a href="/a">a</a>`, area, extract.ErrSelectorMiss},
		{"not_html", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", extract.Selector{}, extract.ErrNotHTML},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := extract.Links(extract.Page{URL: "https://news.example.com/", Body: []byte(tc.body)}, extract.LinkRules{Area: tc.area})
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// FuzzLinks: hostile section pages never panic, and every link returned
// is an absolute http or https URL with a host and no fragment, the same
// on a second read.
func FuzzLinks(f *testing.F) {
	for _, b := range testdataPages(f) {
		f.Add(b, "/world/")
	}
	for _, s := range []string{
		"", `<base href="//cdn.example.net/x/"><a href="y#z">`, `<a href=" java&#10;script:alert(1)">`, `<area href="../../..">`,
		`<base href="javascript:x"><a href="a">`, `<a href="http://[::1]:80/a#b">`, `<a href="https://h/%zz">`, strings.Repeat("<div>", 520) + `<a href=/x>`,
	} {
		f.Add([]byte(s), "/")
	}
	f.Fuzz(func(t *testing.T, body []byte, path string) {
		p := extract.Page{URL: "https://news.example.com" + path, ContentType: "text/html", Body: body}
		links, err := extract.Links(p, extract.LinkRules{})
		again, err2 := extract.Links(p, extract.LinkRules{})
		if !slices.Equal(links, again) || fmt.Sprint(err) != fmt.Sprint(err2) {
			t.Fatalf("not deterministic: %q, %v then %q, %v", links, err, again, err2)
		}
		for _, l := range links {
			u, err := url.Parse(l)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Contains(l, "#") {
				t.Fatalf("link %q (%v): want an absolute http(s) URL without fragment", l, err)
			}
		}
	})
}

// BenchmarkLinks reads a section front of n story links inside the area
// among as many navigation links outside it.
func BenchmarkLinks(b *testing.B) {
	area, err := extract.ParseSelector("main .story-list")
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{100, 1000, 10000} {
		var page strings.Builder
		page.WriteString(`<html><head><base href="https://news.example.com/world/"></head><body><nav>`)
		for i := range n {
			fmt.Fprintf(&page, `<a href="/tag/%d">tag %d</a>`, i, i)
		}
		page.WriteString(`</nav><main><ul class="story-list">`)
		for i := range n {
			fmt.Fprintf(&page, `<li><h2><a href="2026/03/story-%d?utm_source=front#c">Story %d</a></h2><p>Summary of story %d.</p></li>`, i, i, i)
		}
		page.WriteString(`</ul></main></body></html>`)
		p := extract.Page{URL: "https://news.example.com/world/", ContentType: "text/html; charset=utf-8", Body: []byte(page.String())}
		b.Run(fmt.Sprintf("links%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(p.Body)))
			for b.Loop() {
				links, err := extract.Links(p, extract.LinkRules{Area: area})
				if err != nil || len(links) != n {
					b.Fatalf("%d links, %v", len(links), err)
				}
			}
		})
	}
}
