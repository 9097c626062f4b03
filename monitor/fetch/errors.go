package fetch

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// ErrBodyTooLarge is returned when a body exceeds Options.MaxBodyBytes.
var ErrBodyTooLarge = errors.New("body exceeds max_body_bytes")

// ErrUnsupportedEncoding is returned for a response whose Content-Encoding
// is one we did not ask for and do not decode (br, zstd, gzip twice).
var ErrUnsupportedEncoding = errors.New("unsupported Content-Encoding")

// ErrHeadersTooLarge is returned when a response's headers exceed the
// limit (64 KiB).
var ErrHeadersTooLarge = errors.New("response headers exceed limit")

// ErrDisallowedByRobots is returned, without fetching the URL, when the
// site's robots.txt refuses it to our User-Agent, or when robots.txt answered
// with a server error (RFC 9309 §2.3.1.4: disallow all). A host that gives no
// answer at all (no such host, connection refused, timeout) is not refused
// by its robots.txt: Get returns the transport's error, as for the page.
var ErrDisallowedByRobots = errors.New("disallowed by robots.txt")

// ErrRetryAfterTooLong is returned when a 429 or 503 asks us to wait longer
// than Options.MaxRetryAfter, or past the caller's deadline. The error chain
// also holds the *StatusError, whose RetryAfter says how long to postpone.
var ErrRetryAfterTooLong = errors.New("asked by Retry-After to wait too long")

// StatusError is returned for a response with a status of 400 or more.
type StatusError struct {
	URL    string
	Status int
	// RetryAfter is the wait a 429 or 503 asked for in its Retry-After
	// header (seconds or HTTP-date), or 0 if it gave none.
	RetryAfter time.Duration
}

func (e *StatusError) Error() string {
	s := fmt.Sprintf("%s: HTTP %d %s", e.URL, e.Status, http.StatusText(e.Status))
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (Retry-After %s)", e.RetryAfter)
	}
	return s
}

// Error is the error Get returns: every failure, wrapped with the URL asked
// for and how many attempts were made. Use errors.Is and errors.As on it to
// reach ErrBodyTooLarge, ErrDisallowedByRobots, *StatusError and the rest.
type Error struct {
	URL      string
	Attempts int // HTTP attempts made for URL; 0 if refused before any
	Err      error
}

func (e *Error) Error() string {
	msg := e.Err.Error()
	// A StatusError already starts with the URL; say it once.
	if !strings.HasPrefix(msg, e.URL+": ") {
		msg = e.URL + ": " + msg
	}
	if e.Attempts > 1 {
		msg += fmt.Sprintf(" (%d attempts)", e.Attempts)
	}
	return "fetch " + msg
}

func (e *Error) Unwrap() error { return e.Err }

// timeoutError names which timeout fired. It is a net.Error so callers that
// test Timeout() keep working.
type timeoutError struct{ msg string }

func (e *timeoutError) Error() string   { return e.msg }
func (e *timeoutError) Timeout() bool   { return true }
func (e *timeoutError) Temporary() bool { return true }

// redirectError is a refused redirect: a policy decision, never retried.
type redirectError struct{ msg string }

func (e *redirectError) Error() string { return e.msg }
