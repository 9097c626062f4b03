package diffing

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestFigures_Qualified checks that qualifiers, proportions, dates and
// times are read as part of their figures (issue 17 point 4).
func TestFigures_Qualified(t *testing.T) {
	CheckLists(t, "Figures", Figures, []ListCase{
		{"Power was cut to almost 40,000 households.", []string{"almost 40,000"}},
		{"More than two thirds of it came by sea.", []string{"More than two thirds"}},
		{"It costs under $900, up to £20 million, at least 12.", []string{"under $900", "up to £20 million", "at least 12"}},
		{"Projects above £10k, inflation above 2%; the figures above show 3.", []string{"above £10k", "above 2%", "3"}},
		{"Those aged 70 or over, the 70+ group, £15,000 or under, 40 or more people, 5+3.",
			[]string{"70 or over", "70+", "£15,000 or under", "40 or more", "5", "3"}},
		{"Rich and poor, 12 and over 30 people, 12 or under £5.", []string{"12", "over 30", "12", "under £5"}},
		{"More than a million, a hundred; rain over the weekend, throughout the week, in the morning; the week was long.",
			[]string{"More than a million", "a hundred", "weekend", "week", "morning"}},
		{"A record 40 died; as many as 3,000 fled.", []string{"A record 40", "as many as 3,000"}},
		{"Most of them, the majority, none of us.", []string{"Most of", "the majority", "none of"}},
		{"It opens on Monday evening, next week, in March, at noon.", []string{"Monday evening", "next week", "March", "noon"}},
		{"It fell within hours, two days before the vote, at 4:30pm.", []string{"within hours", "two days before", "4:30pm"}},
		{"The proposal, first floated early last year, was rejected.", []string{"first", "early last year"}},
		{"May we go? Not in May.", []string{"May"}},
		{"Some Republicans said the week was over.", nil},
		{"Most residents, the vast majority, said none; the most likely, most probably.", []string{"Most", "the vast majority", "none"}},
		{"Those most affected and most important said most people agreed.", []string{"most"}},
		{"Signed on 3/3/2020 for one year.", []string{"3/3/2020", "one"}},
		{"It opened on 26th March, as on 7th July 2005.", []string{"26th March", "7th July 2005"}},
		{"From Monday 22 February and Tuesday, March 3 to Friday.", []string{"Monday 22 February", "Tuesday, March 3", "Friday"}},
		{"It publishes a fortnightly briefing and weekly data, not regular ones.", []string{"fortnightly", "weekly"}},
		{"Work resumes as soon as possible, early in 2021, late in March, in the autumn or by spring.",
			[]string{"as soon as possible", "early in 2021", "late in March", "autumn", "spring"}},
		{"The spring of water; as soon as we can; the last 40 people.", []string{"40"}},
		{"Launch no earlier than 25 December 2021, no later than 5pm, not before March, no more than 40.",
			[]string{"no earlier than 25 December 2021", "no later than 5pm", "not before March", "no more than 40"}},
	})
}

// TestFigures_Identifiers checks that digits that name rather than count
// are no figure: phone numbers, postcodes and reference numbers, a name
// such as COVID-19, and the digits of a web address; a day or a time
// written with a leading zero still is one.
func TestFigures_Identifiers(t *testing.T) {
	CheckLists(t, "Figures", Figures, []ListCase{
		{"Newsdesk 020 7783 8300, enquiries 0370 000 2288, from 9am.", []string{"9am"}},
		{"At Calle Mayor, 29120 Alhaurín, on 3 June; case 2012056403.", []string{"3 June"}},
		{"COVID-19 and covid-19 tests, Covid-19 rules and an F-16, for over-70s in mid-2020.", []string{"over-70", "mid-2020"}},
		{"See https://example.org/file/868013/Readout_04_02.pdf (PDF, 180KB, 2 pages).", []string{"180", "2"}},
		{"Closing date 01 June 2021 at 09:30, signed 05/06/2020.", []string{"01 June 2021", "09:30", "05/06/2020"}},
		{"About 12,000 people and 40 staff.", []string{"About 12,000", "40"}},
		// A building's number in an address with a postcode names it.
		{"At Calle Carmen 1, 29870 Nerja, Plaza de Andalucía, 1, 29710 Periana, on 3 June.", []string{"3 June"}},
		{"Calle Miguel Delibes 11, Sabinillas 29692; Tehtaankatu 23, 00150 Helsinki.", nil},
		{"In 2019, 12 people came; by 30 June, 40 more.", []string{"2019", "12", "30 June", "40"}},
	})
}

