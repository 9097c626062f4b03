package card

import (
	"image"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/report"
)

// hostileCard carries what a page can throw at a card: a headline of one
// 5,000-letter word, bidi overrides and terminal escapes, emoji with
// skin tones and joiners, Arabic and Devanagari, and a 10,000-character
// quote.
func hostileCard() Card {
	long := strings.Repeat("x", 5000)
	quote := strings.Repeat("Ten thousand words of quote ", 358)[:10000]
	cs := diffing.Compare(
		diffing.Document{Title: "Before", Paragraphs: []string{
			"\"" + quote + "\" said the minister.",
			"Crowds chanted مرحبا بكم in the square and नमस्ते too.",
			"Short.",
		}},
		diffing.Document{Title: long, Paragraphs: []string{
			"\"" + quote + " and more\" said the prime minister.",
			"Crowds chanted \u202eevil\u202c مرحبا in the square 👩🏽‍🚒🎉 and नमस्ते too.\x1b[2J",
			"Short " + long + ".",
		}},
	)
	// diffing cuts long sentences into pieces; a stored change set may
	// still hold a 10,000-character quote in one change.
	cs.Changes = append([]diffing.Change{{Kind: diffing.QuoteChanged, Kinds: []diffing.Kind{diffing.QuoteChanged},
		Severity: diffing.SeverityHigh, Paragraph: 1, Sentence: 1, Before: quote, After: quote + "!",
		Quotes: []diffing.QuoteChange{{Before: quote, After: quote + "!", BeforeSpeaker: "A\u202eB", AfterSpeaker: long}},
		Ops:    []diffing.Op{{Op: diffing.OpEqual, Text: quote}, {Op: diffing.OpInsert, Text: "!"}}}}, cs.Changes...)
	return Card{Item: report.Item{URL: "https://news.example/\u202eabc", Title: "\u202e🎉 مرحبا " + long + "\x07",
		FromVersion: 1, ToVersion: 2, At: time.Date(2026, 12, 7, 18, 0, 0, 0, time.UTC), Changes: cs}}
}

// TestHostileText_StaysInside checks every pixel of the margin band is
// still the background colour after drawing hostile text, at the default
// size and a small one.
func TestHostileText_StaysInside(t *testing.T) {
	for _, opt := range []Options{{}, {Width: 400, Height: 400}, {Width: 320, Height: 160}} {
		data, alt, err := Render(hostileCard(), opt)
		if err != nil {
			t.Fatal(err)
		}
		img := decode(t, data)
		b := img.Bounds()
		m := Margin(b.Dx(), b.Dy())
		inner := image.Rect(m, m, b.Dx()-m, b.Dy()-m)
		bad := 0
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				if !(image.Point{x, y}).In(inner) && !near(img.At(x, y), bg, 0) {
					bad++
				}
			}
		}
		if bad > 0 {
			t.Errorf("%v: %d pixels drawn in the %d px margin band", b, bad, m)
		}
		// The content itself was drawn (not an empty card that trivially passes).
		ink := 0
		for y := inner.Min.Y; y < inner.Max.Y; y++ {
			for x := inner.Min.X; x < inner.Max.X; x++ {
				if !near(img.At(x, y), bg, 0) {
					ink++
				}
			}
		}
		if ink < inner.Dx()*inner.Dy()/100 {
			t.Errorf("%v: only %d pixels of ink inside the card", b, ink)
		}
		for _, bad := range []string{"\u202e", "\x1b", "\x07"} {
			if strings.Contains(alt, bad) {
				t.Errorf("alt text keeps control %q", bad)
			}
		}
		for _, want := range []string{"[Arabic]", "[emoji]", "مرحبا", "नमस्ते", "prime minister"} {
			if !strings.Contains(alt, want) {
				t.Errorf("alt text lacks %q", want)
			}
		}
		if !strings.Contains(alt, "“"+strings.Repeat("Ten thousand words of quote ", 358)[:10000]+"!”") {
			t.Error("alt text does not give the long quote in full")
		}
	}
}

func TestSplitDrawable(t *testing.T) {
	f, err := newFonts(1)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ in, want string }{
		{"plain Latin, Ελληνικά, кириллица", "plain Latin, Ελληνικά, кириллица"},
		{"say مرحبا بكم now", "say <[Arabic]> <[Arabic]> now"},
		{"fire 👩🏽‍🚒🎉!", "fire <[emoji]>!"},
		{"नमस्ते", "<[Devanagari]>"},
		{"שלום", "<[Hebrew]>"},
		{"東京", "<[Chinese/Japanese]>"},
	} {
		ps, _ := splitDrawable(tc.in, f.regular, &f.buf)
		var b strings.Builder
		for _, p := range ps {
			if p.marker {
				b.WriteString("<" + p.text + ">")
			} else {
				b.WriteString(p.text)
			}
		}
		if b.String() != tc.want {
			t.Errorf("splitDrawable(%q) = %q, want %q", tc.in, b.String(), tc.want)
		}
	}
}

func TestClean(t *testing.T) {
	got := clean("a\u202eb\x1b[31mc\u2066d " + strings.Repeat("y", 2*maxRunes))
	if strings.ContainsAny(got, "\u202e\x1b\u2066") {
		t.Errorf("clean kept a control: %q", got)
	}
	if !strings.HasPrefix(got, "abcd ") || !strings.HasSuffix(got, "…") || len([]rune(got)) != maxRunes+1 {
		t.Errorf("clean = %q…, want abcd then a cut with an ellipsis at %d runes", got[:10], maxRunes)
	}
}

func TestParseSize(t *testing.T) {
	if w, h, err := ParseSize("1080x1080"); err != nil || w != 1080 || h != 1080 {
		t.Errorf("ParseSize(1080x1080) = %d, %d, %v", w, h, err)
	}
	for _, bad := range []string{"", "1200", "ax675", "10x10", "99999x675", "1200x-1"} {
		if _, _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) accepted", bad)
		}
	}
}

// TestReread_Noted: a version read afresh from another part of the page
// says so on the card and in the alt text, as every report does.
func TestReread_Noted(t *testing.T) {
	c := plainStory()
	plainPNG, _, err := Render(c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c.Item.Reread, c.Item.Reading = true, "body > main"
	rereadPNG, alt, err := Render(c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(alt, report.RereadNote(c.Item)) {
		t.Errorf("alt text lacks the re-read note:\n%s", alt)
	}
	if string(plainPNG) == string(rereadPNG) {
		t.Error("the card does not show the re-read note")
	}
}
