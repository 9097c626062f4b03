// Package card renders one change set as a PNG image for sharing (a "diff
// card"): the outlet and headline, the most severe changes with deletions
// struck through and insertions underlined, the speaker of a changed quote,
// the version times and redline's name, with alt text giving the full
// before and after in words. It draws in pure Go with the embedded Go fonts
// (BSD licence), so it needs no browser and no system font.
package card

import (
	"bytes"
	"cmp"
	"fmt"
	"image/color"
	"image/png"
	neturl "net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/report"
	"github.com/redline-news/redline/report/internal/layout"
)

// Default size: 16:9, what Mastodon, Bluesky and link previews show whole.
const (
	DefaultWidth  = 1200
	DefaultHeight = 675
	minSide       = 320
	maxSide       = 4096
)

// Card is what one card shows: a report item (URL, headline, versions, the
// new version's time, the change set) and when the old version was seen.
type Card struct {
	Item report.Item
	// FromAt is when the old version was seen (zero when unknown).
	FromAt time.Time
}

// Options size the card; zero values take the defaults.
type Options struct {
	Width, Height int
}

// ParseSize reads a size given as "WxH" ("1200x675").
func ParseSize(s string) (w, h int, err error) {
	ws, hs, ok := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "x")
	if !ok {
		return 0, 0, fmt.Errorf("size %q: want WIDTHxHEIGHT, such as 1200x675", s)
	}
	w, err1 := strconv.Atoi(ws)
	h, err2 := strconv.Atoi(hs)
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("size %q: want WIDTHxHEIGHT in whole pixels, such as 1200x675", s)
	}
	if err := checkSize(w, h); err != nil {
		return 0, 0, fmt.Errorf("size %q: %w", s, err)
	}
	return w, h, nil
}

func checkSize(w, h int) error {
	if w < minSide || h < minSide/2 || w > maxSide || h > maxSide {
		return fmt.Errorf("%d×%d is outside %d×%d to %d×%d", w, h, minSide, minSide/2, maxSide, maxSide)
	}
	return nil
}

// Colours. Deletions and insertions also differ by line (struck through,
// underlined), so the card reads in greyscale and to colour-blind eyes.
var (
	bg     = color.RGBA{0xff, 0xfd, 0xf8, 0xff}
	ink    = color.RGBA{0x1a, 0x1a, 0x1a, 0xff}
	muted  = color.RGBA{0x5f, 0x5f, 0x5f, 0xff}
	red    = color.RGBA{0xb0, 0x12, 0x1b, 0xff}
	delInk = color.RGBA{0x9b, 0x1c, 0x1c, 0xff}
	insInk = color.RGBA{0x0b, 0x5d, 0x2a, 0xff}
	mark   = color.RGBA{0x3b, 0x3b, 0x8f, 0xff}
)

// Render draws the card as a PNG and returns it with its alt text.
func Render(c Card, opt Options) (pngData []byte, alt string, err error) {
	w, h := cmp.Or(opt.Width, DefaultWidth), cmp.Or(opt.Height, DefaultHeight)
	if err := checkSize(w, h); err != nil {
		return nil, "", fmt.Errorf("card size: %w", err)
	}
	img, marked, err := paint(c, w, h)
	if err != nil {
		return nil, "", err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, "", fmt.Errorf("encode card: %w", err)
	}
	return buf.Bytes(), Alt(c, marked), nil
}

// Margin is the blank band around the card's content, in pixels, for a
// card w pixels wide: nothing is drawn in it.
func Margin(w, h int) int { return max(12, min(w, h*16/9)/24) }

// fonts are the faces of one card, scaled to its size.
type fonts struct {
	regular              *sfnt.Font
	buf                  sfnt.Buffer
	body, bold, small    font.Face
	head, brand, italics font.Face
}

