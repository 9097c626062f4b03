-- 0002: notification deliveries, so a digest a notifier did not accept is
-- retried on a later cycle and never lost silently.
--
-- Times follow 0001: fixed-width RFC 3339 UTC text; last_attempt is '' until
-- the first round of attempts ends.

CREATE TABLE deliveries (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	notifier     text    NOT NULL CHECK (notifier <> ''),
	created_at   text COLLATE "C" NOT NULL,
	last_attempt text COLLATE "C" NOT NULL DEFAULT '',
	attempts     integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	status       text    NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
	error        text    NOT NULL DEFAULT '',
	payload      bytea   NOT NULL
);

-- The retry query reads pending deliveries oldest first.
CREATE INDEX deliveries_status ON deliveries (status, id);
