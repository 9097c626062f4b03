package diffing_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/redline-news/redline/diffing"
)

// seedText returns the seed article, title line included, normalized.
func seedText(tb testing.TB) string {
	tb.Helper()
	return diffing.Normalize(diffing.SeedArticle(tb))
}

// quoted is what the quote tests check of a Quote.
type quoted struct {
	Depth   int
	Text    string
	Speaker string
}

func quotedOf(qs []diffing.Quote) []quoted {
	out := make([]quoted, 0, len(qs))
	for _, q := range qs {
		out = append(out, quoted{q.Depth, q.Text, q.Speaker})
	}
	return out
}

// checkQuotes fails unless Quotes(in) finds exactly want, in order, with
// spans that open on a quote mark and hold their Inner text.
func checkQuotes(t *testing.T, in string, want []quoted) {
	t.Helper()
	qs := diffing.Quotes(in)
	got := quotedOf(qs)
	if len(got) != len(want) {
		t.Errorf("Quotes(%q): %d quotations, want %d", in, len(got), len(want))
	}
	for i := range max(len(got), len(want)) {
		switch {
		case i >= len(got):
			t.Errorf("missing quotation %d: %+v", i, want[i])
		case i >= len(want):
			t.Errorf("unexpected quotation %d: %+v", i, got[i])
		case got[i] != want[i]:
			t.Errorf("quotation %d = %+v\n\t\t\t\twant %+v", i, got[i], want[i])
		}
	}
	for _, q := range qs {
		if q.Start < 0 || q.Start > q.Inner.Start || q.Inner.Start > q.Inner.End || q.Inner.End > q.End || q.End > len(in) {
			t.Errorf("quotation %q: span %v and inner %v out of order", q.Text, q.Span, q.Inner)
			continue
		}
		if in[q.Inner.Start:q.Inner.End] != q.Text {
			t.Errorf("quotation %q: inner span holds %q", q.Text, in[q.Inner.Start:q.Inner.End])
		}
		if r, _ := utf8.DecodeRuneInString(in[q.Start:]); !strings.ContainsRune(`"'“”‘’«»„‚‹›`, r) {
			t.Errorf("quotation %q opens on %q, not a quote mark", q.Text, r)
		}
	}
}

// quoteCase is one input of a quote table and the quotations Quotes must
// find in it.
type quoteCase struct {
	name string
	in   string
	want []quoted
}

// checkQuoteCases runs checkQuotes on each case as a subtest.
func checkQuoteCases(t *testing.T, cases []quoteCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { checkQuotes(t, tc.in, tc.want) })
	}
}

// TestQuotes_Seed lists every quotation of the seed article with the
// speaker a careful reader would name. Scare quotes and quotations the
// text gives to no one ("one statement declaring…") have no speaker.
func TestQuotes_Seed(t *testing.T) {
	checkQuotes(t, seedText(t), []quoted{
		// "…Sheinbaum emphasized that '…,' despite the president’s insistence."
		{0, "the participation of U.S. forces is not necessary,", "Sheinbaum"},
		// "'…,' she stated": she is Sheinbaum, named in the sentence before.
		{0, "We are capable of confronting cartels without foreign boots on our soil,", "Sheinbaum"},
		// "…reclassified by the Trump administration as a '…'": a label, not speech.
		{0, "weapon of mass destruction.", ""},
		// "Trump, in a fiery segment on Fox News, framed… '…,' he declared"
		{0, "We’ve knocked out 97 percent of the drugs coming in by water, and we are going to start now hitting land, with regard to the cartels,", "Trump"},
		// "…he declared, vowing to '…'"
		{0, "eradicate the laboratories at the source.", "Trump"},
		{0, "We are not opposed to cooperation,", "Sheinbaum"},
		// "'…,' Sheinbaum clarified, '…'": the second half of her sentence.
		{0, "but we must ensure that any joint efforts respect our sovereignty.", "Sheinbaum"},
		// "will Trump’s vision of a '…' foreign policy succeed": a scare quote.
		{0, "tougher", ""},
		// "The White House has officially labeled fentanyl as a '…'"
		{0, "weapon of mass destruction,", ""},
		// "Defense Department officials have emphasized…, with one statement
		// declaring that the department '…'": the department's statement.
		{0, "stands ready to execute the orders of the commander-in chief at any time and in any place.", "Defense Department"},
		// "…with Secretary of State Mike Pompeo once stating that the drug's lethality '…'"
		{0, "demands a response as aggressive as the threat itself.", "Mike Pompeo"},
		// "Jordan, when asked…, stated, '…": the quotation runs into the next paragraph.
		{0, "He's the commander in chief.\nI think what he did in Venezuela is a good thing.", "Jordan"},
		// "When pressed further, he conceded that '…'": he is Jordan.
		{0, "the president could make his case, and we'd go from there.", "Jordan"},
		// "…House Foreign Affairs Committee Chairman Brian Mast, who has argued that… '…'"
		{0, "credible and imminent threats", "Brian Mast"},
		// "He recounted… a friend who… was later found '…'": he is Mast.
		{0, "divided up into a couple separate garbage bags,", "Mast"},
	})
}