// TestFigures_Ranges checks that a range or an alternative of dates or
// times is one figure, keyed by its ends however they are joined, and
// that numbers joined by a hyphen (a score) or by words stay apart.
func TestFigures_Ranges(t *testing.T) {
	CheckLists(t, "Figures", Figures, []ListCase{
		{"Open 4.00pm - 5.00pm, then 10:30am-12:30pm and 17:00–18:00.", []string{"4.00pm - 5.00pm", "10:30am-12:30pm", "17:00–18:00"}},
		{"Date TBC August/September 2019, was Mid-February 2021.", []string{"August/September 2019", "Mid-February 2021"}},
		{"Unavailable between 7am and 12pm; it runs from 18 May until 10 August 2022.", []string{"7am and 12pm", "18 May until 10 August 2022"}},
		{"A 3-1 win; it rose from 5 to 10; 7am and 9 people.", []string{"3", "1", "5", "10", "7am", "9"}},
		{"Apply by 5pm on Monday 28 February, by 23:59pm (GMT) on 15 January; on 4 February at 3pm.",
			[]string{"5pm on Monday 28 February", "23:59pm (GMT) on 15 January", "4 February", "3pm"}},
		{"Until 5pm 23 December, from 4pm, Friday 11 December; 3 people 23 December.",
			[]string{"5pm 23 December", "4pm, Friday 11 December", "3", "23 December"}},
		// A year range with its end year shortened (a financial year) is
		// one figure; other numbers after a year are not its end.
		{"The 2022-23 programme, the 2019–20 season; 2022-24 and 2022-5.", []string{"2022-23", "2019–20", "2022", "24", "2022", "5"}},
	})
	if a, b := figureKey("a million"), figureKey("1 million"); a != b {
		t.Errorf("figureKey(a million) = %q, figureKey(1 million) = %q, want the same", a, b)
	}
	if a, b := figureKey("70+"), figureKey("70 or over"); a != b {
		t.Errorf("figureKey(70+) = %q, figureKey(70 or over) = %q, want the same", a, b)
	}
	if a, b := figureKey("70 or over"), figureKey("70"); a == b {
		t.Errorf("figureKey(70 or over) = figureKey(70) = %q, want different", a)
	}
	same := [][2]string{{"2019/2020", "2019 to 2020"}, {"4pm - 5pm", "4pm–5pm"}, {"2022-23", "2022 to 2023"}, {"2021/22", "2021 to 2022"},
		{"22/23", "2022 to 2023"}, {"19/20", "2019 to 2020"}}
	for _, p := range same {
		if a, b := figureKey(p[0]), figureKey(p[1]); a != b {
			t.Errorf("figureKey(%q) = %q, figureKey(%q) = %q, want the same", p[0], a, p[1], b)
		}
	}
	if a, b := figureKey("2019/2020"), figureKey("2019/2021"); a == b {
		t.Errorf("figureKey(2019/2020) = figureKey(2019/2021) = %q, want different", a)
	}
	if a, b := figureKey("22/24"), figureKey("2022 to 2024"); a == b {
		t.Errorf("figureKey(22/24) = figureKey(2022 to 2024) = %q, want different: not a year and the next", a)
	}
	if a, b := figureKey("2022-23"), figureKey("2022 to 2024"); a == b {
		t.Errorf("figureKey(2022-23) = figureKey(2022 to 2024) = %q, want different", a)
	}
}

// TestDiffFigures_YearGiven checks that a date with its year or its
// weekday given or left out is the same date, and another year, a month
// alone, another weekday or a weekday traded for a year is not.
func TestDiffFigures_YearGiven(t *testing.T) {
	sameDate := func(a, b string) bool {
		gone, added := diffFigures([]string{a}, []string{b})
		return len(gone)+len(added) == 0
	}
	checkPairs(t, "sameDate", sameDate, []pairCase{
		{"5 September", "5 September 2019", true},
		{"23 October 2019", "23 October", true},
		{"5 September 2018", "5 September 2019", false},
		{"September", "September 2019", false},
		{"Monday 25 January", "25 January 2021", false},
		{"Friday 15 April 2022", "15 April 2022", true},
		{"28 April", "Thursday 28 April", true},
		{"15 April", "Friday 15 April 2022", true},
		{"Saturday 18 September", "Sunday 18 September", false},
		{"Saturday 18 September", "Sunday 18 September 2021", false},
		{"11 January 2020", "11 January to 21 February 2021", false},
	})
}

