package extract

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// decode returns body as UTF-8. A body that is valid UTF-8 is taken as UTF-8
// whatever it is labelled: servers often send a default "ISO-8859-1" for UTF-8
// pages, and DetermineEncoding falls back to windows-1252 when the first 1024
// bytes are ASCII, which would garble every curly quote further down. Bytes
// in other encodings cannot form long valid UTF-8 runs by accident, so the
// check is safe. Otherwise the BOM, the Content-Type charset and <meta
// charset> decide, in that order.
func decode(body []byte, contentType string) ([]byte, error) {
	if utf8.Valid(body) {
		return bytes.TrimPrefix(body, utf8BOM), nil
	}
	enc, name, _ := charset.DetermineEncoding(body, contentType)
	if name == "utf-8" {
		// Labelled UTF-8 with a few bad bytes: keep the rest readable
		// rather than decode the whole page as something else.
		return bytes.ToValidUTF8(bytes.TrimPrefix(body, utf8BOM), []byte("\uFFFD")), nil
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", name, err)
	}
	// Decoders emit UTF-8, but the text reaches JSON and terminals, so make
	// sure of it.
	return bytes.ToValidUTF8(out, []byte("\uFFFD")), nil
}
