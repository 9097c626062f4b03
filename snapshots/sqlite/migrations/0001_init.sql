-- 0001: articles, checks, versions and content-addressed response bodies.
--
-- Times are UTC text in a fixed-width RFC 3339 form with nanoseconds
-- (2025-03-14T08:26:53.589793238Z), so text order is time order.
-- Hashes are lower-case hex SHA-256.

CREATE TABLE articles (
	id            INTEGER PRIMARY KEY,
	url           TEXT NOT NULL UNIQUE,
	canonical_url TEXT NOT NULL DEFAULT '',
	source        TEXT NOT NULL DEFAULT '',
	first_seen    TEXT NOT NULL
) STRICT;

CREATE INDEX articles_source ON articles (source);

-- blobs holds each distinct response body once, gzip-compressed, keyed by
-- the SHA-256 of the uncompressed bytes.
CREATE TABLE blobs (
	sha256 TEXT    PRIMARY KEY,
	size   INTEGER NOT NULL,
	data   BLOB    NOT NULL
) STRICT;

CREATE TABLE versions (
	id          INTEGER PRIMARY KEY,
	article_id  INTEGER NOT NULL REFERENCES articles (id),
	number      INTEGER NOT NULL CHECK (number > 0),
	at          TEXT    NOT NULL,
	title       TEXT    NOT NULL,
	byline      TEXT    NOT NULL,
	published   TEXT    NOT NULL,
	modified    TEXT    NOT NULL,
	text        TEXT    NOT NULL,
	text_sha256 TEXT    NOT NULL,
	raw_sha256  TEXT    NOT NULL REFERENCES blobs (sha256),
	header      TEXT    NOT NULL,
	prev_hash   TEXT    NOT NULL,
	chain_hash  TEXT    NOT NULL,
	changes     BLOB,                          -- diffing.ChangeSet JSON; NULL for version 1
	severity    TEXT    NOT NULL,
	kinds       TEXT    NOT NULL DEFAULT '[]', -- JSON array of change kinds
	UNIQUE (article_id, number),
	-- Only version 1 starts a chain.
	CHECK ((number = 1) = (prev_hash = ''))
) STRICT;

CREATE INDEX versions_at ON versions (at);

CREATE TABLE checks (
	id            INTEGER PRIMARY KEY,
	article_id    INTEGER NOT NULL REFERENCES articles (id),
	at            TEXT    NOT NULL,
	status        INTEGER NOT NULL,
	final_url     TEXT    NOT NULL,
	etag          TEXT    NOT NULL,
	last_modified TEXT    NOT NULL,
	raw_sha256    TEXT    NOT NULL,
	text_sha256   TEXT    NOT NULL,
	outcome       TEXT    NOT NULL,
	error         TEXT    NOT NULL,
	version       INTEGER NOT NULL -- 0 when the check saw no version
) STRICT;

CREATE INDEX checks_article_at ON checks (article_id, at);
CREATE INDEX checks_at ON checks (at);
