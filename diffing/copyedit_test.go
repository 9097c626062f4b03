package diffing

import "testing"

// pairCase is two strings and whether a predicate holds for them.
type pairCase struct {
	x, y string
	want bool
}

// checkPairs fails for each case where pred(x, y) is not want; name is
// pred's name in the messages.
func checkPairs(t *testing.T, name string, pred func(x, y string) bool, cases []pairCase) {
	t.Helper()
	for _, tc := range cases {
		if got := pred(tc.x, tc.y); got != tc.want {
			t.Errorf("%s(%q, %q) = %v, want %v", name, tc.x, tc.y, got, tc.want)
		}
	}
}

// TestCopyEditOps checks the copy-edits of articles, list punctuation and
// list labels, and that an article beside a figure word is judged on the
// figures ("the third" → "a third" changes a figure).
func TestCopyEditOps(t *testing.T) {
	checkPairs(t, "copyEditOps", func(x, y string) bool { return copyEditOps(WordDiff(x, y), x, y) }, []pairCase{
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
		{"The review of review of pet food.", "The review of pet food.", true},
		{"He had had enough.", "He had enough.", true},
		{"Her Majesty’s Prison and Probation Service said.", "HM Prison and Probation Service said.", true},
		{"Boris Johnson said.", "BJ said.", true},
		{"Her Majesty’s Prison said.", "HMT Prison said.", false},
		{"The review of pet food.", "The review of cat food.", false},
		{"It backs the Trade and Cooperation Agreement (TCA) agreement.", "It backs the TCA agreement.", true},
		{"It backs the Trade and Cooperation Agreement (TCA) agreement.", "It backs the EEA agreement.", false},
		{"It backs the Trade and Cooperation Agreement agreement.", "It backs the TCA agreement.", true}, // its initials
		{"Read {ETSI EN 303 645](https://www.etsi.org/en_303645v020101p.pdf) now.", "Read ETSI EN 303 645 now.", true},
		{"Read [the guide](https://www.gov.uk/guide) now.", "Read [the new guide](https://www.gov.uk/guide) now.", false},
	})
}

// TestNamesWrittenAnotherWay checks the rules that read two names as one
// (a place's adjective, a slip in a name that is no person's, initials)
// and their limits: given names one letter apart, persons respelled,
// initials that spell something else.
func TestNamesWrittenAnotherWay(t *testing.T) {
	checkPairs(t, "demonym", demonym, []pairCase{
		{"Ukrainian", "Ukraine", true}, {"Nigerian", "Nigeria", true}, {"Mexican", "Mexico", true},
		{"Italian", "Italy", true}, {"Brazilian", "Brazil", true},
		{"Julian", "Julia", false}, {"Adrian", "Adriana", false}, {"Russian", "Ukraine", false},
	})
	checkPairs(t, "respelled", respelled, []pairCase{
		{"Lithunia", "Lithuania", true}, {"Bexit", "Brexit", true},
		{"Mathew Rycroft", "Matthew Rycroft", false}, // a person's name corrected stays an entity change
		{"East Lothian", "Midlothian", false}, {"Iran", "Iraq", false}, {"Gambia", "Zambia", false},
		{"Russia", "Prussia", false}, {"Derby", "Derry", false}, // another place, a letter changed or put first
	})
	checkPairs(t, "initialsOf", initialsOf, []pairCase{
		{"HM", "Her Majesty’s", true}, {"DWP", "Department for Work and Pensions", true},
		{"PRs", "Public Reviews", true}, {"UK", "Her Majesty’s", false}, {"HMT", "Her Majesty’s", false},
		{"Hm", "Her Majesty’s", false},
	})
	checkPairs(t, "nonWordSlip", nonWordSlip, []pairCase{
		{"tp", "up", true}, {"thw", "the", true},
		{"km", "kg", false}, {"CET", "CEST", false}, {"now", "not", false}, {"tw", "two", false},
	})
}

// TestSameStemNounIsASlip checks that a noun replaced by another noun of
// its stem, more letters apart than a slip (applications → applicants,
// real pair 80 of the labelled revisions), is shown as a one-word slip at
// low severity, in the dek as in the body; and that a short stem
// (migrants → migration) or a noun of another suffix (settlers →
// settlements, employer → employee, executive → execution) is not one.
func TestSameStemNounIsASlip(t *testing.T) {
	cases := []struct {
		before, after string
		slip          bool
	}{
		{"The service is working with applications to improve the process.", "The service is working with applicants to improve the process.", true},
		{"The report counts the migrants in the region.", "The report counts the migration in the region.", false},
		{"The report counts the settlers in the region.", "The report counts the settlements in the region.", false},
	}
	for _, tc := range cases {
		for _, where := range []string{"dek", "body"} {
			var a, b Document
			if where == "dek" {
				a, b = Document{Dek: tc.before}, Document{Dek: tc.after}
			} else {
				a, b = Document{Paragraphs: []string{tc.before}}, Document{Paragraphs: []string{tc.after}}
			}
			cs := Compare(a, b)
			if len(cs.Changes) != 1 {
				t.Fatalf("%s %q → %q: %d changes, want 1", where, tc.before, tc.after, len(cs.Changes))
			}
			c := cs.Changes[0]
			if low := c.Severity <= SeverityLow; low != tc.slip {
				t.Errorf("%s %q → %q: kinds %v at severity %v, want a slip at low severity: %v", where, tc.before, tc.after, c.Kinds, c.Severity, tc.slip)
			}
		}
	}
	checkPairs(t, "sameStemNoun", sameStemNoun, []pairCase{
		{"applications", "applicants", true}, {"residence", "residents", true}, {"agreement", "agreements", true},
		{"migrants", "migration", false}, {"employer", "employee", false}, {"executive", "execution", false},
		{"conservative", "conservation", false}, {"nationals", "nationalists", false}, {"settlers", "settlements", false},
	})
}
