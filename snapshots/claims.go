package snapshots

import (
	"context"
	"time"
)

// ClaimFilter says which due articles a worker asks for.
type ClaimFilter struct {
	Source string        // required: the source whose articles are claimed
	Worker string        // required: who claims them (host:pid, say)
	Now    time.Time     // articles due at or before Now are claimed
	Lease  time.Duration // how long the claim holds if the worker dies
	Limit  int           // at most this many; 0 means no limit
}

// Claimer hands due articles to one of several workers sharing a store,
// so that no article is fetched twice in a cycle and one whose worker died
// is fetched by another once the lease expires.
type Claimer interface {
	// ClaimDue leases to f.Worker the articles of f.Source that are due
	// (NextCheck at or before f.Now, never the retired ones) and not held
	// by an unexpired lease, its own included (a worker claiming batch
	// after batch must not get its checks in flight again), oldest due
	// first, and returns them. A lease ends when Save records a check of the article
	// (whatever its outcome), or when it expires at f.Now + f.Lease. Two
	// workers claiming at once never get the same article.
	ClaimDue(ctx context.Context, f ClaimFilter) ([]Article, error)
}
