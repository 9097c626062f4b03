package spn

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
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
	// working is held by the Run submitting: sources' cycles end
	// concurrently, and two Runs reading the same queue would submit,
	// and report, the same capture twice.
	working sync.Mutex
	// again is set by every Run after it queues: the Run holding working
	// reads the queue once more after it lets go, so versions queued
	// while it finished its last pass are not left for the next cycle.
	again atomic.Bool
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
// While another Run submits, it only queues: that Run reads the queue
// once more before it returns, and submits them.
// An error is returned only when the store could not be read or written;
// a failed capture is data (the capture's row, and a Failure).
func (a *Archiver) Run(ctx context.Context, queue []int64) ([]Failure, error) {
	if len(queue) > 0 {
		if err := a.write(ctx, func(ctx context.Context) error { return a.store.QueueCaptures(ctx, queue, a.opt.Now()) }); err != nil {
			return nil, err
		}
	}
	a.again.Store(true)
	ctx, cancel := context.WithTimeout(ctx, a.opt.Budget)
	defer cancel()
	var failures []Failure
	tried := map[int64]bool{}
	// The holder lets go before it looks at again, so a Run that sets it
	// later finds working free; one that sets it earlier is seen.
	for a.again.Load() && ctx.Err() == nil {
		if !a.working.TryLock() {
			return failures, nil // the Run at it reads the queue again
		}
		a.again.Store(false)
		f, err := a.submit(ctx, tried)
		a.working.Unlock()
		failures = append(failures, f...)
		if err != nil {
			return failures, err
		}
	}
	return failures, nil
}

// submit submits what the queue holds, up to the batch less what this
// Run tried, and returns the captures that failed for the first time.
// The caller holds working.
func (a *Archiver) submit(ctx context.Context, tried map[int64]bool) ([]Failure, error) {
	var failures []Failure
	// Read the queue again after each pass: cycles that ended meanwhile
	// queued versions for this Run to submit.
	for len(tried) < a.opt.Batch && ctx.Err() == nil {
		var pending []snapshots.Capture
		err := a.write(ctx, func(ctx context.Context) (err error) {
			// Claimed for as long as this Run may take, and a margin:
			// another process sharing the store does not submit them
			// meanwhile. What this Run does not submit it releases.
			now := a.opt.Now()
			pending, err = a.store.PendingCaptures(ctx, snapshots.CaptureFilter{MaxAttempts: a.opt.MaxAttempts,
				Limit: a.opt.Batch + len(tried), Claim: now.Add(a.opt.Budget + time.Minute), Now: now})
			return err
		})
		if err != nil {
			return failures, err
		}
		var fresh []snapshots.Capture
		for _, cp := range pending {
			if tried[cp.VersionID] {
				// Failed once in this Run already: the next cycle retries it.
				if err := a.release(ctx, cp); err != nil {
					return failures, err
				}
				continue
			}
			fresh = append(fresh, cp)
		}
		if len(fresh) == 0 {
			break
		}
		for i, cp := range fresh {
			if i >= a.opt.Batch-len(tried) || ctx.Err() != nil {
				// Past the batch, out of budget, or shutting down: the rest
				// stays queued, no round spent, and claimable at once.
				if err := a.release(ctx, cp); err != nil {
					return failures, err
				}
				continue
			}
			tried[cp.VersionID] = true
			f, err := a.capture(ctx, cp)
			if err != nil {
				return failures, err
			}
			if f != nil {
				failures = append(failures, *f)
			}
		}
	}
	return failures, nil
}

// capture submits one queued version and stores the outcome. It returns
// the Failure to report when the capture failed for the first time, and
// an error only when the store could not be written.
func (a *Archiver) capture(ctx context.Context, cp snapshots.Capture) (*Failure, error) {
	log := a.opt.Logger.With("url", cp.URL, "version", cp.Number)
	got, err := a.client.Save(ctx, cp.URL)
	if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		// Cut by the budget or a shutdown, not the archive's failure: no
		// round spent, and the claim released for the next cycle.
		return nil, a.release(ctx, cp)
	}
	cp.LastAttempt = a.opt.Now()
	var f *Failure
	if err != nil {
		cp.Attempts++
		cp.Error = err.Error()
		log.Warn("wayback capture failed; retried next cycle", "attempts", cp.Attempts, "err", err)
		if cp.Attempts == 1 {
			f = &Failure{URL: cp.URL, Source: cp.Source, Version: cp.Number, At: cp.LastAttempt, Err: err}
		}
	} else {
		cp.Archive, cp.CapturedAt, cp.Error = got.Archive, got.At, ""
		log.Info("captured in the Wayback Machine", "capture", got.Archive)
	}
	return f, a.write(ctx, func(ctx context.Context) error { return a.store.UpdateCapture(ctx, cp) })
}

// release ends this Run's claim on cp, as read, without an attempt.
func (a *Archiver) release(ctx context.Context, cp snapshots.Capture) error {
	return a.write(ctx, func(ctx context.Context) error { return a.store.UpdateCapture(ctx, cp) })
}

// write runs a store call even when ctx ended (a shutdown, a spent
// budget): a cycle's new versions must be queued, and an outcome the
// archive gave stored, or they would be lost. Only the submissions stop
// with ctx.
func (a *Archiver) write(ctx context.Context, f func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	return f(ctx)
}