// TestFigures_SpacedOrdinal checks that "21 st", a slipped space, is the
// ordinal 21st and the same figure as "21st".
func TestFigures_SpacedOrdinal(t *testing.T) {
	if got := Figures("in the 21 st century"); !slices.Equal(got, []string{"21 st"}) {
		t.Errorf("Figures = %q, want [21 st]", got)
	}
	if gone, added := diffFigures([]string{"21 st"}, []string{"21st"}); len(gone)+len(added) > 0 {
		t.Errorf("21 st → 21st: gone %q, added %q, want the same figure", gone, added)
	}
	if gone, added := diffFigures([]string{"21"}, []string{"21st"}); len(gone)+len(added) == 0 {
		t.Error("21 → 21st: want another figure")
	}
}

// TestFigureKey checks that the same value written another way is one
// figure and that another value, or another qualifier, is not (issue 17
// point 5: a different value is never cosmetic).
func TestFigureKey(t *testing.T) {
	same := [][]string{
		{"four", "4"},
		{"twenty-five", "25"},
		{"£3.6 billion", "£3.6bn", "£3,600 million"},
		{"97 percent", "97 per cent", "97%"},
		{"3 March 2020", "March 3, 2020", "3rd March 2020", "3/3/2020"},
		{"14 October 2021", "14/10/2021", "10/14/2021"},
		{"Monday 22 February", "Monday, February 22nd"},
		{"one year", "1 year"},
		{"12pm", "noon", "12 noon", "12:00"},
		{"4pm", "4 pm", "16:00"},
		{"over 40", "more than 40", "over-40"},
		{"1,000", "1000", "1 000"},
		{"two days before", "2 days before"},
	}
	for _, fs := range same {
		for _, f := range fs[1:] {
			if figureKey(f) != figureKey(fs[0]) {
				t.Errorf("figureKey(%q) = %q, figureKey(%q) = %q: want equal", fs[0], figureKey(fs[0]), f, figureKey(f))
			}
		}
	}
	differ := [][2]string{
		{"almost 40,000", "more than 40,000"},
		{"more than two thirds", "nearly two thirds"},
		{"under $900", "$900"},
		{"£3.6bn", "£3.6m"},
		{"£3.6bn", "$3.6bn"},
		{"4", "5"},
		{"2nd", "2"},
		{"3 March 2020", "3 March 2021"},
		{"3 April 2020", "3/4/2020"}, // the 3rd of April or the 4th of March
		{"4 March 2020", "3/4/2020"},
		{"Monday 22 February", "Tuesday 22 February"},
		{"Monday 22 February", "22 February"},
		{"noon", "midnight"},
		{"next week", "last week"},
		{"97%", "97 percentage points"},
	}
	for _, p := range differ {
		if figureKey(p[0]) == figureKey(p[1]) {
			t.Errorf("figureKey(%q) = figureKey(%q) = %q: want different", p[0], p[1], figureKey(p[0]))
		}
	}
}

// TestCopyEditOnly checks the copy-edits that are cosmetic (issue 17
// point 6) and the edits that are not.
func TestCopyEditOnly(t *testing.T) {
	copyEdits := [][2]string{
		{"The organisation will co-operate.", "The organization will cooperate."},
		{"The centre's programme analysed colour.", "The center's program analyzed color."},
		{"She travelled with her adviser.", "She traveled with her advisor."},
		{"It doesn't work and we can't go.", "It does not work and we cannot go."},
		{"Maria lopez said so.", "Maria Lopez said so."},
		{"It rose — again — by “three” points.", "It rose - again - by \"3\" points."},
		{"Labour won in the Defence vote.", "Labor won in the Defense vote."},
	}
	for _, p := range copyEdits {
		if !copyEditOnly(p[0], p[1]) {
			t.Errorf("copyEditOnly(%q, %q) = false, want true\n\t%q\n\t%q", p[0], p[1], copyEditKey(p[0]), copyEditKey(p[1]))
		}
	}
	edits := [][2]string{
		{"It does work.", "It does not work."},           // a real "not" added
		{"It doesn't work.", "It never works."},          // another negation
		{"Maria Lopez said so.", "Maria Lopes said so."}, // another name
		{"Four people died.", "Five people died."},
		{"The form was filled.", "The form was filed."},
		{"It costs four pounds.", "It costs 4 dollars."},
	}
	for _, p := range edits {
		if copyEditOnly(p[0], p[1]) {
			t.Errorf("copyEditOnly(%q, %q) = true, want false", p[0], p[1])
		}
	}
}

