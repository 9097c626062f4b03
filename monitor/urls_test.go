package monitor_test

import (
	"testing"

	"github.com/redline-news/redline/monitor"
)

func TestNormalizeURL(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"https://News.Example/a/b?utm_source=rss&utm_medium=feed", "https://news.example/a/b"},
		{"HTTPS://news.example:443/a#comments", "https://news.example/a"},
		{"http://news.example:80", "http://news.example/"},
		{"http://news.example:8080/x?id=7&fbclid=abc&page=2", "http://news.example:8080/x?id=7&page=2"},
		{"https://news.example/x?UTM_Campaign=a&id=1&gclid=z", "https://news.example/x?id=1"},
		{"https://news.example/x?", "https://news.example/x"},
		{"https://[::1]:8443/x?mc_cid=1", "https://[::1]:8443/x"},
		{"  https://news.example/story.html?ref=home&utm_content=top  ", "https://news.example/story.html?ref=home"},
	} {
		got, err := monitor.NormalizeURL(tt.in)
		if err != nil {
			t.Errorf("NormalizeURL(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("NormalizeURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{"ftp://news.example/a", "javascript:alert(1)", "https:///nohost", "http://%zz"} {
		if got, err := monitor.NormalizeURL(bad); err == nil {
			t.Errorf("NormalizeURL(%q) = %q, want an error", bad, got)
		}
	}
}
