package web_test

import (
	"fmt"
	"strings"
	"testing"
)

// A version past the last is named in the answer, as the CLI names it:
// which article, which version, and which versions there are.
func TestNoSuchVersion(t *testing.T) {
	f := newSiteFixture(t)
	id := f.main.ID
	want := f.main.URL + " has no version 9 (it has versions 1–2)"
	for _, target := range []string{
		fmt.Sprintf("/articles/%d/diff?from=1&to=9", id),
		fmt.Sprintf("/articles/%d/diff?from=9&to=1&view=side", id),
		fmt.Sprintf("/api/diff?article=%d&from=1&to=9", id),
		fmt.Sprintf("/articles/%d/versions/9/raw", id),
		fmt.Sprintf("/articles/%d/versions/9/text", id),
	} {
		res, body := get(t, f.h, target)
		if res.StatusCode != 404 || strings.TrimSpace(body) != want {
			t.Errorf("GET %s: %d %q, want 404 %q", target, res.StatusCode, body, want)
		}
	}
	for _, target := range []string{"/articles/12345/diff?from=1&to=2", "/api/diff?article=12345&from=1&to=2", "/articles/12345/versions/1/raw"} {
		res, body := get(t, f.h, target)
		if res.StatusCode != 404 || strings.TrimSpace(body) != "no article 12345" {
			t.Errorf("GET %s: %d %q, want 404 %q", target, res.StatusCode, body, "no article 12345")
		}
	}
}
