package extract

import (
	"strings"
	"testing"
)

// TestDropCode: script and style contents go, JSON-LD and everything
// else stays; tags quoted in comments do not count; a page with no code
// to drop comes back as it was, without a copy.
func TestDropCode(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`<p>a</p>`, `<p>a</p>`},
		{`<script>var x = "<p>";</script><p>a</p>`, `<script></script><p>a</p>`},
		{`<SCRIPT type="text/javascript">x()</SCRIPT ><Style>p{}</sTyle>b`, `<SCRIPT type="text/javascript"></SCRIPT ><Style></sTyle>b`},
		{`<script type="application/ld+json">{"a":1}</script>`, `<script type="application/ld+json">{"a":1}</script>`},
		{`<!-- <script> --><p>kept</p><script>x</script>`, `<!-- <script> --><p>kept</p><script></script>`},
		{`<scripts>text</scripts><stylex>y</stylex>`, `<scripts>text</scripts><stylex>y</stylex>`},
		{`<script></script><p>a</p><style>.a{}</style>`, `<script></script><p>a</p><style></style>`},
		{`<p>a</p><script>unclosed`, `<p>a</p><script>unclosed`},
		{`<p>a</p><script>x</script><!-- unclosed`, `<p>a</p><script></script><!-- unclosed`},
		{`<p>a<script`, `<p>a<script`},
	} {
		if got := string(dropCode([]byte(c.in))); got != c.want {
			t.Errorf("dropCode(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	page := []byte(`<html><head><script></script><script type="application/ld+json">{}</script></head><body><p>` + strings.Repeat("a ", 100) + `</p></body></html>`)
	if got := dropCode(page); &got[0] != &page[0] {
		t.Error("dropCode copied a page with nothing to drop")
	}
}