func TestQuotes_Verbs(t *testing.T) {
	text := seedText(t)
	want := map[string]string{
		"the participation of U.S. forces is not necessary,":         "emphasized",
		"We are not opposed to cooperation,":                         "clarified",
		"demands a response as aggressive as the threat itself.":     "stating",
		"the president could make his case, and we'd go from there.": "conceded",
		"credible and imminent threats":                              "argued",
		"weapon of mass destruction,":                                "",
	}
	for _, q := range diffing.Quotes(text) {
		if v, ok := want[q.Text]; ok && q.Verb != v {
			t.Errorf("Quotes(seed): %q has verb %q, want %q", q.Text, q.Verb, v)
		}
	}
}

func TestQuotes_Apostrophes(t *testing.T) {
	for _, in := range []string{
		"We’ve seen it.",
		"We've seen it.",
		"Mexico’s cartels and Mexico's army.",
		"The cartels’ money and the cartels' guns.",
		"The cartels’ profits grew, and the boss’ car was seized.",
		"Back in the ’90s and the '90s, in ’05 and '05.",
		"It’s the ’90s again, isn’t it?",
		"Rock ’n’ roll and rock 'n' roll.",
		"’Tis the season; give ’em hell, ’cause we can.",
		"The farmers’ union and the drivers’ strike.",
		"O’Brien and D’Amato met at Macy’s.",
		"He said he'd go, and we'd follow; y'all know it.",
		"Trump's Controversial Push for U.S. Military Involvement in Mexico's Drug War Sparks Debate",
	} {
		t.Run(in, func(t *testing.T) {
			if qs := diffing.Quotes(in); len(qs) != 0 {
				t.Errorf("Quotes(%q) = %+v, want none", in, quotedOf(qs))
			}
		})
	}
}

