package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/postgres"
)

func TestConnectionLost(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"admin_shutdown", fmt.Errorf("lock article: %w", &pgconn.PgError{Severity: "FATAL", Code: "57P01"}), true},
		{"crash_shutdown", &pgconn.PgError{Severity: "FATAL", Code: "57P02"}, true},
		{"cannot_connect_now", &pgconn.PgError{Severity: "FATAL", Code: "57P03"}, true},
		{"server hung up", fmt.Errorf("write: %w", io.ErrUnexpectedEOF), true},
		{"EOF", io.EOF, true},
		{"reset", &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}, true},
		{"closed socket", fmt.Errorf("commit: %w", net.ErrClosed), true},
		{"no connection", &pgconn.ConnectError{}, true},
		{"unique_violation", &pgconn.PgError{Code: "23505"}, false},
		{"query_canceled", &pgconn.PgError{Code: "57014"}, false},
		{"serialization_failure", &pgconn.PgError{Code: "40001"}, false},
		{"not found", fmt.Errorf("article 3: %w", snapshots.ErrNotFound), false},
		{"no rows", pgx.ErrNoRows, false},
		{"refused input", errors.New(`check outcome "new" without a version`), false},
	} {
		if got := postgres.ConnectionLost(tt.err); got != tt.want {
			t.Errorf("connectionLost(%s: %v) = %t, want %t", tt.name, tt.err, got, tt.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	bound := postgres.RetryBaseDelay
	for n := 1; n <= 8; n++ {
		for range 100 {
			if got := postgres.Backoff(n); got < bound/2 || got > bound {
				t.Fatalf("backoff(%d) = %s, want within [%s, %s]", n, got, bound/2, bound)
			}
		}
		bound = min(2*bound, postgres.RetryMaxDelay)
	}
}

// TestRetry runs the retry loop on fake time: how many attempts it makes,
// and what it returns, for each kind of failure.
func TestRetry(t *testing.T) {
	lost := fmt.Errorf("lock article: %w", &pgconn.PgError{Severity: "FATAL", Code: "57P01"})
	refused := &pgconn.PgError{Code: "23505"}
	for _, tt := range []struct {
		name     string
		errs     []error // op's results, in turn; nil after the last
		deadline time.Duration
		canceled bool // ctx is done before the first attempt returns
		attempts int
		want     error // errors.Is the result; nil for success
		message  string
	}{
		{name: "first try", errs: nil, attempts: 1},
		{name: "lost twice", errs: []error{lost, io.ErrUnexpectedEOF}, attempts: 3},
		{name: "lost every time", errs: []error{lost, lost, io.EOF, nil}, attempts: postgres.WriteAttempts,
			want: io.EOF, message: fmt.Sprintf("connection lost on each of %d attempts", postgres.WriteAttempts)},
		{name: "refused", errs: []error{refused, nil}, attempts: 1, want: refused},
		// The first wait is at least half retryBaseDelay: the deadline
		// falls in it, and retry returns without another attempt.
		{name: "deadline while waiting", errs: []error{lost, nil}, deadline: postgres.RetryBaseDelay / 4,
			attempts: 1, want: context.DeadlineExceeded, message: "stopped waiting to retry"},
		// pgx calls its context error safe to retry; a done ctx wins.
		{name: "canceled", errs: []error{lost, nil}, canceled: true, attempts: 1, want: context.Canceled},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx := t.Context()
				if tt.deadline > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tt.deadline)
					defer cancel()
				}
				if tt.canceled {
					var cancel context.CancelFunc
					ctx, cancel = context.WithCancel(ctx)
					cancel()
				}
				s := postgres.New("postgres://unused", slog.New(slog.DiscardHandler))
				n := 0
				err := postgres.Retry(ctx, s, func() error {
					n++
					if n <= len(tt.errs) {
						return tt.errs[n-1]
					}
					return nil
				})
				if n != tt.attempts {
					t.Errorf("%d attempts, want %d", n, tt.attempts)
				}
				if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
					t.Errorf("err = %v, want %v", err, tt.want)
				}
				if err != nil && !strings.Contains(err.Error(), tt.message) {
					t.Errorf("err = %v, want it to say %q", err, tt.message)
				}
			})
		})
	}
}
