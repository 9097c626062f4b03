-- 0007: reading pages the same way every time (issue 16).
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

ALTER TABLE versions ADD COLUMN dek TEXT NOT NULL DEFAULT '';
ALTER TABLE versions ADD COLUMN reading BLOB;
ALTER TABLE versions ADD COLUMN reread INTEGER NOT NULL DEFAULT 0 CHECK (reread IN (0, 1));

CREATE TABLE sites (
	host        TEXT    PRIMARY KEY,
	pages       INTEGER NOT NULL DEFAULT 0 CHECK (pages >= 0),
	container   TEXT    NOT NULL DEFAULT '',
	boilerplate INTEGER NOT NULL DEFAULT 0 CHECK (boilerplate >= 0),
	model       BLOB,
	updated     TEXT    NOT NULL
) STRICT;
