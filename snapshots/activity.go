package snapshots

import (
	"context"
	"time"
)

// SourceDay counts the changes one source's articles had on one UTC day:
// the versions after the first, each of which is a change set.
type SourceDay struct {
	Source  string
	Day     time.Time // midnight UTC
	Changes int
}

// ActivityFilter bounds the days an ActivityReader counts.
type ActivityFilter struct {
	Since time.Time // versions at or after
	Until time.Time // versions before; zero: no bound
}

// ActivityReader counts changes per day per source, for the web UI's
// sparklines. It is separate from Store, as Lister is, for the consumers
// that only read.
type ActivityReader interface {
	// ChangesPerDay returns the days with at least one change, by source
	// (byte order) then day. An empty store returns nothing, not an error.
	ChangesPerDay(ctx context.Context, f ActivityFilter) ([]SourceDay, error)
}
