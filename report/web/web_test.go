package web_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/monitor/sitetest"
	"github.com/redline-news/redline/report/web"
	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/sqlite"
	"github.com/redline-news/redline/snapshots/storetest"
)

const wantCSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// fixture is a store filled by the monitor from the local news site: both
// articles at version 1, then the main one at version 2 after the first
// scripted edit (a reworded quote), plus a hostile article saved directly.
type fixture struct {
	st      *sqlite.Store
	h       http.Handler
	main    snapshots.Article // the edited story
	second  snapshots.Article // never edited
	hostile snapshots.Article
	site    *sitetest.Site
	siteURL string
	m       *monitor.Monitor
}

func openStore(tb testing.TB) *sqlite.Store {
	tb.Helper()
	return storetest.Open(tb, sqlite.New(filepath.Join(tb.TempDir(), "redline.db"), slog.New(slog.DiscardHandler)))
}

// versions reads a's versions, oldest first, and fails unless there are n.
func (f *fixture) versions(t *testing.T, a snapshots.Article, n int) []snapshots.Version {
	t.Helper()
	vs, err := f.st.Versions(t.Context(), snapshots.VersionFilter{ArticleID: a.ID})
	if err != nil || len(vs) != n {
		t.Fatalf("versions of %s = %d, %v, want %d", a.URL, len(vs), err, n)
	}
	return vs
}

// newSiteFixture checks the local site once, publishes its first edit and
// checks again.
func newSiteFixture(tb testing.TB) *fixture {
	tb.Helper()
	ctx := context.Background()
	f := &fixture{st: openStore(tb), site: sitetest.New()}
	srv := httptest.NewServer(f.site)
	tb.Cleanup(srv.Close)
	f.siteURL = srv.URL
	f.m = monitor.New(monitor.Options{
		Store: f.st,
		Client: fetch.New(fetch.Options{
			Timeout: 10 * time.Second, HostRate: fetch.Unlimited, HostConcurrency: fetch.Unlimited,
			// The local site is on 127.0.0.1, which the default guard refuses.
			Guard: fetch.NewGuard(fetch.GuardOptions{AllowPrivate: true}),
		}),
		Sources: []monitor.Source{{Name: "ledger", Feed: srv.URL + "/feed.xml", Tags: []string{"world"}}},
		Logger:  slog.New(slog.DiscardHandler),
	})
	f.check(tb)
	if e, ok := f.site.Advance(); !ok || e.Description != "quote reworded" {
		tb.Fatalf("first scripted edit: %+v %v, want the reworded quote", e, ok)
	}
	f.check(tb)
	var err error
	if f.main, err = f.st.Article(ctx, srv.URL+sitetest.MainPath); err != nil {
		tb.Fatal(err)
	}
	if f.second, err = f.st.Article(ctx, srv.URL+sitetest.SecondPath); err != nil {
		tb.Fatal(err)
	}
	f.h = web.New(f.st, web.Options{
		Logger: testLogger(tb),
		Tags:   map[string][]string{"ledger": {"world", "mexico"}, "other": {"sport"}},
	})
	return f
}

// check runs one monitor cycle and fails on any failed check.
func (f *fixture) check(tb testing.TB) {
	tb.Helper()
	for _, r := range f.m.Check(context.Background()) {
		if r.Err != nil {
			tb.Fatalf("check %s: %v", r.URL, r.Err)
		}
	}
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := newSiteFixture(t)
	f.hostile = saveHostile(t, f.st)
	return f
}

