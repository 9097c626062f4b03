-- 0012: full-text search over every version (snapshots.Searcher).
--
-- An FTS5 index of each version's title, dek and text. It keeps no copy of
-- them (content='versions'): the text is in versions already, tens of KB a
-- version. unicode61 folds case and, with remove_diacritics 2, accents
-- ("é" finds "e" and "e" finds "é"); everything that is not a letter or a
-- digit, quotation marks straight or curly included, separates words.
CREATE VIRTUAL TABLE version_search USING fts5 (
	title, dek, text,
	content = 'versions', content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 2',
	-- No table of each row's token counts, which only ranking (bm25)
	-- reads: one B-tree write fewer at each Save.
	columnsize = 0
);

-- Save inserts versions, never updates or deletes them (the hash chain
-- would break): indexing each new row in its own transaction keeps the
-- index complete.
CREATE TRIGGER versions_search_insert AFTER INSERT ON versions BEGIN
	INSERT INTO version_search (rowid, title, dek, text) VALUES (new.id, new.title, new.dek, new.text);
END;

-- The versions stored before this step.
INSERT INTO version_search (version_search) VALUES ('rebuild');
