package main

import (
	"strings"
	"testing"
	"time"
)

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, in string
		want     time.Time
	}{
		{"hours", "24h", now.Add(-24 * time.Hour)},
		{"minutes", "90m", now.Add(-90 * time.Minute)},
		{"compound", "1h30m", now.Add(-90 * time.Minute)},
		{"days", "7d", now.AddDate(0, 0, -7)},
		{"one_day", "1d", now.AddDate(0, 0, -1)},
		{"spaces", " 2h ", now.Add(-2 * time.Hour)},
		{"rfc3339", "2026-01-02T00:00:00Z", time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)},
		{"rfc3339_zone", "2026-01-02T01:00:00+01:00", time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)},
		{"rfc3339_nano", "2026-01-02T00:00:00.5Z", time.Date(2026, 1, 2, 0, 0, 0, 5e8, time.UTC)},
		{"utc_minutes", "2026-01-02 15:04", time.Date(2026, 1, 2, 15, 4, 0, 0, time.UTC)},
		{"utc_seconds", "2026-01-02 15:04:05", time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)},
		{"utc_t", "2026-01-02T15:04", time.Date(2026, 1, 2, 15, 4, 0, 0, time.UTC)},
		{"utc_date", "2026-01-02", time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)},
		{"just_past", "2026-01-10 11:59", now.Add(-time.Minute)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseSince(tc.in, now)
			if err != nil || !got.Equal(tc.want) {
				t.Errorf("parseSince(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
		})
	}

	// Garbage shows both forms; a start not before now says why.
	const both = `a duration back from now (90m, 24h, 7d) or a time (RFC 3339 such as 2025-03-14T09:30:00Z, or "2025-03-14 09:30" or "2025-03-14" in UTC)`
	for _, tc := range []struct {
		name, in, want string
	}{
		{"empty", "", `"" is not ` + both},
		{"word", "yesterday", `"yesterday" is not ` + both},
		{"word_ending_in_d", "weekend", `"weekend" is not ` + both},
		{"fraction_of_days", "1.5d", `"1.5d" is not ` + both},
		{"no_unit", "24", `"24" is not ` + both},
		{"bad_date", "2026-13-01", `"2026-13-01" is not ` + both},
		{"us_date", "01/02/2026", `"01/02/2026" is not ` + both},
		{"zero", "0s", `"0s" is no time back from now`},
		{"bare_zero", "0", `"0" is no time back from now`},
		{"zero_days", "0d", `"0d" is no time back from now`},
		{"negative", "-24h", `"-24h" is negative`},
		{"negative_days", "-7d", `"-7d" is negative`},
		{"too_many_days", "36501d", `"36501d" is more than 36500 days`},
		{"overflowing_days", "-9999999999d", `"-9999999999d" is more than 36500 days`},
		{"now", "2026-01-10 12:00", "2026-01-10 12:00:00 UTC is not in the past (now is 2026-01-10 12:00:00 UTC; times without a zone are UTC)"},
		{"future", "2030-01-01", "2030-01-01 00:00:00 UTC is not in the past"},
		{"future_zone", "2026-01-10T13:00:00+00:30", "2026-01-10 12:30:00 UTC is not in the past"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseSince(tc.in, now)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("parseSince(%q) = %v, %v; want an error starting %q", tc.in, got, err, tc.want)
			}
		})
	}
}

// TestSince_SameInEveryCommand: a bad --since gets the same usage error,
// naming the flag and both forms, from every command that has it.
func TestSince_SameInEveryCommand(t *testing.T) {
	path := seedStore(t, storyA)
	want := `redline: --since: "soon" is not a duration back from now (90m, 24h, 7d) or a time (RFC 3339 such as 2025-03-14T09:30:00Z, or "2025-03-14 09:30" or "2025-03-14" in UTC)` + "\n"
	for _, args := range [][]string{
		{"report", "--store", path},
		{"export", "--store", path, "--jsonl", "-"},
		{"search", "--store", path, "opposed"},
	} {
		t.Run(args[0], func(t *testing.T) {
			code, _, errOut := runCmd(t, t.Context(), append(args, "--since", "soon")...)
			if code != exitUsage || !strings.HasPrefix(errOut, want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, exitUsage, want)
			}
		})
	}
}
