package diffing_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/redline-news/redline/diffing"
)

// TestGolden compares version pairs from testdata/golden/*.txt with the
// changes a careful reader of the two versions would report. Each file is
// a txtar-style archive: a free-text comment, then the sections
// "-- old --", "-- new --" and "-- want --".
//
// The old and new sections hold a document: "title: …", and optionally
// "byline: …", "modified: …" and "dek: …", then a blank line, then one paragraph per
// line (empty lines are skipped, as in the seed article).
//
// The want section lists the expected changes in order, one per line, as
// key=value fields; only the fields given are checked, except kinds, which
// is required:
//
//	kinds=quote_changed,number_changed  the set of kinds, exactly; a kind
//	                                    ending in "?" may be present or not
//	severity=high                       the change's severity
//	para=12 sent=2                      where it is (in the old version for a removal)
//	from=3.1                            Change.From as paragraph.sentence, or "none"
//	speaker=Trump                       Change.Speaker
//	figures=97 percent→90 percent       every Change.Figures, joined by "; "
//	speakers=Sheinbaum→Ebrard           every quote's speakers, joined by "; "
//
// The last line is "stealth=true" or "stealth=false", optionally followed
// by "severity=…" for the summary's severity.
//
// Pairs the code gets wrong wait in testdata/golden-pending/, which this
// test reads only when asked:
//
//	go test ./diffing -run TestGolden -golden-dir testdata/golden-pending
func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(*goldenDir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no golden files in %s", *goldenDir)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txt")
		t.Run(name, func(t *testing.T) {
			gc, err := readGolden(file)
			if err != nil {
				t.Fatal(err)
			}
			cs := diffing.Compare(gc.old, gc.new)
			checkWant(t, file, cs, gc)
			checkInvariants(t, gc.old, gc.new, cs)
		})
	}
}

var goldenDir = flag.String("golden-dir", filepath.Join("testdata", "golden"), "directory of golden version pairs")

// goldenCase is one parsed golden file.
type goldenCase struct {
	old, new diffing.Document
	want     []wantChange
	stealth  bool
	severity string // the summary's severity, if given
}

// wantChange is one line of a want section.
type wantChange struct {
	line     int
	kinds    []diffing.Kind // must all be present
	optional []diffing.Kind // may be present
	fields   map[string]string
}

var wantKeyRE = regexp.MustCompile(`(?:^|\s)(kinds|severity|para|sent|from|speaker|figures|speakers|stealth)=`)

// readGolden parses a golden file. Errors name the file and line.
func readGolden(file string) (*goldenCase, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	sections := map[string][]string{}
	starts := map[string]int{}
	var cur string
	for n, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "-- ") && strings.HasSuffix(line, " --") {
			cur = strings.TrimSuffix(strings.TrimPrefix(line, "-- "), " --")
			if _, dup := sections[cur]; dup {
				return nil, fmt.Errorf("%s:%d: section %q repeated", file, n+1, cur)
			}
			sections[cur] = []string{}
			starts[cur] = n + 2
			continue
		}
		if cur != "" {
			sections[cur] = append(sections[cur], line)
		}
	}
	for _, s := range []string{"old", "new", "want"} {
		if _, ok := sections[s]; !ok {
			return nil, fmt.Errorf("%s: no %q section", file, s)
		}
	}
	if len(sections) != 3 {
		return nil, fmt.Errorf("%s: want sections old, new and want, have %d", file, len(sections))
	}
	gc := &goldenCase{}
	if gc.old, err = parseDoc(sections["old"]); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", file, starts["old"], err)
	}
	if gc.new, err = parseDoc(sections["new"]); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", file, starts["new"], err)
	}
	gotStealth := false
	for n, line := range sections["want"] {
		ln := starts["want"] + n
		if strings.TrimSpace(line) == "" {
			continue
		}
		if gotStealth {
			return nil, fmt.Errorf("%s:%d: text after the stealth line", file, ln)
		}
		fields, err := parseFields(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", file, ln, err)
		}
		if s, ok := fields["stealth"]; ok {
			if gc.stealth, err = strconv.ParseBool(s); err != nil {
				return nil, fmt.Errorf("%s:%d: stealth: %w", file, ln, err)
			}
			gc.severity = fields["severity"]
			delete(fields, "stealth")
			delete(fields, "severity")
			if len(fields) > 0 {
				return nil, fmt.Errorf("%s:%d: the stealth line takes only severity", file, ln)
			}
			gotStealth = true
			continue
		}
		w := wantChange{line: ln, fields: fields}
		ks, ok := fields["kinds"]
		if !ok {
			return nil, fmt.Errorf("%s:%d: no kinds=", file, ln)
		}
		for _, k := range strings.Split(ks, ",") {
			name, opt := strings.CutSuffix(k, "?")
			if diffing.KindSeverity(diffing.Kind(name)) == diffing.SeverityNone {
				return nil, fmt.Errorf("%s:%d: unknown kind %q", file, ln, name)
			}
			if opt {
				w.optional = append(w.optional, diffing.Kind(name))
			} else {
				w.kinds = append(w.kinds, diffing.Kind(name))
			}
		}
		gc.want = append(gc.want, w)
	}
	if !gotStealth {
		return nil, fmt.Errorf("%s: the want section does not end with a stealth line", file)
	}
	return gc, nil
}

// parseFields reads "key=value key=value"; values may hold spaces.
func parseFields(line string) (map[string]string, error) {
	idx := wantKeyRE.FindAllStringSubmatchIndex(line, -1)
	if len(idx) == 0 || strings.TrimSpace(line[:idx[0][0]]) != "" {
		return nil, fmt.Errorf("%q does not start with a known key", line)
	}
	fields := map[string]string{}
	for i, m := range idx {
		key := line[m[2]:m[3]]
		end := len(line)
		if i+1 < len(idx) {
			end = idx[i+1][0]
		}
		val := strings.TrimSpace(line[m[1]:end])
		if strings.Contains(val, "=") {
			return nil, fmt.Errorf("%s=%q: unknown key inside the value", key, val)
		}
		if _, dup := fields[key]; dup {
			return nil, fmt.Errorf("%s= given twice", key)
		}
		fields[key] = val
	}
	return fields, nil
}

// parseDoc reads header lines up to the first blank line, then paragraphs.
func parseDoc(lines []string) (diffing.Document, error) {
	var d diffing.Document
	i := 0
	for ; i < len(lines) && lines[i] != ""; i++ {
		key, val, ok := strings.Cut(lines[i], ": ")
		if !ok {
			return d, fmt.Errorf("header %q: want key: value", lines[i])
		}
		switch key {
		case "title":
			d.Title = val
		case "byline":
			d.Byline = val
		case "modified":
			d.Modified = val
		case "dek":
			d.Dek = val
		default:
			return d, fmt.Errorf("unknown header %q", key)
		}
	}
	for _, l := range lines[i:] {
		if l != "" {
			d.Paragraphs = append(d.Paragraphs, l)
		}
	}
	return d, nil
}

// checkWant compares the change set with the want section and reports
// every difference, then got and want side by side.
func checkWant(t *testing.T, file string, cs *diffing.ChangeSet, gc *goldenCase) {
	t.Helper()
	var problems []string
	if len(cs.Changes) != len(gc.want) {
		problems = append(problems, fmt.Sprintf("got %d changes, want %d", len(cs.Changes), len(gc.want)))
	}
	for i := range min(len(cs.Changes), len(gc.want)) {
		c, w := cs.Changes[i], gc.want[i]
		for _, p := range matchChange(c, w) {
			problems = append(problems, fmt.Sprintf("change %d (%s:%d): %s", i+1, file, w.line, p))
		}
	}
	if cs.Summary.StealthEdit != gc.stealth {
		problems = append(problems, fmt.Sprintf("stealth = %v, want %v", cs.Summary.StealthEdit, gc.stealth))
	}
	if gc.severity != "" && cs.Summary.Severity.String() != gc.severity {
		problems = append(problems, fmt.Sprintf("summary severity = %v, want %s", cs.Summary.Severity, gc.severity))
	}
	if len(problems) == 0 {
		return
	}
	var b strings.Builder
	for _, p := range problems {
		fmt.Fprintf(&b, "\t%s\n", p)
	}
	b.WriteString("got:\n")
	for _, c := range cs.Changes {
		fmt.Fprintf(&b, "\t%s\n", formatChange(c))
		fmt.Fprintf(&b, "\t\tbefore: %q\n\t\tafter:  %q\n", c.Before, c.After)
	}
	fmt.Fprintf(&b, "\tstealth=%v severity=%v\n", cs.Summary.StealthEdit, cs.Summary.Severity)
	b.WriteString("want:\n")
	for _, w := range gc.want {
		fmt.Fprintf(&b, "\t%s\n", formatWant(w))
	}
	fmt.Fprintf(&b, "\tstealth=%v\n", gc.stealth)
	t.Errorf("%s:\n%s", file, b.String())
}

