package sqlstore

import (
	"fmt"

	"github.com/redline-news/redline/snapshots"
)

// Save is one save's work before its transaction: copies of the check and
// the version, checked against each other and completed, with the columns
// they need encoded. The caller's c and v change only once it commits.
type Save struct {
	Check       snapshots.Check
	Version     snapshots.Version
	WithVersion bool // a version is written

	CheckAt   string // Check.At as stored
	NextCheck string // Check.NextCheck as stored, "" to keep the article's
	// Row holds the version's columns that need encoding.
	Row VersionRow
}

// VersionRow holds a version's column values that need encoding.
type VersionRow struct {
	At      string
	Changes []byte   // nil stores NULL
	Kinds   []string // never nil: the column is NOT NULL
	Notes   []string // never nil
	Reading []byte   // nil stores NULL
}

// PrepareSave checks c and v (nil for none) against each other and fills
// in what snapshots.Store.Save leaves to the store: the outcome, the
// version's article and time, and the hashes.
func PrepareSave(c snapshots.Check, v *snapshots.Version) (Save, error) {
	if v == nil {
		switch c.Outcome {
		case snapshots.OutcomeUnchanged, snapshots.OutcomeNotModified, snapshots.OutcomeFailed:
		default:
			return Save{}, fmt.Errorf("check outcome %q without a version", c.Outcome)
		}
	} else if c.Outcome == "" {
		c.Outcome = snapshots.OutcomeNew
	} else if c.Outcome != snapshots.OutcomeNew {
		return Save{}, fmt.Errorf("check outcome %q with a new version", c.Outcome)
	}
	s := Save{WithVersion: v != nil}
	var err error
	if s.CheckAt, err = FormatTime(c.At); err != nil {
		return Save{}, fmt.Errorf("check time: %w", err)
	}
	if s.NextCheck, err = FormatOptionalTime(c.NextCheck); err != nil {
		return Save{}, fmt.Errorf("next check: %w", err)
	}
	if v != nil {
		vv := *v
		if vv.ArticleID == 0 {
			vv.ArticleID = c.ArticleID
		} else if vv.ArticleID != c.ArticleID {
			return Save{}, fmt.Errorf("version belongs to article %d", vv.ArticleID)
		}
		if vv.At.IsZero() {
			vv.At = c.At
		}
		vv.TextSHA256 = snapshots.TextHash(vv.Title, vv.Dek, vv.Text)
		vv.RawSHA256 = snapshots.RawHash(vv.Raw)
		if c.TextSHA256 == "" {
			c.TextSHA256 = vv.TextSHA256
		}
		if c.RawSHA256 == "" {
			c.RawSHA256 = vv.RawSHA256
		}
		if s.Row, err = newVersionRow(vv); err != nil {
			return Save{}, err
		}
		s.Version = vv
	}
	s.Check = c
	return s, nil
}

func newVersionRow(v snapshots.Version) (VersionRow, error) {
	var r VersionRow
	var err error
	if r.At, err = FormatTime(v.At); err != nil {
		return r, fmt.Errorf("version time: %w", err)
	}
	r.Changes = nilIfEmpty(v.Changes)
	r.Kinds = v.Kinds
	if r.Kinds == nil {
		r.Kinds = []string{}
	}
	r.Notes = v.Notes
	if r.Notes == nil {
		r.Notes = []string{}
	}
	r.Reading = nilIfEmpty(v.Reading)
	return r, nil
}

// MaxVersionNumber is the highest version number of an article: SQLite's
// search index keys a version by article_id << 24 | number (migration
// 0015). A version a day for 45,000 years.
const MaxVersionNumber = 1<<24 - 1

// Follow decides, once the transaction has read the article's latest
// version (number last, 0 for none, with text hash lastText), what the
// save writes. A version whose text is the latest one's becomes a check
// confirming it: another saver stored this same text since the caller
// looked (two processes checking one article), and a version is only ever
// a change. A version the caller numbered other than last+1 follows
// another version than the one its changes were computed against:
// ErrConflict.
func (s *Save) Follow(last int, lastText string) error {
	if !s.WithVersion {
		return nil
	}
	if last > 0 && lastText == s.Version.TextSHA256 {
		s.WithVersion = false
		s.Check.Outcome = snapshots.OutcomeUnchanged
		s.Check.Version = last
		return nil
	}
	if last >= MaxVersionNumber {
		return fmt.Errorf("article %d: already %d versions, the most one article can hold", s.Version.ArticleID, last)
	}
	if n := s.Version.Number; n != 0 && n != last+1 {
		return fmt.Errorf("article %d: version %d expected, the latest is %d: %w", s.Version.ArticleID, n, last, snapshots.ErrConflict)
	}
	return nil
}

// Confirming reports whether the save is a check confirming a version by
// its text (unchanged or not modified, naming a version and a text hash):
// Confirmed must then see that version's text.
func (s *Save) Confirming() bool {
	o := s.Check.Outcome
	return !s.WithVersion && (o == snapshots.OutcomeUnchanged || o == snapshots.OutcomeNotModified) &&
		s.Check.Version > 0 && s.Check.TextSHA256 != ""
}

// Confirmed decides a confirming check (Confirming) once the transaction
// has read the text hash of the version it names (found false: none). A
// version whose text is another was renumbered since the caller read it,
// by a merge of two articles into one (snapshots.Merger): ErrConflict, so
// the check is made again against the merged article's numbering.
func (s *Save) Confirmed(text string, found bool) error {
	if !s.Confirming() || found && text == s.Check.TextSHA256 {
		return nil
	}
	return fmt.Errorf("article %d: version %d does not have the text the check confirms: %w", s.Check.ArticleID, s.Check.Version, snapshots.ErrConflict)
}

// Chain numbers the version after the latest one (last, with chain hash
// prev) and links it to it; the check records the number.
func (s *Save) Chain(last int, prev string) {
	v := &s.Version
	v.Number = last + 1
	v.PrevHash = prev
	v.ChainHash = snapshots.ChainHash(*v)
	s.Check.Version = v.Number
}

// Validators reports whether the check's response carries the validators
// a conditional GET sends next time (ETag, Last-Modified): a 200 or a 304.
func (s *Save) Validators() bool { return s.Check.Status == 200 || s.Check.Status == 304 }

// Read reports whether the check read the page (a new or an unchanged
// text): its canonical URL was looked at, so an article without one takes
// its own URL as canonical_url (see snapshots.Merger), in the save's own
// statement rather than a write of its own.
func (s *Save) Read() bool {
	return s.Check.Outcome == snapshots.OutcomeNew || s.Check.Outcome == snapshots.OutcomeUnchanged
}