func newFonts(scale float64) (*fonts, error) {
	f := &fonts{}
	var err error
	parse := func(ttf []byte) *sfnt.Font {
		if err != nil {
			return nil
		}
		var ft *sfnt.Font
		ft, err = opentype.Parse(ttf)
		return ft
	}
	reg, bold, ital := parse(goregular.TTF), parse(gobold.TTF), parse(goitalic.TTF)
	if err != nil {
		return nil, fmt.Errorf("card font: %w", err)
	}
	f.regular = reg
	face := func(ft *sfnt.Font, size float64) font.Face {
		if err != nil {
			return nil
		}
		var fc font.Face
		fc, err = opentype.NewFace(ft, &opentype.FaceOptions{Size: size * scale, DPI: 72, Hinting: font.HintingFull})
		return fc
	}
	f.body, f.bold, f.small = face(reg, 25), face(bold, 21), face(reg, 19)
	f.head, f.brand, f.italics = face(bold, 38), face(bold, 24), face(ital, 25)
	if err != nil {
		return nil, fmt.Errorf("card font: %w", err)
	}
	return f, nil
}

// style is how a run of text is drawn.
type style int

const (
	plain style = iota
	strong
	quiet
	deleted
	inserted
	marker
	heading
)

type run struct {
	text  string
	style style
}

func (f *fonts) face(s style) font.Face {
	switch s {
	case strong:
		return f.bold
	case quiet:
		return f.small
	case marker:
		return f.italics
	case heading:
		return f.head
	}
	return f.body
}

func colourOf(s style) color.Color {
	switch s {
	case quiet:
		return muted
	case deleted:
		return delInk
	case inserted:
		return insInk
	case marker:
		return mark
	}
	return ink
}

// item is a run placed on a line.
type placed struct {
	run
	x fixed.Int26_6
}

// wrap lays runs out in lines of at most width, breaking at spaces and
// inside a word too long for a line. It stops after maxLines lines, ending
// the last with an ellipsis when text was left out.
func (f *fonts) wrap(runs []run, width fixed.Int26_6, maxLines int) [][]placed {
	var lines [][]placed
	var cur []placed
	x := fixed.Int26_6(0)
	full := false
	newLine := func() {
		if len(lines) == maxLines {
			full = true
			return
		}
		lines = append(lines, cur)
		cur, x = nil, 0
		if len(lines) == maxLines {
			full = true
		}
	}
	put := func(text string, s style) {
		cur = append(cur, placed{run{text, s}, x})
		x += font.MeasureString(f.face(s), text)
	}
	for _, r := range runs {
		face := f.face(r.style)
		for _, tok := range tokens(r.text) {
			if full {
				break
			}
			if tok == " " {
				if x > 0 {
					put(" ", r.style)
				}
				continue
			}
			adv := font.MeasureString(face, tok)
			if x+adv > width && x > 0 {
				newLine()
				if full {
					break
				}
			}
			for adv > width && !full { // a word longer than a line: break it
				n := fitRunes(face, tok, width-x)
				put(tok[:n], r.style)
				tok = tok[n:]
				newLine()
				adv = font.MeasureString(face, tok)
			}
			if !full && tok != "" {
				put(tok, r.style)
			}
		}
		if full {
			break
		}
	}
	if !full && len(cur) > 0 {
		lines = append(lines, cur)
	} else if full && len(lines) > 0 {
		lines[len(lines)-1] = f.ellipsis(lines[len(lines)-1], width)
	}
	return lines
}

// ellipsis ends a line with "…", dropping what no longer fits.
func (f *fonts) ellipsis(line []placed, width fixed.Int26_6) []placed {
	ell := font.MeasureString(f.body, "…")
	for len(line) > 0 {
		last := &line[len(line)-1]
		end := last.x + font.MeasureString(f.face(last.style), last.text)
		if end+ell <= width {
			return append(line, placed{run{"…", plain}, end})
		}
		if last.style == marker || len([]rune(last.text)) <= 1 {
			line = line[:len(line)-1]
			continue
		}
		r := []rune(last.text)
		last.text = string(r[:len(r)-1])
	}
	return []placed{{run{"…", plain}, 0}}
}

