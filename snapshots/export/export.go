// Package export writes stored versions out of a snapshots.Store for others
// to keep or analyse: WARC 1.1 for web archives (WriteWARC) and JSON Lines for
// data work (WriteJSONL). ReadWARC reads the responses of a WARC back, and
// Archive reads a WARC or WACZ twice for `redline import` (checking every
// record, then one body at a time). It reads stores through the Store
// interface only, one article at a time, and refuses a version whose text
// or body no longer matches its stored hash, so an export never passes on
// altered data.
package export

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/snapshots"
)

// Filter selects the versions to export and sets what an archive cannot
// learn from the store. Zero fields do not filter.
type Filter struct {
	Since time.Time // versions seen at or after Since
	URL   string    // one article

	// UserAgent is the User-Agent the WARC request records show. redline
	// does not store the requests it made, so they are reconstructed.
	// Default DefaultUserAgent.
	UserAgent string
	// Created dates the WARC's warcinfo record: when the export was made.
	// Zero writes no warcinfo record.
	Created time.Time
}

// DefaultUserAgent is the User-Agent of reconstructed requests when
// Filter.UserAgent is empty.
const DefaultUserAgent = "redline"

// HashError reports a stored version whose text or body does not hash to
// the value stored with it: the store was altered, and `redline verify` says
// more.
type HashError struct {
	URL      string
	Version  int
	What     string // "text" or "raw body"
	Stored   string
	Computed string
}

func (e *HashError) Error() string {
	return fmt.Sprintf("%s version %d: %s hash is %s, stored %s (the store was altered; run redline verify)",
		e.URL, e.Version, e.What, e.Computed, e.Stored)
}

// checkHashes returns a HashError when v's text, or its body when withRaw,
// does not match its stored hash.
func checkHashes(a snapshots.Article, v snapshots.Version, withRaw bool) error {
	if got := snapshots.TextHash(v.Title, v.Dek, v.Text); got != v.TextSHA256 {
		return &HashError{URL: a.URL, Version: v.Number, What: "text", Stored: v.TextSHA256, Computed: got}
	}
	if withRaw {
		if got := snapshots.RawHash(v.Raw); got != v.RawSHA256 {
			return &HashError{URL: a.URL, Version: v.Number, What: "raw body", Stored: v.RawSHA256, Computed: got}
		}
	}
	return nil
}

// each calls fn for every version f selects, article by article in ID
// order, each article's versions in chain order.
func each(ctx context.Context, st snapshots.Store, f Filter, withRaw bool,
	fn func(a snapshots.Article, vs []snapshots.Version) error) error {
	arts, err := st.Articles(ctx, snapshots.ArticleFilter{URL: f.URL})
	if err != nil {
		return err
	}
	if f.URL != "" && len(arts) == 0 {
		return fmt.Errorf("%s: %w", f.URL, snapshots.ErrNotFound)
	}
	for _, a := range arts {
		if err := ctx.Err(); err != nil {
			return err
		}
		vs, err := st.Versions(ctx, snapshots.VersionFilter{ArticleID: a.ID, Since: f.Since, WithRaw: withRaw})
		if err != nil {
			return fmt.Errorf("%s: %w", a.URL, err)
		}
		if len(vs) == 0 {
			continue
		}
		if err := fn(a, vs); err != nil {
			return err
		}
	}
	return nil
}

// jsonVersion is one line of WriteJSONL. Field names are stable.
type jsonVersion struct {
	URL    string `json:"url"`
	Source string `json:"source"`
	described
	Text       string `json:"text"`
	TextSHA256 string `json:"text_sha256"`
	RawSHA256  string `json:"raw_sha256"`
	ChainHash  string `json:"chain_hash"`
	PrevHash   string `json:"prev_hash"`
	judged
	Changes json.RawMessage `json:"changes"`
}

// described is what both formats (JSON Lines and the WARC's metadata
// record) say of a version, in this order, between the article and the
// hashes. encoding/json writes an embedded struct's fields in its place.
type described struct {
	Version   int    `json:"version"`
	At        string `json:"at"` // RFC 3339, UTC
	Title     string `json:"title"`
	Byline    string `json:"byline"`
	Published string `json:"published"`
	Modified  string `json:"modified"`
	Dek       string `json:"dek"` // the summary under the headline, covered by TextSHA256
}

// judged is what both formats say of a version's change and reading.
type judged struct {
	Severity string   `json:"severity"`
	Kinds    []string `json:"kinds"`
	Notes    []string `json:"notes"`  // provenance: how redline read the page
	Reread   bool     `json:"reread"` // read afresh: the page's structure changed
}

func describe(v snapshots.Version) described {
	return described{Version: v.Number, At: v.At.UTC().Format(time.RFC3339Nano), Title: v.Title, Byline: v.Byline,
		Published: v.Published, Modified: v.Modified, Dek: v.Dek}
}

// judge writes empty lists as [], not null.
func judge(v snapshots.Version) judged {
	return judged{Severity: v.Severity, Kinds: nonNil(v.Kinds), Notes: nonNil(v.Notes), Reread: v.Reread}
}

// WriteJSONL writes one JSON object per version f selects, one per line:
// url, source, version, at (RFC 3339, UTC), title, byline, published,
// modified, dek (the summary under the headline, "" when none), text,
// text_sha256 (covering title, dek and text), raw_sha256, chain_hash,
// prev_hash, severity, kinds, notes (provenance: how the page was read),
// reread (the page was read afresh, its structure having changed) and
// changes (the stored change set, null for version 1). Bodies are not included; they are in
// the WARC. Bidi overrides, C1 controls and U+FFFD are \u escapes
// (sanitize.JSON), as in every JSON redline writes.
func WriteJSONL(ctx context.Context, w io.Writer, st snapshots.Store, f Filter) error {
	var line bytes.Buffer
	enc := json.NewEncoder(&line)
	enc.SetEscapeHTML(false) // the text is data, not HTML to embed
	err := each(ctx, st, f, false, func(a snapshots.Article, vs []snapshots.Version) error {
		for _, v := range vs {
			if err := checkHashes(a, v, false); err != nil {
				return err
			}
			var changes json.RawMessage
			if len(v.Changes) > 0 {
				if !json.Valid(v.Changes) {
					return fmt.Errorf("%s version %d: stored change set is not valid JSON", a.URL, v.Number)
				}
				changes = v.Changes
			}
			line.Reset()
			if err := enc.Encode(jsonVersion{
				URL: a.URL, Source: a.Source, described: describe(v), Text: v.Text,
				TextSHA256: v.TextSHA256, RawSHA256: v.RawSHA256, ChainHash: v.ChainHash, PrevHash: v.PrevHash,
				judged: judge(v), Changes: changes,
			}); err != nil {
				return fmt.Errorf("%s version %d: %w", a.URL, v.Number, err)
			}
			if _, err := w.Write(sanitize.JSON(line.Bytes())); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("export JSON lines: %w", err)
	}
	return nil
}

// nonNil writes an empty list as [] rather than null.
func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}
