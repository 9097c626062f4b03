package diffing_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/redline-news/redline/diffing"
)

// sentencesOf returns the text of every span Segment finds in s.
func sentencesOf(s string) []string {
	var out []string
	for _, sp := range diffing.Segment(s) {
		out = append(out, s[sp.Start:sp.End])
	}
	return out
}

func TestSegment(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", nil},
		{"spaces only", "   ", nil},
		{"one sentence", "Sheinbaum spoke.", []string{"Sheinbaum spoke."}},
		{"no final stop", "Sheinbaum spoke", []string{"Sheinbaum spoke"}},
		{"two sentences", "Sheinbaum spoke. Trump replied.", []string{"Sheinbaum spoke.", "Trump replied."}},
		{"question and exclamation", "Is it over? No! It goes on.", []string{"Is it over?", "No!", "It goes on."}},
		{"mixed terminators", "Is it over?! Yes.", []string{"Is it over?!", "Yes."}},
		{"extra spaces", "One.   Two.", []string{"One.", "Two."}},

		// Abbreviations.
		{"U.S. before a noun", "The U.S. Army moved. It crossed.", []string{"The U.S. Army moved.", "It crossed."}},
		{"U.S. before a verb", "The U.S. is big. Mexico too.", []string{"The U.S. is big.", "Mexico too."}},
		{"U.S. ends a sentence", "He lives in the U.S. He works in Mexico.", []string{"He lives in the U.S.", "He works in Mexico."}},
		{"U.S. before a quotation", "He lives in the U.S. “We moved,” he said.", []string{"He lives in the U.S.", "“We moved,” he said."}},
		{"U.S.-Mexico", "The U.S.-Mexico border is long. Troops went.", []string{"The U.S.-Mexico border is long.", "Troops went."}},
		{"Mr. Dr. Gen.", "Mr. Smith met Dr. Jones. Gen. Milley agreed.", []string{"Mr. Smith met Dr. Jones.", "Gen. Milley agreed."}},
		{"Mrs. Ms. Sen. Rep.", "Mrs. Obama and Ms. Sheinbaum met Sen. Warren. Rep. Jordan did not.",
			[]string{"Mrs. Obama and Ms. Sheinbaum met Sen. Warren.", "Rep. Jordan did not."}},
		{"stacked titles", "Lt. Col. Smith led. Capt. Jones followed.", []string{"Lt. Col. Smith led.", "Capt. Jones followed."}},
		{"Gov. at the end", "It was Gov. Abbott. He said so.", []string{"It was Gov. Abbott.", "He said so."}},
		{"Jan. before a day", "It happened on Jan. 5. Then it rained.", []string{"It happened on Jan. 5.", "Then it rained."}},
		{"Jan. ends a sentence", "It happened in Jan. The next month was cold.", []string{"It happened in Jan.", "The next month was cold."}},
		{"Dec. and a year", "They met on Dec. 12, 2024. Talks failed.", []string{"They met on Dec. 12, 2024.", "Talks failed."}},
		{"full month name ends a sentence", "Talks began in March. Sheinbaum said little.", []string{"Talks began in March.", "Sheinbaum said little."}},
		{"No. before a number", "Bill No. 5 passed. It was late.", []string{"Bill No. 5 passed.", "It was late."}},
		{"No. as an answer", "He said No. The talks ended.", []string{"He said No.", "The talks ended."}},
		{"a.m. before a lower-case word", "He left at 7 a.m. on Tuesday. She stayed.", []string{"He left at 7 a.m. on Tuesday.", "She stayed."}},
		{"a.m. ends a sentence", "He left at 7 a.m. She stayed.", []string{"He left at 7 a.m.", "She stayed."}},
		{"p.m. ends a sentence", "He arrived at 10 p.m. Officials said so.", []string{"He arrived at 10 p.m.", "Officials said so."}},
		{"St. in a name", "He was born in St. Louis. He moved.", []string{"He was born in St. Louis.", "He moved."}},
		{"St. ends a sentence", "He lives on Main St. The house is old.", []string{"He lives on Main St.", "The house is old."}},
		{"Inc. before a verb", "Acme Inc. announced profits. Shares rose.", []string{"Acme Inc. announced profits.", "Shares rose."}},
		{"Inc. ends a sentence", "He works at Acme Inc. The company is big.", []string{"He works at Acme Inc.", "The company is big."}},
		{"et al.", "Smith et al. found it. Smith et al. The study is long.", []string{"Smith et al. found it.", "Smith et al.", "The study is long."}},
		{"e.g.", "See e.g. the report. It is long.", []string{"See e.g. the report.", "It is long."}},
		{"Jr.", "Martin Luther King Jr. spoke. King Jr. The crowd cheered.", []string{"Martin Luther King Jr. spoke.", "King Jr.", "The crowd cheered."}},

		// Initials.
		{"middle initial", "John F. Kennedy was president. He died in 1963.", []string{"John F. Kennedy was president.", "He died in 1963."}},
		{"several initials", "J. R. R. Tolkien wrote books. They sold well.", []string{"J. R. R. Tolkien wrote books.", "They sold well."}},
		{"initial ends a sentence", "He got an A. The class was hard.", []string{"He got an A.", "The class was hard."}},

		// Numbers.
		{"decimal", "Growth was 3.5 percent. It slowed.", []string{"Growth was 3.5 percent.", "It slowed."}},
		{"amount", "It cost $4.2 billion. Critics balked.", []string{"It cost $4.2 billion.", "Critics balked."}},
		{"amount with a suffix", "The sum was $4.2bn. Next came cuts.", []string{"The sum was $4.2bn.", "Next came cuts."}},
		{"version number", "Version 2.0 shipped. Users cheered.", []string{"Version 2.0 shipped.", "Users cheered."}},
		{"thousands", "Over 100,000 died. More will.", []string{"Over 100,000 died.", "More will."}},
		{"percent", "Prices rose 5%. Wages fell.", []string{"Prices rose 5%.", "Wages fell."}},
		{"year then a number word", "It ended in 2024. In 2025 it restarted.", []string{"It ended in 2024.", "In 2025 it restarted."}},

		// Ellipses.
		{"ellipsis before lower case", "Wait... what happened? Nobody knows!", []string{"Wait... what happened?", "Nobody knows!"}},
		{"ellipsis before a capital", "He paused... Then he spoke.", []string{"He paused...", "Then he spoke."}},
		{"ellipsis character", "He paused… Then he spoke.", []string{"He paused…", "Then he spoke."}},
		{"ellipsis character before lower case", "He paused… and spoke.", []string{"He paused… and spoke."}},
		{"spaced ellipsis", "Wait . . . The answer came.", []string{"Wait . . .", "The answer came."}},

		// Quotation marks and brackets after the full stop.
		{"straight double quote closes after the stop", "\"It is over.\" She left.", []string{"\"It is over.\"", "She left."}},
		{"curly quote closes after the stop", "“We won.” The crowd cheered.", []string{"“We won.”", "The crowd cheered."}},
		{"single quote then lower case", "'It is not necessary.' she said. Then she left.",
			[]string{"'It is not necessary.' she said.", "Then she left."}},
		{"question inside a quotation", "“Why now?” he asked. Nobody answered.", []string{"“Why now?” he asked.", "Nobody answered."}},
		{"nested closers", "He said, “I heard ‘stop.’” Then he left.", []string{"He said, “I heard ‘stop.’”", "Then he left."}},
		{"parenthesis", "(He left.) She stayed.", []string{"(He left.)", "She stayed."}},
		{"quotation over two sentences", "He said: “We are ready. We will go.” Then he left.",
			[]string{"He said: “We are ready.", "We will go.”", "Then he left."}},

		// Paragraphs.
		{"paragraphs", "Para one. Still one.\nPara two.", []string{"Para one.", "Still one.", "Para two."}},
		{"no sentence crosses a paragraph", "No stop here\nnext paragraph", []string{"No stop here", "next paragraph"}},
		{"empty paragraphs", "One.\n\n\nTwo.", []string{"One.", "Two."}},
		{"quotation over two paragraphs", "Jordan stated, 'He's the commander in chief.\nI think it is good.' When pressed, he conceded.",
			[]string{"Jordan stated, 'He's the commander in chief.", "I think it is good.'", "When pressed, he conceded."}},
		{"quotation left open, continued by the next paragraph", "“We will fight on the beaches.\n“We shall never surrender,” he said.",
			[]string{"“We will fight on the beaches.", "“We shall never surrender,” he said."}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := sentencesOf(tc.in); !slices.Equal(got, tc.want) {
				t.Errorf("Segment(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSegment_LongTextIsWindowed(t *testing.T) {
	var b strings.Builder
	for i := range 500 {
		fmt.Fprintf(&b, "word%d ", i)
	}
	in := strings.TrimSpace(b.String())
	spans := diffing.Segment(in)
	if len(spans) < 500/90 {
		t.Fatalf("Segment(500 words) = %d spans, want at least %d", len(spans), 500/90)
	}
	var got []string
	for _, sp := range spans {
		ws := strings.Fields(in[sp.Start:sp.End])
		if len(ws) > 90 {
			t.Errorf("window %v has %d words, want at most 90", sp, len(ws))
		}
		got = append(got, ws...)
	}
	if want := strings.Fields(in); !slices.Equal(got, want) {
		t.Errorf("windows do not cover the text: %d words, want %d", len(got), len(want))
	}
}

func TestSegment_Seed(t *testing.T) {
	text := seedText(t)
	got := sentencesOf(text)
	if len(got) != 57 { // the title and 56 sentences of body
		t.Errorf("seed article: %d sentences, want 57", len(got))
	}
	for _, want := range []string{
		"U.S. officials describe the plan as involving the deployment of Special Forces or CIA operatives embedded within Mexican military units to conduct joint raids on drug production facilities.",
		"'We are capable of confronting cartels without foreign boots on our soil,' she stated, a sentiment echoed by many in Mexico’s political and civil society circles.",
		"Jordan, when asked whether the president could order attacks on any country, stated, 'He's the commander in chief.",
		"I think what he did in Venezuela is a good thing.'",
		"When pressed further, he conceded that 'the president could make his case, and we'd go from there.'",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("seed article: no sentence %q", want)
		}
	}
}
