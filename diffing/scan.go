package diffing

import (
	"math/bits"
	"unicode/utf8"
)

// skipPlain returns the first index j >= i of s at which s[j] is one of
// a, b and c or is not ASCII, or len(s). It reads eight bytes at a time:
// the quote-mark and sentence scans spend most of their time skipping
// text that holds none of the bytes they look for.
func skipPlain(s string, i int, a, b, c byte) int {
	ma, mb, mc := uint64(a)*ones, uint64(b)*ones, uint64(c)*ones
	for ; i+8 <= len(s); i += 8 {
		v := load64(s, i)
		// A zero byte in v^m marks a byte equal to m's: (x-ones)&^x&highs
		// marks it, and no byte before the first such one.
		xa, xb, xc := v^ma, v^mb, v^mc
		if m := (v | (xa-ones)&^xa | (xb-ones)&^xb | (xc-ones)&^xc) & highs; m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(s); i++ {
		if d := s[i]; d == a || d == b || d == c || d >= 0x80 {
			return i
		}
	}
	return i
}

// asciiPrefix returns how many bytes v starts with below 0x80, at most 8.
func asciiPrefix(v uint64) int {
	return bits.TrailingZeros64(v&highs) >> 3
}

// lowBytes returns a mask of the low k bytes of a word, 0 < k <= 8.
func lowBytes(k int) uint64 {
	return ^uint64(0) >> (64 - 8*k)
}

// Eight bytes at a time: a byte's high bit in a mask marks that byte.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// load64 reads s[i:i+8] as a little-endian word: byte k of s is byte k of
// the result.
func load64(s string, i int) uint64 {
	s = s[i : i+8] // one bounds check, and the loads combine into one
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// For a word of ASCII bytes (high bits clear), ge and le mark the bytes at
// least lo and at most hi. No byte sum carries into the next byte.
func ge(v uint64, lo byte) uint64 { return (v + uint64(0x80-lo)*ones) & highs }
func le(v uint64, hi byte) uint64 { return ^(v + uint64(0x7f-hi)*ones) & highs }

// wordBytes marks the letters and digits of an ASCII word (asciiWord).
func wordBytes(v uint64) uint64 {
	l := v | 0x20*ones // A-Z to a-z; no other byte lands in a-z
	return ge(l, 'a')&le(l, 'z') | ge(v, '0')&le(v, '9')
}

// spaceBytes marks the white space of an ASCII word (asciiSpace: \t to \r
// and the space).
func spaceBytes(v uint64) uint64 {
	return ge(v, '\t')&le(v, '\r') | le(v^0x20*ones, 0)
}

// nextLoud returns the index of the first byte of s from i on that is a
// capital or beyond ASCII, or len(s), eight bytes at a time.
func nextLoud(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		v := load64(s, i)
		if m := v&highs | ge(v&^highs, 'A')&le(v&^highs, 'Z'); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return i
		}
	}
	return i
}

// chunkEnd returns the end of the chunk of s that starts at i (the next
// ASCII space, or len(s)), and whether the chunk is loud: holds a capital
// or a byte beyond ASCII. It reads eight bytes at a time.
func chunkEnd(s string, i int) (int, bool) {
	loud := false
	for ; i+8 <= len(s); i += 8 {
		v := load64(s, i)
		k := asciiPrefix(v)
		m := lowBytes(max(k, 1)) // k = 0: m is unused
		if k > 0 {
			if sp := spaceBytes(v) & m; sp != 0 {
				e := bits.TrailingZeros64(sp) >> 3 // the first space
				if e > 0 && ge(v, 'A')&le(v, 'Z')&lowBytes(e) != 0 {
					loud = true
				}
				return i + e, loud
			}
			if ge(v, 'A')&le(v, 'Z')&m != 0 {
				loud = true
			}
		}
		if k < 8 {
			// A byte beyond ASCII at i+k: loud; go on from the byte after it.
			loud = true
			i += k + 1 - 8
		}
	}
	for ; i < len(s) && asciiSpace[s[i]] != 1; i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			loud = true
		}
	}
	return i, loud
}
