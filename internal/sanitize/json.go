package sanitize

import (
	"fmt"
	"unicode/utf8"
)

// JSON rewrites C1 controls and bidirectional overrides in valid JSON as
// \u escapes. The decoded value is the same, but a terminal shown the raw
// bytes cannot take U+009B for CSI, and an editor cannot reorder a quote.
// It also escapes U+FFFD, as encoding/json writes the invalid UTF-8 it
// replaces, so a reader sees where the page's bytes were broken. Outside
// strings valid JSON holds only ASCII, so every such rune is inside a
// string. It escapes U+2028 and U+2029 too, line ends to JavaScript:
// encoding/json escapes them in strings it encodes but not inside a
// json.RawMessage written without HTML escaping, such as a stored change
// set. C0 controls are escaped by encoding/json and are never valid raw.
// It is the one rule for every JSON redline writes: reports, change sets,
// the web API and the JSON Lines export. data is returned unchanged, not
// copied, when nothing needs escaping.
func JSON(data []byte) []byte {
	var out []byte
	last := 0
	for i := 0; i < len(data); {
		if data[i] < utf8.RuneSelf {
			i++ // nothing ASCII is escaped here: encoding/json did that
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if Hidden(r) || r == utf8.RuneError || r == '\u2028' || r == '\u2029' {
			out = append(out, data[last:i]...)
			out = fmt.Appendf(out, `\u%04x`, r)
			last = i + size
		}
		i += size
	}
	if out == nil {
		return data
	}
	return append(out, data[last:]...)
}
