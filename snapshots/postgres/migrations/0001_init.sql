-- 0001: articles (with their schedule, validators and leases), checks,
-- versions and content-addressed response bodies.
--
-- Times are UTC text in the fixed-width RFC 3339 form the SQLite store uses,
-- with nanoseconds (2025-03-14T08:26:53.589793238Z). timestamptz keeps only
-- microseconds, so the chain hash of a version read back would differ from
-- the one computed at Save; bigint nanoseconds cannot hold snapshots.Never
-- (year 9999) nor a zero time (year 1). COLLATE "C" makes the comparison
-- bytewise, so text order is time order and the indexes are plain.
-- Hashes are lower-case hex SHA-256.

CREATE TABLE articles (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	url           text NOT NULL UNIQUE,
	canonical_url text NOT NULL DEFAULT '',
	source        text NOT NULL DEFAULT '',
	first_seen    text COLLATE "C" NOT NULL,
	-- next_check: '' = due now (sorts before every time); the text of
	-- snapshots.Never = aged out, never due.
	next_check    text COLLATE "C" NOT NULL DEFAULT '',
	-- The validators of the last 200 or 304 response.
	etag          text NOT NULL DEFAULT '',
	last_modified text NOT NULL DEFAULT '',
	-- The worker holding the article and until when ('' = nobody). Save
	-- clears both.
	lease_owner   text NOT NULL DEFAULT '',
	lease_until   text COLLATE "C" NOT NULL DEFAULT ''
);

-- ClaimDue reads one source's due articles, oldest due first.
CREATE INDEX articles_source_next_check ON articles (source, next_check, id);
-- ArticleFilter.DueBy across sources.
CREATE INDEX articles_next_check ON articles (next_check);

-- blobs holds each distinct response body once, gzip-compressed, keyed by
-- the SHA-256 of the uncompressed bytes.
CREATE TABLE blobs (
	sha256 text   PRIMARY KEY,
	size   bigint NOT NULL CHECK (size >= 0),
	data   bytea  NOT NULL
);
-- The data is gzip already: EXTERNAL stores it out of line without
-- PostgreSQL trying (and failing) to compress it again.
ALTER TABLE blobs ALTER COLUMN data SET STORAGE EXTERNAL;

CREATE TABLE versions (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	article_id  bigint  NOT NULL REFERENCES articles (id),
	number      integer NOT NULL CHECK (number > 0),
	at          text COLLATE "C" NOT NULL,
	title       text    NOT NULL,
	byline      text    NOT NULL,
	published   text    NOT NULL,
	modified    text    NOT NULL,
	text        text    NOT NULL,
	text_sha256 text    NOT NULL,
	raw_sha256  text    NOT NULL REFERENCES blobs (sha256),
	header      text    NOT NULL,
	prev_hash   text    NOT NULL,
	chain_hash  text    NOT NULL,
	changes     bytea,                           -- diffing.ChangeSet JSON; NULL for version 1
	severity    text    NOT NULL,
	kinds       text[]  NOT NULL DEFAULT '{}',   -- change kinds
	UNIQUE (article_id, number),
	-- Only version 1 starts a chain.
	CHECK ((number = 1) = (prev_hash = ''))
);

CREATE INDEX versions_at ON versions (at);

CREATE TABLE checks (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	article_id    bigint  NOT NULL REFERENCES articles (id),
	at            text COLLATE "C" NOT NULL,
	status        integer NOT NULL,
	final_url     text    NOT NULL,
	etag          text    NOT NULL,
	last_modified text    NOT NULL,
	raw_sha256    text    NOT NULL,
	text_sha256   text    NOT NULL,
	outcome       text    NOT NULL,
	error         text    NOT NULL,
	version       integer NOT NULL -- 0 when the check saw no version
);

CREATE INDEX checks_article_at ON checks (article_id, at);
CREATE INDEX checks_at ON checks (at);

-- The extracted text (tens of KB a version) is compressed by TOAST. lz4
-- rather than the default pglz doubled the versions Save stores per second
-- (BenchmarkSave60KB). Servers before 14, or built without lz4, keep pglz:
-- EXECUTE defers the statement to run time, where its error can be caught.
DO $$
BEGIN
	EXECUTE 'ALTER TABLE versions ALTER COLUMN text SET COMPRESSION lz4';
EXCEPTION WHEN feature_not_supported OR syntax_error THEN
	NULL;
END
$$;
