package diffing_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/redline-news/redline/diffing"
)

func TestWordDiff(t *testing.T) {
	eq := func(s string) diffing.Op { return diffing.Op{Op: diffing.OpEqual, Text: s} }
	del := func(s string) diffing.Op { return diffing.Op{Op: diffing.OpDelete, Text: s} }
	ins := func(s string) diffing.Op { return diffing.Op{Op: diffing.OpInsert, Text: s} }
	cases := []struct {
		name          string
		before, after string
		want          []diffing.Op
	}{
		{"both empty", "", "", nil},
		{"identical", "Sheinbaum spoke.", "Sheinbaum spoke.", []diffing.Op{eq("Sheinbaum spoke.")}},
		{"all inserted", "", "new text", []diffing.Op{ins("new text")}},
		{"all deleted", "old text", "", []diffing.Op{del("old text")}},
		{"word added before the full stop", "The cat sat.", "The cat sat down.",
			[]diffing.Op{eq("The cat sat"), ins(" down"), eq(".")}},
		{"word replaced", "The cat sat.", "The dog sat.",
			[]diffing.Op{eq("The "), del("cat"), ins("dog"), eq(" sat.")}},
		{"negation inserted", "has firmly opposed the proposal", "has not firmly opposed the proposal",
			[]diffing.Op{eq("has "), ins("not "), eq("firmly opposed the proposal")}},
		{"a number is one word", "over 100,000 American deaths", "over 70,000 American deaths",
			[]diffing.Op{eq("over "), del("100,000"), ins("70,000"), eq(" American deaths")}},
		{"a decimal is one word", "Growth was 3.5 percent.", "Growth was 3.6 percent.",
			[]diffing.Op{eq("Growth was "), del("3.5"), ins("3.6"), eq(" percent.")}},
		{"an abbreviation is one word", "U.S. officials said", "Mexican officials said",
			[]diffing.Op{del("U.S."), ins("Mexican"), eq(" officials said")}},
		{"apostrophes are kept as written", "We’ve knocked out 97 percent", "We've knocked out 90 percent",
			[]diffing.Op{del("We’ve"), ins("We've"), eq(" knocked out "), del("97"), ins("90"), eq(" percent")}},
		{"short equalities are absorbed", "the cat sat on the mat", "a dog sat on the rug",
			[]diffing.Op{del("the cat"), ins("a dog"), eq(" sat on the "), del("mat"), ins("rug")}},
		{"spacing", "a  b", "a b", []diffing.Op{eq("a"), del("  "), ins(" "), eq("b")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := diffing.WordDiff(tc.before, tc.after)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("WordDiff(%q, %q) = %+v, want %+v", tc.before, tc.after, got, tc.want)
			}
			if b, a := diffing.RebuildOps(got); b != tc.before || a != tc.after {
				t.Errorf("WordDiff(%q, %q) rebuilds %q and %q", tc.before, tc.after, b, a)
			}
		})
	}
}

// TestWordDiff_Large checks the coarse diff used past 20,000 tokens: it
// keeps the common ends and still rebuilds both texts.
func TestWordDiff_Large(t *testing.T) {
	const s = "the troops crossed the border. "
	before := strings.Repeat(s, 3000)
	after := strings.Repeat(s, 1500) + "the troops approached the border. " + strings.Repeat(s, 1499)
	got := diffing.WordDiff(before, after)
	want := []diffing.Op{
		{Op: diffing.OpEqual, Text: strings.Repeat(s, 1500) + "the troops "},
		{Op: diffing.OpDelete, Text: "crossed"},
		{Op: diffing.OpInsert, Text: "approached"},
		{Op: diffing.OpEqual, Text: " the border. " + strings.Repeat(s, 1499)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("coarse WordDiff: %d ops, want equal, delete %q, insert %q, equal", len(got), "crossed", "approached")
	}
	if b, a := diffing.RebuildOps(got); b != before || a != after {
		t.Error("coarse WordDiff does not rebuild its inputs")
	}
}
