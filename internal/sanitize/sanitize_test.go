package sanitize

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/clipperhouse/uax29/v2/graphemes"
)

func TestSanitizeTerminal(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"plain", "Minister says budget will not rise", "Minister says budget will not rise"},
		{"unicode_kept", "Zoë said “no” — ¶3 中文 🙂 \uFFFD", "Zoë said “no” — ¶3 中文 🙂 \uFFFD"},
		{"newline_and_tab_kept", "a\nb\tc", "a\nb\tc"},
		{"sgr", "a\x1b[31mred\x1b[0m", "ared"},
		{"clear_screen", "\x1b[2J\x1b[Hhello", "hello"},
		{"csi_private", "\x1b[?1049hx", "x"},
		{"osc_title_bel", "\x1b]0;pwned\x07title", "title"},
		{"osc8_link_st", "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"osc_unterminated", "\x1b]0;abc", "0;abc"},
		{"dcs", "\x1bPq#0;2;0;0;0\x1b\\x", "x"},
		{"apc_pm_sos", "\x1b_a\x1b\\\x1b^b\x1b\\\x1bXc\x1b\\d", "d"},
		{"reset_and_cursor_save", "\x1bc\x1b7x\x1b8", "x"},
		{"charset_nf", "\x1b(0x\x1b(B", "x"},
		{"lone_esc_at_end", "abc\x1b", "abc"},
		{"double_esc", "\x1b\x1b[31mx", "x"},
		{"c1_csi", "a\u009b31mb", "ab"},
		{"c1_osc", "a\u009d0;t\u009cb", "ab"},
		{"c1_other", "a\u0085b\u009cc", "abc"},
		{"raw_8bit_csi_byte", "a\x9b31mb", "a\uFFFD31mb"},
		{"invalid_utf8", "a\xff\xfeb", "a\uFFFD\uFFFDb"},
		{"c0_controls", "a\rb\bc\x07d\x00e\x0bf\x0cg", "abcdefg"},
		{"del", "a\x7fb", "ab"},
		{"bidi_override", "abc\u202edcba\u202c", "abcdcba"},
		{"bidi_isolates", "\u2066a\u2067b\u2068c\u2069", "abc"},
		{"bidi_marks_kept", "a\u200fb\u200ec", "a\u200fb\u200ec"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Terminal(tc.in); got != tc.want {
				t.Errorf("Terminal(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestClean_OneLine(t *testing.T) {
	in := "Title\n2. high · quote_changed\r\tx\u2028y"
	if got, want := Line(in), "Title 2. high · quote_changed x y"; got != want {
		t.Errorf("Line(%q) = %q, want %q", in, got, want)
	}
}

func FuzzSanitizeTerminal(f *testing.F) {
	for _, s := range []string{
		"plain", "\x1b[31mx\x1b[0m", "\x1b]8;;u\x07t\x1b]8;;\x07", "\x1b]0;abc", "\u009b1m\u009d\u009c",
		"\x9b\xff", "\u202eabc", "a\nb\tc\rd", "\x1bP\x1b\\", "\x1b", "中文\x1b[1m",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := Terminal(in)
		if !utf8.ValidString(got) {
			t.Fatalf("Terminal(%q) = %q, not valid UTF-8", in, got)
		}
		for _, r := range got {
			if (isControl(r) && r != '\n' && r != '\t') || isBidiControl(r) {
				t.Fatalf("Terminal(%q) = %q, keeps %U", in, got, r)
			}
		}
		if again := Terminal(got); again != got {
			t.Fatalf("sanitizeTerminal is not idempotent on %q: %q then %q", in, got, again)
		}
		// Text with nothing to remove comes back byte for byte.
		if utf8.ValidString(in) && !strings.ContainsFunc(in, func(r rune) bool {
			return (isControl(r) && r != '\n' && r != '\t') || isBidiControl(r)
		}) && got != in {
			t.Fatalf("Terminal(%q) = %q, changed safe text", in, got)
		}
	})
}

func TestCut(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"within", "abc", 3, "abc"},
		{"empty", "", 0, ""},
		{"one_over", "abcd", 3, "ab…"},
		{"long", strings.Repeat("x", 500), 5, "xxxx…"},
		{"runes_not_bytes", "Zoë Ünal", 8, "Zoë Ünal"},
		{"cut_between_runes", "ééééé", 3, "éé…"},
		{"cjk", "中文中文中文", 4, "中文中…"},
		{"emoji", "🙂🙂🙂", 2, "🙂…"},
		{"max_one", "abc", 1, "…"},
		// Between graphemes: no letter without its accent, no half flag.
		{"combining_accent", "ae\u0301bc", 3, "a…"},
		{"flag", "🇫🇷🇩🇪🇮🇹", 4, "🇫🇷…"},
		{"zwj_sequence", "ab👩🏽‍⚕️cd", 4, "ab…"},
		{"max_zero", "abc", 0, ""},
		{"negative", "abc", -1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Cut(tc.in, tc.max)
			if got != tc.want {
				t.Errorf("Cut(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
			}
			if n := utf8.RuneCountInString(got); n > max(tc.max, 0) {
				t.Errorf("Cut(%q, %d) has %d runes", tc.in, tc.max, n)
			}
			if !utf8.ValidString(got) {
				t.Errorf("Cut(%q, %d) = %q: invalid UTF-8", tc.in, tc.max, got)
			}
		})
	}
}

// TestCutBy: the cut counts by the cost given, the ellipsis at its own
// cost (three bytes by Bytes), falls between graphemes, at a space with
// words, and leaves no dangling space or comma before the ellipsis.
func TestCutBy(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    string
		n     int
		cost  func(string) int
		words bool
		want  string
	}{
		{"bytes_within", "exactly10!", 10, Bytes, false, "exactly10!"},
		{"bytes_space_trimmed", "one two three four", 10, Bytes, false, "one two…"},
		{"bytes_two_byte_runes", "ééééééé", 10, Bytes, false, "ééé…"},
		{"bytes_three_byte_runes", "€€€€€", 8, Bytes, false, "€…"},
		{"bytes_no_room", "€€€€€", 2, Bytes, false, ""},
		{"bytes_accent_kept", "ae\u0301e\u0301e\u0301", 6, Bytes, false, "a…"},
		{"graphemes_emoji_one_each", "👩🏽‍⚕️👩🏽‍⚕️👩🏽‍⚕️", 2, Graphemes, false, "👩🏽‍⚕️…"},
		{"graphemes_words", "The council approved the harbour budget", 20, Graphemes, true, "The council…"},
		{"words_only_second_half", "Harbourbudget approved", 12, Graphemes, true, "Harbourbudg…"},
		{"comma_trimmed", "one, two, three", 6, Runes, false, "one…"},
		{"negative_keeps", "abc", -1, Runes, false, "abc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := CutBy(tc.in, tc.n, tc.cost, tc.words)
			if got != tc.want {
				t.Errorf("CutBy(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
			}
			paid := 0
			for it := graphemes.FromString(got); it.Next(); {
				paid += tc.cost(it.Value())
			}
			if tc.n >= 0 && paid > tc.n {
				t.Errorf("CutBy(%q, %d) = %q costs %d", tc.in, tc.n, got, paid)
			}
			if !utf8.ValidString(got) {
				t.Errorf("CutBy(%q, %d) = %q: invalid UTF-8", tc.in, tc.n, got)
			}
		})
	}
}
