package layout

import (
	"testing"
	"time"

	"github.com/redline-news/redline/diffing"
)

// TestSentenceLocation: the long form names the sentence a move came
// from; everything else reads as Location does.
func TestSentenceLocation(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    diffing.Change
		want string
	}{
		{"moved", diffing.Change{Kind: diffing.SentenceMoved, Paragraph: 7, Sentence: 1, From: &diffing.Location{Paragraph: 3, Sentence: 2}}, "¶7, sentence 1, moved from ¶3, sentence 2"},
		{"moved_from_dek", diffing.Change{Kind: diffing.QuoteChanged, Kinds: []diffing.Kind{diffing.QuoteChanged, diffing.SentenceMoved}, Paragraph: 2, Sentence: 1, From: &diffing.Location{Paragraph: dekParagraph}}, "¶2, sentence 1, moved from dek (summary under the headline)"},
		{"removed", diffing.Change{Kind: diffing.SentenceRemoved, Paragraph: 4, Sentence: 1}, "¶4, sentence 1 in v2"},
		{"headline", diffing.Change{Kind: diffing.HeadlineChanged}, "headline"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := SentenceLocation(tc.c, 2); got != tc.want {
				t.Errorf("SentenceLocation = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestSpanKindClass: the classes both HTML templates test for.
func TestSpanKindClass(t *testing.T) {
	for k, want := range map[SpanKind]string{Equal: "", Delete: "del", Insert: "ins", Elided: "gap", Literal: ""} {
		if got := k.Class(); got != want {
			t.Errorf("%d.Class() = %q, want %q", k, got, want)
		}
	}
}

// TestAllKinds_Copy: a caller changing the list it got does not reorder
// every later summary.
func TestAllKinds_Copy(t *testing.T) {
	a := AllKinds()
	a[0] = "x"
	if got := AllKinds()[0]; got != diffing.HeadlineChanged {
		t.Fatalf("AllKinds()[0] = %q after a caller wrote to its copy", got)
	}
	cs := &diffing.ChangeSet{Changes: []diffing.Change{{Kind: diffing.Cosmetic}, {Kind: diffing.HeadlineChanged}, {Kind: "zz_unknown"}}}
	var got []diffing.Kind
	for _, kc := range KindCounts(cs) {
		got = append(got, kc.Kind)
	}
	if want := []diffing.Kind{diffing.HeadlineChanged, diffing.Cosmetic, "zz_unknown"}; len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("KindCounts order %v, want %v", got, want)
	}
}

// TestWhen: times show in UTC whatever zone they were read in.
func TestWhen(t *testing.T) {
	at := time.Date(2026, 12, 7, 23, 5, 59, 999, time.FixedZone("", -5*3600))
	if got, want := When(at), "2026-12-08 04:05 UTC"; got != want {
		t.Errorf("When = %q, want %q", got, want)
	}
	if got, want := ISO(at), "2026-12-08T04:05:59Z"; got != want {
		t.Errorf("ISO = %q, want %q", got, want)
	}
}

// TestKindWords: a kind read as words is its cleaned label with spaces.
func TestKindWords(t *testing.T) {
	for k, want := range map[diffing.Kind]string{
		diffing.QuoteChanged:    "quote changed",
		"x_\u202ey\x1b[31m_z\n": "x y z ",
	} {
		if got := KindWords(k); got != want {
			t.Errorf("KindWords(%q) = %q, want %q", k, got, want)
		}
	}
}
