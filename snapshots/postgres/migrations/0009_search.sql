-- 0009: full-text search over every version (snapshots.Searcher).
--
-- Each version's words as a tsvector, with a GIN index; a search is a
-- phrase query (<->) on it. The words are made by the store in Go (see
-- search.go), not by to_tsvector: PostgreSQL's parser and 'simple'
-- configuration cost about 0.4 ms per KB of text (a 60 KB page's Save
-- went from 3 to 30 ms), depend on the server's locale (under C, "“We" is
-- one word and "É" is not lower-cased), and fold no accents without the
-- unaccent extension, which a privileged role installs once per database
-- in one schema. The store folds case and accents (NFD, marks dropped) and
-- splits at every character that is not a letter or a digit, as SQLite's
-- unicode61 tokenizer does, the same for what it indexes and what it
-- searches.
--
-- The version's article, number and time are copied here, so a search
-- reads this table alone. No foreign key: its check would cost every Save
-- a lookup, and versions are never deleted. The versions stored before
-- this step are indexed by the store in the same transaction (migrate.go).
CREATE TABLE version_search (
	version_id bigint PRIMARY KEY,
	article_id bigint  NOT NULL,
	number     integer NOT NULL,
	at         text COLLATE "C" NOT NULL,
	words      tsvector NOT NULL
);
CREATE INDEX version_search_words ON version_search USING gin (words);

-- A 60 KB text makes a vector of some 20 KB, which TOAST compresses: lz4
-- rather than the default pglz took a third off such a Save
-- (BenchmarkSave60KB: 8.4 to 5.5 ms). Servers before 14, or built without
-- lz4, keep pglz, as versions.text does (0001).
DO $$
BEGIN
	EXECUTE 'ALTER TABLE version_search ALTER COLUMN words SET COMPRESSION lz4';
EXCEPTION WHEN feature_not_supported OR syntax_error THEN
	NULL;
END
$$;
