package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// timeLayouts are what a time flag (--since, --at, --from, --to) accepts.
// Times without a zone are UTC, as every time redline prints is.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"}

// The forms of a time flag and of --since, as help and errors show them.
const (
	timeForms  = `RFC 3339 such as 2025-03-14T09:30:00Z, or "2025-03-14 09:30" or "2025-03-14" in UTC`
	sinceForms = `a duration back from now (90m, 24h, 7d) or a time (` + timeForms + `)`
)

// parseTimeFlag reads a time given on the command line.
func parseTimeFlag(s string) (time.Time, error) {
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, strings.TrimSpace(s), time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time: use %s", s, timeForms)
}

// parseSince reads --since, which means the same in every command (report,
// search, export): a duration back from now (a Go duration, or whole days
// as "7d", which Go durations lack) or a time as parseTimeFlag reads it.
// It returns the start it names. A start that is not before now is
// refused rather than left to select nothing: a zero or negative duration
// is a slip, and a time in the future most likely a local time taken for
// UTC.
func parseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := parseTimeFlag(s); err == nil {
		if !t.Before(now) {
			return time.Time{}, fmt.Errorf("%s is not in the past (now is %s; times without a zone are UTC)", stamp(t), stamp(now))
		}
		return t, nil
	}
	d, err := parseSinceDuration(s)
	if err != nil {
		return time.Time{}, err
	}
	return now.Add(-d), nil
}

// maxSinceDays bounds the "7d" form, so that days*24h cannot overflow.
const maxSinceDays = 36500

// parseSinceDuration reads the duration form of --since: how far back from now.
func parseSinceDuration(s string) (time.Duration, error) {
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, fmt.Errorf("%q is not %s", s, sinceForms)
		}
		if n > maxSinceDays || n < -maxSinceDays {
			return 0, fmt.Errorf("%q is more than %d days", s, maxSinceDays)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("%q is not %s", s, sinceForms)
		}
	}
	switch {
	case d == 0:
		return 0, fmt.Errorf("%q is no time back from now: give how far back, such as 24h or 7d", s)
	case d < 0:
		return 0, fmt.Errorf("%q is negative: give how far back from now, such as 24h or 7d", s)
	}
	return d, nil
}
