package card

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"

	"github.com/redline-news/redline/internal/plural"
	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/report"
)

// canvas draws into the content rectangle only: its image is a sub-image
// of the card inside the margins, so a layout mistake can clip text but
// never paint the margin band.
type canvas struct {
	f    *fonts
	dst  *image.RGBA
	left int
	y    int // baseline of the next line, in card pixels
	max  fixed.Int26_6
}

// draw renders the card; marked reports whether any text was replaced by
// a marker.
func paint(c Card, w, h int) (img *image.RGBA, marked bool, err error) {
	scale := min(float64(w)/DefaultWidth, float64(h)/DefaultHeight)
	f, err := newFonts(scale)
	if err != nil {
		return nil, false, err
	}
	img = image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(bg), image.Point{}, draw.Src)
	m := Margin(w, h)
	content := image.Rect(m, m, w-m, h-m)
	cv := &canvas{f: f, dst: img.SubImage(content).(*image.RGBA), left: m, y: m, max: fixed.I(content.Dx())}
	it := c.Item

	// Header: outlet left, redline right, a rule below.
	cv.y += ascent(f.brand)
	host := f.textRuns(Host(it.URL), strong, &marked)
	brand := "redline"
	bw := font.MeasureString(f.brand, brand)
	cv.line(f.wrap(host, cv.max-bw-fixed.I(20), 1)[0], cv.y)
	cv.text(f.brand, red, brand, cv.max-bw, cv.y)
	cv.y += descent(f.brand) + int(6*scale)
	cv.rule(cv.y, 2, red)
	cv.y += int(14 * scale)

	// Headline: two lines at most.
	for _, l := range f.wrap(f.textRuns(it.Title, heading, &marked), cv.max, 2) {
		cv.y += ascent(f.head)
		cv.line(l, cv.y)
		cv.y += descent(f.head)
	}
	cv.y += int(6 * scale)
	cv.y += ascent(f.small)
	cv.line(f.wrap([]run{{versionsText(c), quiet}}, cv.max, 1)[0], cv.y)
	cv.y += descent(f.small)
	if it.Reread { // its differences may be the reading's, not the publisher's
		for _, l := range f.wrap(f.textRuns(report.RereadNote(it), quiet, &marked), cv.max, 2) {
			cv.y += ascent(f.small)
			cv.line(l, cv.y)
			cv.y += descent(f.small)
		}
	}
	cv.y += int(14 * scale)

	// Footer first, so the changes know where to stop.
	footY := h - m - descent(f.small)
	changes := Top(it.Changes)
	bottom := footY - ascent(f.small) - int(10*scale)

	shown := 0
	lineH := ascent(f.body) + descent(f.body)
	for _, ch := range changes {
		head, speaker, body := f.changeRuns(ch, it.FromVersion, &marked)
		need := ascent(f.bold) + descent(f.bold) + lineH
		if cv.y+need > bottom {
			break
		}
		cv.y += ascent(f.bold)
		cv.line(f.wrap(head, cv.max, 1)[0], cv.y)
		cv.y += descent(f.bold)
		if speaker != nil && cv.y+lineH <= bottom {
			cv.y += ascent(f.body)
			cv.line(f.wrap(speaker, cv.max, 1)[0], cv.y)
			cv.y += descent(f.body)
		}
		room := (bottom - cv.y) / lineH
		for _, l := range f.wrap(body, cv.max, min(4, room)) {
			cv.y += ascent(f.body)
			cv.line(l, cv.y)
			cv.y += descent(f.body)
		}
		cv.y += int(12 * scale)
		shown++
	}
	foot := fmt.Sprintf("%d of %s shown · deletions struck through, insertions underlined", shown, plural.Count(len(changes), "change"))
	if len(changes) == 0 {
		foot = "no change of substance"
	}
	cv.line(f.wrap([]run{{foot, quiet}}, cv.max, 1)[0], footY)
	return img, marked, nil
}

func ascent(f font.Face) int  { return f.Metrics().Ascent.Ceil() }
func descent(f font.Face) int { return f.Metrics().Descent.Ceil() + 2 }

// versionsText says which versions the card compares and when each was seen.
func versionsText(c Card) string {
	return fmt.Sprintf("version %d (%s) → version %d (%s)", c.Item.FromVersion, stampOf(c.FromAt), c.Item.ToVersion, stampOf(c.Item.At))
}

