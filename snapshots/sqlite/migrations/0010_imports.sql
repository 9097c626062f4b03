-- 0010: where imported versions came from (issue 20, point 3).
--
-- A version read from a web archive (a WARC record, a Wayback capture)
-- rather than fetched keeps the archive and the record it came from, written
-- by Save in the version's transaction. The record is indexed: importing the
-- same archive again finds its records stored and adds nothing.

CREATE TABLE imports (
	version_id INTEGER PRIMARY KEY REFERENCES versions (id),
	archive    TEXT NOT NULL,
	record     TEXT NOT NULL
) STRICT;

CREATE INDEX imports_record ON imports (record);