func TestQuotes_Marks(t *testing.T) {
	checkQuoteCases(t, []quoteCase{
		{"straight double", `He said "we are ready" and left.`, []quoted{{0, "we are ready", ""}}},
		{"curly double", "He said “we are ready” and left.", []quoted{{0, "we are ready", ""}}},
		{"straight single", "He said 'we are ready' and left.", []quoted{{0, "we are ready", ""}}},
		{"curly single", "He said ‘we are ready’ and left.", []quoted{{0, "we are ready", ""}}},
		{"guillemets", "Il a dit « nous ne céderons pas » hier.", []quoted{{0, "nous ne céderons pas", ""}}},
		{"tight guillemets", "«Nous ne céderons pas», a dit Macron.", []quoted{{0, "Nous ne céderons pas", ""}}},
		{"German quotes", "Er sagte „Wir schaffen das“ gestern.", []quoted{{0, "Wir schaffen das", ""}}},
		{"low-high quotes", "Powiedział „nie ustąpimy” wczoraj.", []quoted{{0, "nie ustąpimy", ""}}},
		{"German quotes, nested", "Er sagte „Wir ‚schaffen‘ das“ gestern.",
			[]quoted{{0, "Wir ‚schaffen‘ das", ""}, {1, "schaffen", ""}}},
		{"single guillemets inside guillemets", "Il a dit « le mot ‹ non › suffit » hier.",
			[]quoted{{0, "le mot ‹ non › suffit", ""}, {1, "non", ""}}},
		{"single inside double", "He said, “She told me ‘never again’ last night,” and left.",
			[]quoted{{0, "She told me ‘never again’ last night,", ""}, {1, "never again", ""}}},
		{"double inside single", `He said 'I heard "stop" twice' and left.`,
			[]quoted{{0, `I heard "stop" twice`, ""}, {1, "stop", ""}}},
		{"three levels", "“Outer ‘inner “deepest” inner’ outer,” she said.",
			[]quoted{{0, "Outer ‘inner “deepest” inner’ outer,", ""}, {1, "inner “deepest” inner", ""}, {2, "deepest", ""}}},
		{"apostrophes inside a quotation", `Trump said: "Mexico's cartels' days are numbered."`,
			[]quoted{{0, "Mexico's cartels' days are numbered.", "Trump"}}},
		{"possessive before a quotation", "The farmers’ ‘protest’ grew.", []quoted{{0, "protest", ""}}},
		{"scare quote after an apostrophe", "He's 'fine'.", []quoted{{0, "fine", ""}}},
		{"unclosed double quote ends at its paragraph", "He said “hello\nThen he left.", []quoted{{0, "hello", ""}}},
		{"unclosed single quote is dropped", "'Unclosed single at the end", nil},
		{"empty quotation", `"" and “ ”`, nil},
	})
}

func TestQuotes_Paragraphs(t *testing.T) {
	checkQuoteCases(t, []quoteCase{
		{"closed in the next paragraph",
			"Jordan said, 'He's the commander in chief.\nI think he's right.' Then he left.",
			[]quoted{{0, "He's the commander in chief.\nI think he's right.", "Jordan"}}},
		{"reopened: speaker named first",
			"“We will fight,” Churchill said. “We shall never surrender.\n“We shall go on to the end.”",
			[]quoted{{0, "We will fight,", "Churchill"}, {0, "We shall never surrender.", "Churchill"}, {0, "We shall go on to the end.", "Churchill"}}},
		{"reopened: speaker named last",
			"“We will fight on the beaches.\n“We shall never surrender,” Churchill said.",
			[]quoted{{0, "We will fight on the beaches.", "Churchill"}, {0, "We shall never surrender,", "Churchill"}}},
		{"reopened over three paragraphs",
			"“One.\n“Two.\n“Three,” Churchill said.",
			[]quoted{{0, "One.", "Churchill"}, {0, "Two.", "Churchill"}, {0, "Three,", "Churchill"}}},
		{"reopened single quotes",
			"'We will fight on the beaches.\n'We shall never surrender,' Churchill said.",
			[]quoted{{0, "We will fight on the beaches.", "Churchill"}, {0, "We shall never surrender,", "Churchill"}}},
		{"a stray mark does not swallow the article",
			"He said “hello.\nThe talks went on.\nThey ended “late” on Friday.",
			[]quoted{{0, "hello.", ""}, {0, "late", ""}}},
		{"a new paragraph's quotation is not the previous speaker's",
			"“We will fight,” Churchill said.\n“We will not,” Halifax replied.",
			[]quoted{{0, "We will fight,", "Churchill"}, {0, "We will not,", "Halifax"}}},
	})
}

