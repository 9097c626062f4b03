-- 0013: one article per story (issue 21).
--
-- article_aliases: URLs that lead to an article keyed by another (its
-- canonical URL): an AMP or mobile copy, a URL with tracking parameters.
--
-- article_merges: two articles found to be one story were merged; the
-- merged one's row is gone, so its id and URL are kept here.
--
-- version_origins: each version's place in its chain just before a merge
-- re-chained it (article id and number hashed, prev_hash, chain_hash), so
-- the old chain, and trusted timestamps over its hashes, stay checkable
-- (see snapshots/merge.go).
CREATE TABLE article_aliases (
	url        text   PRIMARY KEY,
	article_id bigint NOT NULL REFERENCES articles (id),
	at         text COLLATE "C" NOT NULL
);

CREATE INDEX article_aliases_article ON article_aliases (article_id);

CREATE TABLE article_merges (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	article_id   bigint NOT NULL REFERENCES articles (id),
	from_article bigint NOT NULL,
	from_url     text   NOT NULL,
	at           text COLLATE "C" NOT NULL
);

CREATE INDEX article_merges_article ON article_merges (article_id);

CREATE TABLE version_origins (
	merge_id   bigint  NOT NULL REFERENCES article_merges (id),
	version_id bigint  NOT NULL REFERENCES versions (id),
	article_id bigint  NOT NULL,
	number     integer NOT NULL,
	prev_hash  text    NOT NULL,
	chain_hash text    NOT NULL,
	PRIMARY KEY (merge_id, version_id)
);

CREATE INDEX version_origins_version ON version_origins (version_id);
