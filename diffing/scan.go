package diffing

// skipPlain returns the first index j >= i of s at which s[j] is one of
// a, b and c or is not ASCII, or len(s). It reads eight bytes at a time:
// the quote-mark and sentence scans spend most of their time skipping
// text that holds none of the bytes they look for.
func skipPlain(s string, i int, a, b, c byte) int {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	ma, mb, mc := uint64(a)*ones, uint64(b)*ones, uint64(c)*ones
	for ; i+8 <= len(s); i += 8 {
		v := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		// A zero byte in v^m marks a byte equal to m's: (x-ones)&^x&highs
		// is non-zero exactly when x has one.
		xa, xb, xc := v^ma, v^mb, v^mc
		if (v|(xa-ones)&^xa|(xb-ones)&^xb|(xc-ones)&^xc)&highs != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if d := s[i]; d == a || d == b || d == c || d >= 0x80 {
			return i
		}
	}
	return i
}
