package layout

import (
	"cmp"
	"slices"
	"strings"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/internal/sanitize"
)

// kindOrder is diffing's order of kinds, most specific first; summaries
// list kinds in this order.
var kindOrder = []diffing.Kind{
	diffing.HeadlineChanged, diffing.DekChanged, diffing.BylineChanged,
	diffing.QuoteAdded, diffing.QuoteRemoved, diffing.QuoteChanged,
	diffing.QuoteReattributed, diffing.QuoteVerbChanged, diffing.SpeakerRoleChanged, diffing.SourceChanged,
	diffing.NumberChanged, diffing.EntityChanged, diffing.NegationChanged,
	diffing.HedgeChanged, diffing.SentenceAdded, diffing.SentenceRemoved,
	diffing.SentenceChanged, diffing.SentenceMoved, diffing.Cosmetic,
}

// AllKinds lists every change kind in the summaries' order. It returns a
// copy, so a caller cannot reorder the summaries.
func AllKinds() []diffing.Kind { return slices.Clone(kindOrder) }

// KindLabel is how every renderer names kind k: its stable id, the word
// the change-set JSON, the CLI, metrics and Atom categories use, cleaned
// for display. One word for one thing: the web UI once said "figure
// changed" for number_changed, and a reader could not tell that they were
// the same.
func KindLabel(k diffing.Kind) string { return sanitize.Line(string(k)) }

// KindWords is KindLabel with spaces for its underscores, "quote
// changed", where a kind is read as words: a card's image, the claim
// ledger's rows.
func KindWords(k diffing.Kind) string { return strings.ReplaceAll(KindLabel(k), "_", " ") }

// Kinds returns the change's kinds, its main kind first.
func Kinds(c diffing.Change) []diffing.Kind {
	if len(c.Kinds) == 0 {
		if c.Kind == "" {
			return nil
		}
		return []diffing.Kind{c.Kind}
	}
	if c.Kind == "" || c.Has(c.Kind) {
		return c.Kinds
	}
	return append([]diffing.Kind{c.Kind}, c.Kinds...)
}

// KindCount is how many changes of a change set carry Kind.
type KindCount struct {
	Kind diffing.Kind
	N    int
}

// KindCounts counts the kinds of the changes shown, rather than reading
// Summary.Counts, so the summary line always describes the list below it.
// The most telling kinds come first (kindOrder), unknown ones last by name.
func KindCounts(cs *diffing.ChangeSet) []KindCount {
	counts := map[diffing.Kind]int{}
	for _, c := range cs.Changes {
		for _, k := range Kinds(c) {
			counts[k]++
		}
	}
	out := make([]KindCount, 0, len(counts))
	for k, n := range counts {
		out = append(out, KindCount{k, n})
	}
	rank := func(k diffing.Kind) int {
		if i := slices.Index(kindOrder, k); i >= 0 {
			return i
		}
		return len(kindOrder)
	}
	slices.SortFunc(out, func(x, y KindCount) int {
		return cmp.Or(cmp.Compare(rank(x.Kind), rank(y.Kind)), strings.Compare(string(x.Kind), string(y.Kind)))
	})
	return out
}
