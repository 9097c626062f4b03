package snapshots_test

import (
	"testing"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/snapshots"
)

// TestSeverityRank: the store ranks the severity names it keeps in the
// order diffing defines them; it cannot import diffing, so it keeps its
// own table (and sqlstore.SeverityRank its SQL), which must not drift.
func TestSeverityRank(t *testing.T) {
	for s := diffing.SeverityNone; s <= diffing.SeverityHigh; s++ {
		if got := snapshots.SeverityRank(s.String()); got != int(s) {
			t.Errorf("SeverityRank(%q) = %d, want %d as diffing orders it", s, got, int(s))
		}
	}
	for _, s := range []string{"", "High", "critical"} {
		if got := snapshots.SeverityRank(s); got != 0 {
			t.Errorf("SeverityRank(%q) = %d, want 0", s, got)
		}
	}
}

// TestVersionSeverity: a re-read version is shown low whatever it stored,
// as the store's severity filter ranks it; other versions, and a
// severity no rank names, stay as stored.
func TestVersionSeverity(t *testing.T) {
	for _, tc := range []struct {
		severity string
		reread   bool
		want     string
	}{
		{"high", true, "low"}, {"medium", true, "low"}, {"low", true, "low"}, {"none", true, "none"}, {"", true, ""},
		{"high", false, "high"}, {"none", false, "none"},
	} {
		if got := snapshots.VersionSeverity(tc.severity, tc.reread); got != tc.want {
			t.Errorf("VersionSeverity(%q, %v) = %q, want %q", tc.severity, tc.reread, got, tc.want)
		}
	}
}
