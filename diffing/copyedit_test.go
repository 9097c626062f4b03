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
		{"The Department for Education (DfE) said so.", "The Department for Education said so.", true},
		{"The Product Security and Telecommunications Infrastructure (PSTI) Bill passed.", "The Product Security and Telecommunications Infrastructure Bill (PSTI) passed.", true},
		{"The Infrastructure (PSTI) Bill passed.", "The Infrastructure Bill (PSTI) passed.", false}, // PSTI abbreviates no name here
		{"Jane Doe (CEO) said so.", "Jane Doe said so.", false},
		{"Read {ETSI EN 303 645](https://www.etsi.org/en_303645v020101p.pdf) now.", "Read ETSI EN 303 645 now.", true},
		{"Read [the guide](https://www.gov.uk/guide) now.", "Read [the new guide](https://www.gov.uk/guide) now.", false},
	}
	for _, tc := range cases {
		if got := copyEditOps(WordDiff(tc.x, tc.y), tc.x, tc.y); got != tc.want {
			t.Errorf("copyEditOps(%q → %q) = %v, want %v", tc.x, tc.y, got, tc.want)
		}
	}
}
