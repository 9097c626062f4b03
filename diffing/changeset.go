// Package diffing compares two versions of an article's text and names what
// changed in the story: quotes, figures, attributions, negations, headlines
// and moves. It is pure: it does no I/O, reads no clock and logs nothing, and
// the same inputs always give the same ChangeSet, whatever the machine speed.
package diffing

import (
	"encoding/json"
	"fmt"
)

// Document is one version of an article as diffing sees it.
type Document struct {
	Title    string
	Byline   string
	Modified string // dateModified as the page gives it, if any
	// Dek is the standfirst or summary shown under the headline ("" when
	// the page has none). It is compared like the headline: location
	// paragraph -1.
	Dek string
	// Paragraphs are the body paragraphs in order. Text is normalized by
	// Compare itself, so callers pass what extraction produced.
	Paragraphs []string
}

// Kind names one kind of change. The string values are part of the stable
// JSON contract documented in the README.
type Kind string

// The change kinds, from the most to the least specific.
const (
	HeadlineChanged   Kind = "headline_changed"
	DekChanged        Kind = "dek_changed"
	BylineChanged     Kind = "byline_changed"
	QuoteAdded        Kind = "quote_added"
	QuoteRemoved      Kind = "quote_removed"
	QuoteChanged      Kind = "quote_changed"      // words inside a quotation changed
	QuoteReattributed Kind = "quote_reattributed" // same words, other speaker
	QuoteVerbChanged  Kind = "quote_verb_changed" // "said" became "claimed"
	NumberChanged     Kind = "number_changed"
	EntityChanged     Kind = "entity_changed"
	NegationChanged   Kind = "negation_changed"
	HedgeChanged      Kind = "hedge_changed"
	SentenceAdded     Kind = "sentence_added"
	SentenceRemoved   Kind = "sentence_removed"
	SentenceChanged   Kind = "sentence_changed"
	SentenceMoved     Kind = "sentence_moved"
	Cosmetic          Kind = "cosmetic"
)

// Attribution kinds of issue 17.
const (
	// SpeakerRoleChanged: same speaker, other role or description ("the
	// council's press officer" became "deputy leader of the council").
	SpeakerRoleChanged Kind = "speaker_role_changed"
	// SourceChanged: the source a claim is attributed to without quotation
	// marks ("police said", "according to X", "- governor") was added,
	// dropped or switched. High when a claim that had a source is now
	// stated as fact (the change's severity, not the kind's, says so).
	SourceChanged Kind = "source_changed"
)

// Severity orders changes by how much they matter to a reader.
type Severity int

// Severities, in increasing order.
const (
	SeverityNone Severity = iota
	SeverityLow
	SeverityMedium
	SeverityHigh
)

var severityNames = [...]string{"none", "low", "medium", "high"}

func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity parses "none", "low", "medium" or "high".
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if n == s {
			return Severity(i), nil
		}
	}
	return SeverityNone, fmt.Errorf("unknown severity %q (want low, medium or high)", s)
}

// MarshalText writes the severity's name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity's name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// OpType is one word-level edit operation.
type OpType string

// The word-level operations.
const (
	OpEqual  OpType = "equal"
	OpInsert OpType = "insert"
	OpDelete OpType = "delete"
)

// Op is a run of text that is equal in both versions, inserted, or deleted.
// Concatenating the equal and delete runs gives Before; equal and insert
// runs give After, byte for byte.
type Op struct {
	Op   OpType `json:"op"`
	Text string `json:"text"`
}

// FigureChange is a figure (number, amount, percentage, date) that changed.
type FigureChange struct {
	Before string `json:"before"`
	After  string `json:"after"`
}

// QuoteChange is a quotation whose words, speaker or verb changed.
type QuoteChange struct {
	Before        string `json:"before,omitempty"` // the quoted words, without quote marks
	After         string `json:"after,omitempty"`
	BeforeSpeaker string `json:"before_speaker,omitempty"`
	AfterSpeaker  string `json:"after_speaker,omitempty"`
	// BeforeRole and AfterRole are the speaker's role or description as
	// the attribution gives it (Quote.Role), when it changed.
	BeforeRole string `json:"before_role,omitempty"`
	AfterRole  string `json:"after_role,omitempty"`
}

// Location places a sentence in a version: 1-based paragraph and sentence
// within the paragraph. Paragraph 0 is the headline, -1 the dek.
type Location struct {
	Paragraph int `json:"paragraph"`
	Sentence  int `json:"sentence"`
}

