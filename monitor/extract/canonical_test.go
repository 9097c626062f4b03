package extract_test

import (
	"net/url"
	"slices"
	"testing"

	"github.com/redline-news/redline/monitor/extract"
)

func TestExtract_Canonical(t *testing.T) {
	const body = `<body><article><h1>T</h1><p>Body.</p></article>`
	tests := []struct {
		name, head, body string
		want             string
		note             bool // a note says the canonical links were ignored
	}{
		{name: "absolute", head: `<link rel="canonical" href="https://example.com/story">`, want: "https://example.com/story"},
		{name: "relative_resolved_against_the_page", head: `<link rel="canonical" href="../story?id=7#top">`, want: "https://example.com/news/story?id=7"},
		{name: "rel_list_and_case", head: `<link rel="Canonical alternate" href="/story">`, want: "https://example.com/story"},
		{name: "og_url_when_no_canonical", head: `<meta property="og:url" content="/og-story">`, want: "https://example.com/og-story"},
		{name: "canonical_before_og_url", head: `<meta property="og:url" content="/og"><link rel="canonical" href="/c">`, want: "https://example.com/c"},
		{name: "javascript_dropped", head: `<link rel="canonical" href="javascript:alert(1)">`, want: ""},
		{name: "javascript_dropped_og_url_kept", head: `<link rel="canonical" href="javascript:alert(1)"><meta property="og:url" content="/og">`, want: "https://example.com/og"},
		{name: "data_and_mailto_dropped", head: `<link rel="canonical" href="data:text/html,x"><link rel="canonical" href="mailto:a@b">`, want: ""},
		{name: "the_same_twice_is_one", head: `<link rel="canonical" href="/story"><link rel="canonical" href="https://example.com/story#x">`, want: "https://example.com/story"},
		{name: "conflicting_ignored", head: `<link rel="canonical" href="/one"><link rel="canonical" href="/two">`, want: "", note: true},
		{name: "conflicting_not_rescued_by_og_url", head: `<link rel="canonical" href="/one"><link rel="canonical" href="/two"><meta property="og:url" content="/og">`, want: "", note: true},
		{name: "in_the_body_ignored", body: `<link rel="canonical" href="/injected">`, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := `<html><head>` + tt.head + `</head>` + body + tt.body + `</article></body></html>`
			a, err := extract.Extract(extract.Page{URL: "https://example.com/news/amp/page", Body: []byte(page)}, extract.Rules{})
			if err != nil {
				t.Fatal(err)
			}
			if a.CanonicalURL != tt.want {
				t.Errorf("CanonicalURL = %q, want %q", a.CanonicalURL, tt.want)
			}
			noted := slices.ContainsFunc(a.Notes, func(n string) bool {
				return n == "2 conflicting canonical links ignored: https://example.com/one, https://example.com/two"
			})
			if noted != tt.note {
				t.Errorf("Notes = %q, want the conflict noted: %v", a.Notes, tt.note)
			}
		})
	}
}

func TestSameSite(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"https://www.example.com/a", "https://amp.example.com/a", true},
		{"https://m.example.co.uk/a", "https://www.example.co.uk/b", true},
		{"https://EXAMPLE.com/a", "https://example.com:8443/b", true},
		{"https://example.co.uk/a", "https://other.co.uk/a", false},
		{"https://example.com/a", "https://example.org/a", false},
		{"https://publisher.example/a", "https://cdn.ampproject.org/c/s/publisher.example/a", false},
		{"http://127.0.0.1:8080/a", "http://127.0.0.1:9090/b", true},
		{"http://127.0.0.1/a", "http://10.0.0.1/a", false},
		{"http://localhost/a", "http://127.0.0.1/a", false},
		{"https://co.uk/a", "https://example.co.uk/a", false},
	}
	for _, tt := range tests {
		a, _ := url.Parse(tt.a)
		b, _ := url.Parse(tt.b)
		if got := extract.SameSite(a, b); got != tt.want {
			t.Errorf("SameSite(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