// matchChange returns how c differs from w, one line per field.
func matchChange(c diffing.Change, w wantChange) []string {
	var out []string
	got := slices.Clone(c.Kinds)
	slices.Sort(got)
	want := slices.Clone(w.kinds)
	for _, k := range w.optional {
		if c.Has(k) {
			want = append(want, k)
		}
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		out = append(out, fmt.Sprintf("kinds = %s, want %s", joinKinds(got), w.fields["kinds"]))
	}
	for _, key := range []string{"severity", "para", "sent", "from", "speaker", "figures", "speakers"} {
		want, ok := w.fields[key]
		if !ok {
			continue
		}
		if got := changeField(c, key); got != want {
			out = append(out, fmt.Sprintf("%s = %q, want %q", key, got, want))
		}
	}
	return out
}

func changeField(c diffing.Change, key string) string {
	switch key {
	case "severity":
		return c.Severity.String()
	case "para":
		return strconv.Itoa(c.Paragraph)
	case "sent":
		return strconv.Itoa(c.Sentence)
	case "from":
		if c.From == nil {
			return "none"
		}
		return fmt.Sprintf("%d.%d", c.From.Paragraph, c.From.Sentence)
	case "speaker":
		return c.Speaker
	case "figures":
		var fs []string
		for _, f := range c.Figures {
			fs = append(fs, f.Before+"→"+f.After)
		}
		return strings.Join(fs, "; ")
	case "speakers":
		var ss []string
		for _, q := range c.Quotes {
			ss = append(ss, q.BeforeSpeaker+"→"+q.AfterSpeaker)
		}
		return strings.Join(ss, "; ")
	}
	panic("unknown field " + key)
}

// formatChange writes c as a want line, with every field, so a reviewer
// can compare it with the file.
func formatChange(c diffing.Change) string {
	s := fmt.Sprintf("kinds=%s severity=%v para=%d sent=%d", joinKinds(c.Kinds), c.Severity, c.Paragraph, c.Sentence)
	if c.From != nil {
		s += " from=" + changeField(c, "from")
	}
	for _, key := range []string{"speaker", "figures", "speakers"} {
		if v := changeField(c, key); v != "" {
			s += " " + key + "=" + v
		}
	}
	return s
}

func formatWant(w wantChange) string {
	s := "kinds=" + w.fields["kinds"]
	for _, key := range []string{"severity", "para", "sent", "from", "speaker", "figures", "speakers"} {
		if v, ok := w.fields[key]; ok {
			s += " " + key + "=" + v
		}
	}
	return s
}

func joinKinds(ks []diffing.Kind) string {
	ss := make([]string, len(ks))
	for i, k := range ks {
		ss[i] = string(k)
	}
	return strings.Join(ss, ",")
}

