package monitor

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/snapshots"
)

// Capture is a response redline did not fetch itself: a web archive's
// record of a page as it was served at At.
type Capture struct {
	At time.Time
	// Response is the page as archived: status, the URL it was captured
	// from (FinalURL), headers and body. SHA256 is computed when empty.
	Response *fetch.Response
	// Import is where the capture came from, stored with the version.
	Import snapshots.Import
}

// ErrBeforeLatest is why a capture older than the article's latest
// version is not imported: versions form a chain in the order they were
// saved, and a version cannot be put in the middle of it.
var ErrBeforeLatest = errors.New("captured before the article's latest version")

// Ingest reads a capture of art as checkOnce reads a fetched page (the
// same extraction, with the latest version's reading as anchor, the same
// refusals, diff, classification, revert and flapping marks, and the same
// save and chain) and stores it as the article's next version, at the
// capture's time, when its text changed.
//
// Unlike a check, Ingest records nothing when the text did not change or
// the capture could not be read: an archive's capture is not a check
// redline made, and importing the same archive again must add nothing.
// The Result's Check.Outcome says what happened (OutcomeNew or
// OutcomeUnchanged), or Err why nothing was stored; a capture older than
// the latest version fails with ErrBeforeLatest.
func (m *Monitor) Ingest(ctx context.Context, src Source, art snapshots.Article, c Capture) (res Result) {
	t := target{src: src, art: art}
	log := m.log.With("source", src.Name, "url", art.URL, "record", c.Import.Record)
	res = Result{Source: src.Name, URL: art.URL, Article: art}
	if c.Response == nil {
		res.Err = fmt.Errorf("import %s: record %s: no response", art.URL, c.Import.Record)
		return res
	}
	prev, err := m.opt.Store.Latest(ctx, art.ID)
	hasPrev := err == nil
	if err != nil && !errors.Is(err, snapshots.ErrNotFound) {
		return storeFailed(res, fmt.Errorf("latest version of %s: %w", art.URL, err), log)
	}
	at := c.At.UTC()
	if hasPrev && at.Before(prev.At) {
		res.Err = fmt.Errorf("import %s: record %s captured %s: %w (version %d, %s)", art.URL, c.Import.Record,
			at.Format(time.RFC3339), ErrBeforeLatest, prev.Number, prev.At.UTC().Format(time.RFC3339))
		return res
	}
	resp := *c.Response
	if resp.SHA256 == "" {
		resp.SHA256 = snapshots.RawHash(resp.Body)
	}
	// The archive's validators are left out: the article's are for
	// redline's own conditional requests to the publisher.
	check := snapshots.Check{ArticleID: art.ID, At: at, Status: resp.Status, FinalURL: resp.FinalURL, RawSHA256: resp.SHA256}
	var anchor *snapshots.Version
	if hasPrev {
		anchor = &prev
	}
	v, err := m.readVersion(ctx, t, &resp, &check, anchor, log)
	if err = m.refused(art.URL, v, err, anchor, check.TextSHA256); err != nil {
		res.Err = fmt.Errorf("import record %s: %w", c.Import.Record, err)
		res.Event, res.Reason = classify(err)
		return res
	}
	if hasPrev && prev.TextSHA256 == check.TextSHA256 {
		check.Outcome, check.Version = snapshots.OutcomeUnchanged, prev.Number
		res.Check = check
		log.Debug("capture unchanged", "version", prev.Number)
		return res
	}
	imp := c.Import
	v.Import = &imp
	return m.diffAndSave(ctx, res, check, prev, hasPrev, v, log)
}

// SaveSites saves what reading pages taught of their hosts' templates and
// is not saved yet; a cycle of checks does it as it ends, a caller of
// Ingest once it is done.
func (m *Monitor) SaveSites(ctx context.Context) { m.sites.flush(ctx) }