// saveHostile stores an article whose URL, title, text and change set
// carry markup and script URLs, as a hostile page could.
func saveHostile(t *testing.T, st *sqlite.Store) snapshots.Article {
	t.Helper()
	ctx := t.Context()
	a, err := st.AddArticle(ctx, snapshots.Article{URL: "javascript:alert(document.cookie)//<script>", Source: `evil"><script>alert(3)</script>`, FirstSeen: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	v1 := &snapshots.Version{
		Title: `<script>alert(1)</script> headline`,
		Text:  "He said 'all is <b>fine</b>,' the minister said.\n\n<a href=\"javascript:alert(2)\">click</a> 5 people.",
		Raw:   []byte(`<html><script>alert(1)</script><a href="javascript:alert(2)">x</a></html>`),
	}
	if err := st.Save(ctx, &snapshots.Check{ArticleID: a.ID, At: time.Now(), Status: 200}, v1); err != nil {
		t.Fatal(err)
	}
	v2 := &snapshots.Version{
		Title: `<script>alert(1)</script> headline <img src=x onerror=alert(4)>`,
		Text:  "He said 'all is <script>alert(5)</script>,' the minister said.\n\n<a href=\"javascript:alert(2)\">click</a> 7 people.",
		Raw:   []byte(`<html><script>alert(6)</script></html>`),
	}
	setChanges(t, v2, diffing.Compare(document(v1), document(v2)))
	if err := st.Save(ctx, &snapshots.Check{ArticleID: a.ID, At: time.Now(), Status: 200}, v2); err != nil {
		t.Fatal(err)
	}
	return a
}

// setChanges stores cs in v as the monitor does: the change set's JSON,
// its severity and its kinds.
func setChanges(tb testing.TB, v *snapshots.Version, cs *diffing.ChangeSet) {
	tb.Helper()
	b, err := cs.Marshal()
	if err != nil {
		tb.Fatal(err)
	}
	v.Changes, v.Severity = b, cs.Summary.Severity.String()
	for k := range cs.Summary.Counts {
		v.Kinds = append(v.Kinds, string(k))
	}
}

func document(v *snapshots.Version) diffing.Document {
	return diffing.Document{Title: v.Title, Paragraphs: strings.Split(v.Text, "\n\n")}
}

// get serves one GET and returns the response and its body.
func get(t *testing.T, h http.Handler, target string) (*http.Response, string) {
	t.Helper()
	return do(t, h, http.MethodGet, target)
}

func do(t *testing.T, h http.Handler, method, target string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), method, target, nil))
	res := rec.Result()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	checkHeaders(t, method+" "+target, res)
	return res, string(body)
}

// checkHeaders asserts the headers every response carries.
func checkHeaders(t *testing.T, what string, res *http.Response) {
	t.Helper()
	if got := res.Header.Get("Content-Security-Policy"); !strings.HasPrefix(got, wantCSP) {
		t.Errorf("%s: Content-Security-Policy = %q, want %q", what, got, wantCSP)
	}
	if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options = %q, want nosniff", what, got)
	}
	if got := res.Header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("%s: Referrer-Policy = %q, want no-referrer", what, got)
	}
}

// page GETs an HTML page that must answer 200 and parses it.
func page(t *testing.T, h http.Handler, target string) *goquery.Document {
	t.Helper()
	res, body := get(t, h, target)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d, body %q", target, res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("GET %s: Content-Type %q", target, ct)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	checkInert(t, target, doc, body)
	return doc
}

// checkInert asserts a page runs nothing and links nowhere but http(s) and
// its own paths, whatever the store held.
func checkInert(t *testing.T, target string, doc *goquery.Document, body string) {
	t.Helper()
	if n := doc.Find("script, iframe, object, embed, img, [style], [onerror], [onclick]").Length(); n > 0 {
		t.Errorf("GET %s: %d active elements or attributes", target, n)
	}
	if strings.Contains(strings.ToLower(body), "<script") {
		t.Errorf("GET %s: the body holds a literal <script", target)
	}
	doc.Find("[href], [action], [src]").Each(func(_ int, s *goquery.Selection) {
		for _, attr := range []string{"href", "action", "src"} {
			v, ok := s.Attr(attr)
			if !ok {
				continue
			}
			if !strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") {
				t.Errorf("GET %s: %s=%q is neither a local path nor http(s)", target, attr, v)
			}
		}
	})
}

