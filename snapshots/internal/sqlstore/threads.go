package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/redline-news/redline/snapshots"
)

var _ snapshots.ThreadStore = (*Core)(nil)

// AddThreadPost records p; see snapshots.ThreadStore. A post already
// recorded for the notifier, URL and version is kept (ON CONFLICT DO
// NOTHING), so running it again changes nothing the first run did.
func (c *Core) AddThreadPost(ctx context.Context, p snapshots.ThreadPost) error {
	var err error
	switch {
	case p.Notifier == "":
		err = errors.New("no notifier")
	case p.URL == "":
		err = errors.New("no article URL")
	case p.PostID == "":
		err = errors.New("no post id")
	case p.Version < 1:
		err = fmt.Errorf("version %d, want 1 or more", p.Version)
	case p.PostedAt.IsZero():
		err = errors.New("no post time")
	}
	var posted string
	if err == nil {
		posted, err = FormatTime(p.PostedAt)
	}
	if err == nil {
		err = c.b.Write(ctx, "add thread post", func() error {
			_, err := c.db.Exec(ctx, marked(c.d, `INSERT INTO thread_posts
			(notifier, url, version, post_id, post_cid, root_id, root_cid, posted_at)
			VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (notifier, url, version) DO NOTHING`, 8),
				p.Notifier, p.URL, p.Version, p.PostID, p.PostCID, p.RootID, p.RootCID, posted)
			return err
		})
	}
	if err != nil {
		return fmt.Errorf("add thread post of %q about %s version %d: %w", p.Notifier, p.URL, p.Version, err)
	}
	return nil
}

// LastThreadPost returns the notifier's post about url with the highest
// version; see snapshots.ThreadStore.
func (c *Core) LastThreadPost(ctx context.Context, notifier, url string) (snapshots.ThreadPost, error) {
	p := snapshots.ThreadPost{Notifier: notifier, URL: url}
	var posted string
	err := c.db.QueryRow(ctx, marked(c.d, `SELECT version, post_id, post_cid, root_id, root_cid, posted_at
		FROM thread_posts WHERE notifier = %s AND url = %s ORDER BY version DESC LIMIT 1`, 2), notifier, url)(
		&p.Version, &p.PostID, &p.PostCID, &p.RootID, &p.RootCID, &posted)
	if errors.Is(err, ErrNoRows) {
		err = snapshots.ErrNotFound
	}
	if err == nil {
		p.PostedAt, err = ParseTime(posted)
	}
	if err != nil {
		return snapshots.ThreadPost{}, fmt.Errorf("last thread post of %q about %s: %w", notifier, url, err)
	}
	return p, nil
}
