package snapshots

import "context"

// Import says where an imported version came from: the archive it was
// read from (a WARC or WACZ file, or a Wayback Machine's CDX API) and the
// record in it (a WARC-Record-ID, or a capture's URL). It is provenance,
// like Notes: ChainHash covers the page, not where redline found it.
type Import struct {
	Archive string
	Record  string
}

// String says it for a person: "imported from news.warc.gz, record <urn:uuid:…>".
func (i Import) String() string { return "imported from " + i.Archive + ", record " + i.Record }

// ImportReader is a Store that keeps the provenance of imported versions:
// Save stores a version's Import with it, in the same transaction.
type ImportReader interface {
	// Imports returns the provenance of an article's imported versions,
	// by version number; fetched versions are not in it.
	Imports(ctx context.Context, articleID int64) (map[int]Import, error)
	// Imported reports whether a version was stored from the record with
	// this ID, from whichever archive: importing it again adds nothing.
	Imported(ctx context.Context, record string) (bool, error)
}
