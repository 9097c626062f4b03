// Package sqlstore is what the SQL stores (snapshots/sqlite and
// snapshots/postgres) share beyond the snapshots contract: Core, the
// store methods that are the same in both, on a small DB interface, with
// their transactions run once (a store's Backend only begins them); the
// checks, defaults and hashes before a save (PrepareSave), and the naming
// of a save and its errors (Saving); the WHERE
// clauses of the filters, in a Dialect; times as the stores keep them;
// the rows of articles, checks, versions, deliveries and sites; the status
// queries; the listing's paging step (ListPage); and the schema
// migrations. What stays in a store is its own: how it writes a save and
// its bodies, how it begins a transaction and runs a write, and the SQL
// text that differs between the two databases.
//
// It is internal so that the public snapshots package exports only what
// callers of a store need.
package sqlstore
