-- 0011: each version's capture in a web archive (issue 20, Save Page Now).
--
-- A table of its own, keyed by the version: archiving is optional, made
-- after the version by someone else, and outside the hash chain. A row is
-- queued when the version is saved; archive stays '' until the archive
-- made a capture, and attempts counts the rounds that failed.

CREATE TABLE captures (
	version_id   INTEGER PRIMARY KEY REFERENCES versions (id),
	queued_at    TEXT    NOT NULL,
	archive      TEXT    NOT NULL DEFAULT '',
	captured_at  TEXT    NOT NULL DEFAULT '',
	attempts     INTEGER NOT NULL DEFAULT 0,
	last_attempt TEXT    NOT NULL DEFAULT '',
	error        TEXT    NOT NULL DEFAULT ''
) STRICT;

-- PendingCaptures reads the queue, oldest first.
CREATE INDEX captures_pending ON captures (queued_at, version_id) WHERE archive = '';
