package diffing_test

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/redline-news/redline/diffing"
	"golang.org/x/text/unicode/norm"
)

// fuzzSeeds are realistic sentences and edge cases shared by the targets.
var fuzzSeeds = []string{
	"",
	" ",
	"\n\n",
	"Sheinbaum spoke. Trump replied.",
	"Mr. Smith met Dr. Jones in the U.S. at 7 a.m. on Jan. 5. Gen. Milley agreed.",
	"Growth was 3.5 percent and it cost $4.2 billion... Then what? Nobody knows!",
	"'We are capable of confronting cartels without foreign boots on our soil,' she stated.",
	"'We’ve knocked out 97 percent,' he declared, vowing to 'eradicate the laboratories at the source.'",
	"Jordan stated, 'He's the commander in chief.\nI think what he did in Venezuela is a good thing.' When pressed, he conceded.",
	"“We will fight on the beaches.\n“We shall never surrender,” Churchill said.",
	"We’ve seen Mexico’s cartels’ money in the ’90s; rock ’n’ roll.",
	"Er sagte „Wir ‚schaffen‘ das“ gestern. Il a dit « nous ne céderons pas ».",
	"'We are ready,' a spokesperson for Mexico’s foreign ministry said.",
	"“Outer ‘inner “deepest” inner’ outer,” she said.",
	"\"unclosed 'quote\n„ ‚ « ‹ ” ’ » ›",
	"a\u200b\u00adb\u00a0c\r\nd\xff\xfe",
	"Nicola\u0301s\u202eMaduro",
	strings.Repeat("word ", 300),
	strings.Repeat("x", 2500),
}

// fuzzText fuzzes check, a target of one text, from fuzzSeeds and the
// seed article.
func fuzzText(f *testing.F, check func(t *testing.T, s string)) {
	diffing.AddSeeds(f, fuzzSeeds...)
	f.Add(seedText(f))
	f.Fuzz(check)
}

// FuzzNormalize checks that Normalize gives valid NFC UTF-8 with one
// trimmed, non-empty paragraph per line, and that it is idempotent.
func FuzzNormalize(f *testing.F) {
	diffing.AddSeeds(f, fuzzSeeds...)
	f.Fuzz(checkNormalize)
}

func checkNormalize(t *testing.T, s string) {
	got := diffing.Normalize(s)
	if !utf8.ValidString(got) {
		t.Fatalf("Normalize(%q) = %q: invalid UTF-8", s, got)
	}
	if !norm.NFC.IsNormalString(got) {
		t.Fatalf("Normalize(%q) = %q: not NFC", s, got)
	}
	if again := diffing.Normalize(got); again != got {
		t.Fatalf("Normalize(%q) = %q, but Normalize of that = %q", s, got, again)
	}
	if got == "" {
		return
	}
	for _, line := range strings.Split(got, "\n") {
		if line == "" || strings.TrimFunc(line, unicode.IsSpace) != line {
			t.Fatalf("Normalize(%q) = %q: empty or untrimmed line %q", s, got, line)
		}
	}
}

// FuzzSegment checks that sentence spans are in order, do not overlap,
// stay inside the text, never cross a line and hold no outer spaces.
func FuzzSegment(f *testing.F) {
	fuzzText(f, checkSegment)
}

func checkSegment(t *testing.T, s string) {
	spans := diffing.Segment(s)
	prev := 0
	for _, sp := range spans {
		if sp.Start < prev || sp.End <= sp.Start || sp.End > len(s) {
			t.Fatalf("Segment(%q): span %v after %d: out of order, empty or out of bounds", s, sp, prev)
		}
		text := s[sp.Start:sp.End]
		if strings.Contains(text, "\n") {
			t.Fatalf("Segment(%q): span %v crosses a line: %q", s, sp, text)
		}
		if strings.TrimFunc(text, unicode.IsSpace) != text {
			t.Fatalf("Segment(%q): span %v has outer spaces: %q", s, sp, text)
		}
		prev = sp.End
	}
	if again := diffing.Segment(s); !reflect.DeepEqual(spans, again) {
		t.Fatalf("Segment(%q) is not deterministic: %v, then %v", s, spans, again)
	}
}

