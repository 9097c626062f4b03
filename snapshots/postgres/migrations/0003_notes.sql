-- 0003: provenance notes on versions: how redline read the page when that
-- was a decision rather than a given (a charset sniffed because the
-- declared one was unknown, a declared type the bytes contradicted). Like
-- severity and kinds, notes describe redline's reading, not the page, so
-- the chain hash does not cover them.

ALTER TABLE versions ADD COLUMN notes text[] NOT NULL DEFAULT '{}';
