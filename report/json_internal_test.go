package report

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/diffing"
)

// marshalIndent, as every JSON output is written (through jsonSafe), must
// be what encoding/json's MarshalIndent gives: the JSON contract is byte for
// byte what it was.
func TestMarshalIndent_SameAsEncodingJSON(t *testing.T) {
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
		got, err := marshalIndent(cs)
		if err != nil {
			t.Fatalf("set %d: %v", i, err)
		}
		got = jsonSafe(got)
		want, err := json.MarshalIndent(cs, "", "  ")
		want = jsonSafe(want)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("set %d: differs from encoding/json:\n got %q\nwant %q", i, got, want)
		}
	}
	// Invalid UTF-8 is not normalized away outside a change set.
	rep := jsonReport{Generated: time.Unix(0, 0).UTC().Format(time.RFC3339), Items: []jsonItem{{URL: hostile[2], Title: hostile[0], Changes: sets[0]}},
		Events: []jsonEvent{{URL: hostile[4], Reason: hostile[1]}}, Omitted: 3}
	got, err := marshalIndent(rep)
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := json.MarshalIndent(rep, "", "  "); !bytes.Equal(jsonSafe(got), jsonSafe(want)) {
		t.Fatalf("report differs from encoding/json:\n got %q\nwant %q", got, want)
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