func TestQuotes_Attribution(t *testing.T) {
	checkQuoteCases(t, []quoteCase{
		{"said after", `"We will win," said Sheinbaum.`, []quoted{{0, "We will win,", "Sheinbaum"}}},
		{"name then verb after", `"We will win," Sheinbaum clarified.`, []quoted{{0, "We will win,", "Sheinbaum"}}},
		{"title dropped", "‘These are the best numbers,’ said Dr. Adrian Hill, who led the study.",
			[]quoted{{0, "These are the best numbers,", "Adrian Hill"}}},
		{"title and office dropped", "Secretary of State Mike Pompeo said: “We are ready.”",
			[]quoted{{0, "We are ready.", "Mike Pompeo"}}},
		{"appositive", "“We are ready,” Sheinbaum, a former climate scientist, said.",
			[]quoted{{0, "We are ready,", "Sheinbaum"}}},
		{"clause between subject and verb", "Jordan, when asked about it, stated, “He is in charge.”",
			[]quoted{{0, "He is in charge.", "Jordan"}}},
		{"told names the speaker, not the listener", `Mast told Reuters that "strikes are on the table."`,
			[]quoted{{0, "strikes are on the table.", "Mast"}}},
		{"according to before", `According to Ebrard, "the talks failed."`, []quoted{{0, "the talks failed.", "Ebrard"}}},
		{"according to after", `"The talks failed," according to Ebrard.`, []quoted{{0, "The talks failed,", "Ebrard"}}},
		{"second half of a sentence", "“We are not opposed,” Sheinbaum said, “but we will decide.”",
			[]quoted{{0, "We are not opposed,", "Sheinbaum"}, {0, "but we will decide.", "Sheinbaum"}}},
		{"next sentence continues the speaker", "“We are ready,” Sheinbaum said. “We have always been.”",
			[]quoted{{0, "We are ready,", "Sheinbaum"}, {0, "We have always been.", "Sheinbaum"}}},
		{"nested quotation has no speaker of its own", "“They told us ‘wait’,” Sheinbaum said.",
			[]quoted{{0, "They told us ‘wait’,", "Sheinbaum"}, {1, "wait", ""}}},
		{"no speaker", "Fentanyl was reclassified as a “weapon of mass destruction.”",
			[]quoted{{0, "weapon of mass destruction.", ""}}},
		{"a capital after a closed sentence starts a new one", "“We are ready.” Sheinbaum left the room.",
			[]quoted{{0, "We are ready.", ""}}},
	})
}

func TestQuotes_Pronouns(t *testing.T) {
	checkQuoteCases(t, []quoteCase{
		{"she is the person named before", "Claudia Sheinbaum spoke first. \"We will win,\" she said.",
			[]quoted{{0, "We will win,", "Claudia Sheinbaum"}}},
		{"he is the last person named", "Claudia Sheinbaum met Marcelo Ebrard. Later, Ebrard spoke. \"We will win,\" he said.",
			[]quoted{{0, "We will win,", "Ebrard"}}},
		{"pronoun before the quotation", "President Claudia Sheinbaum met Ebrard. Then she said: “We will talk.”",
			[]quoted{{0, "We will talk.", "Claudia Sheinbaum"}}},
		{"pronoun with nobody named", "‘Stop,’ she said.", []quoted{{0, "Stop,", ""}}},
		{"unresolved pronoun leaves the subject before", "Sheinbaum told reporters: 'We are ready,' she said.",
			[]quoted{{0, "We are ready,", "Sheinbaum"}}},
		{"names inside quotations do not count", "President Claudia Sheinbaum spoke. “Marcelo Ebrard agrees,” she said.",
			[]quoted{{0, "Marcelo Ebrard agrees,", "Claudia Sheinbaum"}}},
		{"a one-word subject when nobody else is named", "Trump, in a fiery segment on Fox News, framed the crisis. 'We won,' he declared.",
			[]quoted{{0, "We won,", "Trump"}}},
		{"a person named before wins over a one-word subject", "President Claudia Sheinbaum spoke. Mexico, for its part, refused. 'No,' she said.",
			[]quoted{{0, "No,", "Claudia Sheinbaum"}}},
		{"a one-word subject reaches into the next paragraph", "Trump framed the crisis.\n'We won,' he declared.",
			[]quoted{{0, "We won,", "Trump"}}},
		{"a one-word subject does not reach two paragraphs on", "Trump framed the crisis.\nThe talks went on.\n'We won,' he declared.",
			[]quoted{{0, "We won,", ""}}},
		{"a named speaker becomes a person", "“We will win,” Ebrard said. Officials cheered. “And soon,” he added.",
			[]quoted{{0, "We will win,", "Ebrard"}, {0, "And soon,", "Ebrard"}}},
	})
}

