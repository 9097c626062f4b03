-- 0003: notification deliveries, so a digest a notifier did not accept is
-- retried on a later cycle and never lost silently.
--
-- Times follow 0001: fixed-width RFC 3339 UTC text; last_attempt is '' until
-- the first round of attempts ends.

CREATE TABLE deliveries (
	id           INTEGER PRIMARY KEY,
	notifier     TEXT    NOT NULL CHECK (notifier <> ''),
	created_at   TEXT    NOT NULL,
	last_attempt TEXT    NOT NULL DEFAULT '',
	attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	status       TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
	error        TEXT    NOT NULL DEFAULT '',
	payload      BLOB    NOT NULL
) STRICT;

-- The retry query reads pending deliveries oldest first.
CREATE INDEX deliveries_status ON deliveries (status, id);
