-- 0010: the search index is written off Save's path (snapshots.Indexer).
--
-- Save wrote each version's tsvector (0009), which doubled the time of a
-- 60 KB Save (BenchmarkSave60KB: 2.6 to 5.5 ms). It now only queues the
-- new version's ID here, in its statement; IndexPending (run after each
-- cycle, and by Search before it reads) indexes the queued versions and
-- deletes their rows in one transaction, several workers passing over
-- each other's rows (FOR UPDATE SKIP LOCKED). No foreign key, as in
-- version_search. The versions indexed by Save stay as they are.
CREATE TABLE search_pending (
	version_id bigint PRIMARY KEY
);
