package snapshots

import (
	"context"
	"time"
)

// Site is what redline learned of one host's page template from the pages
// of it that it read: where its stories live and which blocks repeat on
// every page. The learning itself is the extractor's; the store keeps its
// model as opaque JSON, plus a few of its figures for listing sites
// without decoding every model.
type Site struct {
	Host string
	// Pages is how many distinct pages of the host were observed.
	Pages int
	// Container is the element path the host's stories are read from, ""
	// until one is learned.
	Container string
	// Boilerplate counts the blocks learned to repeat across the host's
	// pages (navigation, promos, footers).
	Boilerplate int
	// Model is the extractor's whole model of the host, as JSON.
	Model []byte
	// Updated is when the model was last saved.
	Updated time.Time
}

// SiteStore keeps the learned template of each host.
//
// A save replaces the host's whole row: when several processes learn the
// same host at once, the last one to save wins, and what the others
// observed since they loaded the model is lost. That costs only a few
// observations, which later pages make up for; it never mixes two models.
type SiteStore interface {
	// Site returns the host's site, or ErrNotFound if nothing was saved
	// for it.
	Site(ctx context.Context, host string) (Site, error)
	// SaveSite stores s, replacing what was saved for s.Host. It returns
	// an error if s.Host is empty or s.Updated is zero.
	SaveSite(ctx context.Context, s Site) error
	// Sites lists every site, by host.
	Sites(ctx context.Context) ([]Site, error)
}
