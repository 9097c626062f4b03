// Package sqlstore is what the SQL stores (snapshots/sqlite and
// snapshots/postgres) share beyond the snapshots contract: the checks,
// defaults and hashes before a save, the WHERE clauses of the filters,
// times as the stores keep them, the column values of deliveries and
// sites, the status queries and the schema migrations. Only the SQL text
// that differs between the two databases stays in the stores.
//
// It is internal so that the public snapshots package exports only what
// callers of a store need.
package sqlstore
