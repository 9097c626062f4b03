package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/redline-news/redline/internal/retry"
)

// A write that loses its connection (the backend terminated, the server
// restarting or failed over, a broken socket) is tried again, up to
// writeAttempts attempts in all. Before retry n the write waits between
// half and all of retryBaseDelay·2ⁿ⁻¹ (at most retryMaxDelay): the random
// half spreads the retries of many workers, and the fixed half gives a
// restarting server a moment. Three attempts wait under a second in all;
// an outage longer than that is the scheduler's to ride out (the article
// stays due), not a write's.
const (
	writeAttempts  = 3
	retryBaseDelay = 200 * time.Millisecond
	retryMaxDelay  = 2 * time.Second
)

// Write runs a write for sqlstore.Core: writes that are safe to repeat
// are run again when the connection is lost (retry); a server restart or
// a failover then costs a pause, not a failed check.
func (s backend) Write(ctx context.Context, what string, op func() error) error {
	return s.retry(ctx, op, "op", what)
}

// retry runs op until it succeeds, fails with an error that is not a lost
// connection, or writeAttempts attempts are spent. It returns at once when
// ctx is done, with an error that wraps ctx.Err(). op must be safe to run
// again after it failed with a lost connection: each attempt is a whole
// transaction, or a statement whose repetition changes nothing. Each retry
// is logged with what (key-value pairs naming what op writes).
func (s *Store) retry(ctx context.Context, op func() error, what ...any) error {
	for n := 1; ; n++ {
		err := op()
		if err == nil {
			return nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			// pgx reports a deadline met in a query as a timeout or a
			// cancelled statement, not always wrapping ctx's error.
			if !errors.Is(err, ctxErr) {
				err = fmt.Errorf("%w: %w", ctxErr, err)
			}
			return err
		}
		if !connectionLost(err) {
			return err
		}
		if n == writeAttempts {
			return fmt.Errorf("connection lost on each of %d attempts: %w", n, err)
		}
		delay := backoff(n)
		s.log.Warn("store connection lost; retrying", append(what, "attempt", n, "delay", delay, "err", err)...)
		if serr := retry.Sleep(ctx, delay); serr != nil {
			return fmt.Errorf("%w; stopped waiting to retry: %w", err, serr)
		}
	}
}

// connectionLost reports whether err means the connection to the server
// was lost, or could not be made, rather than that the server refused the
// statement: only then can the same statements succeed on another try.
// The caller checks its ctx first: pgx reports a done context as safe to
// retry too.
func connectionLost(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "57P01", // admin_shutdown: pg_terminate_backend, or a fast shutdown
			"57P02", // crash_shutdown: another backend crashed
			"57P03": // cannot_connect_now: the server is starting or stopping
			return true
		}
		// Any other error came from a server that is there and said no.
		return false
	}
	var (
		connectErr *pgconn.ConnectError
		netErr     net.Error
	)
	return pgconn.SafeToRetry(err) || // pgx found the connection closed, or sent nothing
		errors.As(err, &connectErr) || // no new connection: the server is down or restarting
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || // the server hung up
		errors.Is(err, net.ErrClosed) || errors.As(err, &netErr) // a reset or broken socket
}

// backoff returns the wait before retry n (n ≥ 1): "equal jitter", a
// random time between half the exponential bound and all of it.
func backoff(n int) time.Duration {
	return retry.Backoff{Base: retryBaseDelay, Max: retryMaxDelay, Jitter: retry.Equal}.Delay(n)
}
