package sqlstore

import (
	"fmt"
	"time"

	"github.com/redline-news/redline/snapshots"
)

// The stores keep times as text in one fixed-width UTC form, so that they
// compare as text in time order (time.RFC3339Nano, which trims trailing
// zeros, would not) and read the same whatever the database's own clock
// types do.

// TimeFormat is RFC 3339 with exactly nine fractional digits.
const TimeFormat = "2006-01-02T15:04:05.000000000Z07:00"

// Never is snapshots.Never as stored: the next check of a retired article.
var Never = snapshots.Never.Format(TimeFormat)

// FormatTime returns t as the stores keep it. Years outside 0–9999 would
// break the fixed width, so they are refused.
func FormatTime(t time.Time) (string, error) {
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return "", fmt.Errorf("time %s: year out of range 0-9999", t)
	}
	return t.Format(TimeFormat), nil
}

// FormatOptionalTime keeps the zero time as the empty string, which sorts
// first, so "never" does not read as the year 1.
func FormatOptionalTime(t time.Time) (string, error) {
	if t.IsZero() {
		return "", nil
	}
	return FormatTime(t)
}

// ParseTime reads a time FormatTime wrote. Stores written before the
// fixed width read too: RFC 3339 with fewer fractional digits.
func ParseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t, nil
}

// ParseOptionalTime reads what FormatOptionalTime wrote: "" is the zero
// time.
func ParseOptionalTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return ParseTime(s)
}
