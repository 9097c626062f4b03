package extract

import (
	"regexp"
	"testing"
)

func TestStampText(t *testing.T) {
	for _, c := range []struct {
		s    string
		want bool
	}{
		{"Published Nov 11, 2019 5:51 PM EST", true},
		{"Published 11:51 PM EST Nov 11, 2019", true},
		{"Updated 3 minutes ago", true},
		{"Updated at 1:23 p.m.", true},
		{"Published November 20th, 2019 - 07:21 GMT", true},
		{"2019-11-26 17:31:46 Marcus De Guzman", true},
		{"JANIE HAR Nov. 20, 2019Updated: Nov. 20, 2019 1:35 a.m.", true},
		{"Photo by Kirk Irwin/Getty Images", true},
		{"1,204 comments", true},
		{"On Nov. 11, Trump said the review would end.", false},
		{"The vote is set for 5:30 pm on Monday, officials said.", false},
		{"May Day", false},
		{"Theresa May", false},
		{"2018 | 1,234 | 5.6", false},
		{"Photographers were kept away from the scene by police for three hours on Friday night.", false},
	} {
		if got := stampText(c.s); got != c.want {
			t.Errorf("stampText(%q) = %v, want %v", c.s, got, c.want)
		}
	}
}

// TestSpaceDigitCaps holds spaceDigitCaps to the regexp it replaces.
func TestSpaceDigitCaps(t *testing.T) {
	re := regexp.MustCompile(`(\d)(\p{Lu})`)
	for _, s := range []string{
		"", "1", "A1", "1A", "2019Updated: Nov. 20, 2019 1:35 a.m.", "1A2B3c4D", "12ÉTÉ 3é",
		"9\xffA", "7Ǆ 8ǅ", "0Σ", "10 Downing", "a1b2C", "1", "x9",
	} {
		if got, want := spaceDigitCaps(s), re.ReplaceAllString(s, "$1 $2"); got != want {
			t.Errorf("spaceDigitCaps(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestStampText_NoDigit: without a digit only a credit is a stamp, and
// mayBeCredit lets every credit through.
func TestStampText_NoDigit(t *testing.T) {
	for _, s := range []string{"Photo by Kirk Irwin", "(Photos: AP)", "image credit Reuters", "Illustration: Jane Doe", "CREDITS: staff", "Pictures by Sam"} {
		if !mayBeCredit(s) || !stampText(s) {
			t.Errorf("stampText(%q) = false, want a credit", s)
		}
	}
	for _, s := range []string{"Updated yesterday", "By Staff", "Monday"} {
		if stampText(s) {
			t.Errorf("stampText(%q) = true, want false: no number", s)
		}
	}
}
