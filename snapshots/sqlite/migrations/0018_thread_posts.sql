-- 0018: posts of thread notifiers (Mastodon, Bluesky), one per article
-- version, so the next change of an article replies to its last post even
-- after a restart, and a retried delivery does not post twice.
--
-- Times follow 0001: fixed-width RFC 3339 UTC text.
CREATE TABLE thread_posts (
	notifier  TEXT    NOT NULL CHECK (notifier <> ''),
	url       TEXT    NOT NULL CHECK (url <> ''),
	version   INTEGER NOT NULL CHECK (version >= 1),
	post_id   TEXT    NOT NULL CHECK (post_id <> ''),
	post_cid  TEXT    NOT NULL DEFAULT '',
	root_id   TEXT    NOT NULL,
	root_cid  TEXT    NOT NULL DEFAULT '',
	posted_at TEXT    NOT NULL,
	PRIMARY KEY (notifier, url, version)
) STRICT;
