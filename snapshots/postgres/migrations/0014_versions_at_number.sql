-- 0014: the web UI's list page counts changes per day per source on every
-- load (ChangesPerDay: versions after the first, over a time range). With
-- the version number in the time index the count reads the index alone,
-- never the versions' rows; the search's "settled" check, which used
-- (at, article_id), is served by the same index.
DROP INDEX versions_at;
CREATE INDEX versions_at ON versions (at, article_id, number);
