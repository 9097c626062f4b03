-- 0008: each source's newest poll of its feed or sitemap (issue 18).
--
-- A feed or sitemap that fails to load gives no article and so no check
-- row: without this table `redline status` could not show it. One row per
-- source, replaced at each poll; error is '' after a success.

CREATE TABLE source_polls (
	source TEXT PRIMARY KEY,
	url    TEXT NOT NULL,
	at     TEXT NOT NULL,
	error  TEXT NOT NULL DEFAULT ''
) STRICT;
