package diffing_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/redline-news/redline/diffing"
)

// TestRealRevisions scores Compare on real GOV.UK revision pairs labelled by
// hand (issue 17 point 7). The pairs are testdata/revisions/
// govuk-revisions.jsonl.gz, the repository's copy of the public corpus of
// real GOV.UK revisions; the labels are every testdata/revisions/labels-*.jsonl,
// one JSON object a line, written by reading a neutral word diff of each
// pair, never redline's output (see the schema in labelRecord).
//
// Each class is scored per pair: the label says the pair has such a change,
// Compare says so when any change carries one of the class's kinds.
// Figures are also scored one by one (figure recall). The table is printed
// with -v; -revisions-list adds every pair where labels and Compare disagree:
//
//	go test ./diffing -run '^TestRealRevisions$' -v -count=1 -args -revisions-list
//
// (scripts/revisions-score runs it). The test is a ratchet: it fails when a
// class scores below its floor in revisionFloors.
func TestRealRevisions(t *testing.T) {
	dir := filepath.Join("testdata", "revisions")
	pairs := readRevisionPairs(t, filepath.Join(dir, "govuk-revisions.jsonl.gz"))
	files, err := filepath.Glob(filepath.Join(dir, "labels-*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var labels []labelRecord
	seen := map[string]string{}
	for _, f := range files {
		for _, l := range readLabels(t, f, pairs) {
			if prev, ok := seen[l.ID]; ok {
				t.Fatalf("%s: pair %d (%s) is labelled again (first in %s)", f, l.Index, l.ID, prev)
			}
			seen[l.ID] = f
			labels = append(labels, l)
		}
	}
	// In corpus order, whichever file labels a pair, so the listings read in order.
	slices.SortFunc(labels, func(a, b labelRecord) int { return a.Index - b.Index })
	scored := 0
	for _, l := range labels {
		if l.Unlabelable == "" {
			scored++
		}
	}
	if scored == 0 {
		t.Fatalf("no labelled pairs in %s/labels-*.jsonl (%d files): the scores would mean nothing", dir, len(files))
	}

	sc := newRevisionScore()
	for _, l := range labels {
		if l.Unlabelable != "" {
			continue
		}
		p := pairs[l.ID]
		cs := diffing.Compare(revisionDocument(p.TitleOld, p.TextOld), revisionDocument(p.TitleNew, p.TextNew))
		sc.add(l, cs)
	}
	t.Logf("%d labelled pairs (%d unlabelable) from %d files\n%s", scored, len(labels)-scored, len(files), sc.table())
	if *revisionsList {
		t.Logf("pairs where labels and Compare disagree:\n%s", sc.mismatches.String())
	}

	for _, c := range revisionClasses {
		f, ok := revisionFloors[c.name]
		if !ok {
			t.Errorf("class %s has no floor in revisionFloors", c.name)
			continue
		}
		n := sc.counts[c.name]
		if p := n.precision(); p < f.precision {
			t.Errorf("%s: precision %.3f below its floor %.2f (%s)", c.name, p, f.precision, n)
		}
		if r := n.recall(); r < f.recall {
			t.Errorf("%s: recall %.3f below its floor %.2f (%s)", c.name, r, f.recall, n)
		}
	}
	if r := sc.figureRecall(); r < figureLevelRecallFloor {
		t.Errorf("figure-level recall %.3f below its floor %.2f (%d of %d figures found)", r, figureLevelRecallFloor, sc.figuresFound, sc.figuresLabelled)
	}
	t.Logf("one-word slips shown at low severity: %d%s", len(sc.slips), strings.Join(sc.slips, ""))
	for _, c := range sc.slipClaims {
		t.Errorf("a one-word slip lowered a labelled claim change: %s", c)
	}
	if len(sc.copyEditRaised) > copyEditRaisedCeiling {
		t.Errorf("%d copy-edit-only pairs raised above low severity (ceiling %d): %s",
			len(sc.copyEditRaised), copyEditRaisedCeiling, strings.Join(sc.copyEditRaised, ", "))
	}
}

var revisionsList = flag.Bool("revisions-list", false, "TestRealRevisions: list every pair where labels and Compare disagree")

// revisionFloors are the ratchet: each class's precision and recall on the
// committed labels may not fall below them. They are what the code scores
// now, rounded down to 0.01; the coordinator raises them as the classifier
// improves. A precision with nothing predicted, or a recall with nothing
// labelled, counts as 0.
//
// The targets (issue 17 point 7): precision and recall ≥ 0.95 for quote,
// figure, reattribution, source and headline, and no copy-edit-only pair
// above low severity (copyEditRaisedCeiling 0).
var revisionFloors = map[string]struct{ precision, recall float64 }{
	"quote":         {1.00, 1.00},
	"figure":        {0.96, 0.95},
	"reattribution": {1.00, 1.00},
	"speaker_role":  {0.80, 1.00},
	"source":        {1.00, 1.00},
	"headline":      {0.98, 0.98},
	"dek":           {0.90, 1.00},
	"entity":        {0.39, 0.69},
	"negation":      {0.83, 0.83},
}

// figureLevelRecallFloor is the floor of the share of labelled figures
// found one by one; copyEditRaisedCeiling the most copy-edit-only pairs
// that may be raised above low severity (target 0).
const (
	figureLevelRecallFloor = 0.82
	copyEditRaisedCeiling  = 0
)

// revisionPair is one line of govuk-revisions.jsonl.gz.
type revisionPair struct {
	ID         string `json:"id"`
	URL        string `json:"url"`
	DateOld    string `json:"date_old"`
	DateNew    string `json:"date_new"`
	ChangeNote string `json:"change_note"`
	TitleOld   string `json:"title_old"`
	TitleNew   string `json:"title_new"`
	TextOld    string `json:"text_old"`
	TextNew    string `json:"text_new"`
	index      int
}

// labelRecord is one line of a labels file. Every key but unlabelable is
// required; lists are empty and bools false when there is none.
type labelRecord struct {
	ID              string `json:"id"`
	Index           int    `json:"index"`
	Unlabelable     string `json:"unlabelable,omitempty"` // why the pair could not be read; it is not scored
	HeadlineChanged bool   `json:"headline_changed"`
	DekChanged      bool   `json:"dek_changed"`
	Quotes          []struct {
		Change        string `json:"change"` // added, removed, edited
		Where         string `json:"where"`  // headline, dek, body
		Before        string `json:"before"`
		After         string `json:"after"`
		SpeakerBefore string `json:"speaker_before"`
		SpeakerAfter  string `json:"speaker_after"`
	} `json:"quotes"`
	Reattributions []struct {
		Quote         string `json:"quote"`
		SpeakerBefore string `json:"speaker_before"`
		SpeakerAfter  string `json:"speaker_after"`
	} `json:"reattributions"`
	SpeakerRoles []struct {
		Speaker string `json:"speaker"`
		Before  string `json:"before"`
		After   string `json:"after"`
	} `json:"speaker_roles"`
	Sources []struct {
		Claim  string `json:"claim"`
		Before string `json:"before"`
		After  string `json:"after"`
	} `json:"sources"`
	Figures []struct {
		Where  string `json:"where"`
		Before string `json:"before"`
		After  string `json:"after"`
	} `json:"figures"`
	Entities []struct {
		Before string `json:"before"`
		After  string `json:"after"`
	} `json:"entities"`
	Negation     bool   `json:"negation"`
	CopyEditOnly bool   `json:"copy_edit_only"`
	Note         string `json:"note"`
}

var labelKeys = []string{"id", "index", "headline_changed", "dek_changed", "quotes", "reattributions",
	"speaker_roles", "sources", "figures", "entities", "negation", "copy_edit_only", "note"}

func readRevisionPairs(t *testing.T, file string) map[string]revisionPair {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	pairs := map[string]revisionPair{}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 16<<20)
	for i := 0; sc.Scan(); i++ {
		var p revisionPair
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			t.Fatalf("%s:%d: %v", file, i+1, err)
		}
		p.index = i
		pairs[p.ID] = p
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if len(pairs) == 0 {
		t.Fatalf("%s: no pairs", file)
	}
	return pairs
}

// readLabels reads one labels file, checking each line against the schema
// and the corpus so that a mistyped key or a wrong index fails here rather
// than skewing the scores.
func readLabels(t *testing.T, file string, pairs map[string]revisionPair) []labelRecord {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []labelRecord
	for i, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		where := fmt.Sprintf("%s:%d", file, i+1)
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(line, &keys); err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		var l labelRecord
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		p, ok := pairs[l.ID]
		if !ok {
			t.Fatalf("%s: id %q is not in the corpus", where, l.ID)
		}
		if p.index != l.Index {
			t.Fatalf("%s: id %q is pair %d, not %d", where, l.ID, p.index, l.Index)
		}
		if l.Unlabelable != "" {
			out = append(out, l)
			continue
		}
		for _, k := range labelKeys {
			if _, ok := keys[k]; !ok {
				t.Fatalf("%s: key %q missing", where, k)
			}
		}
		for _, q := range l.Quotes {
			if !slices.Contains([]string{"added", "removed", "edited"}, q.Change) {
				t.Fatalf("%s: quote change %q (want added, removed or edited)", where, q.Change)
			}
			if !slices.Contains([]string{"headline", "dek", "body"}, q.Where) {
				t.Fatalf("%s: quote where %q (want headline, dek or body)", where, q.Where)
			}
		}
		for _, f := range l.Figures {
			if !slices.Contains([]string{"headline", "dek", "body"}, f.Where) {
				t.Fatalf("%s: figure where %q (want headline, dek or body)", where, f.Where)
			}
			if f.Before == f.After {
				t.Fatalf("%s: figure %q → %q does not change", where, f.Before, f.After)
			}
		}
		if l.CopyEditOnly && (l.HeadlineChanged || l.DekChanged || l.Negation || len(l.Quotes)+len(l.Reattributions)+
			len(l.SpeakerRoles)+len(l.Sources)+len(l.Figures)+len(l.Entities) > 0) {
			t.Fatalf("%s: copy_edit_only with a change labelled", where)
		}
		out = append(out, l)
	}
	return out
}

