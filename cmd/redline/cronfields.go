package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// cronField is one field of a five-field cron spec: its name in messages,
// the unit a value counts, its bounds and the names cron accepts for
// values (robfig/cron/v3 spec.go).
type cronField struct {
	name, unit string
	lo, hi     int
	names      map[string]int
}

var cronFields = []cronField{
	{name: "minute", unit: "minute", lo: 0, hi: 59},
	{name: "hour", unit: "hour", lo: 0, hi: 23},
	{name: "day-of-month", unit: "day", lo: 1, hi: 31},
	{name: "month", unit: "month", lo: 1, hi: 12, names: map[string]int{
		"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
		"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}},
	{name: "day-of-week", unit: "weekday", lo: 0, hi: 6, names: map[string]int{
		"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}},
}

// cronPart is one comma-separated part of a field, a range with a step:
// "*" is lo-hi/1, "5/15" is 5-hi/15 (as cron reads them).
type cronPart struct {
	text           string
	lo, hi, step   int
	star, withStep bool
}

// monthDays is the most days each month has (February in a leap year).
var monthDays = [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// scheduleMistake explains why a spec cron.ParseStandard accepted can
// never fire, or fires far less often than it reads, or returns "". The
// text follows `schedule "SPEC"` in the message. It
// names the field: a step larger than the values the field steps through
// ("*/61" in minutes matches minute 0 alone: hourly, not every 61
// minutes), a day of the month that none of the months named has (31 in
// February), and, as a last resort, a spec with no firing time in the
// next five years (the furthest robfig/cron looks).
func scheduleMistake(spec string, sched cron.Schedule) string {
	never := sched.Next(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)).IsZero()
	fields := strings.Fields(spec)
	if len(fields) > 0 && (strings.HasPrefix(fields[0], "TZ=") || strings.HasPrefix(fields[0], "CRON_TZ=")) {
		fields = fields[1:]
	}
	if len(fields) == len(cronFields) { // not a descriptor such as @hourly
		parts := make([][]cronPart, len(fields))
		for i, f := range fields {
			parts[i] = parseCronField(f, cronFields[i])
			for _, p := range parts[i] {
				if n := p.hi - p.lo + 1; p.withStep && p.step > n {
					fd := cronFields[i]
					return fmt.Sprintf(": %s %q steps by %d, more than the %d values of %d-%d, so only %s %d matches",
						fd.name, p.text, p.step, n, p.lo, p.hi, fd.unit, p.lo)
				}
			}
		}
		if part, why := missingDays(parts[2], parts[3], fields[3]); why != "" {
			if never {
				return " never fires: " + why
			}
			return fmt.Sprintf(": day-of-month %q never matches: %s", part, why)
		}
	}
	if never {
		return " never fires: no time in the next five years matches it"
	}
	return ""
}

// missingDays finds a day-of-month part none of whose days is in any of
// the months named ("30-31" with month "2"), which never matches, and
// says why.
func missingDays(days, months []cronPart, monthText string) (part, why string) {
	if len(days) == 1 && days[0].star {
		return "", ""
	}
	longest := 0
	for _, m := range months {
		for v := m.lo; v <= m.hi; v += m.step {
			longest = max(longest, monthDays[v])
		}
	}
	for _, d := range days {
		if d.lo > longest {
			return d.text, fmt.Sprintf("no month in its month field (%q) has a day %d; the longest has %d", monthText, d.lo, longest)
		}
	}
	return "", ""
}

// parseCronField splits a field cron.ParseStandard has accepted into its
// parts. A part that does not parse (which cron would have refused) is
// left out.
func parseCronField(field string, fd cronField) []cronPart {
	var parts []cronPart
	for text := range strings.SplitSeq(field, ",") {
		p := cronPart{text: text, lo: fd.lo, hi: fd.hi, step: 1}
		rng, step, withStep := strings.Cut(text, "/")
		if withStep {
			n, err := strconv.Atoi(step)
			if err != nil || n < 1 {
				continue
			}
			p.step, p.withStep = n, true
		}
		if rng == "*" || rng == "?" {
			p.star = !withStep || p.step == 1
			parts = append(parts, p)
			continue
		}
		lo, hi, isRange := strings.Cut(rng, "-")
		var ok bool
		if p.lo, ok = cronValue(lo, fd); !ok {
			continue
		}
		switch {
		case isRange:
			if p.hi, ok = cronValue(hi, fd); !ok {
				continue
			}
		case !withStep:
			p.hi = p.lo // "5" alone; "5/15" runs to the field's end
		}
		parts = append(parts, p)
	}
	return parts
}

func cronValue(s string, fd cronField) (int, bool) {
	if v, ok := fd.names[strings.ToLower(s)]; ok {
		return v, true
	}
	v, err := strconv.Atoi(s)
	return v, err == nil && v >= fd.lo && v <= fd.hi
}
