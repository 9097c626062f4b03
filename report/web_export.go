package report

import (
	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/report/internal/layout"
)

// This file exports to report/web the pieces of the HTML report it shares,
// so the pages it serves lay out a diff exactly as the report files do.

// DiffSpan is one run of a word diff: Kind is "del", "ins" or "" for
// unchanged text. Text is cleaned (see Clean) but not escaped.
type DiffSpan struct {
	Kind string
	Text string
}

// WordDiff lays out a change's ops as the HTML report does: every word
// kept, each run of edits one deletion then one insertion widened to whole
// words, so the unchanged and deleted runs spell the cleaned Before and the
// unchanged and inserted runs the cleaned After. Empty runs are dropped.
func WordDiff(ops []diffing.Op) []DiffSpan {
	spans := layout.FullDiff(ops)
	out := make([]DiffSpan, 0, len(spans))
	for _, s := range spans {
		out = append(out, DiffSpan{s.Kind.Class(), s.Text})
	}
	return out
}

// HasEdits reports whether ops insert or delete anything.
func HasEdits(ops []diffing.Op) bool { return layout.HasEdits(ops) }

// Clean makes scraped text safe to show on one line: escape sequences,
// control characters and bidirectional overrides removed, invalid UTF-8
// replaced, newlines and tabs turned into spaces. It does not escape HTML.
func Clean(s string) string { return sanitize.Line(s) }

// Href returns the cleaned URL if it is an absolute http or https URL, the
// only kind worth a link, or "" for any other (javascript:, data:,
// relative), which is then shown as text.
func Href(raw string) string { return layout.Href(raw) }

// Location says where a change is, for a diff from version from: "¶3,
// sentence 2", "headline", "¶7, sentence 1, moved from ¶3, sentence 2".
func Location(c diffing.Change, from int) string {
	return layout.SentenceLocation(c, from)
}

// Kinds returns the change's kinds, its main kind first.
func Kinds(c diffing.Change) []diffing.Kind { return layout.Kinds(c) }

// KindCount is how many changes of a change set carry Kind.
type KindCount struct {
	Kind diffing.Kind
	N    int
}

// KindCounts counts the kinds of cs's changes, in the report's order (the
// most telling kinds first).
func KindCounts(cs *diffing.ChangeSet) []KindCount {
	var out []KindCount
	for _, kc := range layout.KindCounts(cs) {
		out = append(out, KindCount{kc.Kind, kc.N})
	}
	return out
}

// AllKinds lists every change kind in the report's order.
func AllKinds() []diffing.Kind { return layout.AllKinds() }

// QuoteSpeakers returns a quote's cleaned speaker before and after; an
// added or removed quote has the same speaker on both sides.
func QuoteSpeakers(q diffing.QuoteChange) (before, after string) { return layout.QuoteSpeakers(q) }

// KindLabel is how every renderer names kind k (see layout.KindLabel).
func KindLabel(k diffing.Kind) string { return layout.KindLabel(k) }
