package diffing

import (
	"slices"
	"strings"
	"testing"
)

func seedDoc(t testing.TB) Document {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(SeedArticle(t)), "\n")
	return Document{Title: lines[0], Paragraphs: lines[1:]}
}

// edit returns a copy of d with old replaced by new once in the body,
// failing the test if old is absent.
func edit(t testing.TB, d Document, old, new string) Document {
	t.Helper()
	out := d
	out.Paragraphs = slices.Clone(d.Paragraphs)
	for i, p := range out.Paragraphs {
		if strings.Contains(p, old) {
			out.Paragraphs[i] = strings.Replace(p, old, new, 1)
			return out
		}
	}
	t.Fatalf("%q not in document", old)
	return out
}

func kindsOf(cs *ChangeSet) []Kind {
	var ks []Kind
	for _, c := range cs.Changes {
		ks = append(ks, c.Kinds...)
	}
	return ks
}

func TestCompareIdentical(t *testing.T) {
	d := seedDoc(t)
	cs := Compare(d, d)
	if !cs.Empty() {
		t.Fatalf("identical documents: %d changes, first %+v", len(cs.Changes), cs.Changes[0])
	}
	if cs.Summary.Severity != SeverityNone || cs.Summary.StealthEdit {
		t.Errorf("summary of no change = %+v", cs.Summary)
	}
}

func TestCompareWhitespaceOnly(t *testing.T) {
	d := seedDoc(t)
	e := d
	e.Paragraphs = nil
	for _, p := range d.Paragraphs {
		e.Paragraphs = append(e.Paragraphs, "  "+strings.ReplaceAll(p, " ", " \u00a0\u200b")+"\t")
	}
	if cs := Compare(d, e); !cs.Empty() {
		t.Fatalf("whitespace-only edit gave %v", kindsOf(cs))
	}
}

func TestCompareKinds(t *testing.T) {
	d := seedDoc(t)
	cases := []struct {
		name     string
		old, new string
		want     []Kind
		severity Severity
	}{
		{"quote reworded",
			"'We are capable of confronting cartels without foreign boots on our soil,'",
			"'We are fully capable of confronting cartels without any foreign boots on our soil,'",
			[]Kind{QuoteChanged}, SeverityHigh},
		{"figure corrected", "97 percent", "90 percent", []Kind{QuoteChanged, NumberChanged}, SeverityHigh},
		{"figure outside quote", "over 100,000 American deaths", "over 70,000 American deaths", []Kind{NumberChanged}, SeverityHigh},
		{"attribution swapped", "'We are not opposed to cooperation,' Sheinbaum clarified",
			"'We are not opposed to cooperation,' Ebrard clarified", []Kind{QuoteReattributed}, SeverityHigh},
		{"verb changed", "he declared, vowing", "he conceded, vowing", []Kind{QuoteVerbChanged}, SeverityHigh},
		{"negation added", "has firmly opposed the proposal", "has not firmly opposed the proposal", []Kind{NegationChanged}, SeverityHigh},
		// "reportedly" attributes the claim to reports: dropping it states
		// the claim as fact (issue 17).
		{"unnamed source removed", "The White House has reportedly intensified", "The White House has intensified", []Kind{SourceChanged}, SeverityHigh},
		{"entity replaced", "segment on Fox News", "segment on CNN Headline News", []Kind{EntityChanged}, SeverityHigh},
		{"typo fix", "initially rejected by Mexico’s government", "initialy rejected by Mexico’s government", []Kind{Cosmetic}, SeverityLow},
		{"punctuation", "The proposal, first floated early last year, was", "The proposal, first floated early last year was", []Kind{Cosmetic}, SeverityLow},
		{"plain rewrite", "marks a stark shift in U.S. foreign policy", "marks a notable and deliberate shift in U.S. foreign policy", []Kind{SentenceChanged}, SeverityMedium},
		{"apostrophe only", "Mexico’s existing military infrastructure", "Mexico's existing military infrastructure", []Kind{Cosmetic}, SeverityLow},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := OneChange(t, Compare(d, edit(t, d, tc.old, tc.new)))
			got := slices.Clone(c.Kinds)
			slices.Sort(got)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("kinds = %v, want %v", c.Kinds, tc.want)
			}
			if c.Severity != tc.severity {
				t.Errorf("severity = %v, want %v", c.Severity, tc.severity)
			}
			if c.Before == "" || c.After == "" || c.Paragraph == 0 || c.Sentence == 0 {
				t.Errorf("change lacks location or text: %+v", c)
			}
			if before, after := RebuildOps(c.Ops); before != c.Before || after != c.After {
				t.Errorf("ops do not rebuild the sentences:\n%q\n%q", before, after)
			}
		})
	}
}