// TestCompare_CopyEditKeeps checks what a copy-edit never hides: a real
// negation added, a person replaced by another, a figure's value changed.
func TestCompare_CopyEditKeeps(t *testing.T) {
	cases := []struct {
		old, new string
		want     Kind
	}{
		{"The expansion of the program hasn’t come without controversy.", "The expansion of the program has come without controversy.", NegationChanged},
		{"Mexico’s President Claudia Sheinbaum has firmly opposed the proposal.", "Mexico’s President Claudia Rivera has firmly opposed the proposal.", EntityChanged},
		{"The plan will cost £3.6bn over five years.", "The plan will cost £3.6m over five years.", NumberChanged},
		{"Three regions voted for the plan on Monday.", "4 regions voted for the plan on Monday.", NumberChanged},
	}
	for _, tc := range cases {
		cs := Compare(Document{Paragraphs: []string{tc.old}}, Document{Paragraphs: []string{tc.new}})
		if len(cs.Changes) != 1 || !cs.Changes[0].Has(tc.want) || cs.Changes[0].Has(Cosmetic) {
			t.Errorf("%q → %q: %+v, want one change with %s", tc.old, tc.new, cs.Changes, tc.want)
		}
	}
}

// FuzzFigures checks that figures are found, keyed and compared without a
// panic on any text, that each figure is a piece of the text, in order,
// and that the copy-edit key reads words, not spacing.
func FuzzFigures(f *testing.F) {
	AddSeeds(f,
		"More than two thirds of 40,000 households, almost £3.6bn, on Monday 22 February at 4:30pm.",
		"over-70s, 3/3/2020, 12 noon, within hours, two days before, the majority, a record 12",
		"It doesn't co-operate with the centre's programme; Maria lopez said.",
		"early last year, next week, in May, May we, 7th July 2005, 1 000, 97 per cent",
	)
	f.Fuzz(func(t *testing.T, s string) {
		at := 0
		for _, sp := range figureSpans(s) {
			if sp.Start < at || sp.End <= sp.Start || sp.End > len(s) {
				t.Fatalf("figureSpans(%q): span %v out of order or range", s, sp)
			}
			at = sp.End
			_ = figureKey(s[sp.Start:sp.End])
		}
		// A space added at the end changes no word.
		if k := copyEditKey(s); k != copyEditKey(s+" ") {
			t.Fatalf("copyEditKey(%q) = %q, but %q with a space after it", s, k, copyEditKey(s+" "))
		}
	})
}

