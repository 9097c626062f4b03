package main

import (
	"regexp"

	"github.com/redline-news/redline/monitor/extract"
)

// links compiles the match pattern and link-area selector of a links
// source (a section front or homepage).
//
// match is required rather than defaulting to "every link on the page's
// host": a front page links to sections, tags, authors, live blogs, the
// login page and the jobs board, and each would become an article checked
// for a month. Only the user knows what the site's story URLs look like.
func (v *validator) links(sc *sourceConfig, field func(string) string) (*regexp.Regexp, extract.Selector) {
	if sc.Links.V == "" {
		for _, k := range []struct {
			name, hint string
			a          at[string]
		}{{"match", "", sc.Match}, {"selector", " (an article's own selectors go under selectors:)", sc.Selector}} {
			if k.a.Line > 0 {
				v.add(k.a.Line, field(k.name), "%s is for a links source (a section page), and this source has no links%s", k.name, k.hint)
			}
		}
		return nil, extract.Selector{}
	}
	var re *regexp.Regexp
	switch {
	case sc.Match.V == "":
		line := sc.Match.Line
		if line == 0 {
			line = sc.Links.Line
		}
		v.add(line, field("match"), `missing: a links source needs match, a regular expression its article URLs match (e.g. '^https://news\.example\.com/world/\d{4}/'), so the page's other links (sections, tags, login) are not watched`)
	default:
		var err error
		if re, err = regexp.Compile(sc.Match.V); err != nil {
			v.add(sc.Match.Line, field("match"), "invalid regular expression %q: %v", sc.Match.V, err)
		}
	}
	var area extract.Selector
	if sc.Selector.V != "" {
		if len(sc.Selector.V) > maxSelectorBytes {
			v.add(sc.Selector.Line, field("selector"), "CSS selector is %d bytes, more than %d", len(sc.Selector.V), maxSelectorBytes)
		} else {
			var err error
			if area, err = extract.ParseSelector(sc.Selector.V); err != nil {
				v.add(sc.Selector.Line, field("selector"), "%v", err)
			}
		}
	}
	return re, area
}

// initLinkFlags checks init's --match and --selector: both belong to
// --links, which needs --match (see links for why there is no default).
func initLinkFlags(key, match, selector string) error {
	if key != "links" {
		for _, f := range []struct{ name, val string }{{"match", match}, {"selector", selector}} {
			if f.val != "" {
				return usagef("init --%s: it is for --links (a section page), not --%s", f.name, key)
			}
		}
		return nil
	}
	if match == "" {
		return usagef(`init --links needs --match REGEX, the pattern of the page's article URLs (e.g. '^https://news\.example\.com/world/\d{4}/'), so its other links are not watched`)
	}
	// Checked here too, so the error names the flag rather than a line of
	// a file that was not written.
	if _, err := regexp.Compile(match); err != nil {
		return usagef("init --match: invalid regular expression %q: %v", match, err)
	}
	if _, err := extract.ParseSelector(selector); err != nil {
		return usagef("init --selector: %v", err)
	}
	return nil
}

// yamlQuotedIfSet quotes s as yamlQuoted does, and leaves "" empty (the
// template leaves the key out).
func yamlQuotedIfSet(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	return yamlQuoted(s)
}
