package diffing

import (
	"hash/maphash"
	"slices"
	"time"
)

// LedgerVersion is one stored version of an article as the ledger reads
// it: its number, when it was seen, and its text.
type LedgerVersion struct {
	Number int
	Time   time.Time
	Doc    Document
}

// ClaimType says whether a ledger line follows a quotation or a figure.
type ClaimType string

// The claim types of a ledger line.
const (
	ClaimQuote  ClaimType = "quote"
	ClaimFigure ClaimType = "figure"
)

// LedgerEvent is what happened to a claim in one version.
type LedgerEvent struct {
	Version int       `json:"version"`
	Time    time.Time `json:"time"`
	// Event is "appeared", "changed", "removed" or "returned".
	Event string `json:"event"`
	// Kinds are the change kinds the diff gave the edit ("changed" only).
	Kinds  []Kind `json:"kinds,omitempty"`
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
	// SpeakerBefore and SpeakerAfter are who the quotation was attributed
	// to before and after the event (quotations only).
	SpeakerBefore string `json:"speaker_before,omitempty"`
	SpeakerAfter  string `json:"speaker_after,omitempty"`
}

// LedgerLine is one claim followed across every version: a quotation or a
// figure, however often its words or speaker changed.
type LedgerLine struct {
	Type ClaimType `json:"type"`
	// Text is the claim as it first appeared; Current as it was last seen.
	Text    string `json:"text"`
	Current string `json:"current"`
	// Speaker is who the quotation was attributed to when it first
	// appeared; SpeakerNow when it was last seen.
	Speaker    string `json:"speaker,omitempty"`
	SpeakerNow string `json:"speaker_now,omitempty"`
	// Context is the sentence the claim first appeared in.
	Context string `json:"context"`
	// First is the version it first appeared in.
	First int `json:"first"`
	// Present is whether the last version carries it; Returned whether it
	// was removed in some version and came back in a later one.
	Present  bool          `json:"present"`
	Returned bool          `json:"returned"`
	Events   []LedgerEvent `json:"events"`
}

// Ledger is every quotation and figure of an article's versions.
type Ledger struct {
	Lines []LedgerLine `json:"lines"`
}

// claimSeen is one claim found in a version.
type claimSeen struct {
	key, text, speaker, context string
}

// claimsOf lists a version's quotations and figures as the diff reads
// them: the quotation fragments Compare pairs (prepare) and the figures
// of each sentence, each key once, in reading order.
func claimsOf(d Document, seed maphash.Seed) (quotes, figures []claimSeen) {
	v := prepare(d, newVersionCache(docBytes(d), seed))
	seenQ, seenF := map[string]bool{}, map[string]bool{}
	for _, s := range v.sents {
		for _, q := range s.quotes {
			if k := quoteKey(q.text); !seenQ[k] {
				seenQ[k] = true
				quotes = append(quotes, claimSeen{key: k, text: q.text, speaker: q.speaker, context: s.text})
			}
		}
		for _, f := range Figures(s.text) {
			if !seenF[f] {
				seenF[f] = true
				figures = append(figures, claimSeen{key: f, text: f, context: s.text})
			}
		}
	}
	return quotes, figures
}

// quoteKinds are the kinds a ledger reports for a changed quotation.
var quoteKinds = []Kind{QuoteChanged, QuoteReattributed, QuoteVerbChanged, SpeakerRoleChanged}

// pairing is a claim the diff of two consecutive versions followed from
// one text to another.
type pairing struct {
	before, after      string
	speakerB, speakerA string
	kinds              []Kind
}

// pairingsOf reads from a change set the quotations and figures it paired
// between the two versions: the same pairings its report shows.
func pairingsOf(cs *ChangeSet) (quotes, figures []pairing) {
	for _, c := range cs.Changes {
		if c.Paragraph <= 0 {
			// The headline (0) and dek (-1) are not in the ledger, which
			// follows the body: their pairings must not move a body line
			// that happens to share the words.
			continue
		}
		for _, q := range c.Quotes {
			if q.Before == "" || q.After == "" {
				continue // added or removed, not paired
			}
			var ks []Kind
			for _, k := range quoteKinds {
				if c.Has(k) {
					ks = append(ks, k)
				}
			}
			if quoteKey(q.Before) != quoteKey(q.After) && !slices.Contains(ks, QuoteChanged) {
				ks = append([]Kind{QuoteChanged}, ks...)
			}
			if q.BeforeSpeaker != q.AfterSpeaker && !slices.Contains(ks, QuoteReattributed) {
				ks = append(ks, QuoteReattributed)
			}
			quotes = append(quotes, pairing{before: q.Before, after: q.After, speakerB: q.BeforeSpeaker, speakerA: q.AfterSpeaker, kinds: ks})
		}
		for _, f := range c.Figures {
			if f.Before == "" || f.After == "" || f.Before == f.After {
				continue
			}
			figures = append(figures, pairing{before: f.Before, after: f.After, kinds: []Kind{NumberChanged}})
		}
	}
	return quotes, figures
}

