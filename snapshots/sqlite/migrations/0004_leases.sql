-- 0004: leases, so several processes sharing a store never check the same
-- article at once, and an article whose worker died is checked by another
-- once its lease expires. Save clears the lease.

ALTER TABLE articles ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN lease_until TEXT NOT NULL DEFAULT '';
