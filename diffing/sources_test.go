package diffing_test

import (
	"strings"
	"testing"

	"github.com/redline-news/redline/diffing"
)

// TestSources lists the source of each form of attribution without
// quotation marks that issue 17 names, and sentences that have none.
func TestSources(t *testing.T) {
	diffing.CheckLists(t, "Sources", diffing.Sources, []diffing.ListCase{
		{"The road was closed after the crash, police said.", []string{"police"}},
		{"The road was closed after the crash, sources told the paper.", []string{"sources"}},
		{"The minister tells MPs the plan is sound.", []string{"The minister"}},
		{"MPs tell the minister the plan is sound.", []string{"MPs"}},
		{"According to the ministry, 40 people died.", []string{"the ministry"}},
		{"According to Ann Kerr, 40 people died.", []string{"Ann Kerr"}},
		{"The plant has leaked twice since 2019, according to state records.", []string{"state records"}},
		{"The BBC understands the deal is done.", []string{"BBC"}},
		{"A report says the deal is done.", []string{"A report"}},
		{"The deal is reportedly done.", []string{"reportedly"}},
		{"Mr Smith said he would resign.", []string{"Smith"}},
		{"Floods kill 40 in Nairobi, says Kenya", []string{"Kenya"}},
		// A name set off by commas, before or after its role.
		{"Ann Kerr, the council's press officer, said the road was closed.", []string{"Ann Kerr"}},
		{"The Prime Minister, Boris Johnson, said the road was closed.", []string{"Boris Johnson"}},
		{"The road was closed, Ann Kerr, the council's press officer, said.", []string{"Ann Kerr"}},
		// Bodies speak; a description keeps what places its head.
		{"The road was closed, the council confirmed.", []string{"the council"}},
		{"In a statement, the council said the road was closed.", []string{"the council"}},
		{"A report by the council says the road was closed.", []string{"A report by the council"}},
		{"The road was closed, sources close to the minister told the Guardian.", []string{"sources close to the minister"}},
		// A passive of hearsay names no one; "by" names the source; a
		// listener is none.
		{"It is understood that the road was closed.", []string{"reportedly"}},
		{"The minister is said to have resigned.", []string{"reportedly"}},
		{"It was confirmed by the council that the road was closed.", []string{"the council"}},
		{"The theft was reported to police on Monday.", nil},
		{"Avian influenza has been confirmed at a premises near Frodsham.", nil},
		// Information a claim is based on; who issues a statement.
		{"Prices rose 3%, based on figures from the ONS.", []string{"figures from the ONS"}},
		{"The decision was based on the plan agreed in March.", nil},
		{"The council has issued a statement.", []string{"The council"}},
		{"UK statements during the TRIPS Council.", []string{"UK"}},
		{"The company made a profit of £3 million.", nil},
		{"Joint statement on the talks.", nil},
		// A participle after a comma reports its sentence's subject.
		{"Pentagon officials have acknowledged this difficulty, stating that they are still developing tools.", []string{"Pentagon officials"}},
		{"Sheinbaum rejected the plan on Monday, saying the participation of U.S. forces is not necessary.", []string{"Sheinbaum"}},
		// "announced that" and "announced it will" attribute a claim;
		// "announced £5 million" is an event. A progressive is no passive.
		{"The Home Office is announcing that visitors will not be permitted entry.", []string{"Home Office"}},
		{"The UK government has announced it will no longer issue new guarantees.", []string{"The UK government"}},
		{"The Chancellor announced £5 million for the ports.", nil},
		// A name after "for", "at" or "of" is read with what it places.
		{"Officials at the Department for Education told the BBC that schools would reopen.", []string{"Officials at the Department for Education"}},
		{"Schools will reopen in September, the Department for Education said.", []string{"the Department for Education"}},
		{"Applicants must state their name and address.", nil},
		{"Schools will reopen, the Prime Minister has announced.", []string{"the Prime Minister"}},
		// A report a claim is outlined in; a description "as" a claim.
		{"This strategy, outlined in a recent New York Times exposé, marks a stark shift.", []string{"a recent New York Times exposé"}},
		{"The plan was outlined in March.", nil},
		{"U.S. officials describe the plan as involving Special Forces.", []string{"U.S. officials"}},
		{"The plan described in the annex is final.", nil},
		// A capital ending in -ly is a name, not an adverb.
		{"The talks have ended, Italy has said.", []string{"Italy"}},
		// A body's possessive heads no description of a source.
		{"Read the Forestry Commission’s decision on this proposal in the outcome summary report held on another website.", nil},
		// A trailing dash is a source in a headline only.
		{"More than 40 dead in floods - governor", nil},
		{"Map of proposed areas – Annex B", nil},
		// A quotation's speaker is no source: his changes are quote kinds.
		{"“We are ready,” Sheinbaum said.", nil},
		{"Sheinbaum said: “We are ready.”", nil},
		// No source: a dash that is an aside, a verb that is an event.
		{"The labs were dismantled—a move seen as a radical departure.", nil},
		{"Former treasurer testifies she warned board about missing funds", nil},
		{"The council voted 7-2 on Tuesday to approve the plan.", nil},
		{"The meeting was chaired by the Secretary of State for Levelling Up.", nil},
		{"Gerald Oppenheim, Chief Executive of the Fundraising Regulator, said:", nil},
		{"I have always said that the evidence matters.", nil},
		{"Eighteen states from across the world have committed to the target.", nil},
	})
}

