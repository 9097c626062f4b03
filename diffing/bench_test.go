package diffing

import (
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
	"testing"
	"time"
)

// benchPair builds an old and a new document from the seed article
// repeated copies times, with every nth sentence edited (n = 1 edits them
// all). Edits change a word and, in every third edited sentence, a figure.
func benchPair(tb testing.TB, copies, n int) (Document, Document) {
	tb.Helper()
	seed := seedDoc(tb)
	var oldPs, newPs []string
	k := 0
	for c := range copies {
		for _, p := range seed.Paragraphs {
			p = Normalize(p)
			if p == "" {
				continue
			}
			// Each copy is its own text, as in a long live blog.
			p = fmt.Sprintf("%s (Part %d.)", p, c+1)
			oldPs = append(oldPs, p)
			var b strings.Builder
			for i, sp := range Segment(p) {
				s := p[sp.Start:sp.End]
				if k%n == 0 {
					s = editSentence(s, k)
				}
				k++
				if i > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(s)
			}
			newPs = append(newPs, b.String())
		}
	}
	return Document{Title: seed.Title, Paragraphs: oldPs}, Document{Title: seed.Title, Paragraphs: newPs}
}

func editSentence(s string, k int) string {
	switch {
	case k%3 == 0 && strings.ContainsAny(s, "0123456789"):
		return strings.Map(func(r rune) rune {
			if r >= '1' && r <= '9' {
				return r - 1
			}
			return r
		}, s)
	case strings.Contains(s, " the "):
		return strings.Replace(s, " the ", " a ", 1)
	default:
		return s + " Indeed."
	}
}

func benchCompare(b *testing.B, copies, n int) {
	old, cur := benchPair(b, copies, n)
	words := len(strings.Fields(strings.Join(old.Paragraphs, " ")))
	b.ReportAllocs()
	b.SetBytes(int64(len(strings.Join(old.Paragraphs, "\n")) + len(strings.Join(cur.Paragraphs, "\n"))))
	b.ResetTimer()
	var cs *ChangeSet
	for b.Loop() {
		cs = Compare(old, cur)
	}
	b.StopTimer()
	if cs.Empty() {
		b.Fatal("no changes found")
	}
	b.ReportMetric(float64(words), "words")
	b.ReportMetric(float64(len(cs.Changes)), "changes")
}

// The sample article with about 5% of its sentences edited.
func BenchmarkCompareSample(b *testing.B) { benchCompare(b, 1, 20) }

// The same text ×10 and ×70 (about 100,000 words), 5% edited: the cost
// must grow linearly with the text.
func BenchmarkCompareX10(b *testing.B) { benchCompare(b, 10, 20) }
func BenchmarkCompareX70(b *testing.B) { benchCompare(b, 70, 20) }

// ×70 with every sentence changed.
func BenchmarkCompareX70AllChanged(b *testing.B) { benchCompare(b, 70, 1) }

// BenchmarkFloor is what no diff can beat, as the issue defines it:
// reading both texts (normalizing them into the form compared),
// tokenizing them and hashing every token, as a word diff must.
func BenchmarkFloorSample(b *testing.B) { benchFloor(b, 1) }
func BenchmarkFloorX70(b *testing.B)    { benchFloor(b, 70) }

func benchFloor(b *testing.B, copies int) {
	old, cur := benchPair(b, copies, 20)
	seed := maphash.MakeSeed()
	b.ReportAllocs()
	var sum uint64
	for b.Loop() {
		sum += floor(old, cur, seed)
	}
	if sum == 0 {
		b.Fatal("nothing hashed")
	}
}

// floor is one run of the floor's work on a pair.
func floor(old, cur Document, seed maphash.Seed) uint64 {
	var sum uint64
	for _, d := range []Document{old, cur} {
		t := Normalize(strings.Join(d.Paragraphs, "\n"))
		for _, tok := range tokenize(t) {
			sum += maphash.String(seed, t[tok.start:tok.end])
		}
	}
	return sum
}

// BenchmarkSampleVsFloor runs Compare and the floor on the sample pair in
// turn, each timed alone, and reports the median of the ratios of their
// times: the machine's speed, which drifts by tens of percent on a
// shared machine, is then the same for both sides of each ratio.
func BenchmarkSampleVsFloor(b *testing.B) {
	old, cur := benchPair(b, 1, 20)
	seed := maphash.MakeSeed()
	var ratios []float64
	var sum uint64
	for b.Loop() {
		t0 := time.Now()
		cs := Compare(old, cur)
		t1 := time.Now()
		sum += floor(old, cur, seed)
		t2 := time.Now()
		if cs.Empty() {
			b.Fatal("no changes found")
		}
		ratios = append(ratios, float64(t1.Sub(t0))/float64(t2.Sub(t1)))
	}
	if sum == 0 {
		b.Fatal("nothing hashed")
	}
	slices.Sort(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "x-floor")
}

// The parts of Compare on ×70: preparing the first version (cold cache),
// the second (sharing the first's cache), and aligning them.
func BenchmarkPrepCold(b *testing.B) { benchPrepCold(b, 70) }

func BenchmarkPrepColdSample(b *testing.B) { benchPrepCold(b, 1) }

func benchPrepCold(b *testing.B, copies int) {
	old, _ := benchPair(b, copies, 20)
	for b.Loop() {
		prepare(old, newPrepCache(docBytes(old), seedForTest))
	}
}

func BenchmarkPrepWarm(b *testing.B) { benchPrepWarm(b, 70) }

func BenchmarkPrepWarmSample(b *testing.B) { benchPrepWarm(b, 1) }

func benchPrepWarm(b *testing.B, copies int) {
	old, cur := benchPair(b, copies, 20)
	for b.Loop() {
		b.StopTimer()
		c := newPrepCache(docBytes(old), seedForTest)
		prepare(old, c)
		b.StartTimer()
		prepare(cur, c)
	}
}

func BenchmarkAlignX70(b *testing.B) {
	old, cur := benchPair(b, 70, 20)
	c := newPrepCache(docBytes(old), seedForTest)
	x, y := prepare(old, c), prepare(cur, c)
	for b.Loop() {
		align(x.sents, y.sents, x.paraHash, y.paraHash, maphash.MakeSeed())
	}
}
