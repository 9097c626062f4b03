package extract

import "testing"

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
