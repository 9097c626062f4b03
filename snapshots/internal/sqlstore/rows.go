package sqlstore

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/redline-news/redline/snapshots"
)

// ArticleRow checks an article about to be added and returns its first
// seen time as kept.
func ArticleRow(a snapshots.Article) (firstSeen string, err error) {
	if a.URL == "" {
		return "", errors.New("empty URL")
	}
	if firstSeen, err = FormatTime(a.FirstSeen); err != nil {
		return "", fmt.Errorf("first seen: %w", err)
	}
	return firstSeen, nil
}

// ArticleTimes sets a's times from their stored columns.
func ArticleTimes(a *snapshots.Article, firstSeen, nextCheck string) error {
	var err error
	if a.FirstSeen, err = ParseTime(firstSeen); err != nil {
		return fmt.Errorf("article %d: first seen: %w", a.ID, err)
	}
	if a.NextCheck, err = ParseOptionalTime(nextCheck); err != nil {
		return fmt.Errorf("article %d: next check: %w", a.ID, err)
	}
	return nil
}

// SortArticles orders articles by next check, then ID: the order ClaimDue
// promises (RETURNING gives rows in no promised order).
func SortArticles(as []snapshots.Article) {
	slices.SortFunc(as, func(a, b snapshots.Article) int {
		if c := a.NextCheck.Compare(b.NextCheck); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// Claim is a ClaimFilter's values as the claiming UPDATE binds them.
type Claim struct {
	Now, Until string // f.Now and the lease's end
	Never      string // the next check of retired articles, never claimed
}

// NewClaim checks f and returns its values.
func NewClaim(f snapshots.ClaimFilter) (Claim, error) {
	if f.Worker == "" {
		return Claim{}, errors.New("no worker name")
	}
	if f.Lease <= 0 {
		return Claim{}, fmt.Errorf("lease %s: must be positive", f.Lease)
	}
	now, err := FormatTime(f.Now)
	if err != nil {
		return Claim{}, fmt.Errorf("now: %w", err)
	}
	until, err := FormatTime(f.Now.Add(f.Lease))
	if err != nil {
		return Claim{}, fmt.Errorf("lease end: %w", err)
	}
	return Claim{Now: now, Until: until, Never: Never}, nil
}

// VersionColumns are the columns of versions v ScanVersion reads, in
// order, without the raw body and headers.
const VersionColumns = `v.id, v.article_id, v.number, v.at, v.title, v.byline, v.published,
	v.modified, v.text, v.text_sha256, v.raw_sha256, v.prev_hash, v.chain_hash, v.changes,
	v.severity, v.kinds, v.notes, v.dek, v.reading, v.reread`

// VersionQuery selects VersionColumns from versions v and, withRaw, then
// bodyColumns, the store's columns of the body, joining blobs b. A WHERE
// clause follows.
func VersionQuery(withRaw bool, bodyColumns string) string {
	if !withRaw {
		return `SELECT ` + VersionColumns + ` FROM versions v `
	}
	return `SELECT ` + VersionColumns + bodyColumns + ` FROM versions v JOIN blobs b ON b.sha256 = v.raw_sha256 `
}

// ScanVersion reads a row of VersionColumns followed by the columns more
// points to. The empty change set, kinds, notes and reading become nil (a
// store keeps them as empty values, the contract says nil).
func ScanVersion(scan func(dest ...any) error, more ...any) (snapshots.Version, error) {
	var v snapshots.Version
	var at string
	var changes []byte
	var kinds, notes any
	dest := append([]any{&v.ID, &v.ArticleID, &v.Number, &at, &v.Title, &v.Byline, &v.Published,
		&v.Modified, &v.Text, &v.TextSHA256, &v.RawSHA256, &v.PrevHash, &v.ChainHash, &changes,
		&v.Severity, &kinds, &notes, &v.Dek, &v.Reading, &v.Reread}, more...)
	if err := scan(dest...); err != nil {
		return snapshots.Version{}, err
	}
	var err error
	if v.At, err = ParseTime(at); err != nil {
		return snapshots.Version{}, fmt.Errorf("version %d of article %d: %w", v.Number, v.ArticleID, err)
	}
	if v.Kinds, err = decodeList(kinds); err != nil {
		return snapshots.Version{}, fmt.Errorf("version %d of article %d: kinds: %w", v.Number, v.ArticleID, err)
	}
	if v.Notes, err = decodeList(notes); err != nil {
		return snapshots.Version{}, fmt.Errorf("version %d of article %d: notes: %w", v.Number, v.ArticleID, err)
	}
	v.Changes = nilIfEmpty(changes)
	if len(v.Kinds) == 0 {
		v.Kinds = nil
	}
	if len(v.Notes) == 0 {
		v.Notes = nil
	}
	v.Reading = nilIfEmpty(v.Reading)
	return v, nil
}

// CheckColumns are the columns of checks ScanCheck reads, in order.
const CheckColumns = `id, article_id, at, status, final_url, etag, last_modified, raw_sha256,
	text_sha256, outcome, error, version`

// ScanCheck reads a row of CheckColumns.
func ScanCheck(scan func(dest ...any) error) (snapshots.Check, error) {
	var c snapshots.Check
	var at, outcome string
	if err := scan(&c.ID, &c.ArticleID, &at, &c.Status, &c.FinalURL, &c.ETag, &c.LastModified,
		&c.RawSHA256, &c.TextSHA256, &outcome, &c.Error, &c.Version); err != nil {
		return c, err
	}
	var err error
	if c.At, err = ParseTime(at); err != nil {
		return c, fmt.Errorf("check %d: %w", c.ID, err)
	}
	c.Outcome = snapshots.Outcome(outcome)
	return c, nil
}

// FinishSummary completes a summary read from the listing's row, whose
// article is read already: changed and checked are the stored times of the
// latest change and check ("" for none).
func FinishSummary(sum *snapshots.ArticleSummary, changed, severity string, reread bool, kinds []string, checked, outcome string) error {
	id := sum.Article.ID
	if checked != "" {
		t, err := ParseTime(checked)
		if err != nil {
			return fmt.Errorf("article %d: last check: %w", id, err)
		}
		sum.LastCheck, sum.LastOutcome = t, snapshots.Outcome(outcome)
	}
	if changed != "" {
		t, err := ParseTime(changed)
		if err != nil {
			return fmt.Errorf("article %d: last change: %w", id, err)
		}
		sum.LastChange, sum.Severity, sum.Reread = t, severity, reread
		if len(kinds) > 0 {
			sum.Kinds = kinds
		}
	}
	return nil
}

// DeliveryRow is a delivery's column values as every store keeps them.
type DeliveryRow struct {
	Status      snapshots.DeliveryStatus // Pending when the Delivery left it empty
	CreatedAt   string
	LastAttempt string // "" until the first round of attempts ends
	Payload     []byte // never nil: the column is NOT NULL, and nil binds as NULL
}

// NewDeliveryRow checks a delivery about to be added and returns its
// column values.
func NewDeliveryRow(d snapshots.Delivery) (DeliveryRow, error) {
	var r DeliveryRow
	if d.Notifier == "" {
		return r, errors.New("empty notifier name")
	}
	if d.CreatedAt.IsZero() {
		return r, errors.New("zero creation time")
	}
	st := d.Status
	if st == "" {
		st = snapshots.DeliveryPending
	}
	var err error
	if r.LastAttempt, err = updateColumns(st, d.LastAttempt); err != nil {
		return r, err
	}
	if r.CreatedAt, err = FormatTime(d.CreatedAt); err != nil {
		return r, fmt.Errorf("created_at: %w", err)
	}
	r.Status = st
	r.Payload = d.Payload
	if r.Payload == nil {
		r.Payload = []byte{}
	}
	return r, nil
}

// UpdateDeliveryColumns checks a delivery's outcome about to be stored and
// returns its last attempt as kept.
func UpdateDeliveryColumns(d snapshots.Delivery) (lastAttempt string, err error) {
	return updateColumns(d.Status, d.LastAttempt)
}

func updateColumns(st snapshots.DeliveryStatus, last time.Time) (string, error) {
	switch st {
	case snapshots.DeliveryPending, snapshots.DeliverySent, snapshots.DeliveryFailed:
	default:
		return "", fmt.Errorf("unknown status %q", st)
	}
	s, err := FormatOptionalTime(last)
	if err != nil {
		return "", fmt.Errorf("last_attempt: %w", err)
	}
	return s, nil
}

// DeliveryColumns are the columns ScanDelivery reads, in order.
const DeliveryColumns = `id, notifier, created_at, last_attempt, attempts, status, error, payload`

// ScanDelivery reads a row of DeliveryColumns.
func ScanDelivery(scan func(dest ...any) error) (snapshots.Delivery, error) {
	var d snapshots.Delivery
	var created, last, status string
	if err := scan(&d.ID, &d.Notifier, &created, &last, &d.Attempts, &status, &d.Error, &d.Payload); err != nil {
		return d, err
	}
	d.Status = snapshots.DeliveryStatus(status)
	var err error
	if d.CreatedAt, err = ParseTime(created); err != nil {
		return d, fmt.Errorf("delivery %d: %w", d.ID, err)
	}
	if d.LastAttempt, err = ParseOptionalTime(last); err != nil {
		return d, fmt.Errorf("delivery %d: %w", d.ID, err)
	}
	return d, nil
}

// SiteRow checks s before a store saves it and returns its Updated time
// in the stored form and its model (nil, stored as NULL, when empty).
// Both stores call it, so they refuse the same sites.
func SiteRow(s snapshots.Site) (updated string, model []byte, err error) {
	switch {
	case s.Host == "":
		return "", nil, errors.New("site without a host")
	case s.Updated.IsZero():
		return "", nil, errors.New("site without an update time")
	case s.Pages < 0 || s.Boilerplate < 0:
		return "", nil, fmt.Errorf("site counts %d pages, %d boilerplate blocks", s.Pages, s.Boilerplate)
	}
	updated, err = FormatTime(s.Updated)
	return updated, nilIfEmpty(s.Model), err
}

// SiteColumns are the columns ScanSite reads, in order.
const SiteColumns = `host, pages, container, boilerplate, model, updated`

// ScanSite reads a row of SiteColumns.
func ScanSite(scan func(dest ...any) error) (snapshots.Site, error) {
	var site snapshots.Site
	var updated string
	if err := scan(&site.Host, &site.Pages, &site.Container, &site.Boilerplate, &site.Model, &updated); err != nil {
		return site, err
	}
	site.Model = nilIfEmpty(site.Model)
	var err error
	if site.Updated, err = ParseTime(updated); err != nil {
		return site, fmt.Errorf("site %q: %w", site.Host, err)
	}
	return site, nil
}

func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}