func TestHeadlineSources(t *testing.T) {
	diffing.CheckLists(t, "HeadlineSources", diffing.HeadlineSources, []diffing.ListCase{
		{"More than 40 dead in floods - governor", []string{"governor"}},
		{"Storm kills three – Kenya's president", []string{"Kenya's president"}},
		{"Floods Kill 40 in Nairobi, Says Kenya", []string{"Kenya"}},
		{"Poznan, 8 October 2019 - Register here", nil},
		{"UPDATE - August 2022", nil},
		{"Schools to reopen in September: Prime Minister", []string{"Prime Minister"}},
		{"Storm Eunice: Call for Views", nil},
		{"UK Government to confirm extra funding for Devolved Administrations", []string{"UK Government"}},
		{"UK Government confirms £430 million funding for Devolved Administrations", []string{"UK Government"}},
	})
}

// TestCompare_SourceChanged checks source_changed and its severity on
// edits of one sentence.
func TestCompare_SourceChanged(t *testing.T) {
	doc := func(s string) diffing.Document {
		return diffing.Document{Title: "A34 closed after lorry crash", Paragraphs: []string{"A lorry overturned on Tuesday.", s}}
	}
	for _, tc := range []struct {
		name, old, new string
		want           bool
		sev            diffing.Severity
	}{
		{"switched", "The road was closed, police said.", "The road was closed, sources said.", true, diffing.SeverityMedium},
		{"dropped: now a fact", "The road was closed, police said.", "The road was closed.", true, diffing.SeverityHigh},
		{"added", "The road was closed.", "The road was closed, police said.", true, diffing.SeverityMedium},
		{"same source re-cased", "The road was closed, Police said.", "The road was closed, police said.", false, diffing.SeverityLow},
		{"same source, other words", "The road was closed, police said.", "The busy road was closed, police said.", false, diffing.SeverityMedium},
		{"same source, other quantifier", "Most residents of the town said the road was closed.", "Many residents of the town said the road was closed.", false, diffing.SeverityHigh},
		{"switched: same place, other people", "Many residents of the town said the road was closed.", "Many officials of the town said the road was closed.", true, diffing.SeverityMedium},
		{"same source, speaking for itself", "The road was closed, a spokesperson for the Met Office said.", "The road was closed, the Met Office said.", false, diffing.SeverityMedium},
		{"switched: another office, same place", "The road was closed, the Department for Transport said.", "The road was closed, the Minister for Transport said.", true, diffing.SeverityHigh},
		{"same source, with \"the\"", "The road was closed, confirms the UK Health Security Agency.", "The road was closed, the UK Health Security Agency said.", false, diffing.SeverityMedium},
		{"same source, initials spelt out", "At this point the UKG also confirms the funding.", "At this point the UK Government also confirms the funding.", false, diffing.SeverityMedium},
		{"quotation paraphrased by its speaker", "Kerr spoke. “We are ready,” she said.", "Kerr spoke. She said they were ready.", false, diffing.SeverityHigh},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := diffing.OneChange(t, diffing.Compare(doc(tc.old), doc(tc.new)))
			if c.Has(diffing.SourceChanged) != tc.want || c.Severity != tc.sev {
				t.Errorf("kinds %v severity %v, want source_changed=%v severity %v", c.Kinds, c.Severity, tc.want, tc.sev)
			}
		})
	}
}

// TestCompare_HeadlineFutureSameSource: a headline's "X to confirm" is X
// confirming, so "X to confirm …" → "X confirms …" keeps its source.
func TestCompare_HeadlineFutureSameSource(t *testing.T) {
	body := []string{"The funding will help the devolved administrations tackle Covid."}
	c := diffing.OneChange(t, diffing.Compare(
		diffing.Document{Title: "UK Government to confirm extra funding for Devolved Administrations", Paragraphs: body},
		diffing.Document{Title: "UK Government confirms £430 million funding for Devolved Administrations", Paragraphs: body}))
	if c.Has(diffing.SourceChanged) || !c.Has(diffing.HeadlineChanged) {
		t.Errorf("kinds %v, want headline_changed without source_changed", c.Kinds)
	}
}

// FuzzSources checks that reading a sentence's sources, as a sentence and
// as a headline, never panics on hostile text, and that every source read
// is a piece of the text, spacing aside (or the unnamed "reportedly",
// "purportedly").
func FuzzSources(f *testing.F) {
	diffing.AddSeeds(f,
		"The road was closed, sources close to the minister told the Guardian.",
		"Statement by the governments of the UK, Australia and Liberia:",
		"It is understood that he will resign, based on figures from the ONS.",
		"Officials at the Department for Education told the BBC that schools would reopen.",
		"Schools to reopen: Prime Minister",
		"UK statements during the TRIPS Council, stating that, ,",
		", said , according to : - – based on",
	)
	f.Fuzz(func(t *testing.T, s string) {
		// Names are read word by word, so compare with the spacing folded.
		flat := func(x string) string { return strings.ToLower(strings.Join(strings.Fields(x), " ")) }
		for _, got := range [][]string{diffing.Sources(s), diffing.HeadlineSources(s)} {
			for _, src := range got {
				if src != "reportedly" && src != "purportedly" && !strings.Contains(flat(s), flat(src)) {
					t.Fatalf("Sources(%q) gave %q, which the text does not hold", s, src)
				}
			}
		}
	})
}
