// Package snapshots defines redline's versioned store: the articles watched,
// every check made, and every distinct version of each article's text, each
// linked to the previous one by a hash chain. Implementations live in the
// subpackages (sqlite, postgres), share what is not their own in
// snapshots/internal/sqlstore, and all pass storetest.Run.
package snapshots

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// ErrNotFound is returned when an article or version does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned by Save when the caller said which number the new
// version takes (the latest it read, plus one) and another version was
// saved since: the new version was compared with a predecessor it would
// not follow, so it is not stored and the caller checks again.
var ErrConflict = errors.New("another version was saved since")

// MaxBodyBytes is the largest response body a store keeps, and so the
// largest size a stored row may claim: reading a damaged row never makes
// more than this. The fetch limit (max_body_bytes) cannot be set above it.
const MaxBodyBytes = 256 << 20

// Article is one watched document.
type Article struct {
	ID           int64
	URL          string
	CanonicalURL string
	Source       string
	FirstSeen    time.Time

	// NextCheck is when the article is next due: zero means now, Never
	// means it aged out of checking. Set by Save from Check.NextCheck.
	NextCheck time.Time
	// ETag and LastModified are the validators of the last 200 or 304
	// response, for a conditional GET. Set by Save.
	ETag         string
	LastModified string
}

// Never is the NextCheck of an article that is no longer checked.
var Never = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// Outcome says what a check found.
type Outcome string

// Check outcomes.
const (
	OutcomeNew       Outcome = "new_version" // text changed (or first version)
	OutcomeUnchanged Outcome = "unchanged"   // fetched, text identical to the latest version
	// OutcomeNotModified: the server answered a conditional GET with 304;
	// the latest version stands.
	OutcomeNotModified Outcome = "not_modified"
	OutcomeFailed      Outcome = "failed" // fetch or extraction failed; Error says why
)

// Check records one fetch of an article, whatever its result, so an auditor
// can show that a page was unchanged between two times.
type Check struct {
	ID           int64
	ArticleID    int64
	At           time.Time
	Status       int    // HTTP status, 0 when no response arrived
	FinalURL     string // after redirects
	ETag         string
	LastModified string
	RawSHA256    string // hex SHA-256 of the response body, "" when none
	TextSHA256   string // hex SHA-256 of the extracted text (of the version a 304 confirms), "" when none
	Outcome      Outcome
	Error        string
	Version      int // the version this check created or confirmed; 0 if none
	// NextCheck, when not zero, becomes the article's NextCheck in the same
	// transaction (Never retires it).
	NextCheck time.Time
}

// Version is one distinct extracted text of an article.
type Version struct {
	ID        int64
	ArticleID int64
	Number    int // 1, 2, 3… per article, set by Save
	At        time.Time

	Title     string
	Byline    string
	Published string
	Modified  string
	// Dek is the standfirst or summary under the headline ("" when none).
	Dek string
	// Text is the body, paragraphs separated by one blank line.
	Text       string
	TextSHA256 string // TextHash(Title, Dek, Text), set by Save

	Raw       []byte // the response body as fetched
	RawSHA256 string // hex SHA-256 of Raw, set by Save
	Header    string // the response headers as fetched, "Name: value" lines

	// PrevHash is the previous version's ChainHash ("" for version 1);
	// ChainHash covers this version's fields and PrevHash. Both set by Save.
	PrevHash  string
	ChainHash string

	// Changes is the diffing.ChangeSet JSON against the previous version
	// (nil for version 1), with its summary columns for queries.
	Changes  []byte
	Severity string
	Kinds    []string

	// Notes say how redline read the page when that was a decision rather
	// than a given: "unknown charset "x-nonexistent" in Content-Type
	// ignored", "declared text/plain, sniffed text/html". Provenance for
	// whoever relies on the text; not covered by ChainHash, which covers
	// the page, not redline's reading of it.
	Notes []string
	// Reading is how the page was read (extract.Reading as JSON): the next
	// version is read from the same containers. Provenance, like Notes.
	Reading []byte
	// Reread marks a version read afresh because the page's structure
	// changed: its differences from the previous version may be the
	// reading's, not the publisher's.
	Reread bool
	// Import, when set, is the archive record this version was imported
	// from; Save stores it with the version (see ImportReader, which
	// reads it back). Provenance, like Notes.
	Import *Import
}

