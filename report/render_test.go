package report_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/internal/testtool"
	"github.com/redline-news/redline/report"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// hostileTitle tries to clear the screen, retitle the window, run a script
// and plant a javascript: link.
const hostileTitle = "\x1b[2J\x1b]0;pwned\x07Breaking: <script>alert(1)</script> [x](javascript:alert(1)) *win*"

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func eq(s string) diffing.Op  { return diffing.Op{Op: diffing.OpEqual, Text: s} }
func del(s string) diffing.Op { return diffing.Op{Op: diffing.OpDelete, Text: s} }
func ins(s string) diffing.Op { return diffing.Op{Op: diffing.OpInsert, Text: s} }

func kinds(k ...diffing.Kind) []diffing.Kind { return k }

// fixture is a report with one of each change a reader must see right:
// a quote changed with its speaker and a figure, a negation, a removed
// sentence, a re-attributed quote, a headline, a move, and an article whose
// title and text attack the terminal and the Markdown renderer.
func fixture() report.Report {
	budgetOld := "Speaking to reporters in the capital on Friday after a cabinet meeting that ran late into the night, Jane Doe said: “We expect growth of 5% next year, and we will hold spending flat in real terms.”"
	budgetNew := strings.Replace(budgetOld, "5%", "8%", 1)
	return report.Report{
		Generated: ts("2026-03-14T09:30:00Z"),
		Items: []report.Item{
			{
				// Given out of order: Render sorts.
				URL: "https://news.example/politics/budget", Source: "Example Times",
				Title: "Minister says budget will not rise", FromVersion: 3, ToVersion: 4,
				At: ts("2026-03-14T09:05:00Z"),
				Changes: &diffing.ChangeSet{
					Old:     diffing.DocSummary{Title: "Minister says budget will not rise", Paragraphs: 6, Sentences: 14, Words: 310},
					New:     diffing.DocSummary{Title: "Minister says budget will not rise", Paragraphs: 6, Sentences: 14, Words: 310},
					Summary: diffing.Summary{Severity: diffing.SeverityHigh, Counts: map[diffing.Kind]int{diffing.QuoteReattributed: 1}, StealthEdit: true},
					Changes: []diffing.Change{{
						Kind: diffing.QuoteReattributed, Kinds: kinds(diffing.QuoteReattributed), Severity: diffing.SeverityHigh,
						Paragraph: 4, Sentence: 1, Speaker: "John Roe",
						Before: "“We will review the fuel duty,” Jane Doe said.",
						After:  "“We will review the fuel duty,” John Roe said.",
						Quotes: []diffing.QuoteChange{{
							Before: "We will review the fuel duty", After: "We will review the fuel duty",
							BeforeSpeaker: "Jane Doe", AfterSpeaker: "John Roe",
						}},
						Ops: []diffing.Op{eq("“We will review the fuel duty,” "), del("Jane Doe"), ins("John Roe"), eq(" said.")},
					}},
				},
			},
			{
				URL: "https://evil.example/story?id=1&x=<script>", Source: "Evil \x1b[31mNews\x1b[0m",
				Title: hostileTitle, FromVersion: 4, ToVersion: 5,
				At: ts("2026-03-14T06:00:00Z"),
				Changes: &diffing.ChangeSet{
					Old:     diffing.DocSummary{Title: hostileTitle, Paragraphs: 2, Sentences: 3, Words: 40},
					New:     diffing.DocSummary{Title: hostileTitle, Paragraphs: 2, Sentences: 3, Words: 41},
					Summary: diffing.Summary{Severity: diffing.SeverityMedium, Counts: map[diffing.Kind]int{diffing.EntityChanged: 1, diffing.SentenceChanged: 1}},
					Changes: []diffing.Change{{
						Kind: diffing.EntityChanged, Kinds: kinds(diffing.EntityChanged, diffing.SentenceChanged), Severity: diffing.SeverityMedium,
						Paragraph: 1, Sentence: 2,
						Before: "Read \x1b]8;;https://evil.example\x07the report\x1b]8;;\x07 from \xffACME.",
						After:  "Read the report <img src=x onerror=alert(1)> from [Globex](javascript:alert(2)).\n2. high · quote_changed",
						Ops: []diffing.Op{
							eq("Read "), del("\x1b]8;;https://evil.example\x07"), eq("the report"), del("\x1b]8;;\x07"),
							ins(" <img src=x onerror=alert(1)>"), eq(" from "), del("\xffACME."),
							ins("[Globex](javascript:alert(2)).\n2. high · quote_changed\u202e"),
						},
					}},
				},
			},
			{
				URL: "https://daily.example/world/summit", Source: "Daily Example",
				Title: "Summit ends without agreement", FromVersion: 1, ToVersion: 2,
				At: ts("2026-03-13T22:40:00Z"),
				Changes: &diffing.ChangeSet{
					Old:     diffing.DocSummary{Title: "Summit ends in agreement", Paragraphs: 8, Sentences: 20, Words: 400},
					New:     diffing.DocSummary{Title: "Summit ends without agreement", Paragraphs: 8, Sentences: 20, Words: 400},
					Summary: diffing.Summary{Severity: diffing.SeverityMedium, Counts: map[diffing.Kind]int{diffing.HeadlineChanged: 1, diffing.SentenceMoved: 1}},
					Changes: []diffing.Change{
						{
							Kind: diffing.HeadlineChanged, Kinds: kinds(diffing.HeadlineChanged), Severity: diffing.SeverityMedium,
							Paragraph: 0, Sentence: 0,
							Before: "Summit ends in agreement", After: "Summit ends without agreement",
							Ops: []diffing.Op{eq("Summit ends "), del("in"), ins("without"), eq(" agreement")},
						},
						{
							Kind: diffing.SentenceMoved, Kinds: kinds(diffing.SentenceMoved), Severity: diffing.SeverityLow,
							Paragraph: 7, Sentence: 1, From: &diffing.Location{Paragraph: 3, Sentence: 1},
							Before: "Delegates from 40 countries attended.", After: "Delegates from 40 countries attended.",
							Ops: []diffing.Op{eq("Delegates from 40 countries attended.")},
						},
					},
				},
			},
			{
				URL: "https://news.example/politics/budget", Source: "Example Times",
				Title: "Minister says budget will not rise", FromVersion: 2, ToVersion: 3,
				At: ts("2026-03-14T08:12:00+01:00"), // Render shows UTC
				Changes: &diffing.ChangeSet{
					Old: diffing.DocSummary{Title: "Minister says budget will not rise", Paragraphs: 6, Sentences: 15, Words: 318},
					New: diffing.DocSummary{Title: "Minister says budget will not rise", Paragraphs: 6, Sentences: 14, Words: 310},
					Summary: diffing.Summary{Severity: diffing.SeverityHigh, Counts: map[diffing.Kind]int{
						diffing.QuoteChanged: 1, diffing.NumberChanged: 1, diffing.NegationChanged: 1, diffing.SentenceRemoved: 1,
					}},
					Changes: []diffing.Change{
						{
							Kind: diffing.QuoteChanged, Kinds: kinds(diffing.QuoteChanged, diffing.NumberChanged), Severity: diffing.SeverityHigh,
							Paragraph: 3, Sentence: 2, Speaker: "Jane Doe",
							Before: budgetOld, After: budgetNew,
							Quotes: []diffing.QuoteChange{{
								Before:        "We expect growth of 5% next year, and we will hold spending flat in real terms.",
								After:         "We expect growth of 8% next year, and we will hold spending flat in real terms.",
								BeforeSpeaker: "Jane Doe", AfterSpeaker: "Jane Doe",
							}},
							Figures: []diffing.FigureChange{{Before: "5%", After: "8%"}},
							Ops: []diffing.Op{
								eq(budgetOld[:strings.Index(budgetOld, "5%")]), del("5%"), ins("8%"),
								eq(budgetOld[strings.Index(budgetOld, "5%")+2:]),
							},
						},
						{
							Kind: diffing.NegationChanged, Kinds: kinds(diffing.NegationChanged), Severity: diffing.SeverityHigh,
							Paragraph: 5, Sentence: 1,
							Before: "The treasury will raise taxes on fuel.", After: "The treasury will not raise taxes on fuel.",
							Ops: []diffing.Op{eq("The treasury will "), ins("not "), eq("raise taxes on fuel.")},
						},
						{
							Kind: diffing.SentenceRemoved, Kinds: kinds(diffing.SentenceRemoved), Severity: diffing.SeverityMedium,
							Paragraph: 6, Sentence: 2,
							Before: "A spokesperson later said the figure was an estimate.",
						},
					},
				},
			},
		},
	}
}

