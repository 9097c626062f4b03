package spn

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/redline-news/redline/snapshots"
)

// Archiver captures new versions in the Wayback Machine, through the
// store's queue: a version is queued when it is saved, and each Run works
// through the queue, oldest first, until it is empty, its budget is spent
// or its context ends. What is left, and what failed, stays queued for
// the next Run, up to MaxAttempts failed rounds each. Nothing here blocks
// or changes a version: the capture is stored beside it.
type Archiver struct {
	client *Client
	store  snapshots.Captures
	opt    ArchiverOptions
}

// ArchiverOptions configure an Archiver; zero values take the defaults
// NewArchiver documents.
type ArchiverOptions struct {
	// MaxAttempts is how many failed rounds a version gets before it is
	// given up on: 5.
	MaxAttempts int
	// Batch is the most versions one Run submits: 20.
	Batch int
	// Budget bounds one Run: 5m. A capture takes the archive seconds to
	// minutes, and a cycle's digest waits for the Run.
	Budget time.Duration
	Logger *slog.Logger     // nil discards
	Now    func() time.Time // time.Now when nil
}

// NewArchiver returns an Archiver submitting through c and recording in
// store. It does no I/O.
func NewArchiver(c *Client, store snapshots.Captures, opt ArchiverOptions) *Archiver {
	opt.MaxAttempts = cmp.Or(opt.MaxAttempts, 5)
	opt.Batch = cmp.Or(opt.Batch, 20)
	opt.Budget = cmp.Or(opt.Budget, 5*time.Minute)
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Archiver{client: c, store: store, opt: opt}
}

// Failure is a capture that failed for the first time: reported once, as
// an event, while later rounds retry it quietly.
type Failure struct {
	URL, Source string
	Version     int
	At          time.Time
	Err         error
}

// Run queues the versions with the given IDs, then submits what the
// queue holds, and returns the captures that failed for the first time.
// An error is returned only when the store could not be read or written;
// a failed capture is data (the capture's row, and a Failure).
func (a *Archiver) Run(ctx context.Context, queue []int64) ([]Failure, error) {
	// The store is read and written even when ctx ended (a shutdown): the
	// cycle's new versions must be queued, or they would never be
	// captured. Only the submissions stop with ctx.
	sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer scancel()
	if len(queue) > 0 {
		if err := a.store.QueueCaptures(sctx, queue, a.opt.Now()); err != nil {
			return nil, err
		}
	}
	pending, err := a.store.PendingCaptures(sctx, snapshots.CaptureFilter{MaxAttempts: a.opt.MaxAttempts, Limit: a.opt.Batch})
	if err != nil || len(pending) == 0 {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, a.opt.Budget)
	defer cancel()
	var failures []Failure
	for _, cp := range pending {
		if ctx.Err() != nil {
			break // out of budget: the rest stays queued, no round spent
		}
		log := a.opt.Logger.With("url", cp.URL, "version", cp.Number)
		got, err := a.client.Save(ctx, cp.URL)
		cp.LastAttempt = a.opt.Now()
		if err != nil {
			if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
				break // cut by the budget or a shutdown, not the archive's failure
			}
			cp.Attempts++
			cp.Error = err.Error()
			log.Warn("wayback capture failed; retried next cycle", "attempts", cp.Attempts, "err", err)
			if cp.Attempts == 1 {
				failures = append(failures, Failure{URL: cp.URL, Source: cp.Source, Version: cp.Number, At: cp.LastAttempt, Err: err})
			}
		} else {
			cp.Archive, cp.CapturedAt, cp.Error = got.Archive, got.At, ""
			log.Info("captured in the Wayback Machine", "capture", got.Archive)
		}
		// The outcome is stored even when the run's ctx ended meanwhile.
		if err := a.store.UpdateCapture(sctx, cp); err != nil {
			return failures, err
		}
	}
	return failures, nil
}