// VersionFilter selects versions. Zero fields do not filter.
type VersionFilter struct {
	ArticleID int64
	Since     time.Time // At >= Since
	Until     time.Time // At < Until
	Limit     int       // the oldest Limit versions that match
	// WithRaw loads Raw and Header, which are large.
	WithRaw bool
}

// CheckFilter selects checks, newest first. Zero fields do not filter.
type CheckFilter struct {
	ArticleID int64
	Since     time.Time // At >= Since
	Limit     int       // the newest Limit checks that match
}

// ArticleFilter selects articles. Zero fields do not filter.
type ArticleFilter struct {
	Source string
	URL    string
	// DueBy selects articles whose NextCheck is at or before it (never
	// the retired ones).
	DueBy time.Time
}

// ArticleBatcher is a Store that adds many articles in one transaction:
// a feed's thousand new entries then cost one commit, not a thousand. Like
// AddArticle, an article whose URL is stored already is left as it is.
type ArticleBatcher interface {
	AddArticles(ctx context.Context, as []Article) error
}

// Store keeps articles, checks and versions.
type Store interface {
	// AddArticle returns the article with a.URL, creating it if new.
	AddArticle(ctx context.Context, a Article) (Article, error)
	// Article returns the article with the given URL or ErrNotFound.
	Article(ctx context.Context, url string) (Article, error)
	// Articles lists articles by ID.
	Articles(ctx context.Context, f ArticleFilter) ([]Article, error)
	// Latest returns the newest version of an article, without Raw and
	// Header, or ErrNotFound if it has none.
	Latest(ctx context.Context, articleID int64) (Version, error)
	// Version returns version n of an article (with Raw), ErrNotFound if none.
	Version(ctx context.Context, articleID int64, n int) (Version, error)
	// Versions lists versions oldest first.
	Versions(ctx context.Context, f VersionFilter) ([]Version, error)
	// Checks lists checks newest first.
	Checks(ctx context.Context, f CheckFilter) ([]Check, error)
	// Save records c and, when v is not nil, the new version v, in one
	// transaction. It sets v's Number, hashes and chain link, c.Version and
	// both IDs, chaining v to the latest version read inside the same
	// transaction, so concurrent savers cannot fork the chain. A zero
	// v.ArticleID or v.At is taken from c, and an empty c.Outcome becomes
	// OutcomeNew; c.TextSHA256 and c.RawSHA256 are filled from v when empty.
	// Save changes c and v only when it succeeds.
	//
	// A version whose text is the latest version's (another process saved
	// it since the caller read the latest) is not stored: the check is
	// recorded as OutcomeUnchanged confirming the latest version, c says
	// so, and v is left untouched (v.Number stays 0). A v.Number set by
	// the caller is the number it expects v to take (the latest it read,
	// plus one; 1 when it read none): when another version with other
	// text was saved since, Save writes nothing and returns ErrConflict,
	// because v's changes were computed against a version it would not
	// follow. A zero v.Number takes the next number, whatever it is.
	//
	// Save returns ErrNotFound if the article does not exist, and an error
	// without writing anything if v belongs to another article, if v is nil
	// and c.Outcome is not OutcomeUnchanged or OutcomeFailed, or if v is not
	// nil and c.Outcome is not OutcomeNew.
	Save(ctx context.Context, c *Check, v *Version) error
	Close() error
}

// ReadFrom names the part of the page v's body was read from: the
// containers of its Reading, joined by ", ", or "" when unknown. They are
// element paths built from the page's own class names: scraped text.
func ReadFrom(v Version) string {
	var r struct {
		Containers []string `json:"containers"`
	}
	if json.Unmarshal(v.Reading, &r) != nil {
		return ""
	}
	return strings.Join(r.Containers, ", ")
}