func TestList(t *testing.T) {
	f := newFixture(t)
	doc := page(t, f.h, "/")
	rows := doc.Find("#articles tr.article")
	if rows.Length() != 3 {
		t.Fatalf("list: %d rows, want 3", rows.Length())
	}
	row := doc.Find(fmt.Sprintf("#article-%d", f.main.ID))
	if got := row.Find("a.url").AttrOr("href", ""); got != f.main.URL {
		t.Errorf("main row links %q, want %q", got, f.main.URL)
	}
	if got := row.Find(".kinds").Text(); !strings.Contains(got, "quote_changed") {
		t.Errorf("main row kinds %q, want quote_changed", got)
	}
	if got := row.Find(".severity").Text(); got != "high" {
		t.Errorf("main row severity %q, want high", got)
	}
	if got := strings.TrimSpace(row.Find(".versions").Text()); got != "2" {
		t.Errorf("main row versions %q, want 2", got)
	}
	if row.Find(".last-check time").Length() != 1 || row.Find(".last-change time").Length() != 1 {
		t.Errorf("main row lacks its last check or change time: %q", row.Text())
	}
	if got := row.Find(".tag").Length(); got != 2 {
		t.Errorf("main row shows %d tags, want 2", got)
	}

	for _, tc := range []struct {
		query string
		want  []int64
	}{
		{"?kind=quote_changed&source=ledger", []int64{f.main.ID}},
		{"?severity=high&tag=world", []int64{f.main.ID}},
		{"?tag=sport", nil},
		{"?q=DRONE", []int64{f.second.ID}},
		{"?q=" + strings.TrimPrefix(f.siteURL, "http://"), []int64{f.main.ID, f.second.ID}},
		{"?page=2", nil},
	} {
		doc := page(t, f.h, "/"+tc.query)
		var got []int64
		doc.Find("#articles tr.article").Each(func(_ int, s *goquery.Selection) {
			var id int64
			fmt.Sscanf(s.AttrOr("id", ""), "article-%d", &id)
			got = append(got, id)
		})
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("GET /%s: articles %v, want %v", tc.query, got, tc.want)
		}
	}
	for _, bad := range []string{"/?severity=major", "/?kind=drama", "/?page=0", "/?page=x"} {
		if res, _ := get(t, f.h, bad); res.StatusCode != http.StatusBadRequest {
			t.Errorf("GET %s: status %d, want 400", bad, res.StatusCode)
		}
	}
}

