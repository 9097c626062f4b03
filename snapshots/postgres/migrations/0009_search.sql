-- 0009: full-text search over every version (snapshots.Searcher).
--
-- Each version's title, dek and text as a tsvector, in the 'simple'
-- configuration (no stemming, no stop words: a quotation is searched word
-- for word), with a GIN index. Searches use phraseto_tsquery, which reads
-- its argument as plain text.
--
-- Accents and punctuation are folded by redline_search_fold, the same for
-- what is indexed and what is searched. It does not use the unaccent
-- extension: an extension is installed once per database by a privileged
-- role, in one schema (a store in another schema would not see it), and
-- its function is not immutable. normalize(NFD), built in since
-- PostgreSQL 13, splits "é" into "e" and a combining accent, which the
-- first regexp_replace drops. The second turns punctuation (curly quotes,
-- dashes, guillemets, ellipses, no-break spaces…) into spaces: under the C
-- locale the text-search parser takes any non-ASCII character for a
-- letter, so "“We" would otherwise be one word.
CREATE FUNCTION redline_search_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
	SELECT regexp_replace(
		regexp_replace(normalize(t, NFD), '[\u0300-\u036f]', '', 'g'),
		'[\u00a0-\u00a9\u00ab-\u00b1\u00b4\u00b6-\u00b8\u00bb\u00bf\u00d7\u00f7\u2000-\u206f\u2190-\u2bff\u2e00-\u2e7f\u3000-\u303f\ufe10-\ufe1f\ufe30-\ufe6f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]',
		' ', 'g')
$$;

-- The words of a version. A tsvector holds positions up to 16,383 and at
-- most 1 MB: only the first 150,000 characters of the text (some 25,000
-- words) are indexed, so no long text can make Save fail.
CREATE FUNCTION redline_search_words(title text, dek text, body text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
	SELECT to_tsvector('simple', redline_search_fold(title))
		|| to_tsvector('simple', redline_search_fold(dek))
		|| to_tsvector('simple', redline_search_fold(left(body, 150000)))
$$;

-- Keyed by the version; no foreign key, whose check would cost every Save
-- a lookup: the search joins versions anyway.
CREATE TABLE version_search (
	version_id bigint PRIMARY KEY,
	words      tsvector NOT NULL
);

-- Save inserts versions, never updates them (the hash chain would break):
-- indexing each new row in its transaction keeps the index complete.
CREATE FUNCTION versions_search_index() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO version_search (version_id, words)
	VALUES (NEW.id, redline_search_words(NEW.title, NEW.dek, NEW.text));
	RETURN NULL;
END
$$;

CREATE TRIGGER versions_search_insert AFTER INSERT ON versions
	FOR EACH ROW EXECUTE FUNCTION versions_search_index();

-- The versions stored before this step, then the index (built once, not
-- row by row).
INSERT INTO version_search (version_id, words)
	SELECT id, redline_search_words(title, dek, text) FROM versions;
CREATE INDEX version_search_words ON version_search USING gin (words);
