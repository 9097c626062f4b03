-- 0015: the search index keyed by article and version number.
--
-- The FTS5 index of 0012 was keyed by the versions' IDs, in the order
-- they were saved, so a search had to read every match to know which
-- articles had the phrase first: 240 ms for a phrase in all of 100,000
-- versions (BenchmarkSearch100k/common). Keyed by article and number
-- (article_id << 24 | number, Save refusing a number of 2^24 or more),
-- an article's matches are one run of the index, read in article order:
-- a search stops once it holds the articles it asks for and no article
-- after them can have had the phrase earlier (the index on versions'
-- time and article says so), and reads one article's matches alone when
-- asked for one URL.
--
-- The index keeps no copy of the text (content=''), which only the index's
-- own rebuild read. Every version is queued for it again: IndexPending,
-- run after each cycle and by the first search, indexes them.
DROP TABLE version_search;
CREATE VIRTUAL TABLE version_search USING fts5 (
	title, dek, text,
	content = '',
	tokenize = 'unicode61 remove_diacritics 2',
	columnsize = 0
);
INSERT OR IGNORE INTO search_pending (version_id) SELECT id FROM versions;

-- Is there a version after article A, no later than time T? The time and
-- the article in one index answer it without reading the versions.
DROP INDEX versions_at;
CREATE INDEX versions_at ON versions (at, article_id);