// TestCompare_DekNotCountedTwice checks that a dek repeating the lead
// paragraph is compared once: in the body when the lead is edited, not at
// all when the lead leaves the body while the dek stays.
func TestCompare_DekNotCountedTwice(t *testing.T) {
	lead := "The proposal, first floated early last year, was initially rejected by Mexico’s government."
	edited := "The proposal, first floated in March, was initially rejected by Mexico’s government."
	other := "The White House has reportedly intensified pressure on Mexican officials."
	cases := []struct {
		name     string
		old, new Document
		want     []Kind // the kinds of each change, in order
	}{
		{"lead edited", Document{Dek: lead, Paragraphs: []string{lead, other}},
			Document{Dek: edited, Paragraphs: []string{edited, other}}, []Kind{NumberChanged}},
		{"lead leaves the body", Document{Dek: lead, Paragraphs: []string{lead, other}},
			Document{Dek: lead, Paragraphs: []string{other}}, []Kind{SentenceRemoved}},
		{"dek rewritten, lead kept", Document{Dek: lead, Paragraphs: []string{lead, other}},
			Document{Dek: other, Paragraphs: []string{lead, other}}, []Kind{DekChanged}},
	}
	for _, tc := range cases {
		cs := Compare(tc.old, tc.new)
		var got []Kind
		for _, c := range cs.Changes {
			got = append(got, c.Kind)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: kinds %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestRetold checks which figures gone from a rewritten passage and come
// in it are one figure told again with another value: the same amount
// under another qualifier, a range of dates with one end moved, a number
// of the same things; not a list's time slots, nor a small count
// re-qualified, nor numbers of other things.
func TestRetold(t *testing.T) {
	cases := []struct {
		f, g, nextF, nextG string
		want               bool
	}{
		{"£1 billion", "up to £1 billion", "", "", true},
		{"over 40,000", "nearly 40,000", "", "", true},
		{"two", "up to two", "", "", false},
		{"18 May until 10 August 2022", "18 May to 21 August 2022", "", "", true},
		{"18 May until 10 August 2022", "1 June to 21 August 2022", "", "", false},
		{"16:00-16:45", "16:00-17:00", "", "", false},
		{"2", "4", "industrial clusters", "industrial clusters", true},
		{"2", "4", "industrial clusters", "severe warnings", false},
		{"2", "4", "", "", false},
		{"12 May", "30 June", "2022 16", "2022 16", false},
	}
	for _, tc := range cases {
		if got := retold(tc.f, tc.g, tc.nextF, tc.nextG); got != tc.want {
			t.Errorf("retold(%q, %q, %q, %q) = %v, want %v", tc.f, tc.g, tc.nextF, tc.nextG, got, tc.want)
		}
	}
	if got := nextWords(" industrial clusters by the"); got != "industrial clusters" {
		t.Errorf("nextWords = %q, want %q", got, "industrial clusters")
	}
	if got := nextWords(", creating places"); got != "" {
		t.Errorf("nextWords after a comma = %q, want none", got)
	}
}

// TestMatchNumber_Dispatch: matchNumber tries, by the token's first byte,
// one of three short lists of matchers; each must keep numberMatchers'
// order, and on every token of the test data (and a figure of every form)
// matchNumber must answer as trying all of numberMatchers in order does.
// Every matcher must match somewhere, so none is left untested.
func TestMatchNumber_Dispatch(t *testing.T) {
	name := func(m numberMatcher) string { return runtime.FuncForPC(reflect.ValueOf(m).Pointer()).Name() }
	var order []string
	for _, m := range numberMatchers {
		order = append(order, name(m))
	}
	for _, list := range [][]numberMatcher{digitMatchers[:], wordMatchers[:], otherMatchers[:]} {
		k := 0
		for _, m := range list {
			for k < len(order) && order[k] != name(m) {
				k++
			}
			if k == len(order) {
				t.Fatalf("%s is out of numberMatchers' order", name(m))
			}
		}
	}
	texts := []string{"March 3rd", "Jan. 5, 2024", "March 2021", "12 March 2023", "3/3/2020", "$4.2 billion", "€50m",
		"the 1990s", "the ’90s", "the '80s", "21st", "3.5 million", "40 per cent", "5kg", "5pm", "a dozen", "three hundred",
		"twenty-five", "first", "two-sentence", "mid-February 2020", "$ 5", "£", "’tis", "'", "May"}
	err := filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		texts = append(texts, strings.Split(string(b), "\n")...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	matched := map[string]int{}
	for _, s := range texts {
		ts := figureTokens(s)
		for i := range ts {
			wantEnd, wantNext, by := 0, i, ""
			for _, m := range numberMatchers {
				if e, n, ok := m(ts, i); ok {
					wantEnd, wantNext, by = e, n, name(m)
					break
				}
			}
			if end, next := matchNumber(ts, i); end != wantEnd || next != wantNext {
				t.Fatalf("matchNumber(%q) at %q = %d, %d; numberMatchers in order: %d, %d (%s)", s, ts[i].text, end, next, wantEnd, wantNext, by)
			}
			matched[by]++
		}
	}
	for _, n := range order {
		if matched[n] == 0 {
			t.Errorf("%s matched no token of the test data", n)
		}
	}
}