// fitRunes returns how many bytes of s fit in width (at least one rune).
func fitRunes(face font.Face, s string, width fixed.Int26_6) int {
	n := 0
	for i, r := range s {
		size := len(string(r))
		if n > 0 && font.MeasureString(face, s[:i+size]) > width {
			return n
		}
		n = i + size
	}
	return n
}

// tokens splits s into words and single spaces.
func tokens(s string) []string {
	var out []string
	for s != "" {
		if s[0] == ' ' {
			out = append(out, " ")
			s = strings.TrimLeft(s, " ")
			continue
		}
		i := strings.IndexByte(s, ' ')
		if i < 0 {
			i = len(s)
		}
		out = append(out, s[:i])
		s = s[i:]
	}
	return out
}

// textRuns turns cleaned scraped text into runs of style s, with markers
// for what the font cannot draw; marked is set when it made one.
func (f *fonts) textRuns(s string, st style, marked *bool) []run {
	ps, m := splitDrawable(clean(s), f.regular, &f.buf)
	*marked = *marked || m
	out := make([]run, 0, len(ps))
	for _, p := range ps {
		if p.marker {
			out = append(out, run{p.text, marker})
		} else {
			out = append(out, run{p.text, st})
		}
	}
	return out
}

// Host is the outlet a card names: the URL's host without "www.".
func Host(raw string) string {
	u, err := neturl.Parse(sanitize.Line(raw))
	if err != nil || u.Host == "" {
		return sanitize.Line(raw)
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}

// Top returns the changes a card shows first: the most severe, and among
// equals the first in reading order. Cosmetic changes are left out.
func Top(cs *diffing.ChangeSet) []diffing.Change {
	if cs == nil {
		return nil
	}
	var out []diffing.Change
	for _, c := range cs.Changes {
		if c.Kind != diffing.Cosmetic {
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b diffing.Change) int { return cmp.Compare(b.Severity, a.Severity) })
	return out
}

// changeRuns are the lines of one change: a heading (severity, kind,
// place), the speaker, and the text with deletions and insertions.
func (f *fonts) changeRuns(c diffing.Change, from int, marked *bool) (head, speaker, body []run) {
	head = []run{{strings.ToUpper(c.Severity.String()), strong},
		{" · " + kindText(c.Kind) + " · " + layout.Location(c, from), quiet}}
	if sp := speakerText(c); sp != "" {
		speaker = append([]run{{"speaker: ", quiet}}, f.textRuns(sp, strong, marked)...)
	}
	switch {
	case layout.HasEdits(c.Ops):
		prev := layout.Equal
		for _, s := range layout.WordDiff(c.Ops) {
			if prev == layout.Delete && s.Kind == layout.Insert {
				body = append(body, run{" ", plain}) // "12 31", not "1231"
			}
			prev = s.Kind
			st := plain
			switch s.Kind {
			case layout.Delete:
				st = deleted
			case layout.Insert:
				st = inserted
			case layout.Elided:
				st = quiet
			}
			body = append(body, f.textRuns(s.Text, st, marked)...)
		}
	default:
		if c.Before != "" && c.Before != c.After {
			body = append(body, f.textRuns(c.Before, deleted, marked)...)
			body = append(body, run{" ", plain})
		}
		if c.After != "" {
			st := inserted
			if c.Before == c.After {
				st = plain
			}
			body = append(body, f.textRuns(c.After, st, marked)...)
		}
	}
	return head, speaker, body
}

// kindText is a kind as words: "quote changed".
func kindText(k diffing.Kind) string { return layout.KindWords(k) }

// speakerText names who spoke a changed quote: "A → B" when the speaker
// changed, else the one speaker, else "".
func speakerText(c diffing.Change) string {
	for _, q := range c.Quotes {
		b, a := layout.QuoteSpeakers(q)
		switch {
		case b != a:
			return cmp.Or(b, "(none)") + " → " + cmp.Or(a, "(none)")
		case a != "":
			return a
		}
	}
	return sanitize.Line(c.Speaker)
}

func stampOf(t time.Time) string {
	if t.IsZero() {
		return "time unknown"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

func locationOf(c diffing.Change, from int) string { return layout.Location(c, from) }
