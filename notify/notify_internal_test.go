package notify

import (
	"mime"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/report"
)

func TestPlain(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"  a\r\nb\t c  ", 10, "a b c"},
		{"x\x1b[2Jy\x00\u202ez\u009b", 10, "xyz"}, // the whole escape sequence goes, as on a terminal,
		{"bad\xffutf8", 10, "bad\uFFFDutf8"},
		{"abcdef", 4, "abcd…"},
		{"ab    cdef", 4, "ab c…"},
		// Cut between graphemes: no half emoji sequence, no letter
		// without its accent.
		{"ab👩🏽‍⚕️cd", 3, "ab…"},
		{"ae\u0301b", 2, "a…"},
	} {
		if got := plain(tc.in, tc.max); got != tc.want {
			t.Errorf("plain(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}

// TestSubject_LongTitleFolds checks that the longest title, all
// non-ASCII, gives a Subject whose lines all fit and that decodes back.
func TestSubject_LongTitleFolds(t *testing.T) {
	long := strings.Repeat("Ünïcödé ", 100)
	got := fold("Subject: " + subject(Digest{Items: []report.Item{{URL: "u", Title: long}}}))
	for _, line := range strings.Split(got, "\r\n") {
		if len(line) > 78 {
			t.Errorf("line of %d bytes: %q", len(line), line)
		}
	}
	unfolded := strings.TrimPrefix(strings.ReplaceAll(got, "\r\n", ""), "Subject: ")
	dec, err := new(mime.WordDecoder).DecodeHeader(unfolded)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(dec, "[redline] none: Ünïcödé") || !strings.HasSuffix(dec, "…") || utf8.RuneCountInString(dec) > 230 {
		t.Errorf("decoded subject = %q, want the title cut at 200 runes", dec)
	}
}

// TestKinds_Cleaned: a kind read back from a stored delivery is shown as
// the report shows kinds (layout.KindLabel: sanitize.Line), and escaped
// for Slack, so a change set in the store cannot ping a channel, plant a
// link or send an escape sequence through a kind's name.
func TestKinds_Cleaned(t *testing.T) {
	it := report.Item{URL: "https://news.example/a", Title: "t", FromVersion: 1, ToVersion: 2,
		Changes: &diffing.ChangeSet{Changes: []diffing.Change{
			{Kind: "quote_changed", Kinds: []diffing.Kind{"quote_changed", "<!channel>\x1b[2J"}, Severity: diffing.SeverityHigh},
		}}}
	if got, want := kinds(it), []string{"<!channel>", "quote_changed"}; !slices.Equal(got, want) {
		t.Errorf("kinds = %q, want %q", got, want)
	}
	msg := slackItem(it)
	if !strings.Contains(msg, "&lt;!channel&gt;, quote_changed") || strings.Contains(msg, "<!channel>") || strings.Contains(msg, "\x1b") {
		t.Errorf("slack item = %q, want the kind cleaned and escaped", msg)
	}
}
