package tsa

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/redline-news/redline/snapshots"
)

// DefaultBatch bounds the versions one pass stamps: a store that turns
// timestamps on with a long history catches up over a few cycles instead
// of holding one cycle for hours.
const DefaultBatch = 500

// Stamper stamps the versions a store holds without a token, one request
// per version, oldest first. One request per version, rather than one
// token over a batch of a cycle's chain heads, keeps each token's message
// imprint equal to its version's stored chain hash, so a token checks
// against the store (and an exported WARC) with no Merkle proof to keep;
// versions are rare (a change, not a check), so the requests are few.
//
// A version is saved before it is stamped, so a TSA that is down never
// blocks or loses one: it stays unstamped and the next pass tries again.
// It is safe for concurrent use; passes run one at a time.
type Stamper struct {
	client *Client
	store  snapshots.Timestamper
	log    *slog.Logger
	batch  int

	// since is when the Stamper was made: a version left unstamped from
	// before it is the backlog of an outage an earlier process (an earlier
	// `redline check`) reported already.
	since time.Time

	mu      sync.Mutex
	failing bool // the last pass failed: its event was reported
}

// NewStamper returns a Stamper of store's versions through client. It does
// no I/O. batch <= 0 means DefaultBatch.
func NewStamper(client *Client, store snapshots.Timestamper, log *slog.Logger, batch int) *Stamper {
	if batch <= 0 {
		batch = DefaultBatch
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Stamper{client: client, store: store, log: log, batch: batch, since: time.Now()}
}

// Pass is what one pass did.
type Pass struct {
	Stamped int
	// Pending counts the versions the pass left without a token (at most
	// the batch it read), to be tried again at the next pass.
	Pending int
	// Err is why the pass stopped early, naming the TSA or the version.
	Err error
	// News is set when Err begins a run of failed passes: it is reported
	// once, and again only after a pass succeeded. A pass whose oldest
	// unstamped version is older than the Stamper continues an outage an
	// earlier process met, so it is not news either: a TSA down across
	// several cron runs of `check` is reported once, by the first.
	News bool
	// oldest is when the oldest version the pass read was saved.
	oldest time.Time
}

// Stamp stamps the unstamped versions, oldest first, until the batch is
// done or a request fails: a TSA that fails once is not asked again for
// the rest of the batch in the same pass.
func (s *Stamper) Stamp(ctx context.Context) Pass {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.stamp(ctx)
	if p.Err != nil {
		p.News = !s.failing && !p.oldest.Before(s.since)
		s.failing = true
		s.log.Warn("timestamps: pass failed; versions kept, retried next cycle",
			"tsa", s.client.URL(), "stamped", p.Stamped, "pending", p.Pending, "err", p.Err)
		return p
	}
	if s.failing {
		s.log.Info("timestamps: the TSA answers again", "tsa", s.client.URL(), "stamped", p.Stamped)
	}
	s.failing = false
	return p
}

func (s *Stamper) stamp(ctx context.Context) Pass {
	var p Pass
	vs, err := s.store.Unstamped(ctx, s.batch)
	if err != nil {
		p.Err = err
		return p
	}
	if len(vs) > 0 {
		p.oldest = vs[0].At
	}
	for i, v := range vs {
		p.Pending = len(vs) - i
		digest, err := Digest(v.ChainHash)
		if err != nil {
			p.Err = fmt.Errorf("article %d version %d: %w", v.ArticleID, v.Number, err)
			return p
		}
		tok, err := s.client.Stamp(ctx, digest)
		if err == nil {
			err = s.store.SaveTimestamp(ctx, snapshots.Timestamp{VersionID: v.ID, Token: tok.DER, Time: tok.Time, TSA: s.client.URL()})
		}
		if err != nil {
			p.Err = err
			return p
		}
		p.Stamped++
		s.log.Debug("timestamped", "article_id", v.ArticleID, "version", v.Number, "time", tok.Time)
	}
	p.Pending = 0
	return p
}