// FuzzQuotes checks that quotation spans stay inside the text, that Inner
// lies within Span and is Text, and that the result is deterministic.
func FuzzQuotes(f *testing.F) {
	fuzzText(f, checkQuotesFuzz)
}

func checkQuotesFuzz(t *testing.T, s string) {
	qs := diffing.Quotes(s)
	prev := 0
	for _, q := range qs {
		if q.Start < prev || q.End > len(s) || q.Start >= q.End {
			t.Fatalf("Quotes(%q): span %v out of order or out of bounds", s, q.Span)
		}
		if q.Inner.Start < q.Start || q.Inner.End > q.End || q.Inner.Start >= q.Inner.End {
			t.Fatalf("Quotes(%q): inner %v not within span %v", s, q.Inner, q.Span)
		}
		if s[q.Inner.Start:q.Inner.End] != q.Text {
			t.Fatalf("Quotes(%q): inner %v holds %q, Text is %q", s, q.Inner, s[q.Inner.Start:q.Inner.End], q.Text)
		}
		if q.Depth < 0 {
			t.Fatalf("Quotes(%q): depth %d", s, q.Depth)
		}
		prev = q.Start
	}
	if again := diffing.Quotes(s); !reflect.DeepEqual(qs, again) {
		t.Fatalf("Quotes(%q) is not deterministic", s)
	}
}

// FuzzWordDiff checks that the ops rebuild both inputs byte for byte.
func FuzzWordDiff(f *testing.F) {
	f.Add("The cat sat.", "The dog sat down.")
	f.Add("over 100,000 American deaths", "over 70,000 American deaths")
	f.Add("We’ve knocked out 97 percent", "We've knocked out 90 percent")
	f.Add("has firmly opposed", "has not firmly opposed")
	f.Add("", "new")
	f.Add("a\xffb", "a\xfeb")
	f.Add("U.S.-Mexico relations", "U.S. - Mexico relations")
	f.Fuzz(checkWordDiff)
}

func checkWordDiff(t *testing.T, a, b string) {
	ops := diffing.WordDiff(a, b)
	if gb, ga := diffing.RebuildOps(ops); gb != a || ga != b {
		t.Fatalf("WordDiff(%q, %q) = %+v rebuilds %q and %q", a, b, ops, gb, ga)
	}
	for _, op := range ops {
		if op.Text == "" {
			t.Fatalf("WordDiff(%q, %q) = %+v: empty op", a, b, ops)
		}
	}
	for _, op := range diffing.WordDiff(a, a) {
		if op.Op != diffing.OpEqual {
			t.Fatalf("WordDiff(%q, %[1]q): %+v is not equal", a, op)
		}
	}
}

// FuzzCompare checks the whole diff: no panic, nothing between a version
// and itself, deterministic JSON, and ops that rebuild each change's texts.
func FuzzCompare(f *testing.F) {
	article := diffing.SeedArticle(f)
	f.Add(article, strings.Replace(article, "97 percent", "90 percent", 1))
	f.Add(article, strings.Replace(article, "Sheinbaum clarified", "Ebrard clarified", 1))
	f.Add("Title\nSheinbaum spoke. Trump replied.", "Title\nTrump replied. Sheinbaum spoke.")
	f.Add("Title\n“We will win,” she said.", "Title changed\n“We will lose,” he said.\nNew paragraph.")
	f.Add("", "")
	f.Add("T\nA. B. C.", "T\nC. B. A.")
	f.Add("T\n\"unclosed\n'x", "T\n'x\n\"unclosed")
	f.Fuzz(func(t *testing.T, a, b string) {
		diffing.CheckInvariants(t, diffing.DocumentOf(a), diffing.DocumentOf(b))
	})
}
