package layout

import (
	"net/url"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/internal/sanitize"
)

// QuoteSpeakers returns a quote's cleaned speaker before and after. An
// added quote had no speaker before because it was not there, which is no
// change of speaker, and likewise for a removed one.
func QuoteSpeakers(q diffing.QuoteChange) (before, after string) {
	before, after = sanitize.Line(q.BeforeSpeaker), sanitize.Line(q.AfterSpeaker)
	switch {
	case q.Before == "" && q.After != "":
		return after, after
	case q.After == "" && q.Before != "":
		return before, before
	}
	return before, after
}

// Href returns the cleaned URL if it is an absolute http or https URL, the
// only kind worth a link; any other (javascript:, data:, a relative path)
// gives "" and is shown as text. html/template escapes the attribute and
// would also defuse javascript:, but a page should not depend on that.
func Href(raw string) string {
	s := sanitize.Line(raw)
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return s
}
