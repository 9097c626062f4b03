package extract

import (
	"bytes"
	"fmt"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// decoding is what decode decided, for Article.InvalidBytes and Notes.
type decoding struct {
	invalid int      // bytes replaced by U+FFFD
	notes   []string // decisions worth keeping with the snapshot
}

// decode returns body as UTF-8. A body that is valid UTF-8 is taken as UTF-8
// whatever it is labelled: servers often send a default "ISO-8859-1" for UTF-8
// pages, and DetermineEncoding falls back to windows-1252 when the first 1024
// bytes are ASCII, which would garble every curly quote further down. Bytes
// in other encodings cannot form long valid UTF-8 runs by accident, so the
// check is safe. Otherwise the BOM, the Content-Type charset and <meta
// charset> decide, in that order; a <meta> past the first 1024 bytes, which
// the standard prescan does not see, still counts. Every guess and every
// overruled label is noted, so a reader of the snapshot can tell a decision
// from silent mojibake.
func decode(body []byte, contentType string) ([]byte, decoding, error) {
	var d decoding
	header, headerOK := headerCharset(contentType)
	if header != "" && !headerOK {
		d.notes = append(d.notes, fmt.Sprintf("unknown charset %q in Content-Type ignored", header))
	}
	if utf8.Valid(body) {
		if !isASCII(body) {
			if label := declared(body, header, headerOK); label != "" && label != "utf-8" {
				d.notes = append(d.notes, fmt.Sprintf("declared %s, decoded UTF-8", label))
			}
		}
		return bytes.TrimPrefix(body, utf8BOM), d, nil
	}
	enc, name, certain := charset.DetermineEncoding(body, contentType)
	if !certain {
		// No BOM and no usable header label: a <meta> in the first 1024
		// bytes, or a guess.
		if meta, at := metaCharset(body); meta != "" {
			if e, n := charset.Lookup(meta); e != nil {
				enc, name = e, n
				if at >= 1024 {
					d.notes = append(d.notes, fmt.Sprintf("charset %s declared late (byte %d); sniffed", n, at))
				}
			}
		} else if name != "utf-8" {
			d.notes = append(d.notes, fmt.Sprintf("charset uncertain: none declared, decoded as %s", name))
		}
	}
	if name == "utf-8" {
		// Labelled UTF-8 with a few bad bytes: keep the rest readable
		// rather than decode the whole page as something else.
		body = bytes.TrimPrefix(body, utf8BOM)
		d.invalid = invalidBytes(body)
		d.notes = append(d.notes, fmt.Sprintf("%d invalid bytes replaced", d.invalid))
		return bytes.ToValidUTF8(body, []byte("\uFFFD")), d, nil
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return nil, d, fmt.Errorf("decode %s: %w", name, err)
	}
	// Decoders emit UTF-8, but the text reaches JSON and terminals, so make
	// sure of it.
	if n := invalidBytes(out); n > 0 {
		d.invalid = n
		d.notes = append(d.notes, fmt.Sprintf("%d invalid bytes replaced", n))
		out = bytes.ToValidUTF8(out, []byte("\uFFFD"))
	}
	return out, d, nil
}

// headerCharset returns the Content-Type charset parameter and whether it
// names an encoding we know.
func headerCharset(contentType string) (label string, known bool) {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil || params["charset"] == "" {
		return "", false
	}
	label = params["charset"]
	_, name := charset.Lookup(label)
	return label, name != ""
}

// declared returns the canonical name of the charset the page claims, from
// the header or else a <meta>, or "".
func declared(body []byte, header string, headerOK bool) string {
	if headerOK {
		_, name := charset.Lookup(header)
		return name
	}
	if meta, _ := metaCharset(body); meta != "" {
		_, name := charset.Lookup(meta)
		return name
	}
	return ""
}

// metaScanLimit bounds the search for a late <meta charset>.
const metaScanLimit = 64 << 10

// metaCharset returns the charset a <meta charset> or <meta http-equiv=
// Content-Type> in the head declares, and the byte offset of that tag. It
// looks further than the 1024 bytes of the standard prescan, up to
// metaScanLimit, stopping at <body>.
func metaCharset(body []byte) (label string, at int) {
	z := html.NewTokenizer(bytes.NewReader(body[:min(len(body), metaScanLimit)]))
	off := 0
	for {
		tt := z.Next()
		start := off
		off += len(z.Raw())
		switch tt {
		case html.ErrorToken:
			return "", 0
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "body":
				return "", 0
			case "meta":
				var cs, equiv, content string
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					switch strings.ToLower(string(k)) {
					case "charset":
						cs = string(v)
					case "http-equiv":
						equiv = strings.ToLower(string(v))
					case "content":
						content = string(v)
					}
				}
				if cs == "" && equiv == "content-type" {
					cs, _ = headerCharset(content)
				}
				if cs = strings.TrimSpace(cs); cs != "" {
					return cs, start
				}
			}
		}
	}
}

// invalidBytes counts the bytes of b that are not part of a valid UTF-8
// sequence.
func invalidBytes(b []byte) int {
	n := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			n++
		}
		b = b[size:]
	}
	return n
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
