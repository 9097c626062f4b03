-- 0008: each version's capture in a web archive (issue 20, Save Page Now).
--
-- A table of its own, keyed by the version: archiving is optional, made
-- after the version by someone else, and outside the hash chain. A row is
-- queued when the version is saved; archive stays '' until the archive
-- made a capture, and attempts counts the rounds that failed.

CREATE TABLE captures (
	version_id   bigint  PRIMARY KEY REFERENCES versions (id),
	queued_at    text COLLATE "C" NOT NULL,
	archive      text    NOT NULL DEFAULT '',
	captured_at  text COLLATE "C" NOT NULL DEFAULT '',
	attempts     integer NOT NULL DEFAULT 0,
	last_attempt text COLLATE "C" NOT NULL DEFAULT '',
	error        text    NOT NULL DEFAULT ''
);

-- PendingCaptures reads the queue, oldest first.
CREATE INDEX captures_pending ON captures (queued_at, version_id) WHERE archive = '';
