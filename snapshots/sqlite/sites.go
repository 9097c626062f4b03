package sqlite

import (
	"context"
	"fmt"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

var _ snapshots.SiteStore = (*Store)(nil)

// Site returns what was learned of host; see snapshots.SiteStore.
func (s *Store) Site(ctx context.Context, host string) (snapshots.Site, error) {
	sites, err := s.sites(ctx, `WHERE host = ?`, host)
	if err == nil && len(sites) == 0 {
		err = snapshots.ErrNotFound
	}
	if err != nil {
		return snapshots.Site{}, fmt.Errorf("site %q: %w", host, err)
	}
	return sites[0], nil
}

// SaveSite replaces what was saved for site.Host; see snapshots.SiteStore.
func (s *Store) SaveSite(ctx context.Context, site snapshots.Site) error {
	if err := s.saveSite(ctx, site); err != nil {
		return fmt.Errorf("save site %q: %w", site.Host, s.classify("save site", err))
	}
	return nil
}

func (s *Store) saveSite(ctx context.Context, site snapshots.Site) error {
	db, err := s.conn()
	if err != nil {
		return err
	}
	updated, model, err := sqlstore.SiteRow(site)
	if err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, `INSERT INTO sites (host, pages, container, boilerplate, model, updated)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (host) DO UPDATE SET pages = excluded.pages, container = excluded.container,
			boilerplate = excluded.boilerplate, model = excluded.model, updated = excluded.updated`,
		site.Host, site.Pages, site.Container, site.Boilerplate, model, updated)
	return err
}

// Sites lists every site by host; see snapshots.SiteStore.
func (s *Store) Sites(ctx context.Context) ([]snapshots.Site, error) {
	sites, err := s.sites(ctx, ``)
	if err != nil {
		return nil, fmt.Errorf("list sites: %w", err)
	}
	return sites, nil
}

func (s *Store) sites(ctx context.Context, where string, args ...any) ([]snapshots.Site, error) {
	db, err := s.conn()
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, `SELECT `+sqlstore.SiteColumns+` FROM sites `+where+` ORDER BY host`, args...)
	if err != nil {
		return nil, err
	}
	return sqlstore.Collect(sqlRows{rows}, sqlstore.ScanSite)
}