// checkInvariants asserts what must hold for every pair, whatever it
// changes.
func checkInvariants(t *testing.T, old, cur diffing.Document, cs *diffing.ChangeSet) {
	t.Helper()
	for _, side := range []struct {
		name string
		d    diffing.Document
	}{{"old", old}, {"new", cur}} {
		if same := diffing.Compare(side.d, side.d); !same.Empty() || same.Summary.StealthEdit || same.Summary.Severity != diffing.SeverityNone {
			t.Errorf("Compare(%s, %s) is not empty: %d changes, summary %+v", side.name, side.name, len(same.Changes), same.Summary)
		}
		// Swapping curly and straight apostrophes changes no words, and
		// never a quotation.
		alt := swapApostrophes(side.d)
		for _, c := range diffing.Compare(side.d, alt).Changes {
			if !slices.Equal(c.Kinds, []diffing.Kind{diffing.Cosmetic}) {
				t.Errorf("%s with apostrophes swapped: %s, want cosmetic\n\tbefore: %q\n\tafter:  %q", side.name, formatChange(c), c.Before, c.After)
			}
		}
	}
	if onlyApostrophes(old, cur) {
		for _, c := range cs.Changes {
			for _, k := range c.Kinds {
				if strings.HasPrefix(string(k), "quote_") {
					t.Errorf("only apostrophes changed, but got %s", formatChange(c))
				}
			}
		}
	}
	for _, c := range cs.Changes {
		if c.Has(diffing.Cosmetic) && c.Severity == diffing.SeverityHigh {
			t.Errorf("cosmetic change with severity high: %s", formatChange(c))
		}
		if len(c.Kinds) == 0 || c.Kind != c.Kinds[0] {
			t.Errorf("Kind %q is not the first of Kinds %v", c.Kind, c.Kinds)
		}
		sev := diffing.SeverityNone
		for _, k := range c.Kinds {
			sev = max(sev, diffing.KindSeverity(k))
		}
		// A claim that lost its every source is high whatever its kinds.
		if c.Severity != sev && !(c.Has(diffing.SourceChanged) && c.Severity == diffing.SeverityHigh) {
			t.Errorf("severity %v, but the most severe of %v is %v", c.Severity, c.Kinds, sev)
		}
		if before, after := diffing.RebuildOps(c.Ops); before != c.Before || after != c.After {
			t.Errorf("ops of %s do not rebuild Before and After:\n\t%q\n\t%q", formatChange(c), before, after)
		}
	}
	x, err := cs.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	y, err := diffing.Compare(old, cur).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(x, y) {
		t.Errorf("two runs of Compare marshal differently:\n%s\n%s", x, y)
	}
}

// swapApostrophes turns every apostrophe inside a word (We’ve, Mexico's),
// in quotations too, from curly to straight or back, and touches no
// quotation mark.
func swapApostrophes(d diffing.Document) diffing.Document {
	out := d
	out.Title, out.Byline, out.Dek = swapInWords(d.Title), swapInWords(d.Byline), swapInWords(d.Dek)
	if len(d.Paragraphs) > 0 {
		out.Paragraphs = strings.Split(swapInWords(strings.Join(d.Paragraphs, "\n")), "\n")
	}
	return out
}

func swapInWords(s string) string {
	var b strings.Builder
	prev := rune(-1)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		next, _ := utf8.DecodeRuneInString(s[i+n:])
		out := r
		if unicode.IsLetter(prev) && unicode.IsLetter(next) {
			switch r {
			case '’':
				out = '\''
			case '\'':
				out = '’'
			}
		}
		if out == r {
			b.WriteString(s[i : i+n]) // keeps invalid bytes as they were
		} else {
			b.WriteRune(out)
		}
		prev = r
		i += n
	}
	return b.String()
}

// onlyApostrophes reports whether two documents differ, and only in the
// style of apostrophes inside words.
func onlyApostrophes(a, b diffing.Document) bool {
	return flatten(a) != flatten(b) && flatten(straighten(a)) == flatten(straighten(b))
}

func flatten(d diffing.Document) string {
	return strings.Join(append([]string{d.Title, d.Byline, d.Modified, d.Dek}, d.Paragraphs...), "\n")
}

// straighten makes every apostrophe between two letters a straight one.
func straighten(d diffing.Document) diffing.Document {
	apply := func(s string) string {
		rs := []rune(s)
		for i := 1; i+1 < len(rs); i++ {
			if rs[i] == '’' && unicode.IsLetter(rs[i-1]) && unicode.IsLetter(rs[i+1]) {
				rs[i] = '\''
			}
		}
		return string(rs)
	}
	out := d
	out.Title, out.Byline, out.Dek = apply(d.Title), apply(d.Byline), apply(d.Dek)
	out.Paragraphs = make([]string, len(d.Paragraphs))
	for i, p := range d.Paragraphs {
		out.Paragraphs[i] = apply(p)
	}
	return out
}