// revisionDocument splits a corpus text as the corpus means it: the first
// paragraph is the lead shown under the headline (the dek), the rest the
// body, paragraphs separated by a blank line.
func revisionDocument(title, text string) diffing.Document {
	var paras []string
	for _, p := range strings.Split(text, "\n\n") {
		if strings.TrimSpace(p) != "" {
			paras = append(paras, p)
		}
	}
	d := diffing.Document{Title: title}
	if len(paras) > 0 {
		d.Dek, d.Paragraphs = paras[0], paras[1:]
	}
	return d
}

// revisionClass is one scored class: whether a label has it, and the kinds
// that say Compare found it. Kinds named by string are not on main yet
// (issue 17 points 1 and 3); scoring them already shows their recall as 0.
type revisionClass struct {
	name    string
	labeled func(labelRecord) bool
	kinds   []diffing.Kind
}

var revisionClasses = []revisionClass{
	{"quote", func(l labelRecord) bool { return len(l.Quotes) > 0 },
		[]diffing.Kind{diffing.QuoteAdded, diffing.QuoteRemoved, diffing.QuoteChanged}},
	{"figure", func(l labelRecord) bool { return len(l.Figures) > 0 }, []diffing.Kind{diffing.NumberChanged}},
	{"reattribution", func(l labelRecord) bool { return len(l.Reattributions) > 0 }, []diffing.Kind{diffing.QuoteReattributed}},
	{"speaker_role", func(l labelRecord) bool { return len(l.SpeakerRoles) > 0 }, []diffing.Kind{"speaker_role_changed"}},
	{"source", func(l labelRecord) bool { return len(l.Sources) > 0 }, []diffing.Kind{"source_changed"}},
	{"headline", func(l labelRecord) bool { return l.HeadlineChanged }, []diffing.Kind{diffing.HeadlineChanged}},
	{"dek", func(l labelRecord) bool { return l.DekChanged }, []diffing.Kind{diffing.DekChanged}},
	{"entity", func(l labelRecord) bool { return len(l.Entities) > 0 }, []diffing.Kind{diffing.EntityChanged}},
	{"negation", func(l labelRecord) bool { return l.Negation }, []diffing.Kind{diffing.NegationChanged}},
}

