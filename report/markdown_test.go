package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/report/internal/layout"
)

func TestMdEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain words", "plain words"},
		{"<script>alert(1)</script>", "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"},
		{"[x](javascript:alert(1))", "\\[x\\]\\(javascript\\:alert\\(1\\)\\)"},
		{"![img](http://e.example/a.png)", "\\!\\[img\\]\\(http\\://e.example/a.png\\)"},
		{"*bold* _it_ `code` ~~s~~ # | \\", "\\*bold\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~ \\# \\| \\\\"},
		{"AT&amp;T", "AT&amp;amp;T"},
		{"$5 to $8", "\\$5 to \\$8"},
		{"see www.evil.example or WWW.x.y", "see www\\.evil.example or WWW\\.x.y"},
		{"mail a@b.example :smile:", "mail a\\@b.example \\:smile\\:"},
		{"5.2% rise, 1. item", "5.2% rise, 1. item"},
	} {
		if got := mdEscape(tc.in); got != tc.want {
			t.Errorf("mdEscape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzMdEscape checks that mdEscape leaves no character that could start
// inline Markdown unescaped, and that the text can be read back exactly.
func FuzzMdEscape(f *testing.F) {
	for _, s := range []string{"[x](javascript:alert(1))", "<script>", "&lt;", "a\\*b", "www.x", "中文 *", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := mdEscape(in)
		var back strings.Builder
		for i := 0; i < len(out); i++ {
			c := out[i]
			switch {
			case c == '\\':
				if i+1 >= len(out) || !strings.ContainsRune("\\`*_[]()#|~!:@${}.", rune(out[i+1])) {
					t.Fatalf("mdEscape(%q) = %q: stray backslash at %d", in, out, i)
				}
				back.WriteByte(out[i+1])
				i++
			case c == '&':
				ent := map[string]byte{"&amp;": '&', "&lt;": '<', "&gt;": '>'}
				ok := false
				for e, r := range ent {
					if strings.HasPrefix(out[i:], e) {
						back.WriteByte(r)
						i += len(e) - 1
						ok = true
					}
				}
				if !ok {
					t.Fatalf("mdEscape(%q) = %q: bare & at %d", in, out, i)
				}
			case strings.IndexByte("`*_[]()#|~!:@$<>{}", c) >= 0:
				t.Fatalf("mdEscape(%q) = %q: unescaped %q at %d", in, out, c, i)
			default:
				back.WriteByte(c)
			}
		}
		if back.String() != in {
			t.Fatalf("mdEscape(%q) = %q reads back as %q", in, out, back.String())
		}
		if strings.Contains(strings.ToLower(out), "www.") {
			t.Fatalf("mdEscape(%q) = %q: leaves a www. autolink", in, out)
		}
	})
}

// TestMdDiff_Tilde: a tilde next to a ~~ marker does not cost a deleted
// word its strikethrough in goldmark, which reads no ~~ after a ~, even an
// escaped one.
func TestMdDiff_Tilde(t *testing.T) {
	gfm := goldmark.New(goldmark.WithExtensions(extension.GFM))
	for _, tc := range []struct {
		spans     []layout.Span
		want, del string
	}{
		// A deleted word ending in "~": the closing marker.
		{[]layout.Span{{Kind: layout.Equal, Text: "a "}, {Kind: layout.Delete, Text: "~~~"}, {Kind: layout.Insert, Text: "b"}, {Kind: layout.Equal, Text: " c"}},
			`a ~~\~\~&#126;~~**b** c`, "<del>~~~</del>"},
		// Unchanged text ending in "~" just before a deletion (an edit
		// inside a long word): the opening marker.
		{[]layout.Span{{Kind: layout.Equal, Text: "x~"}, {Kind: layout.Delete, Text: "y\\~"}, {Kind: layout.Equal, Text: " z~"}},
			`x&#126;~~y\\&#126;~~ z\~`, "<del>y\\~</del>"},
		// Inserted words keep their backslash escapes.
		{[]layout.Span{{Kind: layout.Equal, Text: "a "}, {Kind: layout.Insert, Text: "b~"}}, `a **b\~**`, "<strong>b~</strong>"},
	} {
		got := mdDiff(tc.spans)
		if got != tc.want {
			t.Errorf("mdDiff(%v) = %q, want %q", tc.spans, got, tc.want)
		}
		var b bytes.Buffer
		if err := gfm.Convert([]byte(got), &b); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), tc.del) {
			t.Errorf("mdDiff(%v) = %q renders as %q, want it to hold %q", tc.spans, got, b.String(), tc.del)
		}
	}
}

func TestMdURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://news.example/a/b?c=1#d", "<https://news.example/a/b?c=1#d>"},
		{"http://news.example/", "<http://news.example/>"},
		{"https://e.example/x?q=<b> c\"`\\", "<https://e.example/x?q=%3Cb%3E%20c%22%60%5C>"},
		{"https://en.example/wiki/A_(b)", "<https://en.example/wiki/A_%28b%29>"},
		{"https://e.example/\x1b]8;;x\x07y", "<https://e.example/y>"},
		{"javascript:alert(1)", "javascript\\:alert\\(1\\)"},
		{"JavaScript:alert(1)", "JavaScript\\:alert\\(1\\)"},
		{"data:text/html,<script>", "data\\:text/html,&lt;script&gt;"},
		{"//evil.example/x", "//evil.example/x"},
		{"http:evil", "http\\:evil"},
		{"", ""},
	} {
		if got := mdURL(tc.in); got != tc.want {
			t.Errorf("mdURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLocation(t *testing.T) {
	it := Item{FromVersion: 2, ToVersion: 3}
	for _, tc := range []struct {
		name string
		c    diffing.Change
		want string
	}{
		{"headline", diffing.Change{Kind: diffing.HeadlineChanged}, "headline"},
		{"sentence", diffing.Change{Kind: diffing.SentenceChanged, Paragraph: 3, Sentence: 2}, "¶3, sentence 2"},
		{"paragraph", diffing.Change{Kind: diffing.SentenceAdded, Paragraph: 3}, "¶3"},
		{"removed", diffing.Change{Kind: diffing.QuoteRemoved, Kinds: []diffing.Kind{diffing.QuoteRemoved, diffing.SentenceRemoved}, Paragraph: 4, Sentence: 1}, "¶4, sentence 1 in v2"},
		{"moved", diffing.Change{Kind: diffing.SentenceMoved, Paragraph: 7, Sentence: 1, From: &diffing.Location{Paragraph: 3, Sentence: 2}}, "moved from ¶3 to ¶7"},
		{"moved_within", diffing.Change{Kind: diffing.SentenceMoved, Paragraph: 3, Sentence: 4, From: &diffing.Location{Paragraph: 3, Sentence: 1}}, "moved within ¶3 from sentence 1 to sentence 4"},
		{"edited_elsewhere", diffing.Change{Kind: diffing.QuoteChanged, Paragraph: 5, Sentence: 1, From: &diffing.Location{Paragraph: 4, Sentence: 3}}, "¶5, sentence 1 (was ¶4, sentence 3)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := layout.Location(tc.c, it.FromVersion); got != tc.want {
				t.Errorf("location(%+v) = %q, want %q", tc.c, got, tc.want)
			}
		})
	}
}

func TestChangeFields_Quotes(t *testing.T) {
	c := diffing.Change{
		Kind: diffing.QuoteAdded, Speaker: "Ann",
		Quotes: []diffing.QuoteChange{
			{After: "new words", AfterSpeaker: "Ann"},
			{Before: "old words", BeforeSpeaker: "Bob", AfterSpeaker: "Bob"},
			{Before: "same", After: "same", BeforeSpeaker: "", AfterSpeaker: "Cy"},
		},
		Figures: []diffing.FigureChange{{Before: "", After: "£3m"}},
		Before:  "Old sentence.", After: "New sentence.",
	}
	var got []string
	for _, f := range changeFields(c) {
		got = append(got, f.label+": "+(textWriter{}).diff(f.value))
	}
	want := []string{
		// Cy's quote changed speaker, so "speaker: Ann" alone would mislead.
		// Ann's quote is new: it did not change speaker.
		"speaker: Ann",
		"quote: added “new words”",
		"speaker: Bob",
		"quote: removed “old words”",
		"speaker: (none) → Cy",
		"quote: “same”",
		"figure: (none) → £3m",
		"before: Old sentence.",
		"after: New sentence.",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("changeFields:\n got %q\nwant %q", got, want)
	}
}
