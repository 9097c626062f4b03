package diffing

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestNormalizeLinesReusing: a version normalized reusing the lines it
// shares with the one before it is normalized as it is alone, whatever
// was inserted, removed, edited or repeated between the two, and the
// lengths it records are those it would record alone.
func TestNormalizeLinesReusing(t *testing.T) {
	alphabet := []string{"a", "Z", "9", ".", "“", "”", "é", "e\u0301", " ", "  ", "\t", "\n", "\n\n", "\r\n", "\u00a0",
		"\u200b", "\u00ad", "\x00", "\xff", "\u2028", "ł", "—", "中", " \n ", "word ", "Sheinbaum said "}
	clean := []string{"a", "Z", "9", ".", "“", "”", "é", " ", "—", "word ", "Sheinbaum said "}
	rng := rand.New(rand.NewPCG(5, 6))
	doc := func(parts []string) []string {
		ls := make([]string, rng.IntN(8))
		for i := range ls {
			ls[i] = randomJoin(rng, parts, 12)
		}
		return ls
	}
	size := func(ls []string) int {
		n := len(ls)
		for _, l := range ls {
			n += len(l)
		}
		return n
	}
	reused := 0
	for n := range 20000 {
		parts := alphabet
		if n%2 == 0 {
			parts = clean // most news text: no NFC pass, so lines are reused
		}
		old := doc(parts)
		cur := slices.Clone(old)
		for range rng.IntN(4) {
			switch i := rng.IntN(len(cur) + 1); rng.IntN(4) {
			case 0:
				cur = slices.Insert(cur, i, randomJoin(rng, parts, 12))
			case 1:
				if i < len(cur) {
					cur = slices.Delete(cur, i, i+1)
				}
			case 2:
				if i < len(cur) {
					cur[i] += randomJoin(rng, parts, 3)
				}
			default:
				if len(old) > 0 {
					cur = slices.Insert(cur, i, old[rng.IntN(len(old))])
				}
			}
		}
		text, ends := normalizeLinesReusing(old, size(old), nil, true)
		if text != Normalize(strings.Join(old, "\n")) {
			t.Fatalf("normalizeLinesReusing(%q) = %q, want %q", old, text, Normalize(strings.Join(old, "\n")))
		}
		var prev *normalizedLines
		if ends != nil {
			prev = &normalizedLines{lines: old, text: text, ends: ends}
			reused++
		}
		got, gotEnds := normalizeLinesReusing(cur, size(cur), prev, true)
		want, wantEnds := normalizeLinesReusing(cur, size(cur), nil, true)
		if got != want || want != Normalize(strings.Join(cur, "\n")) {
			t.Fatalf("after %q: normalizeLinesReusing(%q) = %q, want %q", old, cur, got, want)
		}
		if !slices.Equal(gotEnds, wantEnds) {
			t.Fatalf("after %q: normalizeLinesReusing(%q) records %v, want %v", old, cur, gotEnds, wantEnds)
		}
	}
	if reused < 5000 {
		t.Fatalf("only %d versions could pass their lines on", reused)
	}
}

// TestNormalizeLinesReusing_Copies: a line equal to one of the previous
// version's is copied from that version's text, not read again (a
// record altered in place shows which was done), and only such a line.
func TestNormalizeLinesReusing_Copies(t *testing.T) {
	old := []string{"First  paragraph.", "", "Second\u00a0one.", "Third."}
	text, ends := normalizeLinesReusing(old, 40, nil, true)
	if text != "First paragraph.\nSecond one.\nThird." || !slices.Equal(ends, []int{16, 16, 28, 35}) {
		t.Fatalf("normalizeLinesReusing(%q) = %q, %v", old, text, ends)
	}
	marked := strings.Replace(text, "Second one.", "SECOND ONE.", 1)
	prev := &normalizedLines{lines: old, text: marked, ends: ends}
	cur := []string{"New  one.", "First  paragraph.", "Second\u00a0one.", "Third!"}
	got, _ := normalizeLinesReusing(cur, 50, prev, false)
	if want := "New one.\nFirst paragraph.\nSECOND ONE.\nThird!"; got != want {
		t.Fatalf("normalizeLinesReusing(%q) = %q, want %q", cur, got, want)
	}
}

// TestLineBefore: the listed line breaks give the break before any
// position as a search backwards does.
func TestLineBefore(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 2000 {
		text := randomJoin(rng, []string{"a", "\n", "\n\n", "He said.", "“", " "}, 20)
		at := &attributor{text: text}
		for pos := -1; pos <= len(text); pos++ {
			if got, want := at.lineBefore(pos), strings.LastIndexByte(text[:max(pos, 0)], '\n'); got != want {
				t.Fatalf("lineBefore(%q, %d) = %d, want %d", text, pos, got, want)
			}
		}
	}
}

// TestPrepare_SharedParagraphs: a version prepared after another, whose
// paragraphs it takes where they are the same, is the version prepared
// alone, whatever paragraphs were inserted, removed, edited, moved or
// repeated; and a paragraph the two share is taken from the first (a
// record altered in place shows it), not read again.
func TestPrepare_SharedParagraphs(t *testing.T) {
	seed := seedDoc(t)
	rng := rand.New(rand.NewPCG(11, 12))
	for range 300 {
		old := Document{Title: seed.Title, Paragraphs: slices.Clone(seed.Paragraphs[:rng.IntN(len(seed.Paragraphs))])}
		cur := Document{Title: seed.Title, Paragraphs: slices.Clone(old.Paragraphs)}
		for range rng.IntN(6) {
			i := rng.IntN(len(cur.Paragraphs) + 1)
			switch rng.IntN(5) {
			case 0:
				cur.Paragraphs = slices.Insert(cur.Paragraphs, i, seed.Paragraphs[rng.IntN(len(seed.Paragraphs))])
			case 1:
				if i < len(cur.Paragraphs) {
					cur.Paragraphs = slices.Delete(cur.Paragraphs, i, i+1)
				}
			case 2:
				if i < len(cur.Paragraphs) {
					cur.Paragraphs[i] = editSentence(cur.Paragraphs[i], rng.IntN(3))
				}
			case 3:
				if i < len(cur.Paragraphs) {
					cur.Paragraphs[i] = ""
				}
			default:
				if i < len(cur.Paragraphs) {
					p := cur.Paragraphs[i]
					cur.Paragraphs = slices.Delete(cur.Paragraphs, i, i+1)
					cur.Paragraphs = slices.Insert(cur.Paragraphs, rng.IntN(len(cur.Paragraphs)+1), p)
				}
			}
		}
		warm := newPrepCache(0, seedForTest)
		prepare(old, warm)
		if got, want := prepare(cur, warm), prepare(cur, newPrepCache(0, seedForTest)); !reflect.DeepEqual(got, want) {
			t.Fatalf("%d paragraphs after %d: a warm cache changed the prepared version", len(cur.Paragraphs), len(old.Paragraphs))
		}
	}
	old := Document{Paragraphs: seed.Paragraphs[:6]}
	cur := Document{Paragraphs: append([]string{"A new first paragraph."}, seed.Paragraphs[1:6]...)}
	warm := newPrepCache(0, seedForTest)
	prepare(old, warm)
	want := prepare(cur, newPrepCache(0, seedForTest)).words
	warm.paras[3].info.words += 1000
	if got := prepare(cur, warm).words; got != want+1000 {
		t.Fatalf("words = %d, want %d: the fourth paragraph was read again, not taken from the first version", got, want+1000)
	}
}
