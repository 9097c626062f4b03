package diffing

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// ledgerEdits is the story of TestBuildLedger: each version applies its
// replacements to the one before (old → new, each must match once).
var ledgerEdits = [][][2]string{
	2: {{"over 100,000 American deaths", "over 105,000 American deaths"}},
	3: {
		{"'We are capable of confronting cartels", "'We are fully capable of confronting the cartels"},
		{"'the participation of U.S. forces is not necessary,'", "'the participation of U.S. armed forces is not necessary,'"},
	},
	4: {{"over 105,000 American deaths", "over 110,000 American deaths"}},
	5: {{"with Trump, Sheinbaum emphasized that", "with Trump, Foreign Minister Juan Ramón de la Fuente emphasized that"}},
	6: {
		{" 'We are fully capable of confronting the cartels without foreign boots on our soil,' she stated, a sentiment echoed by many in Mexico’s political and civil society circles.", ""},
		{", vowing to 'eradicate the laboratories at the source.'", "."},
	},
	7:  {{"over 110,000 American deaths", "nearly 112,000 American deaths"}},
	8:  {{"he declared.", "he declared, vowing to 'eradicate the laboratories at the source.'"}},
	9:  {{"The debate over U.S. military involvement", "The long debate over U.S. military involvement"}},
	10: {{"As the standoff between", "As the tense standoff between"}},
}

// ledgerStory returns the ten versions of the story: the seed article's
// title and first paragraphs, edited by ledgerEdits.
func ledgerStory(t *testing.T) []LedgerVersion {
	t.Helper()
	lines := strings.Split(SeedArticle(t), "\n")
	title, body := lines[0], strings.Join(lines[1:20], "\n")
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	var out []LedgerVersion
	for n := 1; n <= 10; n++ {
		if n < len(ledgerEdits) {
			for _, e := range ledgerEdits[n] {
				if c := strings.Count(body, e[0]); c != 1 {
					t.Fatalf("version %d: %q found %d times", n, e[0], c)
				}
				body = strings.Replace(body, e[0], e[1], 1)
			}
		}
		out = append(out, LedgerVersion{Number: n, Time: t0.Add(time.Duration(n) * time.Hour),
			Doc: Document{Title: title, Paragraphs: strings.Split(body, "\n")}})
	}
	return out
}

