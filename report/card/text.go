package card

import (
	"strings"
	"unicode"

	"golang.org/x/image/font/sfnt"

	"github.com/redline-news/redline/internal/sanitize"
)

// maxRunes bounds the text of one span before layout: a card shows a few
// lines of each change, so a 10,000-character quote is cut here (with an
// ellipsis) rather than measured word by word.
const maxRunes = 600

// piece is a run of text to draw in one style: either text the font can
// draw, or a marker standing for characters it cannot.
type piece struct {
	text   string
	marker bool
}

// complexScripts are scripts the Go fonts lack and that, even with a font,
// need shaping or right-to-left ordering this renderer does not do. Their
// text is replaced by a named marker rather than drawn garbled.
var complexScripts = []struct {
	name  string
	table *unicode.RangeTable
}{
	{"Arabic", unicode.Arabic}, {"Hebrew", unicode.Hebrew}, {"Syriac", unicode.Syriac},
	{"Thaana", unicode.Thaana}, {"N'Ko", unicode.Nko}, {"Devanagari", unicode.Devanagari},
	{"Bengali", unicode.Bengali}, {"Gurmukhi", unicode.Gurmukhi}, {"Gujarati", unicode.Gujarati},
	{"Oriya", unicode.Oriya}, {"Tamil", unicode.Tamil}, {"Telugu", unicode.Telugu},
	{"Kannada", unicode.Kannada}, {"Malayalam", unicode.Malayalam}, {"Sinhala", unicode.Sinhala},
	{"Thai", unicode.Thai}, {"Lao", unicode.Lao}, {"Tibetan", unicode.Tibetan},
	{"Myanmar", unicode.Myanmar}, {"Khmer", unicode.Khmer}, {"Chinese/Japanese", unicode.Han},
	{"Japanese", unicode.Hiragana}, {"Japanese", unicode.Katakana}, {"Korean", unicode.Hangul},
}

// scriptName names the script of r when it is one the card cannot draw
// faithfully, else "".
func scriptName(r rune) string {
	for _, s := range complexScripts {
		if unicode.Is(s.table, r) {
			return s.name
		}
	}
	return ""
}

// isEmoji reports whether r is a pictograph the Go fonts lack.
func isEmoji(r rune) bool {
	return r >= 0x1F000 && r <= 0x1FAFF || r >= 0x2600 && r <= 0x27BF || r >= 0x1F1E6 && r <= 0x1F1FF
}

// joiner reports whether r only modifies its neighbour (combining mark,
// zero-width joiner, variation selector, skin tone): it joins the marker
// of the character before it instead of making a marker of its own.
func joiner(r rune) bool {
	return unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || r == 0x200D || r == 0x200C ||
		r >= 0xFE00 && r <= 0xFE0F || r >= 0x1F3FB && r <= 0x1F3FF || r >= 0xE0020 && r <= 0xE007F
}

// clean makes scraped text safe for the card: controls and bidi overrides
// removed (sanitize.Line, the one place that decides), whitespace
// collapsed, and cut after maxRunes runes, an ellipsis marking the cut.
func clean(s string) string {
	s = sanitize.Line(s)
	lead, trail := strings.HasPrefix(s, " "), strings.HasSuffix(s, " ")
	s = strings.Join(strings.Fields(s), " ")
	// A span's edge spaces separate it from its neighbours' words.
	if lead && s != "" {
		s = " " + s
	}
	if trail && s != "" {
		s += " "
	}
	return sanitize.Cut(s, maxRunes+1)
}

// splitDrawable splits cleaned text into runs the font can draw and
// markers ("[Arabic]", "[emoji]", "[?]") for runs it cannot; it reports
// whether it made any marker. A run of one kind of undrawable character is
// one marker, so "مرحبا بكم" becomes "[Arabic] [Arabic]" and not ten boxes.
func splitDrawable(s string, f *sfnt.Font, buf *sfnt.Buffer) (out []piece, marked bool) {
	var text strings.Builder
	last := "" // the marker of the run in progress, "" when drawing text
	flush := func() {
		if text.Len() > 0 {
			out = append(out, piece{text: text.String()})
			text.Reset()
		}
	}
	for _, r := range s {
		if last != "" && joiner(r) {
			continue
		}
		name := ""
		switch {
		case scriptName(r) != "":
			name = "[" + scriptName(r) + "]"
		case isEmoji(r):
			name = "[emoji]"
		case r == ' ':
		default:
			if i, err := f.GlyphIndex(buf, r); err != nil || i == 0 {
				if joiner(r) {
					continue // a stray mark draws as nothing, which hides nothing
				}
				name = "[?]"
			}
		}
		if name == "" {
			last = ""
			text.WriteRune(r)
			continue
		}
		if name == last {
			continue
		}
		flush()
		out = append(out, piece{text: name, marker: true})
		last, marked = name, true
	}
	flush()
	return out, marked
}
