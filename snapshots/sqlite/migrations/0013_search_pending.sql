-- 0013: the search index is written off Save's path (snapshots.Indexer).
--
-- The trigger of 0012 made every Save tokenize the whole text into the
-- FTS5 index: about 1.1 ms more per 60 KB of text. Save now only queues
-- the new version's ID here, in its transaction; IndexPending (run after
-- each cycle, and by Search before it reads) indexes the queued versions
-- and deletes their rows in one transaction. The versions indexed by the
-- trigger stay indexed as they are.
DROP TRIGGER versions_search_insert;

CREATE TABLE search_pending (
	version_id INTEGER PRIMARY KEY
);