// confusion counts pairs: true positives, false positives, false negatives.
type confusion struct{ tp, fp, fn int }

func (c confusion) precision() float64 {
	if c.tp+c.fp == 0 {
		return 0
	}
	return float64(c.tp) / float64(c.tp+c.fp)
}

func (c confusion) recall() float64 {
	if c.tp+c.fn == 0 {
		return 0
	}
	return float64(c.tp) / float64(c.tp+c.fn)
}

func (c confusion) String() string {
	return fmt.Sprintf("tp %d, fp %d, fn %d", c.tp, c.fp, c.fn)
}

type revisionScore struct {
	counts                        map[string]confusion
	figuresLabelled, figuresFound int
	copyEditPairs                 int
	copyEditRaised                []string // pair indexes
	slips                         []string // every change lowered as a one-word slip, listed
	slipClaims                    []string // those within a labelled claim change: each fails the test
	mismatches                    strings.Builder
}

func newRevisionScore() *revisionScore {
	return &revisionScore{counts: map[string]confusion{}}
}

func (s *revisionScore) add(l labelRecord, cs *diffing.ChangeSet) {
	have := map[diffing.Kind]bool{}
	var found [][2][]string // every figure Compare reports, as keys
	var shown []string      // and as Compare gives them, for the listing
	for _, c := range cs.Changes {
		for _, k := range c.Kinds {
			have[k] = true
		}
		have[c.Kind] = true
		for _, f := range c.Figures {
			found = append(found, [2][]string{figureKey(f.Before), figureKey(f.After)})
			shown = append(shown, fmt.Sprintf("%q→%q", f.Before, f.After))
		}
	}
	for _, c := range cs.Changes {
		s.addSlip(l, c)
	}
	var miss []string
	for _, c := range revisionClasses {
		want := c.labeled(l)
		got := slices.ContainsFunc(c.kinds, func(k diffing.Kind) bool { return have[k] })
		n := s.counts[c.name]
		switch {
		case want && got:
			n.tp++
		case got:
			n.fp++
			miss = append(miss, "+"+c.name)
		case want:
			n.fn++
			miss = append(miss, "-"+c.name)
		}
		s.counts[c.name] = n
	}
	for _, f := range l.Figures {
		s.figuresLabelled++
		b, a := figureKey(f.Before), figureKey(f.After)
		if slices.ContainsFunc(found, func(x [2][]string) bool { return slices.Equal(x[0], b) && slices.Equal(x[1], a) }) {
			s.figuresFound++
		} else {
			miss = append(miss, fmt.Sprintf("figure %q→%q not found", f.Before, f.After))
		}
	}
	if l.CopyEditOnly {
		s.copyEditPairs++
		if sev := maxSeverity(cs); sev > diffing.SeverityLow {
			s.copyEditRaised = append(s.copyEditRaised, fmt.Sprintf("%d", l.Index))
			miss = append(miss, "copy-edit raised to "+sev.String())
		}
	}
	if len(miss) > 0 {
		var kinds []string
		for k := range have {
			kinds = append(kinds, string(k))
		}
		slices.Sort(kinds)
		fmt.Fprintf(&s.mismatches, "%4d %s\n       labels: %s\n       redline kinds: %s\n",
			l.Index, strings.Join(miss, "; "), l.Note, strings.Join(kinds, ","))
		if len(shown) > 0 {
			fmt.Fprintf(&s.mismatches, "       redline figures: %s\n", strings.Join(shown, ", "))
		}
	}
}

