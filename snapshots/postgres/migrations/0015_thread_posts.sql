-- 0015: posts of thread notifiers (Mastodon, Bluesky), one per article
-- version, so the next change of an article replies to its last post even
-- after a restart, and a retried delivery does not post twice.
--
-- Times follow 0001: fixed-width RFC 3339 UTC text.
CREATE TABLE thread_posts (
	notifier  text    NOT NULL CHECK (notifier <> ''),
	url       text    NOT NULL CHECK (url <> ''),
	version   integer NOT NULL CHECK (version >= 1),
	post_id   text    NOT NULL CHECK (post_id <> ''),
	post_cid  text    NOT NULL DEFAULT '',
	root_id   text    NOT NULL,
	root_cid  text    NOT NULL DEFAULT '',
	posted_at text COLLATE "C" NOT NULL,
	PRIMARY KEY (notifier, url, version)
);