// lineWith finds the one ledger line of type typ whose text (first or
// current) contains s.
func lineWith(t *testing.T, l *Ledger, typ ClaimType, s string) LedgerLine {
	t.Helper()
	var found []LedgerLine
	for _, x := range l.Lines {
		if x.Type == typ && (strings.Contains(x.Text, s) || strings.Contains(x.Current, s)) {
			found = append(found, x)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d %s lines with %q, want 1: %+v", len(found), typ, s, found)
	}
	return found[0]
}

// events gives a line's events as "version:event" words.
func events(x LedgerLine) string {
	var ws []string
	for _, e := range x.Events {
		w := itoa(e.Version) + ":" + e.Event
		for _, k := range e.Kinds {
			w += "/" + string(k)
		}
		ws = append(ws, w)
	}
	return strings.Join(ws, " ")
}

func itoa(n int) string {
	if n >= 10 {
		return itoa(n/10) + string(rune('0'+n%10))
	}
	return string(rune('0' + n))
}

func TestBuildLedger(t *testing.T) {
	l := BuildLedger(ledgerStory(t))

	// The figure revised three times is one line.
	fig := lineWith(t, l, ClaimFigure, "100,000")
	if got, want := events(fig), "1:appeared 2:changed/number_changed 4:changed/number_changed 7:changed/number_changed"; got != want {
		t.Errorf("figure events = %q, want %q", got, want)
	}
	if fig.Current != "nearly 112,000" || !fig.Present || fig.First != 1 {
		t.Errorf("figure line = %+v", fig)
	}
	if e := fig.Events[3]; e.Before != "over 110,000" || e.After != "nearly 112,000" || !e.Time.Equal(time.Date(2026, 3, 1, 15, 0, 0, 0, time.UTC)) {
		t.Errorf("last figure change = %+v", e)
	}

	// The quotation reworded, then removed ("she stated" follows the
	// speaker named before it, re-attributed in version 5).
	boots := lineWith(t, l, ClaimQuote, "foreign boots")
	if got, want := events(boots), "1:appeared 3:changed/quote_changed 5:changed/quote_reattributed 6:removed"; got != want {
		t.Errorf("reworded quote events = %q, want %q", got, want)
	}
	if boots.Present || boots.Returned || boots.Speaker != "Sheinbaum" {
		t.Errorf("reworded quote line = %+v", boots)
	}

	// The quotation edited in version 3 and re-attributed in version 5:
	// one line, with the speaker then and now.
	part := lineWith(t, l, ClaimQuote, "participation")
	if got, want := events(part), "1:appeared 3:changed/quote_changed 5:changed/quote_reattributed"; got != want {
		t.Errorf("re-attributed quote events = %q, want %q", got, want)
	}
	if e := part.Events[2]; e.SpeakerBefore != "Sheinbaum" || !strings.Contains(e.SpeakerAfter, "Fuente") {
		t.Errorf("re-attribution = %+v", e)
	}
	if part.Speaker != "Sheinbaum" || !strings.Contains(part.SpeakerNow, "Fuente") || part.Current != "the participation of U.S. armed forces is not necessary," && part.Current != "the participation of U.S. armed forces is not necessary" {
		t.Errorf("re-attributed quote line = %+v", part)
	}

	// The quotation removed in version 6 that came back in version 8.
	back := lineWith(t, l, ClaimQuote, "eradicate")
	if got, want := events(back), "1:appeared 6:removed 8:returned"; got != want {
		t.Errorf("returning quote events = %q, want %q", got, want)
	}
	if !back.Present || !back.Returned {
		t.Errorf("returning quote line = %+v", back)
	}

	// An untouched quotation has one event.
	if x := lineWith(t, l, ClaimQuote, "not opposed to cooperation"); events(x) != "1:appeared" || !x.Present {
		t.Errorf("untouched quote = %+v", x)
	}
	// Changed keeps the four claims that changed, went or came back.
	var kept []string
	for _, x := range l.Changed().Lines {
		kept = append(kept, x.Text)
	}
	if want := []string{
		"the participation of U.S. forces is not necessary,",
		"We are capable of confronting cartels without foreign boots on our soil,",
		"eradicate the laboratories at the source.",
		"over 100,000",
	}; strings.Join(kept, "|") != strings.Join(want, "|") {
		t.Errorf("Changed() lines = %q, want %q", kept, want)
	}

	// The ledger is the same on a second run.
	a, _ := json.Marshal(l)
	if b, _ := json.Marshal(BuildLedger(ledgerStory(t))); string(a) != string(b) {
		t.Errorf("ledger differs between runs")
	}
}

// TestBuildLedger_Empty: no versions, or versions with no text, give an
// empty ledger, not a panic; a story emptied and refilled has its claims
// removed and back.
func TestBuildLedger_Empty(t *testing.T) {
	if l := BuildLedger(nil); l.Lines == nil || len(l.Lines) != 0 {
		t.Errorf("BuildLedger(nil) = %+v", l)
	}
	full := Document{Title: "T", Paragraphs: []string{"'We will rebuild,' the mayor said of the 12 houses."}}
	l := BuildLedger([]LedgerVersion{{Number: 1, Doc: Document{}}, {Number: 2, Doc: full}, {Number: 3, Doc: Document{Title: "T"}}, {Number: 4, Doc: full}})
	if len(l.Lines) != 2 {
		t.Fatalf("%d lines, want the quotation and the figure: %+v", len(l.Lines), l.Lines)
	}
	for _, x := range l.Lines {
		if got := events(x); got != "2:appeared 3:removed 4:returned" || !x.Returned || !x.Present {
			t.Errorf("%s %q: %s", x.Type, x.Text, got)
		}
	}
}

// TestBuildLedger_HeadlineApart: a figure revised in the headline does not
// move the body's line for the same figure, which stayed.
func TestBuildLedger_HeadlineApart(t *testing.T) {
	body := []string{"Officials said 12 houses burned."}
	l := BuildLedger([]LedgerVersion{
		{Number: 1, Doc: Document{Title: "12 houses burn", Paragraphs: body}},
		{Number: 2, Doc: Document{Title: "15 houses burn", Paragraphs: body}},
	})
	if len(l.Lines) != 1 || l.Lines[0].Current != "12" || events(l.Lines[0]) != "1:appeared" {
		t.Errorf("lines = %+v, want the body's 12 unchanged", l.Lines)
	}
}
