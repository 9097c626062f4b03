// Package sanitize makes scraped text safe to show: on a terminal, in a
// one-line field of a report, in an e-mail header, cut to the length a
// field allows. It is the one place redline decides which characters of a
// page may reach a reader's screen.
package sanitize

import (
	"strings"
	"unicode/utf8"
)

// Terminal makes scraped text safe to print on a terminal. A hostile
// article could otherwise clear the screen, retitle the window, plant an OSC 8
// hyperlink or redraw a quote it never printed, so a reader would trust a
// report that lies. It
//   - removes whole escape sequences (CSI, OSC, DCS, SOS, PM, APC and the
//     short ESC forms), whether introduced by ESC or by their 8-bit C1 form;
//   - removes every other C0 control, DEL and every C1 control, keeping only
//     newline and tab;
//   - removes the bidirectional overrides and isolates (U+202A–U+202E,
//     U+2066–U+2069), which reorder how the rest of the line is shown
//     ("Trojan Source"), so the quote on screen is the quote in the store;
//   - replaces invalid UTF-8 with U+FFFD, because a stray 0x9B byte is CSI to
//     a terminal that is not in UTF-8 mode.
//
// A string sequence (OSC, DCS…) without its terminator loses only its
// introducer: what follows is inert once no ESC is left, and showing it
// hides less of the article than dropping the rest of the line would.
func Terminal(s string) string {
	if isTerminalSafe(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteRune(utf8.RuneError)
			i += size
		case r == 0x1b:
			i += escapeLen(s[i:])
		case r == 0x9b: // C1 CSI
			i += size + csiLen(s[i+size:])
		case r == 0x90 || r == 0x98 || r == 0x9d || r == 0x9e || r == 0x9f: // C1 DCS, SOS, OSC, PM, APC
			i += size + stringSeqLen(s[i+size:])
		case r == '\n' || r == '\t':
			b.WriteRune(r)
			i += size
		case isControl(r) || isBidiControl(r):
			i += size
		default:
			b.WriteString(s[i : i+size])
			i += size
		}
	}
	return b.String()
}

// isTerminalSafe reports whether s needs no change, so the common case
// allocates nothing.
func isTerminalSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
			return false
		}
		if c >= 0x80 {
			return utf8.ValidString(s[i:]) && !strings.ContainsFunc(s[i:], func(r rune) bool {
				return isControl(r) || isBidiControl(r)
			})
		}
	}
	return true
}

// Hidden reports whether r is a character Terminal removes: a C0 or C1
// control, DEL, or a bidirectional override or isolate. Encoders that must
// keep the text (JSON) escape these instead.
func Hidden(r rune) bool { return isControl(r) || isBidiControl(r) }

func isControl(r rune) bool {
	return r < 0x20 || r >= 0x7f && r <= 0x9f
}

func isBidiControl(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// escapeLen returns how many bytes of s, which starts with ESC, form one
// escape sequence (ECMA-48 §5.3), at least 1.
func escapeLen(s string) int {
	if len(s) < 2 {
		return len(s)
	}
	switch c := s[1]; {
	case c == '[':
		return 2 + csiLen(s[2:])
	case c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_':
		return 2 + stringSeqLen(s[2:])
	case c >= 0x20 && c <= 0x2f: // nF: intermediates, then a final byte
		n := 2
		for n < len(s) && s[n] >= 0x20 && s[n] <= 0x2f {
			n++
		}
		if n < len(s) && s[n] >= 0x30 && s[n] <= 0x7e {
			n++
		}
		return n
	case c >= 0x30 && c <= 0x7e: // Fp, Fe, Fs: one byte
		return 2
	default:
		return 1
	}
}

// csiLen returns the length of a control sequence's parameters,
// intermediates and final byte at the start of s. A malformed sequence ends
// where a terminal would abandon it.
func csiLen(s string) int {
	n := 0
	for n < len(s) && s[n] >= 0x30 && s[n] <= 0x3f {
		n++
	}
	for n < len(s) && s[n] >= 0x20 && s[n] <= 0x2f {
		n++
	}
	if n < len(s) && s[n] >= 0x40 && s[n] <= 0x7e {
		n++
	}
	return n
}

// stringSeqLen returns the length of a control string's body and terminator
// (BEL, ESC \ or C1 ST) at the start of s, or 0 if it is never terminated.
func stringSeqLen(s string) int {
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == 0x07:
			return i + 1
		case s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\':
			return i + 2
		case s[i] == 0xc2 && i+1 < len(s) && s[i+1] == 0x9c: // U+009C ST
			return i + 2
		}
	}
	return 0
}

// oneLine puts s on one line. Every scraped field is shown on a line of its
// own, so a newline inside a title could forge a line of the report (a fake
// "2. high · quote_changed"). Tabs go too, as they would misalign the layout.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\n\t\u2028\u2029") {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case '\n', '\t', '\u2028', '\u2029':
			return ' '
		}
		return r
	}, s)
}

// Line makes scraped text safe to show on one line: Terminal, then
// newlines, tabs and line separators turned into spaces. It does not
// escape HTML or Markdown.
func Line(s string) string { return oneLine(Terminal(s)) }
