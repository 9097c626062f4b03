package monitor

import (
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/redline-news/redline/snapshots"
)

// Step is one stage of an article's life: while it is younger than Until,
// it is checked Every so often.
type Step struct {
	Until time.Duration
	Every time.Duration
}

// Cadence says how often an article is checked as it ages, youngest stage
// first. Past the last stage the article is no longer checked. Stories are
// edited most in their first hours; an archive of daily checks for a month
// catches the late corrections without hammering the site.
type Cadence []Step

// DefaultCadence checks every 15 minutes for 6 hours, hourly to 2 days,
// daily to 30 days, then stops (NewsDiffs does much the same).
var DefaultCadence = Cadence{
	{Until: 6 * time.Hour, Every: 15 * time.Minute},
	{Until: 48 * time.Hour, Every: time.Hour},
	{Until: 30 * 24 * time.Hour, Every: 24 * time.Hour},
}

// Validate reports a cadence whose stages are not in increasing order or
// have no interval.
func (c Cadence) Validate() error {
	var prev time.Duration
	for i, s := range c {
		if s.Every <= 0 {
			return fmt.Errorf("stage %d: every must be positive, got %s", i+1, s.Every)
		}
		if s.Until <= prev {
			return fmt.Errorf("stage %d: until %s must be later than the stage before (%s)", i+1, s.Until, prev)
		}
		prev = s.Until
	}
	return nil
}

// String writes the cadence as config does: "15m until 6h, 1h until 48h".
func (c Cadence) String() string {
	parts := make([]string, len(c))
	for i, s := range c {
		parts[i] = fmt.Sprintf("%s until %s", s.Every, s.Until)
	}
	return strings.Join(parts, ", ")
}

// next returns when an article first seen at firstSeen and checked at now
// is next due, or snapshots.Never once it has aged past the last stage. A
// share of the interval (up to a tenth), fixed per URL, spreads a thousand
// articles found in one feed over the interval instead of one second.
func (c Cadence) next(url string, firstSeen, now time.Time) time.Time {
	age := now.Sub(firstSeen)
	for _, s := range c {
		if age < s.Until {
			return now.Add(s.Every + jitter(url, s.Every/10))
		}
	}
	return snapshots.Never
}

// jitter returns a duration in [0, max) fixed by key.
func jitter(key string, max time.Duration) time.Duration {
	if max <= 0 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	return time.Duration(h.Sum64() % uint64(max))
}

// jittered delays a cron schedule by an offset fixed per source, so that
// sources sharing a spec ("@every 15m", "0 * * * *") do not all fire in
// the same second. The offset is at most a tenth of the schedule's
// interval and at most five minutes.
type jittered struct {
	inner  cron.Schedule
	offset time.Duration
}

func jitterSchedule(s cron.Schedule, key string) cron.Schedule {
	var interval time.Duration
	switch s := s.(type) {
	case cron.ConstantDelaySchedule:
		interval = s.Delay
	case *cron.SpecSchedule:
		// Only the parser's own schedules are known to be pure functions
		// of t; asking another for two firings might use them up.
		ref := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC) // any fixed instant
		a := s.Next(ref)
		interval = s.Next(a).Sub(a)
	default:
		return s
	}
	max := min(interval/10, 5*time.Minute)
	return jittered{inner: s, offset: jitter(key, max)}
}

func (j jittered) Next(t time.Time) time.Time {
	return j.inner.Next(t.Add(-j.offset)).Add(j.offset)
}

// NextPoll returns when Run, started at now, first polls src: its
// schedule's next firing, read in loc, delayed by the offset Run gives
// src. It is zero for a source without a schedule. Only the schedules
// cron's parser makes are pure functions of the time; another may count
// this call as a firing.
func NextPoll(src Source, now time.Time, loc *time.Location) time.Time {
	if src.Schedule == nil {
		return time.Time{}
	}
	if loc == nil {
		loc = time.UTC
	}
	return jitterSchedule(src.Schedule, src.Name).Next(now.In(loc))
}
