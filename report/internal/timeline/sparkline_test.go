package timeline

import (
	"html/template"
	"strings"
	"testing"
	"time"
)

// TestSparkline: fourteen bars ending today, scaled to the busiest day,
// days outside the window ignored, every count said in the title, and a
// hostile source name escaped.
func TestSparkline(t *testing.T) {
	today := time.Date(2026, 12, 7, 15, 30, 0, 0, time.UTC)
	day := func(d int) time.Time { return time.Date(2026, 12, d, 0, 0, 0, 0, time.UTC) }
	counts := map[time.Time]int{day(7): 4, day(6): 1, day(1): 2, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC): 9}
	s := Sparkline("spark-1", `<script>alert(1)</script>`, counts, today)
	if len(s.Bars) != SparkDays || s.Total != 7 || s.Most != 4 {
		t.Fatalf("%d bars, total %d, most %d; want %d, 7, 4 (the 9 of 2026-11-23 is outside the window)", len(s.Bars), s.Total, s.Most, SparkDays)
	}
	if last := s.Bars[SparkDays-1]; last.H != sparkHeight || last.Label != "2026-12-07: 4 changes" {
		t.Errorf("today's bar %+v, want the full height and 4 changes", last)
	}
	if b := s.Bars[SparkDays-2]; b.H != 5 || b.Y != sparkHeight-5 {
		t.Errorf("yesterday's bar %+v, want a quarter of the height", b)
	}
	if b := s.Bars[0]; b.H != 1 || b.Label != "2026-11-24: 0 changes" {
		t.Errorf("first bar %+v, want a baseline tick for 2026-11-24", b)
	}
	page := template.Must(template.New("page").Parse(`{{template "sparkline" .}}`))
	if err := Define(page); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := page.Execute(&b, s); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	wellFormed(t, got)
	for _, want := range []string{
		`role="img" aria-labelledby="spark-1-title"`,
		`<title id="spark-1-title">&lt;script&gt;alert(1)&lt;/script&gt;: 7 changes in the 14 days 2026-11-24 to 2026-12-07, per day: 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1, 4</title>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("sparkline lacks %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, "<script") || strings.Contains(got, "style=") {
		t.Error("sparkline carries script or a style attribute")
	}
}
