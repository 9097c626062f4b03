package sanitize

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestJSON: every hidden character, U+FFFD and the JavaScript line ends
// become \u escapes, inside strings and inside a raw message that
// encoding/json passes through, and the value decodes unchanged.
func TestJSON(t *testing.T) {
	for _, s := range []string{
		"plain ASCII, \"quoted\" and \\ back",
		"bidi \u202eevil\u202c and isolate \u2066x\u2069",
		"c1 \u009b2J \u0085 \u0080",
		"broken \xff\xfe bytes and \ufffd",
		"line\u2028sep\u2029",
		"kept: emoji 🗞️, “curly” quotes, é, \u200b",
		"",
	} {
		raw, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false) // as the export writes: U+2028 stays raw in a RawMessage
		if err := enc.Encode(map[string]any{"s": s, "raw": json.RawMessage(`["` + s + `"]`)}); err != nil {
			if !json.Valid([]byte(`"` + s + `"`)) {
				continue // broken UTF-8 cannot be a raw message; the string case covers it
			}
			t.Fatal(err)
		}
		for _, in := range [][]byte{raw, buf.Bytes()} {
			out := JSON(in)
			if k := bytes.IndexFunc(out, func(r rune) bool {
				return r >= 0x80 && Hidden(r) || r == '\ufffd' || r == '\u2028' || r == '\u2029'
			}); k >= 0 {
				t.Errorf("JSON(%q) left %q raw: %q", in, out[k:], out)
			}
			var want, got any
			if err := json.Unmarshal(in, &want); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("JSON(%q) = %q, not valid JSON: %v", in, out, err)
			}
			if w, g := mustMarshal(t, want), mustMarshal(t, got); w != g {
				t.Errorf("JSON(%q) decodes to %s, want %s", in, g, w)
			}
		}
	}
	clean := []byte(`{"s":"é 🗞️"}`)
	if out := JSON(clean); &out[0] != &clean[0] {
		t.Error("JSON copied input that needed no escaping")
	}
}

func mustMarshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