// line draws one laid-out line at baseline y.
func (cv *canvas) line(l []placed, y int) {
	for _, p := range l {
		face := cv.f.face(p.style)
		col := colourOf(p.style)
		cv.text(face, col, p.text, p.x, y)
		wid := font.MeasureString(face, p.text)
		x0 := cv.left + p.x.Round()
		x1 := cv.left + (p.x + wid).Round()
		thick := max(2, face.Metrics().Height.Round()/14)
		switch p.style {
		case deleted: // struck through at mid x-height
			cv.hline(x0, x1, y-face.Metrics().XHeight.Round()/2-thick/2, thick, col)
		case inserted: // underlined below the baseline
			cv.hline(x0, x1, y+thick+1, thick, col)
		case marker: // boxed, so it reads as a stand-in, not as text
			top := y - face.Metrics().Ascent.Round()
			bot := y + face.Metrics().Descent.Round()
			cv.hline(x0, x1, top, 1, col)
			cv.hline(x0, x1, bot, 1, col)
			cv.vline(x0, top, bot, col)
			cv.vline(x1-1, top, bot, col)
		}
	}
}

func (cv *canvas) text(face font.Face, col color.Color, s string, x fixed.Int26_6, y int) {
	d := font.Drawer{Dst: cv.dst, Src: image.NewUniform(col), Face: face, Dot: fixed.Point26_6{X: fixed.I(cv.left) + x, Y: fixed.I(y)}}
	d.DrawString(s)
}

func (cv *canvas) hline(x0, x1, y, thick int, col color.Color) {
	draw.Draw(cv.dst, image.Rect(x0, y, x1, y+thick), image.NewUniform(col), image.Point{}, draw.Over)
}

func (cv *canvas) vline(x, y0, y1 int, col color.Color) {
	draw.Draw(cv.dst, image.Rect(x, y0, x+1, y1), image.NewUniform(col), image.Point{}, draw.Over)
}

func (cv *canvas) rule(y, thick int, col color.Color) {
	b := cv.dst.Bounds()
	draw.Draw(cv.dst, image.Rect(b.Min.X, y, b.Max.X, y+thick), image.NewUniform(col), image.Point{}, draw.Src)
}

// Alt is the card's alt text: what it shows, in words, with every change's
// full before and after (cleaned of controls and bidi overrides), so a
// reader who cannot see the image misses nothing. marked says the card
// replaced characters it cannot draw with markers.
func Alt(c Card, marked bool) string {
	it := c.Item
	var b strings.Builder
	fmt.Fprintf(&b, "redline diff card. %s: “%s”.\n", Host(it.URL), sanitize.Line(it.Title))
	fmt.Fprintf(&b, "Compares %s.\n", versionsText(c))
	if it.Reread {
		fmt.Fprintf(&b, "Note: %s; its differences may come from the new reading rather than an edit.\n", report.RereadNote(it))
	}
	changes := Top(it.Changes)
	if len(changes) == 0 {
		b.WriteString("No change of substance.\n")
	}
	for i, ch := range changes {
		fmt.Fprintf(&b, "%d. %s severity: %s, %s.", i+1, ch.Severity, kindText(ch.Kind), locationOf(ch, it.FromVersion))
		if sp := speakerText(ch); sp != "" {
			fmt.Fprintf(&b, " Speaker: %s.", sp)
		}
		for _, q := range ch.Quotes {
			quoteWords.write(&b, sanitize.Line(q.Before), sanitize.Line(q.After))
		}
		textWords.write(&b, sanitize.Line(ch.Before), sanitize.Line(ch.After))
		b.WriteString("\n")
	}
	b.WriteString("On the card, deleted words are struck through and inserted words underlined.\n")
	if marked {
		b.WriteString("Characters the card's font cannot draw (such as emoji, or scripts like Arabic or Devanagari that it cannot shape) are shown on the card as boxed markers naming them, such as [Arabic] or [emoji]; the text above gives them in full.\n")
	}
	return b.String()
}

// beforeAfter is how the card's text alternative says what became of a
// text: each a format for fmt, with the text (added, removed, same) or
// the text before and after (changed). An empty same says nothing.
type beforeAfter struct{ added, removed, changed, same string }

var (
	quoteWords = beforeAfter{" Quote added: “%s”.", " Quote removed: “%s”.", " Quote before: “%s”; after: “%s”.", ""}
	textWords  = beforeAfter{" Added: “%s”.", " Removed: “%s”.", " Before: “%s”. After: “%s”.", " Text: “%s”."}
)

// write tells b what became of before, now after.
func (w beforeAfter) write(b *strings.Builder, before, after string) {
	switch {
	case before == "" && after != "":
		fmt.Fprintf(b, w.added, after)
	case after == "" && before != "":
		fmt.Fprintf(b, w.removed, before)
	case before != after:
		fmt.Fprintf(b, w.changed, before, after)
	case w.same != "":
		fmt.Fprintf(b, w.same, after)
	}
}
