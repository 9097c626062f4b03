-- 0002: each article's schedule and HTTP validators, so a restarted
-- monitor resumes where it stopped and re-checks with a conditional GET.
--
-- next_check: when the article is next due ('' = due now; 'never' = no
-- more checks, it aged out). etag and last_modified: the validators of the
-- last response that carried a body or confirmed one (200 or 304).

ALTER TABLE articles ADD COLUMN next_check    TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN etag          TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN last_modified TEXT NOT NULL DEFAULT '';

CREATE INDEX articles_next_check ON articles (next_check);