func render(t *testing.T, f report.Format, r report.Report, opt report.Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := report.Render(&b, f, r, opt); err != nil {
		t.Fatalf("Render(%s): %v", f, err)
	}
	return b.String()
}

func TestRender_Golden(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    report.Format
		r    report.Report
	}{
		{"report.txt", report.Text, fixture()},
		{"report.md", report.Markdown, fixture()},
		{"report.json", report.JSON, fixture()},
		{"empty.txt", report.Text, report.Report{Generated: ts("2026-03-14T09:30:00Z")}},
		{"empty.md", report.Markdown, report.Report{Generated: ts("2026-03-14T09:30:00Z")}},
		{"empty.json", report.JSON, report.Report{Generated: ts("2026-03-14T09:30:00Z")}},
		{"report.html", report.HTML, fixture()},
		{"empty.html", report.HTML, report.Report{Generated: ts("2026-03-14T09:30:00Z")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			testtool.Golden(t, filepath.Join("testdata", tc.name+".golden"), render(t, tc.f, tc.r, report.Options{}), *update)
		})
	}
}

func TestRender_NoChanges(t *testing.T) {
	for _, f := range []report.Format{report.Text, report.Markdown, report.HTML} {
		if got := render(t, f, report.Report{}, report.Options{}); !strings.Contains(got, "No changes.") {
			t.Errorf("Render(%s, empty report) = %q, want it to say No changes.", f, got)
		}
	}
	// An item whose change set is empty or missing still names the article.
	r := report.Report{Items: []report.Item{
		{URL: "https://a.example/x", Title: "Nil set", FromVersion: 1, ToVersion: 2},
		{URL: "https://a.example/y", Title: "Empty set", FromVersion: 1, ToVersion: 2, Changes: &diffing.ChangeSet{}},
	}}
	for _, f := range []report.Format{report.Text, report.Markdown, report.JSON, report.HTML} {
		got := render(t, f, r, report.Options{})
		for _, want := range []string{"Nil set", "Empty set"} {
			if !strings.Contains(got, want) {
				t.Errorf("Render(%s) = %q, want it to contain %q", f, got, want)
			}
		}
	}
}

