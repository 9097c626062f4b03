package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
)

// TestTimeline_Timestamps: a version with a trusted timestamp says when and
// by which TSA on the article page, the TSA escaped as any stored text is;
// a version without one says nothing of it.
func TestTimeline_Timestamps(t *testing.T) {
	f := newFixture(t)
	vs := f.versions(t, f.main, 2)
	at := time.Date(2026, 12, 7, 15, 30, 0, 0, time.UTC)
	tsa := `https://tsa.example/<script>alert(1)</script>`
	if err := f.st.SaveTimestamp(t.Context(), snapshots.Timestamp{VersionID: vs[1].ID, Token: []byte("token"), Time: at, TSA: tsa}); err != nil {
		t.Fatal(err)
	}
	doc := page(t, f.h, fmt.Sprintf("/articles/%d", f.main.ID))
	got := doc.Find("#v2 .timestamp").Text()
	if want := "Trusted timestamp (RFC 3161): 2026-12-07 15:30:00 UTC by " + tsa; strings.TrimSpace(got) != want {
		t.Errorf("v2 timestamp %q, want %q", got, want)
	}
	if n := doc.Find("#v1 .timestamp").Length(); n != 0 {
		t.Errorf("v1 has no token but shows %d timestamp lines", n)
	}
}
