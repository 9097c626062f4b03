package report

import (
	"strings"
	"testing"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/report/internal/layout"
)

func eq(s string) diffing.Op  { return diffing.Op{Op: diffing.OpEqual, Text: s} }
func del(s string) diffing.Op { return diffing.Op{Op: diffing.OpDelete, Text: s} }
func ins(s string) diffing.Op { return diffing.Op{Op: diffing.OpInsert, Text: s} }

// words returns n words "w1 w2 … wn".
func words(from, n int) string {
	var w []string
	for i := from; i < from+n; i++ {
		w = append(w, "w"+string(rune('a'+i%26))+strings.Repeat("x", i/26))
	}
	return strings.Join(w, " ")
}

func TestWordDiff(t *testing.T) {
	for _, tc := range []struct {
		name string
		ops  []diffing.Op
		want string
	}{
		{"replace", []diffing.Op{eq("We expect "), del("5%"), ins("8%"), eq(" growth.")},
			"We expect [-5%-]{+8%+} growth."},
		{"insert_with_space", []diffing.Op{eq("He did "), ins("not "), eq("resign.")},
			"He did {+not+} resign."},
		{"delete_at_end", []diffing.Op{eq("Prices rose"), del(" sharply"), eq(".")},
			"Prices rose [-sharply-]."},
		{"shared_space_hoisted", []diffing.Op{eq("We expect "), del("5% "), ins("8% "), eq("growth")},
			"We expect [-5%-]{+8%+} growth"},
		{"mid_word_grows", []diffing.Op{eq("growth of 5."), del("2"), ins("8"), eq("% this year")},
			"growth of [-5.2-]{+5.8+}% this year"},
		{"suffix_grows", []diffing.Op{eq("the cost"), ins("s"), eq(" rose")},
			"the [-cost-]{+costs+} rose"},
		{"runs_merged", []diffing.Op{eq("a "), del("b"), ins("c"), del(" d"), ins(" e"), eq(" f")},
			"a [-b d-]{+c e+} f"},
		{"no_growth_past_long_word", []diffing.Op{eq(strings.Repeat("中", 25)), del("一"), ins("二")},
			strings.Repeat("中", 25) + "[-一-]{+二+}"},
		{"control_only_edit", []diffing.Op{eq("a "), ins("\x1b[2J"), eq("b")},
			"a [-b-]{+\uFFFDb+}"},
		{"hostile_newline", []diffing.Op{eq("x "), ins("y\n2. high")},
			"x {+y 2. high+}"},
		{"short_context_kept", []diffing.Op{eq(words(0, 10) + " "), del("old"), ins("new"), eq(" " + words(10, 10))},
			words(0, 10) + " [-old-]{+new+} " + words(10, 10)},
		{"long_context_elided", []diffing.Op{eq(words(0, 20) + " "), del("old"), ins("new"), eq(" " + words(20, 20))},
			"… " + words(12, 8) + " [-old-]{+new+} " + words(20, 8) + " …"},
		{"long_middle_elided", []diffing.Op{del("a"), ins("b"), eq(" " + words(0, 30) + " "), del("c"), ins("d")},
			"[-a-]{+b+} " + words(0, 8) + " … " + words(22, 8) + " [-c-]{+d+}"},
		{"middle_kept_when_little_to_drop", []diffing.Op{del("a"), ins("b"), eq(" " + words(0, 18) + " "), del("c"), ins("d")},
			"[-a-]{+b+} " + words(0, 18) + " [-c-]{+d+}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := (textWriter{}).diff(layout.WordDiff(tc.ops)); got != tc.want {
				t.Errorf("wordDiff(%q)\n got %q\nwant %q", tc.ops, got, tc.want)
			}
		})
	}
}