func TestRender_TextIsTerminalSafe(t *testing.T) {
	t.Run("no_color", func(t *testing.T) {
		got := render(t, report.Text, fixture(), report.Options{})
		checkTerminalSafe(t, got)
		if strings.Contains(got, "\x1b") {
			t.Errorf("Text output without Color contains ESC:\n%q", got)
		}
	})
	t.Run("color", func(t *testing.T) {
		got := render(t, report.Text, fixture(), report.Options{Color: true})
		checkTerminalSafe(t, got)
		// Every escape is one of the report's own styles.
		ours := regexp.MustCompile(`\x1b\[(0|1|2|31;9|32;4)m`)
		if rest := ours.ReplaceAllString(got, ""); strings.Contains(rest, "\x1b") {
			t.Errorf("Text output with Color has an escape of its own making:\n%q", rest)
		}
		// Colour is never the only cue: the markers stay.
		for _, want := range []string{"\x1b[31;9m[-5%-]\x1b[0m", "\x1b[32;4m{+8%+}\x1b[0m", "\x1b[32;4m{+not+}\x1b[0m"} {
			if !strings.Contains(got, want) {
				t.Errorf("Text output with Color lacks %q", want)
			}
		}
		plain := render(t, report.Text, fixture(), report.Options{})
		if stripped := ours.ReplaceAllString(got, ""); stripped != plain {
			t.Errorf("Text output with Color, minus colour, differs from plain output:\n%s", stripped)
		}
	})
}

// checkTerminalSafe fails if s holds invalid UTF-8, a control other than
// newline or ESC, a bidi override, or a forged line of the report.
func checkTerminalSafe(t *testing.T, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("output is not valid UTF-8")
	}
	for i, r := range s {
		if (r < 0x20 && r != '\n' && r != 0x1b) || (r >= 0x7f && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			t.Errorf("output has control %U at byte %d: %q", r, i, s[max(0, i-20):min(len(s), i+20)])
		}
	}
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "2. high · quote_changed") {
			t.Errorf("scraped text forged a line of the report: %q", line)
		}
	}
}

