package diffing

import (
	"strings"
	"testing"
)

func TestLastField(t *testing.T) {
	for _, s := range []string{"", " ", "a", "Claudia Sheinbaum", "  Claudia\u00a0Sheinbaum  ", "x\u2003y\u3000z ", "Mr.\tSmith\n",
		"a\vb", "a\fb\r", "x\x1cy", "x\x85y", " lead", "trail  ", "a  b   c"} {
		f := strings.Fields(s)
		want := ""
		if len(f) > 0 {
			want = f[len(f)-1]
		}
		if got := lastField(s); got != want {
			t.Errorf("lastField(%q) = %q, want %q", s, got, want)
		}
	}
}
