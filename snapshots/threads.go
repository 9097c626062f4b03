package snapshots

import (
	"context"
	"time"
)

// ThreadPost is one post a thread notifier (Mastodon, Bluesky) made about
// one version of an article. The first post of an article starts its
// thread; each later one replies to the article's last post and names the
// first as its root, so the thread carries on across restarts.
//
// These are kept apart from deliveries: a delivery is one digest of many
// articles, a post is one article's version, and the next change of an
// article looks its thread up by article, not by digest.
type ThreadPost struct {
	Notifier string // the notifier's configured name
	URL      string // the article's URL as the digest gave it
	Version  int    // the article version the post is about (the change's "to" version)
	// PostID names the post to reply to: a Mastodon status id, a Bluesky
	// at:// URI. PostCID is the Bluesky record's CID ("" for Mastodon).
	PostID, PostCID string
	// RootID and RootCID are the thread's first post (the post itself for
	// the first).
	RootID, RootCID string
	PostedAt        time.Time
}

// ThreadStore keeps the posts thread notifiers made.
type ThreadStore interface {
	// AddThreadPost records p. It returns an error if Notifier, URL or
	// PostID is empty, Version is below 1 or PostedAt is zero. A post
	// already recorded for the same notifier, URL and version is kept as
	// it was: a retried delivery records nothing new.
	AddThreadPost(ctx context.Context, p ThreadPost) error
	// LastThreadPost returns the post of notifier about url with the
	// highest version, or ErrNotFound if there is none.
	LastThreadPost(ctx context.Context, notifier, url string) (ThreadPost, error)
}
