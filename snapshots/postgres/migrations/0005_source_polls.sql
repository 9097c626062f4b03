-- 0005: each source's newest poll of its feed or sitemap (issue 18).
--
-- A feed or sitemap that fails to load gives no article and so no check
-- row: without this table `redline status` could not show it. One row per
-- source, replaced at each poll; error is '' after a success.

CREATE TABLE source_polls (
	source text PRIMARY KEY,
	url    text NOT NULL,
	at     text COLLATE "C" NOT NULL,
	error  text NOT NULL DEFAULT ''
);