func TestCompareFigureAndQuoteDetail(t *testing.T) {
	d := seedDoc(t)
	cs := Compare(d, edit(t, d, "97 percent", "90 percent"))
	c := cs.Changes[0]
	if len(c.Figures) != 1 || c.Figures[0] != (FigureChange{"97 percent", "90 percent"}) {
		t.Errorf("figures = %+v", c.Figures)
	}
	if len(c.Quotes) != 1 || c.Quotes[0].BeforeSpeaker != "Trump" || !strings.Contains(c.Quotes[0].After, "90 percent") {
		t.Errorf("quotes = %+v", c.Quotes)
	}
	if c.Speaker != "Trump" {
		t.Errorf("speaker = %q", c.Speaker)
	}
	if !cs.Summary.StealthEdit {
		t.Error("an undisclosed figure change is a stealth edit")
	}
	e := edit(t, d, "97 percent", "90 percent")
	e.Paragraphs = append(e.Paragraphs, "Correction: An earlier version of this article misstated a figure Trump gave.")
	if cs := Compare(d, e); cs.Summary.StealthEdit {
		t.Error("a change with a correction notice is not a stealth edit")
	}
	// A notice already there, kept or moved, discloses nothing new.
	notice := "Correction: An earlier version of this article misspelled a name."
	old := d
	old.Paragraphs = append(slices.Clone(d.Paragraphs), notice)
	kept := edit(t, old, "97 percent", "90 percent")
	if cs := Compare(old, kept); !cs.Summary.StealthEdit {
		t.Error("an old notice, kept, disclosed a new figure change")
	}
	moved := edit(t, d, "97 percent", "90 percent")
	moved.Paragraphs = append([]string{notice}, moved.Paragraphs...)
	if cs := Compare(old, moved); !cs.Summary.StealthEdit {
		t.Error("an old notice, moved to the top, disclosed a new figure change")
	}
}

func TestCompareHeadline(t *testing.T) {
	d := seedDoc(t)
	e := d
	e.Title = "Trump Presses Mexico on Joint Raids Against Fentanyl Labs"
	cs := Compare(d, e)
	if len(cs.Changes) != 1 || cs.Changes[0].Kind != HeadlineChanged || cs.Changes[0].Paragraph != 0 {
		t.Fatalf("changes = %+v", cs.Changes)
	}
	e.Title = strings.ToUpper(d.Title)
	if cs := Compare(d, e); len(cs.Changes) != 1 || cs.Changes[0].Kind != Cosmetic {
		t.Fatalf("case-only headline: %v", kindsOf(cs))
	}
}

func TestCompareSentenceRemovedAndAdded(t *testing.T) {
	d := seedDoc(t)
	e := edit(t, d, " This designation, announced in a recent executive order, underscores the administration’s view of the drug trade as an existential threat.", "")
	cs := Compare(d, e)
	if len(cs.Changes) != 1 || cs.Changes[0].Kind != SentenceRemoved || cs.Changes[0].Severity != SeverityMedium {
		t.Fatalf("removal: %+v", cs.Changes)
	}
	cs = Compare(e, d)
	if len(cs.Changes) != 1 || cs.Changes[0].Kind != SentenceAdded {
		t.Fatalf("addition: %+v", cs.Changes)
	}
}

func TestCompareParagraphDropped(t *testing.T) {
	d := seedDoc(t)
	e := d
	e.Paragraphs = slices.Delete(slices.Clone(d.Paragraphs), 12, 13) // the 97 percent paragraph: several sentences and quotes
	c := OneChange(t, Compare(d, e))
	if !c.Has(SentenceRemoved) || !c.Has(QuoteRemoved) || c.Severity != SeverityHigh {
		t.Errorf("dropped paragraph with quotes: %v %v", c.Kinds, c.Severity)
	}
}

