-- 0012: a search reads the index in article order.
--
-- A search walks the versions that have the phrase article by article and
-- stops once it holds the articles it asks for and no article after them
-- can have had the phrase earlier, rather than reading every match: a
-- phrase in all of 100,000 versions took seconds
-- (BenchmarkSearch100k/common). The index on versions' time and article
-- answers "is there a version after article A, no later than time T?"
-- from the index alone.
CREATE INDEX version_search_article ON version_search (article_id, number);
DROP INDEX versions_at;
CREATE INDEX versions_at ON versions (at, article_id);
