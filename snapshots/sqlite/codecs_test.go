package sqlite

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

// FuzzBodies: any body, as a delta against any keyframe or on its own,
// decodes to its exact bytes; and any stored data, under any codec, decodes
// to an error or to exactly the recorded size — never a panic. Stored rows
// are input like any other: a damaged file or a hand-edited row.
func FuzzBodies(f *testing.F) {
	page := strings.Repeat("<p>The minister said the flood barrier budget rose 3.5 percent.</p>\n", 20)
	f.Add([]byte(page), []byte(strings.Replace(page, "3.5", "4.5", 1)), []byte{1, 2, 3})
	f.Add([]byte(""), []byte("x"), []byte{0x28, 0xb5, 0x2f, 0xfd})
	f.Add([]byte(page), []byte(page[100:]+"<p>Updated.</p>"), []byte("61\n3@0,"))
	var c codecs // built once: its zstd coders take milliseconds
	defer c.close()
	f.Fuzz(func(t *testing.T, keyframe, body, stored []byte) {
		ksum := string(keyframe) // any name: the codec trusts what it is given
		enc, err := c.encode(body, ksum, keyframe)
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		var dict []byte
		if enc.codec == codecDelta {
			dict = keyframe
		}
		got, err := c.decode(enc.data, int64(len(body)), enc.codec, enc.dict, dict)
		if err != nil || !bytes.Equal(got, body) {
			t.Fatalf("%s: round trip: %v (%d bytes back for %d)", enc.codec, err, len(got), len(body))
		}
		for _, codec := range []string{codecS2, codecZstd, codecGzip, codecDelta, codecZstdDict} {
			for _, size := range []int64{0, int64(len(body)), 1 << 40} {
				out, err := c.decode(stored, size, codec, "k", keyframe)
				if err == nil && int64(len(out)) != size {
					t.Fatalf("%s: %d bytes decoded, %d recorded", codec, len(out), size)
				}
			}
		}
	})
}

// Versions of a page with random edits (insertions, deletions,
// replacements, moves) are deltas while they stay close to the keyframe,
// and decode exactly whatever they became.
func TestBodies_RandomEdits(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for b.Len() < 60<<10 {
		b.WriteString("<p>")
		for range 40 {
			b.WriteString([]string{"cartel", "border", "minister", "97", "percent", "said", "troops", "the"}[r.IntN(8)])
			b.WriteByte(' ')
		}
		b.WriteString("</p>\n")
	}
	keyframe := []byte(b.String())
	var c codecs
	defer c.close()
	deltas := 0
	for round := range 200 {
		// Rounds 0-99 edit the keyframe lightly; 100-199 drift further.
		next := bytes.Clone(keyframe)
		for range 1 + r.IntN(8) + round/2 {
			i := r.IntN(len(next))
			j := min(len(next), i+r.IntN(200))
			switch r.IntN(4) {
			case 0:
				next = append(next[:i], next[j:]...)
			case 1:
				next = append(next[:i], append([]byte("<div class=ad>Sponsored</div>"), next[i:]...)...)
			case 2:
				copy(next[i:j], bytes.Repeat([]byte{'x'}, j-i))
			default:
				k := r.IntN(len(next))
				next = append(next[:k], append(bytes.Clone(next[i:j]), next[k:]...)...)
			}
		}
		cur := next
		enc, err := c.encode(cur, "k", keyframe)
		if err != nil {
			t.Fatal(err)
		}
		if enc.codec == codecDelta && round < 100 {
			deltas++
		}
		var dict []byte
		if enc.codec == codecDelta {
			dict = keyframe
		}
		got, err := c.decode(enc.data, int64(len(cur)), enc.codec, enc.dict, dict)
		if err != nil || !bytes.Equal(got, cur) {
			t.Fatalf("round %d (%s): %v", round, enc.codec, err)
		}
	}
	if deltas < 100 {
		t.Errorf("%d of 100 lightly edited versions stored as deltas, want all", deltas)
	}
}