// Change is one edit to the story. One edit can carry several kinds (a
// changed quote that also changes a figure); Kind is the most severe.
type Change struct {
	Kind     Kind     `json:"kind"`
	Kinds    []Kind   `json:"kinds"`
	Severity Severity `json:"severity"`
	// Paragraph and Sentence locate the change in the new version, or in
	// the old one for a removal.
	Paragraph int `json:"paragraph"`
	Sentence  int `json:"sentence"`
	// From is where a moved or edited sentence was in the old version.
	From    *Location      `json:"from,omitempty"`
	Before  string         `json:"before"`
	After   string         `json:"after"`
	Speaker string         `json:"speaker"`
	Quotes  []QuoteChange  `json:"quotes,omitempty"`
	Figures []FigureChange `json:"figures,omitempty"`
	Ops     []Op           `json:"ops,omitempty"`
	// Notes flag what a reader of the rendered text could not see (an
	// optional field, absent when empty; added for battery D05 and D08):
	//   - "mixed script: WORD mixes Latin and Cyrillic (U+0430)" for an
	//     inserted word whose letters come from more than one script, the
	//     mark of a homoglyph swap (Latin a → Cyrillic а);
	//   - "bidi control inserted: U+202E" (or "removed") for an edit that
	//     adds or drops a bidi override or isolate (U+202A–U+202E,
	//     U+2066–U+2069), which reorders what a reader sees.
	// Such an edit is never classified Cosmetic.
	Notes []string `json:"notes,omitempty"`
}

// Has reports whether the change carries kind k.
func (c Change) Has(k Kind) bool {
	for _, x := range c.Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// DocSummary describes one side of a comparison.
type DocSummary struct {
	Title      string `json:"title"`
	Dek        string `json:"dek,omitempty"`
	Paragraphs int    `json:"paragraphs"`
	Sentences  int    `json:"sentences"`
	Words      int    `json:"words"`
}

// Summary is the change set at a glance.
type Summary struct {
	Severity    Severity     `json:"severity"`
	Counts      map[Kind]int `json:"counts"`
	StealthEdit bool         `json:"stealth_edit"`
	// Rewrite is set when nearly every sentence changed (battery D11): a
	// report should then say "rewritten (similarity N%)" rather than list
	// every change. An optional field, absent from the JSON otherwise.
	Rewrite *Rewrite `json:"rewrite,omitempty"`
	// Bounds name the work limits this diff reached (battery D01, D11,
	// D12): the diff's cost is bounded by the texts' structure, never by
	// the clock, and past a bound some edits may show as a removal and an
	// addition. Absent from the JSON when no bound was reached.
	Bounds []string `json:"bounds,omitempty"`
}

// Rewrite summarises a change set in which at least RewriteShare of the
// sentences of both versions were edited, added or removed (and neither
// version is empty: an article wholly added or removed is not a rewrite).
type Rewrite struct {
	// Similarity is the Dice coefficient of the two versions' folded
	// words, as a whole percentage (0–100), rounded down.
	Similarity int `json:"similarity"`
	// Changed is the share of sentences, over both versions, that did not
	// survive unchanged, as a whole percentage, rounded down.
	Changed int `json:"changed"`
}

// String gives the rewrite as a report line: "rewritten (similarity 3%)".
func (r *Rewrite) String() string {
	return fmt.Sprintf("rewritten (similarity %d%%)", r.Similarity)
}

// RewriteShare is the share of sentences (over both versions) that must
// have changed for a change set to count as a rewrite, and RewriteMin the
// fewest sentences, over both versions, for which the summary is given.
const (
	RewriteShare = 0.9
	RewriteMin   = 10
)

// ChangeSet is the result of Compare: every change between two versions,
// in reading order of the new version. Its JSON form is a stable contract.
type ChangeSet struct {
	Old     DocSummary `json:"old"`
	New     DocSummary `json:"new"`
	Summary Summary    `json:"summary"`
	Changes []Change   `json:"changes"`
}

// Empty reports whether nothing changed.
func (cs *ChangeSet) Empty() bool { return cs == nil || len(cs.Changes) == 0 }

// Marshal returns the change set's JSON form.
func (cs *ChangeSet) Marshal() ([]byte, error) { return json.Marshal(cs) }