// addSlip records a change shown at low severity as a one-word slip
// ("support" → "sport"), and whether a labelled claim change (a quote, a
// figure, a source, an entity, a re-attribution) lies in its sentence,
// which such a change must never lower.
func (s *revisionScore) addSlip(l labelRecord, c diffing.Change) {
	for _, n := range c.Notes {
		if !strings.HasPrefix(n, "one word replaced: ") {
			continue
		}
		line := fmt.Sprintf("\n  %4d %s: %q", l.Index, n, c.After)
		s.slips = append(s.slips, line)
		var claims []string
		for _, q := range l.Quotes {
			claims = append(claims, q.Before, q.After)
		}
		for _, f := range l.Figures {
			claims = append(claims, f.Before, f.After)
		}
		for _, x := range l.Sources {
			claims = append(claims, x.Claim)
		}
		for _, e := range l.Entities {
			claims = append(claims, e.Before, e.After)
		}
		for _, r := range l.Reattributions {
			claims = append(claims, r.Quote)
		}
		for _, x := range claims {
			if x != "" && (strings.Contains(c.Before, x) || strings.Contains(c.After, x) || strings.Contains(x, c.After)) {
				s.slipClaims = append(s.slipClaims, fmt.Sprintf("%s (labelled %q)", line, x))
			}
		}
	}
}

