package layout

import (
	"strings"
	"testing"

	"github.com/redline-news/redline/diffing"
)

// FuzzEditSpans checks that regrouping and widening edits never changes
// what the diff says: equal and deleted text spell the old sentence, equal
// and inserted text the new one.
func FuzzEditSpans(f *testing.F) {
	f.Add("We expect |5%|8%| growth.", uint64(0b10_01_00))
	f.Add("growth of 5.|2|8|% this year", uint64(0b00_10_01_00))
	f.Add("中文|一|二|字", uint64(0b00_10_01_00))
	f.Add(" a |  | b\x1b[1m|c ", uint64(0b01_10_01_10))
	f.Fuzz(func(t *testing.T, s string, types uint64) {
		var ops []diffing.Op
		var before, after strings.Builder
		for i, part := range strings.Split(s, "|") {
			o := diffing.Op{Op: []diffing.OpType{diffing.OpEqual, diffing.OpDelete, diffing.OpInsert}[(types>>(2*(i%32)))&3%3], Text: part}
			ops = append(ops, o)
			if o.Op != diffing.OpInsert {
				before.WriteString(cleanOp(o))
			}
			if o.Op != diffing.OpDelete {
				after.WriteString(cleanOp(o))
			}
		}
		var gotBefore, gotAfter strings.Builder
		for _, sp := range editSpans(ops) {
			switch sp.Kind {
			case Equal:
				gotBefore.WriteString(sp.Text)
				gotAfter.WriteString(sp.Text)
			case Delete:
				gotBefore.WriteString(sp.Text)
			case Insert:
				gotAfter.WriteString(sp.Text)
			default:
				t.Fatalf("editSpans made a span of kind %d", sp.Kind)
			}
		}
		if gotBefore.String() != before.String() || gotAfter.String() != after.String() {
			t.Fatalf("editSpans(%q) spells %q → %q, want %q → %q", ops, gotBefore.String(), gotAfter.String(), before.String(), after.String())
		}
		WordDiff(ops) // must not panic
	})
}

// TestWordLen: the word at each end of a text, in bytes, up to a space,
// and none when it is longer than maxWordGrow runes.
func TestWordLen(t *testing.T) {
	long := strings.Repeat("é", maxWordGrow+1)
	for _, tc := range []struct {
		in         string
		head, tail int
	}{
		{"", 0, 0},
		{"word", 4, 4},
		{"one two", 3, 3},
		{"née  café", 4, 5},
		{" lead trail ", 0, 0},
		{"a\u00a0b c", 1, 1}, // a no-break space is a space
		{long + " x", 0, 1},
		{"x " + long, 1, 0},
		{strings.Repeat("é", maxWordGrow), 2 * maxWordGrow, 2 * maxWordGrow},
	} {
		if got := wordHeadLen(tc.in); got != tc.head {
			t.Errorf("wordHeadLen(%q) = %d, want %d", tc.in, got, tc.head)
		}
		if got := wordTailLen(tc.in); got != tc.tail {
			t.Errorf("wordTailLen(%q) = %d, want %d", tc.in, got, tc.tail)
		}
	}
}