func TestCompareParagraphMoved(t *testing.T) {
	d := seedDoc(t)
	e := d
	ps := slices.Clone(d.Paragraphs)
	p := ps[12]
	ps = slices.Delete(ps, 12, 13)
	ps = slices.Insert(ps, 3, p)
	e.Paragraphs = ps
	cs := Compare(d, e)
	if len(cs.Changes) != 1 || cs.Changes[0].Kind != SentenceMoved || cs.Changes[0].Severity != SeverityLow {
		t.Fatalf("a moved paragraph should be one move, got %v", kindsOf(cs))
	}
	// The seed has one blank line before paragraph 12, which normalization drops.
	if cs.Changes[0].From == nil || cs.Changes[0].From.Paragraph != 12 || cs.Changes[0].Paragraph != 4 {
		t.Errorf("move locations: from %+v to paragraph %d", cs.Changes[0].From, cs.Changes[0].Paragraph)
	}
}

func TestCompareReattributionByPronoun(t *testing.T) {
	d := Document{Paragraphs: []string{
		"The talks with President Claudia Sheinbaum and Foreign Minister Marcelo Ebrard ran late.",
		"Sheinbaum took the podium after the call.",
		"“We will not accept troops,” she said.",
	}}
	e := d
	e.Paragraphs = slices.Clone(d.Paragraphs)
	e.Paragraphs[1] = "Ebrard took the podium after the call."
	cs := Compare(d, e)
	if len(cs.Changes) != 2 {
		t.Fatalf("changes: %+v", cs.Changes)
	}
	if c := cs.Changes[0]; !c.Has(EntityChanged) {
		t.Errorf("name swap: %v", c.Kinds)
	}
	if c := cs.Changes[1]; !c.Has(QuoteReattributed) || c.Speaker != "Ebrard" || c.Quotes[0].BeforeSpeaker != "Sheinbaum" {
		t.Errorf("the unchanged quote now resolves to another speaker: %+v", c)
	}
}

func TestCompareDeterministic(t *testing.T) {
	d := seedDoc(t)
	e := edit(t, d, "97 percent", "90 percent")
	e = edit(t, e, "has firmly opposed", "has opposed")
	x, _ := Compare(d, e).Marshal()
	for range 5 {
		y, _ := Compare(d, e).Marshal()
		if string(x) != string(y) {
			t.Fatal("Compare is not deterministic")
		}
	}
}

func TestCompareBlockquote(t *testing.T) {
	d := Document{Paragraphs: []string{
		"Ministry spokesman Carlos Rivera said in a statement:",
		"> Mexico will not allow foreign troops on its soil. We will decide our own security policy.",
		"The statement came hours after the call.",
	}}
	e := edit(t, d, "will not allow", "will consider allowing")
	c := OneChange(t, Compare(d, e))
	if !c.Has(QuoteChanged) || !c.Has(NegationChanged) {
		t.Errorf("a blockquote edit is a quote change: %v", c.Kinds)
	}
	if c.Speaker != "Ministry spokesman Carlos Rivera" && c.Speaker != "Carlos Rivera" {
		t.Errorf("blockquote speaker = %q", c.Speaker)
	}
}

func TestCompareMoveChangesSpeaker(t *testing.T) {
	d := Document{Paragraphs: []string{
		"Mexican President Claudia Sheinbaum met reporters on Monday.",
		"“We will not accept foreign troops,” she said.",
		"Later, Foreign Secretary Alicia Bárcena spoke in Mexico City.",
		"She repeated the government's position on the cartels.",
	}}
	e := Document{Paragraphs: []string{
		"Mexican President Claudia Sheinbaum met reporters on Monday.",
		"Later, Foreign Secretary Alicia Bárcena spoke in Mexico City.",
		"“We will not accept foreign troops,” she said.",
		"She repeated the government's position on the cartels.",
	}}
	cs := Compare(d, e)
	var moved, reattributed bool
	for _, c := range cs.Changes {
		moved = moved || c.Has(SentenceMoved)
		if c.Has(QuoteReattributed) {
			reattributed = true
			if c.Quotes[0].BeforeSpeaker != "Claudia Sheinbaum" && c.Quotes[0].BeforeSpeaker != "Sheinbaum" {
				t.Errorf("before speaker = %q", c.Quotes[0].BeforeSpeaker)
			}
		}
	}
	if !moved {
		t.Errorf("no move reported: %v", kindsOf(cs))
	}
	if !reattributed {
		t.Logf("changes: %+v", cs.Changes)
		t.Errorf("a quotation moved after another person's name is reattributed by the text: %v", kindsOf(cs))
	}
}
