package report

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/redline-news/redline/diffing"
)

// TestWriteChangeSet_HostileText checks that every change set, of the
// sample edited and of hostile or random text, is written as valid JSON
// whose text holds no raw line separator, bidi control or C1 control (a
// terminal or a JavaScript consumer would act on them): sanitize.JSON escapes
// what encoding/json leaves raw.
func TestWriteChangeSet_HostileText(t *testing.T) {
	seed, err := os.ReadFile("../diffing/testdata/seed-article.txt")
	if err != nil {
		t.Fatal(err)
	}
	var paras []string
	for _, l := range strings.Split(string(seed), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			paras = append(paras, l)
		}
	}
	edited := append([]string(nil), paras...)
	for i := range edited {
		switch i % 7 {
		case 0:
			edited[i] = strings.Replace(edited[i], " the ", " a ", 1)
		case 3:
			edited[i] = strings.ReplaceAll(edited[i], "said", "claimed")
		case 5:
			edited[i] = strings.Replace(edited[i], "9", "8", 1)
		}
	}
	edited = append(edited[3:], edited[:3]...)
	hostile := []string{
		"bad \xff\xfe utf-8", "nul \x00 and \x1b[31m escape", "<script>&amp;</script>",
		"line\u2028separator\u2029", "bidi \u202e override \u2066", "c1 \u0085 \u009b",
		"emoji 🗞️ and “curly” quotes", `back\slash "quoted"`, "",
	}
	var sets []*diffing.ChangeSet
	sets = append(sets,
		diffing.Compare(diffing.Document{Title: "T", Paragraphs: paras}, diffing.Document{Title: "T2", Paragraphs: edited}),
		diffing.Compare(diffing.Document{Paragraphs: hostile}, diffing.Document{Paragraphs: append(hostile[1:], "new \xc3")}),
		&diffing.ChangeSet{}, // nil slices and map
	)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		var old, cur []string
		for range 1 + rng.IntN(6) {
			old = append(old, randomText(rng))
			cur = append(cur, randomText(rng))
		}
		sets = append(sets, diffing.Compare(diffing.Document{Paragraphs: old}, diffing.Document{Paragraphs: cur}))
	}
	for i, cs := range sets {
		var buf bytes.Buffer
		if err := WriteChangeSet(&buf, cs); err != nil {
			t.Fatalf("set %d: %v", i, err)
		}
		got := buf.Bytes()
		if !json.Valid(got) {
			t.Fatalf("set %d: not valid JSON:\n%s", i, got)
		}
		if k := bytes.IndexFunc(got, func(r rune) bool {
			return r == '\u2028' || r == '\u2029' || r == '\u202e' || r == '\u2066' || (r >= 0x80 && r < 0xa0)
		}); k >= 0 {
			t.Fatalf("set %d: raw control at byte %d: %q", i, k, got[max(0, k-20):min(len(got), k+20)])
		}
	}
}

// randomText is words, figures, quotation marks, controls and broken
// UTF-8 in random order.
func randomText(rng *rand.Rand) string {
	parts := []string{"Sheinbaum", "said", "“we", "will”", "97", "percent", "\xff", "\x01", "<b>", "&", "\u202e", "not", ".", ",", "'", "\"", "U.S.", "é"}
	var b strings.Builder
	for range rng.IntN(40) {
		b.WriteString(parts[rng.IntN(len(parts))])
		if rng.IntN(3) > 0 {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// BenchmarkWriteChangeSet writes the change set of the seed article ×70
// with every twentieth paragraph edited, as `redline diff --format json`
// does on the long pair.
func BenchmarkWriteChangeSet(b *testing.B) {
	seed, err := os.ReadFile("../diffing/testdata/seed-article.txt")
	if err != nil {
		b.Fatal(err)
	}
	var old, cur []string
	for c := range 70 {
		for _, l := range strings.Split(string(seed), "\n") {
			if l = strings.TrimSpace(l); l == "" {
				continue
			}
			l += " (Part " + string(rune('0'+c%10)) + ".)"
			old = append(old, l)
			if len(old)%20 == 0 {
				l = strings.Replace(l, " the ", " a ", 1)
			}
			cur = append(cur, l)
		}
	}
	cs := diffing.Compare(diffing.Document{Paragraphs: old}, diffing.Document{Paragraphs: cur})
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := WriteChangeSet(&buf, cs); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}