func TestRender_MarkdownIsInert(t *testing.T) {
	got := render(t, report.Markdown, fixture(), report.Options{})
	checkTerminalSafe(t, got)
	if strings.Contains(got, "\x1b") {
		t.Errorf("Markdown output contains ESC")
	}
	lower := strings.ToLower(got)
	for _, bad := range []string{"<script", "<img", "javascript:", "](", "<evil"} {
		if strings.Contains(lower, bad) {
			t.Errorf("Markdown output contains raw %q:\n%s", bad, got)
		}
	}
	// The report's own links are autolinks to http(s); every other < is gone.
	for _, loc := range regexp.MustCompile(`<`).FindAllStringIndex(got, -1) {
		rest := got[loc[0]:]
		if !strings.HasPrefix(rest, "<https://") && !strings.HasPrefix(rest, "<http://") {
			t.Errorf("Markdown output has a raw < that is no autolink: %q", rest[:min(len(rest), 30)])
		}
	}
	// The hostile title is still there, escaped, for the reader to see.
	if want := `Breaking\: &lt;script&gt;alert\(1\)&lt;/script&gt; \[x\]\(javascript\:alert\(1\)\) \*win\*`; !strings.Contains(got, want) {
		t.Errorf("Markdown output lacks the escaped hostile title %q", want)
	}
}

func TestRender_JSON(t *testing.T) {
	in := fixture()
	got := render(t, report.JSON, in, report.Options{})
	if !json.Valid([]byte(got)) || !utf8.ValidString(got) {
		t.Fatalf("JSON output is not valid JSON in UTF-8:\n%s", got)
	}
	if strings.ContainsAny(got, "\x1b\u009b\u202e") {
		t.Errorf("JSON output holds a raw control character:\n%q", got)
	}
	var out struct {
		Generated string `json:"generated"`
		Items     []struct {
			URL         string             `json:"url"`
			Source      string             `json:"source"`
			Title       string             `json:"title"`
			FromVersion int                `json:"from_version"`
			ToVersion   int                `json:"to_version"`
			At          string             `json:"at"`
			Changes     *diffing.ChangeSet `json:"changes"`
		} `json:"items"`
	}
	dec := json.NewDecoder(strings.NewReader(got))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&out); err != nil {
		t.Fatal(err)
	}
	if out.Generated != "2026-03-14T09:30:00Z" {
		t.Errorf("generated = %q, want 2026-03-14T09:30:00Z", out.Generated)
	}
	if len(out.Items) != len(in.Items) {
		t.Fatalf("got %d items, want %d", len(out.Items), len(in.Items))
	}
	// The change sets round-trip, except where invalid UTF-8 was replaced.
	for _, it := range out.Items {
		if strings.Contains(it.URL, "evil") {
			continue
		}
		i := slices.IndexFunc(in.Items, func(x report.Item) bool {
			return x.URL == it.URL && x.FromVersion == it.FromVersion
		})
		if i < 0 || !reflect.DeepEqual(it.Changes, in.Items[i].Changes) {
			t.Errorf("item %s v%d: change set did not round-trip", it.URL, it.FromVersion)
		}
	}
	if at := out.Items[0].At; at != "2026-03-14T07:12:00Z" {
		t.Errorf("items[0].at = %q, want the first budget item in UTC, 2026-03-14T07:12:00Z", at)
	}
}

func TestRender_Order(t *testing.T) {
	r := fixture()
	for _, f := range []report.Format{report.Text, report.Markdown, report.JSON, report.HTML} {
		want := render(t, f, r, report.Options{})
		for range len(r.Items) {
			r.Items = append(r.Items[1:], r.Items[0])
			slices.Reverse(r.Items[:2])
			if got := render(t, f, r, report.Options{}); got != want {
				t.Fatalf("Render(%s) depends on the order of Items", f)
			}
		}
	}
	want := render(t, report.Text, r, report.Options{})
	// High first, then the newer of the two medium articles, and the budget
	// article's items oldest first.
	order := []string{"v2 → v3", "v3 → v4", "Breaking", "Summit ends without"}
	last := -1
	for _, s := range order {
		i := strings.Index(want, s)
		if i < last {
			t.Errorf("%q comes before what should precede it", s)
		}
		last = i
	}
}

func TestParseFormat(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want report.Format
	}{
		{"text", report.Text},
		{"markdown", report.Markdown},
		{"json", report.JSON},
		{"JSON", report.JSON},
		{"html", report.HTML},
		{"HTML", report.HTML},
		{" Markdown ", report.Markdown},
	} {
		got, err := report.ParseFormat(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseFormat(%q) = %q, %v, want %q", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "xml", "md", "htm"} {
		_, err := report.ParseFormat(in)
		if !errors.Is(err, report.ErrUnknownFormat) {
			t.Fatalf("ParseFormat(%q) error = %v, want ErrUnknownFormat", in, err)
		}
		want := `unknown report format "` + in + `" (want text, markdown, json, html or atom)`
		if err.Error() != want {
			t.Errorf("ParseFormat(%q) error = %q, want %q", in, err, want)
		}
	}
}

