-- 0004: reading pages the same way every time (issue 16).
--
-- versions.dek is the standfirst or summary under the headline; it is part
-- of the extracted article, so TextHash (text_sha256) covers it. A dek-less
-- version hashes as before, so existing rows stay valid.
-- versions.reading is how the body was read (extract.Reading as JSON: the
-- containers and the blocks skipped), NULL when unknown; reread marks a
-- version read afresh because the page's structure changed. Like notes,
-- both describe redline's reading, not the page: the chain hash does not
-- cover them.
--
-- sites keeps, per host, what redline learned of its template from the
-- pages it read: the model (JSON, the extractor's own encoding) and a few
-- columns for listing without decoding it. A save replaces the whole row
-- (last writer wins).

ALTER TABLE versions ADD COLUMN dek text NOT NULL DEFAULT '';
ALTER TABLE versions ADD COLUMN reading bytea;
ALTER TABLE versions ADD COLUMN reread boolean NOT NULL DEFAULT false;

CREATE TABLE sites (
	host        text    PRIMARY KEY,
	pages       integer NOT NULL DEFAULT 0 CHECK (pages >= 0),
	container   text    NOT NULL DEFAULT '',
	boilerplate integer NOT NULL DEFAULT 0 CHECK (boilerplate >= 0),
	model       bytea,
	updated     text COLLATE "C" NOT NULL
);
