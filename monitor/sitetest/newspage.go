package sitetest

import (
	"fmt"
	"html"
	"strings"
)

// NewsPage is an article page as a news site serves it: title in <title>
// and <h1>, paras as the article's paragraphs, a nav and a footer around
// it. Tests of imports (an archived capture) and of reading serve it.
func NewsPage(title string, paras ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<html><head><title>%s | Ledger</title></head><body><nav><a href=/>Home</a></nav><article><h1>%s</h1>",
		html.EscapeString(title), html.EscapeString(title))
	for _, p := range paras {
		fmt.Fprintf(&b, "<p>%s</p>", html.EscapeString(p))
	}
	b.WriteString("</article><footer>© Ledger</footer></body></html>")
	return b.String()
}
