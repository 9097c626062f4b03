package snapshots

import (
	"context"
	"time"
)

// Timestamp is a trusted timestamp (RFC 3161) of one version's ChainHash:
// a Time-Stamp Authority's signed token saying the hash existed at Time.
// The chain hash covers every earlier version too, so a token dates the
// whole history up to its version.
type Timestamp struct {
	VersionID int64
	ArticleID int64 // set when read back, with Number
	Number    int
	// Token is the TimeStampToken as the TSA signed it (DER CMS
	// SignedData). The store keeps it as bytes and never reads it; a
	// verifier checks it offline.
	Token []byte
	Time  time.Time // the token's genTime, for listings
	TSA   string    // the URL it came from
}

// TimestampFilter selects timestamps. Zero fields do not filter.
type TimestampFilter struct {
	ArticleID int64
}

// Timestamper keeps versions' trusted timestamps. It is separate from Store
// so stores without it still work when no TSA is configured.
type Timestamper interface {
	// Unstamped returns versions that have no timestamp yet, oldest saved
	// first, at most limit (0: all). Only ID, ArticleID, Number, At and
	// ChainHash are set.
	Unstamped(ctx context.Context, limit int) ([]Version, error)
	// SaveTimestamp stores t for the version t.VersionID, replacing the
	// one it had. It returns ErrNotFound when no version has that ID, and
	// an error when Token is empty or Time zero.
	SaveTimestamp(ctx context.Context, t Timestamp) error
	// Timestamps lists the stored timestamps that match f, by article and
	// version number.
	Timestamps(ctx context.Context, f TimestampFilter) ([]Timestamp, error)
}
