package diffing

import "testing"

// TestCopyEditOps checks the copy-edits of articles, list punctuation and
// list labels, and that an article beside a figure word is judged on the
// figures ("the third" → "a third" changes a figure).
func TestCopyEditOps(t *testing.T) {
	cases := []struct {
		x, y string
		want bool
	}{
		{"following the expansion of a scheme.", "following the expansion of the scheme.", true},
		{"by the end of the March.", "by the end of March.", true},
		{"It was the third time.", "It was a third time.", false},
		{"It rose by a third.", "It rose by the third.", false},
		{"Services run by pharmacies; and", "services run by pharmacies", true},
		{"Services run by pharmacies; and", "Services run by pharmacies and clinics", false},
		{"they: a. are ill b. are old", "they: are ill are old", true},
		{"John F. Kennedy spoke.", "John Kennedy spoke.", false},
		{"The government announced people would", "The government announced that people would", true},
		{"The accounts for 2019/2020.", "The accounts for 2019 to 2020.", true},
		{"The accounts for 2019/2020.", "The accounts for 2019 to 2021.", false},
	}
	for _, tc := range cases {
		if got := copyEditOps(WordDiff(tc.x, tc.y), tc.x, tc.y); got != tc.want {
			t.Errorf("copyEditOps(%q → %q) = %v, want %v", tc.x, tc.y, got, tc.want)
		}
	}
}
