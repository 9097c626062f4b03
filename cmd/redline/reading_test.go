package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/extract"
	"github.com/redline-news/redline/report"
	"github.com/redline-news/redline/snapshots"
)

const rereadURL = "https://news.example/reread"

// seedReading stores an article whose version 1 has a dek and whose
// version 2 was re-read from another part of the page, and two learned
// sites, one of them with a hostile container name.
func seedReading(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "redline.db")
	s := openSQLite(t, path)
	defer s.Close()
	ctx := t.Context()
	a, err := s.AddArticle(ctx, snapshots.Article{URL: rereadURL, Source: "test", FirstSeen: storeBase})
	if err != nil {
		t.Fatal(err)
	}
	v1 := &snapshots.Version{Title: "Reservoir approved", Dek: "Three towns\x1b[2J objected.",
		Text: "The ministry approved the reservoir.", Raw: []byte("<html>1</html>")}
	if err := s.Save(ctx, &snapshots.Check{ArticleID: a.ID, At: storeBase, Status: 200}, v1); err != nil {
		t.Fatal(err)
	}
	v2 := &snapshots.Version{Title: v1.Title, Dek: v1.Dek, Text: "Related: ten things to do this weekend.",
		Raw: []byte("<html>2</html>"), Reread: true,
		Reading: []byte(`{"method":"generic","containers":["body > div.promo"]}`)}
	cs := diffing.Compare(monitor.Document(*v1), monitor.Document(*v2))
	if v2.Changes, err = cs.Marshal(); err != nil {
		t.Fatal(err)
	}
	v2.Severity = cs.Summary.Severity.String()
	if err := s.Save(ctx, &snapshots.Check{ArticleID: a.ID, At: storeBase.Add(time.Hour), Status: 200}, v2); err != nil {
		t.Fatal(err)
	}
	for _, site := range []snapshots.Site{
		{Host: "news.example", Pages: 14, Container: "body > main > div.story\x1b]0;pwned\x07", Boilerplate: 6,
			Model: []byte(`{"host":"news.example"}`), Updated: storeBase},
		{Host: "other.example", Pages: 2, Model: []byte(`{"host":"other.example"}`), Updated: storeBase},
	} {
		if err := s.SaveSite(ctx, site); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func TestSitesCommand(t *testing.T) {
	path := seedReading(t)
	code, out, errOut := runCmd(t, context.Background(), "sites", "--store", path)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "HOST") {
		t.Fatalf("want a header and two hosts:\n%s", out)
	}
	if f := strings.Fields(lines[1]); f[0] != "news.example" || f[1] != "14" || !strings.HasPrefix(f[2], "body") ||
		!strings.Contains(lines[1], "div.story") || !strings.Contains(lines[1], "6 blocks") || strings.ContainsAny(out, "\x1b\x07") {
		t.Errorf("learned host line %q (controls must be dropped)", lines[1])
	}
	if !strings.Contains(lines[2], "other.example") || !strings.Contains(lines[2], "(learning)") {
		t.Errorf("learning host line %q", lines[2])
	}

	code, out, errOut = runCmd(t, context.Background(), "sites", "--store", path, "--format", "json")
	if code != exitOK {
		t.Fatalf("json: exit %d: %s", code, errOut)
	}
	var got []struct {
		Host        string `json:"host"`
		Pages       int    `json:"pages"`
		Container   string `json:"container"`
		Boilerplate int    `json:"boilerplate"`
		Updated     string `json:"updated"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if len(got) != 2 || got[0].Host != "news.example" || got[0].Pages != 14 || got[0].Boilerplate != 6 ||
		got[0].Updated != "2025-03-14T09:00:00Z" || got[1].Container != "" {
		t.Errorf("json = %+v", got)
	}

	empty := seedStore(t)
	if code, out, _ := runCmd(t, context.Background(), "sites", "--store", empty); code != exitOK || !strings.HasPrefix(out, "No site learned yet") {
		t.Errorf("empty store: exit %d, %q", code, out)
	}
	if code, _, errOut := runCmd(t, context.Background(), "sites", "--store", path, "--format", "yaml"); code != exitUsage || !strings.Contains(errOut, "--format") {
		t.Errorf("bad format: exit %d, %q", code, errOut)
	}
}

// TestShowCommand_Dek: show prints the dek, cleaned, and says of a
// re-read version that redline now reads a different part of the page.
func TestShowCommand_Dek(t *testing.T) {
	path := seedReading(t)
	code, out, errOut := runCmd(t, context.Background(), "show", "--store", path, rereadURL)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "Dek:        Three towns objected.\n") || strings.ContainsRune(out, 0x1b) {
		t.Errorf("dek not shown, or not cleaned:\n%q", out)
	}
	if !strings.Contains(out, "Read:       "+report.RereadSentence+" (now reading body > div.promo)\n") {
		t.Errorf("re-read version not said:\n%s", out)
	}
	if code, out, errOut := runCmd(t, context.Background(), "verify", "--store", path); code != exitOK {
		t.Fatalf("verify with deks: exit %d\n%s%s", code, out, errOut)
	}
}

// TestReportCommand_Reread: a stored report and a stored diff of a
// re-read version say so instead of listing the sentences it differs by.
func TestReportCommand_Reread(t *testing.T) {
	path := seedReading(t)
	for _, args := range [][]string{
		{"report", "--store", path, "--from", "2025-03-14T00:00:00Z", "--to", "2025-03-15T00:00:00Z"},
		{"diff", "--store", path, rereadURL, "--from", "1"},
	} {
		out := runOK(t, args...)
		if !strings.Contains(out, report.RereadSentence+" (now reading body > div.promo)") || strings.Contains(out, "ten things") {
			t.Errorf("%s: want the re-read note instead of the sentences:\n%s", args[0], out)
		}
	}
}

// TestReportCommand_SinceTime: report --since takes a time, as export
// and search do, as well as a duration back from now.
func TestReportCommand_SinceTime(t *testing.T) {
	path := seedReading(t) // version 2, the one change, seen at 10:00
	for _, tc := range []struct {
		since string
		items int
	}{
		{"2025-03-14", 1},
		{"2025-03-14 09:59", 1},
		{"2025-03-14T10:00:00Z", 1},
		{"2025-03-14T10:59:00+01:00", 1},
		{"2025-03-14T10:00:01Z", 0},
		{"2025-03-15", 0},
	} {
		t.Run(tc.since, func(t *testing.T) {
			code, out, errOut := runCmd(t, t.Context(), "report", "--store", path, "--since", tc.since, "--format", "json")
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var rep struct{ Items []json.RawMessage }
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if len(rep.Items) != tc.items {
				t.Errorf("--since %s: %d items, want %d\n%s", tc.since, len(rep.Items), tc.items, out)
			}
		})
	}
	// A duration reaches back from now: here, from the clock stopped an hour after version 2.
	now := storeBase.Add(2 * time.Hour)
	for since, items := range map[string]int{"61m": 1, "59m": 0} {
		code, out, errOut := runAt(t, now, "report", "--store", path, "--since", since, "--format", "json")
		if code != exitOK || strings.Count(out, `"url"`) != items {
			t.Errorf("--since %s at %s: exit %d, stderr %q, want %d items:\n%s", since, stamp(now), code, errOut, items, out)
		}
	}
}

// TestReportCommand_RereadIsLow: --min-severity ranks a re-read version
// as the report shows it (report.ItemSeverity: one low change), not by its
// stored severity; a "high" filter kept it, and the report then called it
// low.
func TestReportCommand_RereadIsLow(t *testing.T) {
	path := seedReading(t)
	st := openSQLite(t, path)
	vs, err := st.Versions(t.Context(), snapshots.VersionFilter{})
	st.Close()
	if err != nil || len(vs) != 2 || !vs[1].Reread || vs[1].Severity == "low" {
		t.Fatalf("seed: want a re-read version 2 stored above low, got %d versions (%v)", len(vs), err)
	}
	stored := vs[1].Severity
	window := []string{"report", "--store", path, "--from", "2025-03-14T00:00:00Z", "--to", "2025-03-15T00:00:00Z", "--format", "json"}
	for _, tc := range []struct {
		min  string
		want int
	}{{"low", 1}, {stored, 0}} {
		var rep struct {
			Items []struct {
				Reread bool `json:"reread"`
			} `json:"items"`
		}
		out := runOK(t, append(window, "--min-severity", tc.min)...)
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("--min-severity %s: %v\n%s", tc.min, err, out)
		}
		if len(rep.Items) != tc.want {
			t.Errorf("--min-severity %s (version stored as %s): %d items, want %d\n%s", tc.min, stored, len(rep.Items), tc.want, out)
		}
	}
	// history shows it as the report does.
	out := runOK(t, "history", "--store", path, rereadURL)
	if f := strings.Fields(strings.Split(out, "\n")[5]); len(f) < 5 || f[0] != "2" || f[4] != "low" {
		t.Errorf("history shows version 2 (stored %s) as %q, want low:\n%s", stored, f, out)
	}
}

// TestReportOf_Reread: a check whose new version was re-read is reported
// as such, and its event line is said once in the summary.
func TestReportOf_Reread(t *testing.T) {
	cs := &diffing.ChangeSet{Summary: diffing.Summary{Severity: diffing.SeverityHigh},
		Changes: []diffing.Change{{Kind: diffing.SentenceAdded, Severity: diffing.SeverityHigh, Paragraph: 1, Sentence: 1, After: "Ten things."}}}
	r := monitor.Result{Source: "a", URL: rereadURL, Changes: cs,
		Version: &snapshots.Version{Number: 2, Title: "T", Reread: true, Reading: []byte(`{"containers":["main > div.x"]}`)},
		Event:   monitor.EventReread, Reason: "extraction changed: now reading main > div.x"}
	rep := reportOf([]monitor.Result{r}, storeBase)
	if len(rep.Items) != 1 || !rep.Items[0].Reread || rep.Items[0].Reading != "main > div.x" || len(rep.Events) != 0 {
		t.Fatalf("report = %+v; want one re-read item and no failure event", rep)
	}
	sum := summarize([]monitor.Result{r})
	if sum.changed != 1 || len(sum.events) != 1 || sum.events[0] != "source a: "+rereadURL+": extraction changed: now reading main > div.x" {
		t.Errorf("summary: changed %d, events %q", sum.changed, sum.events)
	}
}

// TestPrintArticle_Dek: extract shows the dek, cleaned.
func TestPrintArticle_Dek(t *testing.T) {
	var b bytes.Buffer
	if err := printArticle(&b, extract.Article{Title: "T", Dek: "A summary\x1b[31m.\u202e", Paragraphs: []string{"Body."}}); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), "Title:     T\nDek:       A summary.\n\nBody.\n"; got != want {
		t.Errorf("printArticle = %q, want %q", got, want)
	}
}

// TestPrintExplained: --explain lists each block kept or dropped with why
// and where, cleaned for the terminal, then the article; as JSON, the
// article and the decisions.
func TestPrintExplained(t *testing.T) {
	art := extract.Article{Title: "T", Paragraphs: []string{"Body."},
		Reading: extract.Reading{Method: "template", Containers: []string{"body > main"}}}
	ds := []extract.Decision{
		{Path: "body > main > p", Text: "Body.", Kept: true, Why: "template container"},
		{Path: "body > nav\u202e", Text: "Home\x1b[2J\tNews\nSport " + strings.Repeat("x", 100), Kept: false, Why: "boilerplate: seen on 12 pages"},
	}
	var b bytes.Buffer
	if err := printExplained(&b, "text", art, ds); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	lines := strings.Split(out, "\n")
	if !strings.HasPrefix(lines[0], "BLOCK") || !strings.HasPrefix(lines[1], "kept ") || !strings.Contains(lines[1], "template container") ||
		!strings.HasPrefix(lines[2], "dropped ") || !strings.Contains(lines[2], "Home News Sport xxx") || !strings.HasSuffix(lines[2], "…") {
		t.Errorf("decisions:\n%s", out)
	}
	if strings.ContainsAny(out, "\x1b\u202e\t") || !strings.Contains(out, "read by template from body > main") || !strings.HasSuffix(out, "Body.\n") {
		t.Errorf("not cleaned, or no reading or article:\n%q", out)
	}

	b.Reset()
	if err := printExplained(&b, "json", art, ds); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Article   extract.Article `json:"article"`
		Decisions []struct {
			Path, Text, Why string
			Kept            bool
		} `json:"decisions"`
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Article.Title != "T" || len(got.Decisions) != 2 || !got.Decisions[0].Kept || got.Decisions[1].Why != ds[1].Why {
		t.Errorf("json = %+v", got)
	}
}

// TestExtractCommand_Explain runs --explain end to end on a file.
func TestExtractCommand_Explain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "page.html")
	writeFile(t, path, "<html><head><title>T</title></head><body><article><h1>T</h1><p>The ministry approved the reservoir on Tuesday after a long review.</p></article></body></html>")
	code, out, errOut := runCmd(t, context.Background(), "extract", "--explain", path)
	if code != exitOK || !strings.HasPrefix(out, "BLOCK") || !strings.Contains(out, "The ministry approved the reservoir") {
		t.Errorf("exit %d, stderr %q:\n%s", code, errOut, out)
	}
	if code, _, errOut := runCmd(t, context.Background(), "extract", "--explain", "--text", path); code != exitUsage || !strings.Contains(errOut, "not both") {
		t.Errorf("--explain --text: exit %d, %q", code, errOut)
	}
}

// TestExtractCommand_Store: --store reads the page with what the store
// learned of its host; a store that cannot be opened is an error.
func TestExtractCommand_Store(t *testing.T) {
	page := filepath.Join(t.TempDir(), "page.html")
	writeFile(t, page, "<html><head><title>T</title></head><body><article><h1>T</h1><p>The ministry approved the reservoir on Tuesday after a long review.</p></article></body></html>")
	code, out, errOut := runCmd(t, context.Background(), "extract", "--store", seedReading(t), page)
	if code != exitOK || !strings.Contains(out, "The ministry approved the reservoir") {
		t.Errorf("exit %d, stderr %q:\n%s", code, errOut, out)
	}
	// A missing directory is made (sqlite.Store.Open); a file where the
	// directory should be cannot be.
	notDir := filepath.Join(t.TempDir(), "data")
	writeFile(t, notDir, "")
	bad := filepath.Join(notDir, "redline.db")
	if code, _, errOut := runCmd(t, context.Background(), "extract", "--store", bad, page); code != exitRuntime {
		t.Errorf("unopenable store: exit %d, %q; want %d", code, errOut, exitRuntime)
	}
}

// TestExtract_TerminalSafe checks that the article text `redline extract`
// prints, in every format for a terminal, carries no escape sequence, C1
// control or bidirectional override from the page (issue 19 point 2): a
// page could otherwise redraw the screen or reverse a quote as shown.
func TestExtract_TerminalSafe(t *testing.T) {
	page := "<html><head><title>Vote \u202eyes\u202c today</title></head><body><article><h1>Vote today</h1>" +
		"<p>The mayor said \u201cwe will \u202eton\u202c build it\u201d on Monday, in a long statement to the council about the plan.</p>" +
		"<p>Residents\x1b]0;pwned\x07 objected\u0085 at the meeting, which ran late into the evening and ended without a vote.</p>" +
		"<p>A third paragraph gives the article enough words to be read as one by the extractor used here.</p></article></body></html>"
	file := writeFile(t, filepath.Join(t.TempDir(), "page.html"), page)
	for _, args := range [][]string{{"extract", file}, {"extract", "--text", file}} {
		code, out, errOut := runCmd(t, t.Context(), args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		if !strings.Contains(out, "build it") || !strings.Contains(out, "Residents") {
			t.Fatalf("%v: article text missing:\n%s", args, out)
		}
		if i := strings.IndexFunc(out, func(r rune) bool {
			return r == 0x1b || r == 0x07 || r == 0x85 || r == '\u202e' || r == '\u202c'
		}); i >= 0 {
			t.Errorf("%v: control or bidi override %q reached the terminal at byte %d:\n%q", args, out[i:i+3], i, out)
		}
	}
}