func TestList_Pages(t *testing.T) {
	st := openStore(t)
	for i := range 120 {
		if _, err := st.AddArticle(t.Context(), snapshots.Article{URL: fmt.Sprintf("https://news.example/%03d", i), Source: "s", FirstSeen: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	h := web.New(st, web.Options{Logger: testLogger(t)})
	for _, tc := range []struct {
		target     string
		rows       int
		prev, next bool
	}{
		{"/", 50, false, true},
		{"/?page=2", 50, true, true},
		{"/?page=3", 20, true, false},
	} {
		doc := page(t, h, tc.target)
		if n := doc.Find("#articles tr.article").Length(); n != tc.rows {
			t.Errorf("GET %s: %d rows, want %d", tc.target, n, tc.rows)
		}
		if got := doc.Find(`.pager a[rel="prev"]`).Length() == 1; got != tc.prev {
			t.Errorf("GET %s: prev link %v, want %v", tc.target, got, tc.prev)
		}
		if got := doc.Find(`.pager a[rel="next"]`).Length() == 1; got != tc.next {
			t.Errorf("GET %s: next link %v, want %v", tc.target, got, tc.next)
		}
	}
}

func TestTimeline(t *testing.T) {
	f := newFixture(t)
	doc := page(t, f.h, fmt.Sprintf("/articles/%d", f.main.ID))
	versions := doc.Find("#versions li.version")
	if versions.Length() != 2 {
		t.Fatalf("timeline: %d versions, want 2", versions.Length())
	}
	v2 := doc.Find("#v2")
	if got := v2.Find(".summary").Text(); !strings.Contains(got, "quote_changed") {
		t.Errorf("v2 summary %q, want it to say quote_changed", got)
	}
	want := fmt.Sprintf("/articles/%d/diff?from=1&to=2", f.main.ID)
	if got := v2.Find("a.diff-link").AttrOr("href", ""); got != want {
		t.Errorf("v2 diff link %q, want %q", got, want)
	}
	if got := doc.Find("#v1 .summary").Text(); got != "first version" {
		t.Errorf("v1 summary %q", got)
	}
	if n := doc.Find("#checks tr.check").Length(); n != 2 {
		t.Errorf("timeline: %d checks, want 2", n)
	}
	if doc.Find(`#compare select[name="from"] option`).Length() != 2 {
		t.Errorf("compare form lacks the version options")
	}
}

func TestTimeline_ChecksPages(t *testing.T) {
	st := openStore(t)
	a, err := st.AddArticle(t.Context(), snapshots.Article{URL: "https://news.example/a", FirstSeen: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := st.Save(t.Context(), &snapshots.Check{ArticleID: a.ID, At: base, Status: 200}, &snapshots.Version{Title: "T", Text: "x", Raw: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	for i := range 60 {
		c := &snapshots.Check{ArticleID: a.ID, At: base.Add(time.Duration(i+1) * time.Minute), Status: 200, Outcome: snapshots.OutcomeUnchanged, TextSHA256: "x"}
		if err := st.Save(t.Context(), c, nil); err != nil {
			t.Fatal(err)
		}
	}
	h := web.New(st, web.Options{})
	first := page(t, h, fmt.Sprintf("/articles/%d", a.ID))
	if n := first.Find("#checks tr.check").Length(); n != 50 {
		t.Errorf("first page: %d checks, want 50", n)
	}
	next := first.Find(`.pager a[rel="next"]`).AttrOr("href", "")
	if next == "" {
		t.Fatal("first page: no link to older checks")
	}
	second := page(t, h, next)
	if n := second.Find("#checks tr.check").Length(); n != 11 {
		t.Errorf("second page: %d checks, want 11", n)
	}
}

func TestDiffPage(t *testing.T) {
	f := newFixture(t)
	for _, target := range []string{
		fmt.Sprintf("/articles/%d/diff?from=1&to=2", f.main.ID), // the stored change set
		fmt.Sprintf("/articles/%d/diff?from=2&to=1", f.main.ID), // computed now, reversed
	} {
		t.Run(target, func(t *testing.T) {
			doc := page(t, f.h, target)
			reversed := strings.HasSuffix(target, "to=1")
			change := doc.Find("#diff-inline li.change.kind-quote_changed")
			if change.Length() != 1 {
				t.Fatalf("%d quote_changed changes, want 1:\n%s", change.Length(), doc.Find("main").Text())
			}
			quote := change.Find(".quote-change")
			before, after := quote.Find("q.before").Text(), quote.Find("q.after").Text()
			if reversed {
				before, after = after, before
			}
			if !strings.Contains(before, "foreign boots on our soil") || !strings.Contains(after, "foreign troops") {
				t.Errorf("quote callout before %q after %q", before, after)
			}
			if got := quote.Find(".speaker").Text(); !strings.Contains(got, "Sheinbaum") {
				t.Errorf("quote callout speaker %q, want Sheinbaum", got)
			}
			ins, del := change.Find(".text ins").Text(), change.Find(".text del").Text()
			if reversed {
				ins, del = del, ins
			}
			if !strings.Contains(ins, "troops") || !strings.Contains(del, "boots") {
				t.Errorf("word diff: inserted %q, deleted %q", ins, del)
			}
			if doc.Find("#diff-side").Length() != 0 {
				t.Errorf("inline view also holds the side-by-side table")
			}
		})
	}
	doc := page(t, f.h, fmt.Sprintf("/articles/%d/diff?from=1&to=2&view=side", f.main.ID))
	side := doc.Find("#diff-side tbody.change.kind-quote_changed")
	if side.Length() != 1 {
		t.Fatalf("side view: %d quote changes, want 1", side.Length())
	}
	if b, a := side.Find("td.before").Text(), side.Find("td.after").Text(); !strings.Contains(b, "boots on our soil") || strings.Contains(b, "troops") || !strings.Contains(a, "troops") || strings.Contains(a, "boots") {
		t.Errorf("side view: before %q, after %q", b, a)
	}
	if side.Find("td.before ins").Length() != 0 || side.Find("td.after del").Length() != 0 {
		t.Errorf("side view mixes insertions into the old side or deletions into the new")
	}
	if doc.Find("#diff-inline").Length() != 0 {
		t.Errorf("side view also holds the inline list")
	}
	same := page(t, f.h, fmt.Sprintf("/articles/%d/diff?from=2&to=2", f.main.ID))
	if same.Find("#no-changes").Length() != 1 {
		t.Errorf("a version against itself does not say there is no change")
	}
}

// TestDiffPage_Moves checks that a moved paragraph is shown as a move.
func TestDiffPage_Moves(t *testing.T) {
	st := openStore(t)
	a, err := st.AddArticle(t.Context(), snapshots.Article{URL: "https://news.example/moved", FirstSeen: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	paras := []string{
		"The council met on Monday to discuss the budget for the coming year.",
		"Residents raised concerns about the state of the roads in the north.",
		"The mayor promised a decision on the new library before the summer.",
		"Officials said the vote would take place in the spring session.",
	}
	for i, text := range []string{strings.Join(paras, "\n\n"), strings.Join([]string{paras[3], paras[0], paras[1], paras[2]}, "\n\n")} {
		if err := st.Save(t.Context(), &snapshots.Check{ArticleID: a.ID, At: time.Now(), Status: 200}, &snapshots.Version{Title: "Council", Text: text, Raw: fmt.Appendf(nil, "%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	doc := page(t, web.New(st, web.Options{}), fmt.Sprintf("/articles/%d/diff?from=1&to=2", a.ID))
	move := doc.Find("#diff-inline li.change.move")
	if move.Length() == 0 {
		t.Fatalf("no move shown:\n%s", doc.Find("main").Text())
	}
	if got := move.Find(".location").Text(); !strings.Contains(got, "moved") {
		t.Errorf("move location %q does not say moved", got)
	}
}

func TestAPI(t *testing.T) {
	f := newFixture(t)
	decode := func(target string, v any) {
		t.Helper()
		res, body := get(t, f.h, target)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Fatalf("GET %s: %d %s", target, res.StatusCode, res.Header.Get("Content-Type"))
		}
		dec := json.NewDecoder(strings.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err != nil {
			t.Fatalf("GET %s: %v\n%s", target, err, body)
		}
	}
	type article struct {
		ID        int64    `json:"id"`
		URL       string   `json:"url"`
		Source    string   `json:"source"`
		Tags      []string `json:"tags"`
		Title     string   `json:"title"`
		Versions  int      `json:"versions"`
		FirstSeen string   `json:"first_seen"`
		LastCheck *struct {
			At      string `json:"at"`
			Outcome string `json:"outcome"`
		} `json:"last_check"`
		LastChange *struct {
			At       string   `json:"at"`
			Version  int      `json:"version"`
			Severity string   `json:"severity"`
			Reread   bool     `json:"reread"`
			Kinds    []string `json:"kinds"`
		} `json:"last_change"`
	}
	var list struct {
		Total    int       `json:"total"`
		Page     int       `json:"page"`
		PerPage  int       `json:"per_page"`
		Articles []article `json:"articles"`
	}
	decode("/api/articles?source=ledger", &list)
	if list.Total != 2 || len(list.Articles) != 2 || list.Page != 1 || list.PerPage != 50 {
		t.Fatalf("/api/articles: %+v", list)
	}
	m := list.Articles[0]
	if m.ID != f.main.ID || m.Versions != 2 || m.LastChange == nil || m.LastChange.Severity != "high" || m.LastChange.Reread ||
		m.LastChange.Version != 2 || m.LastCheck == nil || m.LastCheck.Outcome != "new_version" || len(m.Tags) != 2 {
		t.Errorf("/api/articles: first article %+v", m)
	}
	if s := list.Articles[1]; s.LastChange != nil || s.Versions != 1 {
		t.Errorf("/api/articles: unchanged article %+v", s)
	}

	var versions struct {
		Article  article `json:"article"`
		Versions []struct {
			Number     int                `json:"number"`
			At         string             `json:"at"`
			Title      string             `json:"title"`
			Byline     string             `json:"byline"`
			Published  string             `json:"published"`
			Modified   string             `json:"modified"`
			Dek        string             `json:"dek"`
			Reread     bool               `json:"reread"`
			TextSHA256 string             `json:"text_sha256"`
			RawSHA256  string             `json:"raw_sha256"`
			PrevHash   string             `json:"prev_hash"`
			ChainHash  string             `json:"chain_hash"`
			Severity   string             `json:"severity"`
			Kinds      []string           `json:"kinds"`
			Changes    *diffing.ChangeSet `json:"changes"`
		} `json:"versions"`
	}
	decode(fmt.Sprintf("/api/articles/%d/versions", f.main.ID), &versions)
	if len(versions.Versions) != 2 || versions.Versions[0].Changes != nil || versions.Versions[1].Changes == nil ||
		versions.Versions[1].PrevHash != versions.Versions[0].ChainHash {
		t.Fatalf("/api/articles/%d/versions: %+v", f.main.ID, versions)
	}

	var cs diffing.ChangeSet
	decode(fmt.Sprintf("/api/diff?article=%d&from=1&to=2", f.main.ID), &cs)
	if cs.Summary.Counts[diffing.QuoteChanged] != 1 || cs.Summary.Severity != diffing.SeverityHigh {
		t.Errorf("/api/diff: summary %+v", cs.Summary)
	}
	var rev diffing.ChangeSet
	decode(fmt.Sprintf("/api/diff?article=%d&from=2&to=1", f.main.ID), &rev)
	if rev.Summary.Counts[diffing.QuoteChanged] != 1 {
		t.Errorf("/api/diff reversed: summary %+v", rev.Summary)
	}
	for _, bad := range []string{"/api/diff?article=x&from=1&to=2", "/api/diff?article=1&from=0&to=2", "/api/diff?from=1&to=2", "/api/articles?kind=nope"} {
		if res, _ := get(t, f.h, bad); res.StatusCode != http.StatusBadRequest {
			t.Errorf("GET %s: status %d, want 400", bad, res.StatusCode)
		}
	}
	if res, _ := get(t, f.h, fmt.Sprintf("/api/diff?article=%d&from=1&to=9", f.main.ID)); res.StatusCode != http.StatusNotFound {
		t.Errorf("/api/diff of a missing version: status %d, want 404", res.StatusCode)
	}
}

func TestFeed(t *testing.T) {
	f := newFixture(t)
	res, body := get(t, f.h, "/feed.atom?source=ledger")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/atom+xml; charset=utf-8" {
		t.Fatalf("feed: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	var feed struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		Updated string   `xml:"updated"`
		Entries []struct {
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Updated string `xml:"updated"`
			Link    struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
			Summary string `xml:"summary"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(body), &feed); err != nil {
		t.Fatalf("feed does not parse: %v\n%s", err, body)
	}
	if len(feed.Entries) != 1 {
		t.Fatalf("feed: %d entries, want 1 (only the main article changed)", len(feed.Entries))
	}
	e := feed.Entries[0]
	if !strings.HasSuffix(e.Link.Href, fmt.Sprintf("/articles/%d/diff?from=1&to=2", f.main.ID)) ||
		!strings.HasPrefix(e.Title, "[high]") || !strings.Contains(e.Summary, "quote_changed") {
		t.Errorf("feed entry %+v", e)
	}
	if _, err := time.Parse(time.RFC3339, e.Updated); err != nil {
		t.Errorf("entry updated %q: %v", e.Updated, err)
	}
	// The hostile article's entry is well-formed XML too.
	_, all := get(t, f.h, "/feed.atom")
	feed.Entries = nil
	if err := xml.Unmarshal([]byte(all), &feed); err != nil || len(feed.Entries) != 2 {
		t.Errorf("unfiltered feed: %v, %d entries, want 2", err, len(feed.Entries))
	}
}

func TestRawAndText(t *testing.T) {
	f := newFixture(t)
	v, err := f.st.Version(t.Context(), f.hostile.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	res, body := get(t, f.h, fmt.Sprintf("/articles/%d/versions/1/raw", f.hostile.ID))
	if res.StatusCode != http.StatusOK || body != string(v.Raw) {
		t.Fatalf("raw: status %d, body %q, want %q", res.StatusCode, body, v.Raw)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("raw Content-Type %q", ct)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") {
		t.Errorf("raw Content-Disposition %q, want an attachment", cd)
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") {
		t.Errorf("raw CSP %q lacks sandbox", csp)
	}
	res, body = get(t, f.h, fmt.Sprintf("/articles/%d/versions/2/text", f.main.ID))
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/plain; charset=utf-8" ||
		!strings.Contains(body, "foreign troops") {
		t.Errorf("text: %d %s %.80q", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
}

// TestHostile checks that markup and script URLs from the store reach
// every page as text: page() fails on any <script>, active attribute or
// link that is not http(s) or local.
func TestHostile(t *testing.T) {
	f := newFixture(t)
	doc := page(t, f.h, "/")
	row := doc.Find(fmt.Sprintf("#article-%d", f.hostile.ID))
	if got := row.Find("a.title").Text(); !strings.Contains(got, "<script>alert(1)</script>") {
		t.Errorf("hostile title shown as %q, want the markup as text", got)
	}
	if row.Find("a.url").Length() != 0 || !strings.HasPrefix(row.Find("span.url").Text(), "javascript:") {
		t.Errorf("a javascript: URL is linked, or not shown as text")
	}
	for _, target := range []string{
		fmt.Sprintf("/articles/%d", f.hostile.ID),
		fmt.Sprintf("/articles/%d/diff?from=1&to=2", f.hostile.ID),
		fmt.Sprintf("/articles/%d/diff?from=2&to=1&view=side", f.hostile.ID),
		"/?q=" + "%3Cscript%3E",
		"/?source=%22%3E%3Cscript%3E",
	} {
		page(t, f.h, target)
	}
	doc = page(t, f.h, fmt.Sprintf("/articles/%d/diff?from=1&to=2", f.hostile.ID))
	if got := doc.Find("#diff-inline").Text(); !strings.Contains(got, "alert(5)</script>") || !strings.Contains(got, "<img src=x onerror=alert(4)>") {
		t.Errorf("inserted markup shown as %q, want it as text", got)
	}
}

func TestMethods(t *testing.T) {
	f := newSiteFixture(t)
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, "PROPFIND"} {
		for _, target := range []string{"/", "/api/articles", fmt.Sprintf("/articles/%d", f.main.ID), "/nowhere"} {
			res, _ := do(t, f.h, m, target)
			if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, HEAD" {
				t.Errorf("%s %s: status %d, Allow %q; want 405, GET, HEAD", m, target, res.StatusCode, res.Header.Get("Allow"))
			}
		}
	}
	srv := httptest.NewServer(f.h)
	defer srv.Close()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodHead, srv.URL+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || len(body) != 0 {
		t.Errorf("HEAD /: status %d, %d bytes of body", res.StatusCode, len(body))
	}
	checkHeaders(t, "HEAD /", res)
}

func TestNotFoundAndBadRequest(t *testing.T) {
	f := newSiteFixture(t)
	id := f.main.ID
	for _, tc := range []struct {
		target string
		status int
	}{
		{"/nowhere", 404},
		{"/articles/", 404},
		{"/articles/abc", 404},
		{"/articles/0", 404},
		{"/articles/-1", 404},
		{"/articles/99999999999999999999", 404},
		{"/articles/12345", 404},
		{"/articles/12345/diff?from=1&to=2", 404},
		{fmt.Sprintf("/articles/%d/diff?from=1&to=99", id), 404},
		{fmt.Sprintf("/articles/%d/diff?from=x&to=2", id), 400},
		{fmt.Sprintf("/articles/%d/diff?to=2", id), 400},
		{fmt.Sprintf("/articles/%d/diff?from=1&to=2&view=3d", id), 400},
		{fmt.Sprintf("/articles/%d/versions/0/raw", id), 404},
		{fmt.Sprintf("/articles/%d/versions/x/text", id), 404},
		{fmt.Sprintf("/articles/%d/versions/9/raw", id), 404},
		{"/articles/x/versions/1/raw", 404},
		{"/api/articles/x/versions", 404},
		{"/api/articles/12345/versions", 404},
		{fmt.Sprintf("/articles/%d?checks=0", id), 400},
		{"/?q=" + strings.Repeat("a", 201), 400},
	} {
		res, body := get(t, f.h, tc.target)
		if res.StatusCode != tc.status {
			t.Errorf("GET %s: status %d, want %d (%q)", tc.target, res.StatusCode, tc.status, body)
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
			t.Errorf("GET %s: Content-Type %q, want a plain message", tc.target, ct)
		}
	}
}

func TestStyle(t *testing.T) {
	res, body := get(t, web.New(openStore(t), web.Options{}), "/static/style.css")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/css; charset=utf-8" || !strings.Contains(body, "ins {") {
		t.Errorf("style.css: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

// panicky is a store whose listing panics: a bug no request can provoke
// in the real stores.
type panicky struct{ *sqlite.Store }

func (panicky) ListArticles(context.Context, snapshots.ListFilter) (snapshots.ListPage, error) {
	panic("boom")
}

func TestPanicIsA500(t *testing.T) {
	var logs strings.Builder
	h := web.New(panicky{openStore(t)}, web.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	res, body := get(t, h, "/")
	if res.StatusCode != http.StatusInternalServerError || strings.Contains(body, "boom") {
		t.Errorf("panic: status %d, body %q; want 500 without the panic's text", res.StatusCode, body)
	}
	if !strings.Contains(logs.String(), "boom") {
		t.Errorf("the panic was not logged: %q", logs.String())
	}
}

// testLogger writes the server's logs to the test's output, where a 500
// explains itself.
func testLogger(tb testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tb.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// TestAPI_EscapesHidden: the API writes JSON as reports do
// (report.WriteJSON): a bidi override in a stored title is escaped, so a
// terminal shown the answer (curl) cannot reorder the line, and decodes
// to the title as stored.
func TestAPI_EscapesHidden(t *testing.T) {
	st := openStore(t)
	a, err := st.AddArticle(t.Context(), snapshots.Article{URL: "https://news.example/a", Source: "ledger", FirstSeen: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	title := "Budget \u202eapproved"
	if err := st.Save(t.Context(), &snapshots.Check{ArticleID: a.ID, At: time.Now(), Status: 200}, &snapshots.Version{Title: title, Text: "The council met."}); err != nil {
		t.Fatal(err)
	}
	h := web.New(st, web.Options{Logger: testLogger(t)})
	_, body := get(t, h, fmt.Sprintf("/api/articles/%d/versions", a.ID))
	if strings.Contains(body, "\u202e") || !strings.Contains(body, `\u202e`) {
		t.Errorf("versions API: want the override escaped as \\u202e, got\n%s", body)
	}
	var got struct {
		Versions []struct{ Title string } `json:"versions"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil || len(got.Versions) != 1 || got.Versions[0].Title != title {
		t.Errorf("decoded %+v, %v; want the title as stored", got, err)
	}
}
