package diffing_test

import (
	"testing"
	"unicode/utf8"

	"github.com/redline-news/redline/diffing"
)

func TestNormalize(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain", "Sheinbaum spoke.", "Sheinbaum spoke."},
		{"NFC composes a combining accent", "Nicola\u0301s Maduro", "Nicolás Maduro"},
		{"NFC leaves a composed letter", "Nicolás", "Nicolás"},
		{"zero-width space between letter and accent", "e\u200b\u0301", "é"},
		{"NBSP", "100\u00a0000 troops", "100 000 troops"},
		{"narrow NBSP and thin space", "U.S.\u2009forces\u202fmoved", "U.S. forces moved"},
		{"tabs and runs of spaces", "a \t  b", "a b"},
		{"zero-width space", "phone\u200bcall", "phonecall"},
		{"zero-width joiners and marks", "a\u200cb\u200dc\u200ed\u200fe\u2060f\ufeffg", "abcdefg"},
		{"zero-width space between words", "phone \u200bcall", "phone call"},
		{"soft hyphen", "counter\u00adterrorism", "counterterrorism"},
		{"control characters", "a\x00b\x07c", "abc"},
		{"CRLF", "one\r\ntwo\r\nthree", "one\ntwo\nthree"},
		{"CR alone", "one\rtwo", "one\ntwo"},
		{"blank lines dropped", "one\n\n\n  \t\ntwo", "one\ntwo"},
		{"line and paragraph separators", "one\u2028two\u2029three\u0085four", "one\ntwo\nthree\nfour"},
		{"lines trimmed", "  one  \n\ttwo\t", "one\ntwo"},
		{"leading and trailing blank lines", "\n\n one \n\n", "one"},
		{"only whitespace", " \n\t\u00a0\u200b\n ", ""},
		{"invalid UTF-8", "a\xffb\xc3", "a\ufffdb\ufffd"},
		{"bidi override kept", "a\u202eb", "a\u202eb"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := diffing.Normalize(tc.in)
			if got != tc.want {
				t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if again := diffing.Normalize(got); again != got {
				t.Errorf("Normalize is not idempotent on %q: %q", got, again)
			}
			if !utf8.ValidString(got) {
				t.Errorf("Normalize(%q) = %q, not valid UTF-8", tc.in, got)
			}
		})
	}
}
