package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sync/atomic"

	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

// Group commit. With synchronous=FULL every commit waits for the disk
// (about half a millisecond here), which would bound a store to two
// thousand commits a second however many workers save. Saves that arrive
// while a commit is on its way to disk wait for it to finish and are then
// written together, in one transaction, each within its own savepoint:
// one save that fails leaves the others of its batch untouched, and Save
// still returns only once its check and version are on disk.

// maxBatch bounds the saves written in one transaction.
const maxBatch = 64

// saveJob is one Save waiting for, or written by, a batch.
type saveJob struct {
	ctx context.Context // the caller's; checked before the job is written
	// Save is the check and version, completed and encoded; Follow
	// clears WithVersion when the text repeats the latest.
	sqlstore.Save
	kinds, notes string  // JSON arrays
	blob         encoded // the compressed body

	err  error
	done chan struct{}
}

// committer writes the saves of one Store, a batch at a time.
type committer struct {
	jobs chan *saveJob
	quit chan struct{} // closed by Close
	over chan struct{} // closed when the loop has answered every job

	batches, saves atomic.Int64 // for tests
}

func (s *Store) startCommitter(db *sql.DB) {
	g := &committer{
		jobs: make(chan *saveJob, maxBatch),
		quit: make(chan struct{}),
		over: make(chan struct{}),
	}
	s.group = g
	go func() {
		defer close(g.over)
		for {
			select {
			case j := <-g.jobs:
				s.commitBatch(db, g.collect(j))
			case <-g.quit:
				// Answer what was queued before Close.
				for {
					select {
					case j := <-g.jobs:
						s.commitBatch(db, g.collect(j))
					default:
						return
					}
				}
			}
		}
	}()
}

// collect returns first and the jobs queued behind it, up to maxBatch.
func (g *committer) collect(first *saveJob) []*saveJob {
	batch := []*saveJob{first}
	for len(batch) < maxBatch {
		select {
		case j := <-g.jobs:
			batch = append(batch, j)
		default:
			return batch
		}
	}
	return batch
}

// stop makes the loop answer the jobs already queued and end.
func (g *committer) stop() {
	close(g.quit)
	<-g.over
}

// submit queues j and waits until its batch has committed or failed.
func (g *committer) submit(j *saveJob) error {
	if g == nil {
		return errNotOpen
	}
	j.done = make(chan struct{})
	select {
	case g.jobs <- j:
	case <-g.quit:
		return errNotOpen
	}
	<-j.done // never abandoned: the job may be on disk already
	return j.err
}

// commitBatch writes batch in one transaction and answers every job.
func (s *Store) commitBatch(db *sql.DB, batch []*saveJob) {
	g := s.group
	g.batches.Add(1)
	g.saves.Add(int64(len(batch)))
	defer func() {
		for _, j := range batch {
			close(j.done)
		}
	}()
	// The batch's statements must not be cancelled by one caller: SQLite
	// interrupting a write inside a transaction may roll all of it back.
	ctx := context.WithoutCancel(batch[0].ctx)
	fail := func(err error) {
		for _, j := range batch {
			if j.err == nil {
				j.err = err
			}
		}
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		fail(err)
		return
	}
	defer tx.Rollback() // Returns ErrTxDone after Commit; nothing to undo then.
	alone := len(batch) == 1
	written := 0
	for _, j := range batch {
		if err := j.ctx.Err(); err != nil {
			j.err = err
			continue
		}
		if alone {
			if j.err = s.writeSave(ctx, tx, j); j.err == nil {
				written++
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, `SAVEPOINT save`); err != nil {
			fail(fmt.Errorf("savepoint: %w", err))
			return
		}
		j.err = s.writeSave(ctx, tx, j)
		if j.err != nil {
			// A statement that failed left the transaction as it was, but
			// an I/O or full-disk error may have rolled all of it back:
			// then the savepoint is gone and so is the batch.
			if _, err := tx.ExecContext(ctx, `ROLLBACK TO save`); err != nil {
				fail(fmt.Errorf("saved with another that failed (%v), and rolled back with it: %w", j.err, err))
				return
			}
		} else {
			written++
		}
		if _, err := tx.ExecContext(ctx, `RELEASE save`); err != nil {
			fail(fmt.Errorf("release savepoint: %w", err))
			return
		}
	}
	if written == 0 {
		return // the deferred rollback ends the transaction
	}
	if err := tx.Commit(); err != nil {
		for _, j := range batch {
			if j.err == nil {
				j.err = fmt.Errorf("commit: %w", err)
			}
		}
	}
}
