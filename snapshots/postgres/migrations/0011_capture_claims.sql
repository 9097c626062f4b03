-- 0011: a claim on each queued capture (issue 20, Save Page Now).
--
-- Several workers share a PostgreSQL store; a worker claims the captures
-- it is about to submit until a time, so no version is submitted twice. A
-- claim ends when the worker stores the attempt's outcome, or when its
-- time passes (the worker died).
ALTER TABLE captures ADD COLUMN claimed_until text COLLATE "C" NOT NULL DEFAULT '';
