-- 0006: trusted timestamps (RFC 3161) of versions' chain hashes (issue 20).
--
-- A table of its own, keyed by the version, so a version saved while the
-- Time-Stamp Authority was down has no row and is stamped later; the
-- versions table and its readers stay as they were. token is the TSA's
-- DER TimeStampToken, time its genTime (stored time form), tsa its URL.

CREATE TABLE timestamps (
	version_id bigint PRIMARY KEY REFERENCES versions (id),
	token      bytea NOT NULL,
	time       text COLLATE "C" NOT NULL,
	tsa        text NOT NULL
);