// TestQuotes_DescriptiveSpeakers checks that a speaker the text describes
// instead of naming is reported as written, never as someone named before.
func TestQuotes_DescriptiveSpeakers(t *testing.T) {
	const lede = "President Claudia Sheinbaum spoke at length. "
	checkQuoteCases(t, []quoteCase{
		{"description then verb", lede + "'We are ready,' a spokesperson for Mexico’s foreign ministry said.",
			[]quoted{{0, "We are ready,", "a spokesperson for Mexico’s foreign ministry"}}},
		{"verb then description", lede + "'We are ready,' said a spokesperson for Mexico’s foreign ministry.",
			[]quoted{{0, "We are ready,", "a spokesperson for Mexico’s foreign ministry"}}},
		{"description before the quotation", "Sheinbaum said the plan had failed, and a spokesperson for the ministry added: 'We are ready.'",
			[]quoted{{0, "We are ready.", "a spokesperson for the ministry"}}},
		{"description with a relative clause", lede + "A spokesperson, who asked not to be named, said “No troops.”",
			[]quoted{{0, "No troops.", "A spokesperson"}}},
		{"description with an adverb", lede + "“No troops,” a senior official reportedly said.",
			[]quoted{{0, "No troops,", "a senior official"}}},
		{"plural description", lede + "“No troops,” Mexican foreign ministry officials said.",
			[]quoted{{0, "No troops,", "Mexican foreign ministry officials"}}},
		{"description with an abbreviation after", lede + "“No troops,” U.S. officials said.",
			[]quoted{{0, "No troops,", "U.S. officials"}}},
		{"description with an abbreviation before", lede + "U.S. officials said: “No troops.”",
			[]quoted{{0, "No troops.", "U.S. officials"}}},
		{"description as the subject of a speech verb", lede + "Critics argue that the plan “cannot work.”",
			[]quoted{{0, "cannot work.", "Critics"}}},
		{"according to a description", lede + "“No troops,” according to a senior official.",
			[]quoted{{0, "No troops,", "a senior official"}}},
		{"appositive name wins", "“It's over,” the president's spokesman, Karine Jean-Pierre, said.",
			[]quoted{{0, "It's over,", "Karine Jean-Pierre"}}},
		{"pronoun after a description", lede + "'We are ready,' a spokesperson said. 'We will respond,' she added.",
			[]quoted{{0, "We are ready,", "a spokesperson"}, {0, "We will respond,", "a spokesperson"}}},
		{"continuation after a description", "“We are ready,” Sheinbaum said. “Always,” a spokesperson said. “Even now.”",
			[]quoted{{0, "We are ready,", "Sheinbaum"}, {0, "Always,", "a spokesperson"}, {0, "Even now.", "a spokesperson"}}},
		{"a statement names nobody", lede + "The ministry issued a statement, with one statement declaring that the army 'stands ready.'",
			[]quoted{{0, "stands ready.", ""}}},
		{"a statement after a quotation names nobody", "“We are ready,” Sheinbaum said. “No troops,” one statement declared.",
			[]quoted{{0, "We are ready,", "Sheinbaum"}, {0, "No troops,", ""}}},
	})
}