func maxSeverity(cs *diffing.ChangeSet) diffing.Severity {
	sev := cs.Summary.Severity
	for _, c := range cs.Changes {
		sev = max(sev, c.Severity)
	}
	return sev
}

func (s *revisionScore) figureRecall() float64 {
	if s.figuresLabelled == 0 {
		return 0
	}
	return float64(s.figuresFound) / float64(s.figuresLabelled)
}

func (s *revisionScore) table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-14s %9s %9s %5s %5s %5s\n", "class", "precision", "recall", "tp", "fp", "fn")
	ratio := func(num, den int) string {
		if den == 0 {
			return "n/a"
		}
		return fmt.Sprintf("%.3f", float64(num)/float64(den))
	}
	for _, c := range revisionClasses {
		n := s.counts[c.name]
		fmt.Fprintf(&b, "%-14s %9s %9s %5d %5d %5d\n", c.name, ratio(n.tp, n.tp+n.fp), ratio(n.tp, n.tp+n.fn), n.tp, n.fp, n.fn)
	}
	fmt.Fprintf(&b, "figure-level recall: %s (%d of %d labelled figures found)\n",
		ratio(s.figuresFound, s.figuresLabelled), s.figuresFound, s.figuresLabelled)
	fmt.Fprintf(&b, "copy-edit-only pairs above low severity: %d of %d", len(s.copyEditRaised), s.copyEditPairs)
	if len(s.copyEditRaised) > 0 {
		fmt.Fprintf(&b, " (pairs %s)", strings.Join(s.copyEditRaised, ", "))
	}
	return b.String()
}

// figureKey reduces a figure to what names its value, so that a label and
// Compare's figure match whatever words surround them: digit runs without
// separators ("40,000" → "40000"), number words as digits ("four" → "4"),
// scale, fraction, month and weekday words, lower case, in order. The
// labels' qualifiers ("more than") are left out: a qualifier-only change
// then matches a figure of Compare's with the same values on both sides.
func figureKey(s string) []string {
	var key []string
	s = strings.ToLower(s)
	for _, w := range strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '.' && r != ','
	}) {
		w = strings.Trim(w, ".,")
		if w == "" {
			continue
		}
		if unicode.IsDigit([]rune(w)[0]) {
			// Split a digit run from a glued suffix: "3.6bn", "5pm", "2nd".
			i := strings.IndexFunc(w, func(r rune) bool { return !unicode.IsDigit(r) && r != '.' && r != ',' })
			num, suffix := w, ""
			if i >= 0 {
				num, suffix = w[:i], w[i:]
			}
			num = strings.ReplaceAll(strings.TrimRight(num, ".,"), ",", "")
			key = append(key, num)
			if s, ok := figureWords[suffix]; ok && s != "" {
				key = append(key, s)
			}
			continue
		}
		if v, ok := figureWords[w]; ok && v != "" {
			key = append(key, v)
		}
	}
	return key
}

// figureWords maps the words figureKey keeps to their canonical form.
var figureWords = func() map[string]string {
	m := map[string]string{
		"bn": "billion", "billion": "billion", "m": "million", "million": "million", "k": "thousand",
		"thousand": "thousand", "hundred": "hundred", "trillion": "trillion",
		"half": "half", "halves": "half", "third": "third", "thirds": "third", "quarter": "quarter", "quarters": "quarter",
		"percent": "", "st": "", "nd": "", "rd": "", "th": "", "am": "am", "pm": "pm", "noon": "noon", "midnight": "midnight",
		"yesterday": "yesterday", "today": "today", "tomorrow": "tomorrow",
	}
	for i, w := range strings.Fields("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty") {
		m[w] = fmt.Sprint(i)
	}
	for i, w := range strings.Fields("thirty forty fifty sixty seventy eighty ninety") {
		m[w] = fmt.Sprint(30 + 10*i)
	}
	for _, w := range strings.Fields("january february march april may june july august september october november december monday tuesday wednesday thursday friday saturday sunday") {
		m[w] = w
	}
	return m
}()