func TestRender_UnknownFormat(t *testing.T) {
	var b bytes.Buffer
	err := report.Render(&b, "yaml", fixture(), report.Options{})
	if !errors.Is(err, report.ErrUnknownFormat) || !strings.Contains(err.Error(), `"yaml"`) {
		t.Errorf("Render(yaml) error = %v, want ErrUnknownFormat naming yaml", err)
	}
	if b.Len() != 0 {
		t.Errorf("Render(yaml) wrote %d bytes", b.Len())
	}
}

type failWriter struct{}

var errDiskFull = errors.New("disk full")

func (failWriter) Write([]byte) (int, error) { return 0, errDiskFull }

func TestRender_WriteError(t *testing.T) {
	err := report.Render(failWriter{}, report.Text, fixture(), report.Options{})
	if !errors.Is(err, errDiskFull) {
		t.Errorf("Render to a failing writer: error = %v, want it to wrap %v", err, errDiskFull)
	}
}

// FuzzRender puts fuzzed scraped text in every field and checks that the
// Text output stays terminal-safe, the Markdown and HTML outputs stay
// inert, the JSON is valid, and the Atom feed is strict XML with no
// markup and no link but http(s). A second item and a second event take a
// fuzzed URL whole, for the HTML and Atom links. Every report also lists
// failed checks, whose fields are fuzzed too.
func FuzzRender(f *testing.F) {
	f.Add(hostileTitle, "Jane \x1b[1mDoe", "a [x](javascript:1) ", "<script>", "\n2. high · quote_changed")
	f.Add("www.evil.example", "@you", "~~s~~ **b**", "\u009b2J", "\u202e")
	f.Add("]]> \x00 \xff", "\u2028", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=")
	f.Add("<img src=x onerror=alert(1)>", "</textarea>", "vbscript:msgbox(1)", "\x1b]8;;http://evil\x07", "<!-- x")
	f.Fuzz(func(t *testing.T, title, speaker, a, b, c string) {
		r := report.Report{Items: []report.Item{{
			URL: "https://e.example/" + a, Source: b, Title: title, FromVersion: 1, ToVersion: 2,
			Changes: &diffing.ChangeSet{Changes: []diffing.Change{{
				Kind: diffing.Kind(c), Kinds: []diffing.Kind{diffing.QuoteChanged, diffing.Kind(b)}, Severity: diffing.SeverityHigh,
				Paragraph: 1, Sentence: 1, Speaker: speaker, Before: a, After: b,
				Quotes:  []diffing.QuoteChange{{Before: a, After: c, BeforeSpeaker: speaker, AfterSpeaker: title}},
				Figures: []diffing.FigureChange{{Before: c, After: a}},
				Ops:     []diffing.Op{eq(a), del(b), ins(c), eq(title), ins(speaker)},
			}}},
		}}, Events: []report.Event{{URL: "https://e.example/" + c, Source: b, Title: title, Event: c, Reason: speaker}}}
		txt := render(t, report.Text, r, report.Options{})
		checkTerminalSafe(t, txt)
		if strings.Contains(txt, "\x1b") {
			t.Fatalf("Text output contains ESC: %q", txt)
		}
		md := render(t, report.Markdown, r, report.Options{})
		checkTerminalSafe(t, md)
		if strings.Contains(md, "\x1b") || strings.Contains(md, "](") {
			t.Fatalf("Markdown output is not inert: %q", md)
		}
		for _, loc := range regexp.MustCompile(`<`).FindAllStringIndex(md, -1) {
			if !strings.HasPrefix(md[loc[0]:], "<https://e.example/") {
				t.Fatalf("Markdown output has a raw <: %q", md)
			}
		}
		checkHTMLInert(t, render(t, report.HTML, r, report.Options{}))
		js := render(t, report.JSON, r, report.Options{})
		if !json.Valid([]byte(js)) || !utf8.ValidString(js) {
			t.Fatalf("JSON output is not valid: %q", js)
		}
		r.Items = append(r.Items, report.Item{URL: a, Source: c, Title: b, FromVersion: 2, ToVersion: 3, Changes: r.Items[0].Changes})
		checkHTMLInert(t, render(t, report.HTML, r, report.Options{}))
		r.Events = append(r.Events, report.Event{URL: b, Source: a, Title: speaker, Event: title, Reason: c})
		checkHTMLInert(t, render(t, report.HTML, r, report.Options{}))
		checkAtomInert(t, render(t, report.Atom, r, report.Options{}), len(r.Items)+len(r.Events))
	})
}