// BuildLedger follows every quotation and figure of an article across its
// versions, given in order. It chains the pairings Compare makes between
// each two consecutive versions, so a quotation reworded in one version
// and re-attributed in a later one stays one line. It does no I/O.
func BuildLedger(versions []LedgerVersion) *Ledger {
	seed := maphash.MakeSeed() // set membership only: the ledger does not depend on it
	l := &Ledger{Lines: []LedgerLine{}}
	quotes := newChain(l, ClaimQuote)
	figures := newChain(l, ClaimFigure)
	for i, v := range versions {
		qs, fs := claimsOf(v.Doc, seed)
		var qp, fp []pairing
		if i > 0 {
			qp, fp = pairingsOf(Compare(versions[i-1].Doc, v.Doc))
		}
		quotes.step(v, qp, qs)
		figures.step(v, fp, fs)
	}
	return l
}

// chain follows the claims of one type from version to version.
type chain struct {
	l    *Ledger
	typ  ClaimType
	live map[string]int // key of a claim in the last version → its line
	gone map[string]int // key of a removed claim → its line
}

func newChain(l *Ledger, typ ClaimType) *chain {
	return &chain{l: l, typ: typ, live: map[string]int{}, gone: map[string]int{}}
}

func (c *chain) key(s string) string {
	if c.typ == ClaimQuote {
		return quoteKey(s)
	}
	return s
}

// step moves the chain to version v: pairs from the diff first, then the
// claims found unchanged, back, or new, then those no longer there.
func (c *chain) step(v LedgerVersion, pairs []pairing, seen []claimSeen) {
	now := make(map[string]claimSeen, len(seen))
	for _, s := range seen {
		now[s.key] = s
	}
	next := map[string]int{}
	for _, p := range pairs {
		kb, ka := c.key(p.before), c.key(p.after)
		n, ok := c.live[kb]
		if !ok {
			continue // a pairing of a claim the ledger does not hold
		}
		if _, dup := next[ka]; dup {
			continue
		}
		ev := LedgerEvent{Version: v.Number, Time: v.Time, Event: "changed", Kinds: p.kinds,
			Before: p.before, After: p.after, SpeakerBefore: p.speakerB, SpeakerAfter: p.speakerA}
		if _, still := now[kb]; still && kb != ka {
			// The old words are still in the text elsewhere: that line goes
			// on, and the edited copy starts its own, from the change.
			n = c.add(v, now[ka])
			c.l.Lines[n].Events = []LedgerEvent{ev}
			c.l.Lines[n].Text = p.before
			c.l.Lines[n].Speaker = p.speakerB
		} else {
			c.l.Lines[n].Events = append(c.l.Lines[n].Events, ev)
			delete(c.live, kb)
		}
		line := &c.l.Lines[n]
		line.Current = p.after
		if s, ok := now[ka]; ok {
			line.Current, line.SpeakerNow = s.text, s.speaker
		} else if p.speakerA != "" {
			line.SpeakerNow = p.speakerA
		}
		next[ka] = n
	}
	for _, s := range seen {
		if _, ok := next[s.key]; ok {
			continue
		}
		if n, ok := c.live[s.key]; ok {
			line := &c.l.Lines[n]
			line.Current = s.text
			if s.speaker != "" {
				line.SpeakerNow = s.speaker
			}
			next[s.key] = n
			delete(c.live, s.key)
			continue
		}
		if n, ok := c.gone[s.key]; ok {
			delete(c.gone, s.key)
			line := &c.l.Lines[n]
			line.Events = append(line.Events, LedgerEvent{Version: v.Number, Time: v.Time, Event: "returned",
				After: s.text, SpeakerBefore: line.SpeakerNow, SpeakerAfter: s.speaker})
			line.Returned, line.Present = true, true
			line.Current, line.SpeakerNow = s.text, s.speaker
			next[s.key] = n
			continue
		}
		n := c.add(v, s)
		c.l.Lines[n].Events = []LedgerEvent{{Version: v.Number, Time: v.Time, Event: "appeared", After: s.text, SpeakerAfter: s.speaker}}
		next[s.key] = n
	}
	// What was live and is neither paired nor seen again was removed.
	var removed []int
	for _, n := range c.live {
		removed = append(removed, n)
	}
	slices.Sort(removed) // map order must not reach the ledger
	for _, n := range removed {
		line := &c.l.Lines[n]
		line.Present = false
		line.Events = append(line.Events, LedgerEvent{Version: v.Number, Time: v.Time, Event: "removed",
			Before: line.Current, SpeakerBefore: line.SpeakerNow})
		c.gone[c.key(line.Current)] = n
	}
	c.live = next
}

// add starts a line for claim s, first seen in version v.
func (c *chain) add(v LedgerVersion, s claimSeen) int {
	c.l.Lines = append(c.l.Lines, LedgerLine{Type: c.typ, Text: s.text, Current: s.text, Speaker: s.speaker,
		SpeakerNow: s.speaker, Context: s.context, First: v.Number, Present: true})
	return len(c.l.Lines) - 1
}

// Changed returns the ledger's lines whose claim changed, disappeared or
// came back: those with an event after their first appearance.
func (l *Ledger) Changed() *Ledger {
	out := &Ledger{Lines: []LedgerLine{}}
	for _, x := range l.Lines {
		if len(x.Events) > 1 || len(x.Events) == 1 && x.Events[0].Event != "appeared" {
			out.Lines = append(out.Lines, x)
		}
	}
	return out
}
