package layout

import "time"

// When is a time as every report format and page shows it to people:
// to the minute, in UTC, saying so ("2026-12-07 14:05 UTC"), so a time
// reads the same in the text report, the HTML timeline and the web UI.
func When(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// ISO is the same time for a <time datetime> attribute: RFC 3339, in UTC.
func ISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }
