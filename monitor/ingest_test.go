package monitor_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/monitor/sitetest"
	"github.com/redline-news/redline/snapshots"
)

func TestMonitor_Ingest(t *testing.T) {
	st := openStore(t)
	src := monitor.Source{Name: "import"}
	m := newMonitor(t, st, src)
	ctx := t.Context()
	const url = "https://ledger.example/story"
	art, err := st.AddArticle(ctx, snapshots.Article{URL: url, Source: src.Name, FirstSeen: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	capture := func(i int, page string) monitor.Capture {
		return monitor.Capture{
			At: t0.Add(time.Duration(i) * time.Hour),
			Response: &fetch.Response{Status: 200, FinalURL: url, Body: []byte(page),
				Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}, "Etag": {`"archived"`}}},
			Import: snapshots.Import{Archive: "news.warc.gz", Record: fmt.Sprintf("<urn:uuid:%d>", i)},
		}
	}
	title := "Push for U.S. troops in Mexico"
	edited := strings.Replace(para3, "97 percent", "90 percent", 1)

	r := m.Ingest(ctx, src, art, capture(0, sitetest.NewsPage(title, para1, para2, para3)))
	if r.Err != nil || r.Version == nil || r.Version.Number != 1 || r.Check.Outcome != snapshots.OutcomeNew {
		t.Fatalf("first capture: err %v version %+v outcome %s", r.Err, r.Version, r.Check.Outcome)
	}
	r = m.Ingest(ctx, src, art, capture(1, sitetest.NewsPage(title, para1, para2, para3)))
	if r.Err != nil || r.Version != nil || r.Check.Outcome != snapshots.OutcomeUnchanged {
		t.Fatalf("same text: err %v version %+v outcome %s, want unchanged and nothing stored", r.Err, r.Version, r.Check.Outcome)
	}
	r = m.Ingest(ctx, src, art, capture(2, sitetest.NewsPage(title, para1, para2, edited)))
	if r.Err != nil || r.Version == nil || r.Version.Number != 2 {
		t.Fatalf("edited capture: err %v version %+v", r.Err, r.Version)
	}
	// Diffed and classified as a fetched version is.
	if !hasKind(r.Changes, diffing.NumberChanged) {
		t.Errorf("changes %+v lack number_changed", r.Changes.Summary.Counts)
	}
	// Back to the first text: a revert, as the monitor marks it.
	r = m.Ingest(ctx, src, art, capture(3, sitetest.NewsPage(title, para1, para2, para3)))
	if r.Err != nil || r.RevertOf != 1 {
		t.Fatalf("reverting capture: err %v revert of %d, want 1", r.Err, r.RevertOf)
	}
	// Older than the latest version: refused, nothing stored.
	r = m.Ingest(ctx, src, art, capture(1, sitetest.NewsPage(title, "An older capture found later.")))
	if !errors.Is(r.Err, monitor.ErrBeforeLatest) || !strings.Contains(r.Err.Error(), "<urn:uuid:1>") {
		t.Errorf("older capture: err %v, want ErrBeforeLatest naming the record", r.Err)
	}

	vs, err := st.Versions(ctx, snapshots.VersionFilter{ArticleID: art.ID, WithRaw: true})
	if err != nil || len(vs) != 3 {
		t.Fatalf("versions %d (%v), want 3", len(vs), err)
	}
	for i, want := range []int{0, 2, 3} {
		if got := t0.Add(time.Duration(want) * time.Hour); !vs[i].At.Equal(got) {
			t.Errorf("version %d at %v, want the capture's time %v", vs[i].Number, vs[i].At, got)
		}
	}
	if !strings.Contains(strings.Join(vs[2].Kinds, " "), monitor.KindRevert) {
		t.Errorf("version 3 kinds %v, want %s", vs[2].Kinds, monitor.KindRevert)
	}
	imps, err := st.Imports(ctx, art.ID)
	if err != nil || len(imps) != 3 || imps[2].Record != "<urn:uuid:2>" || imps[1].Archive != "news.warc.gz" {
		t.Errorf("imports %v (%v), want the three records stored", imps, err)
	}
	// No check row for the unchanged capture, nor for the refused one;
	// and the archive's ETag did not become the article's validator.
	cs, err := st.Checks(ctx, snapshots.CheckFilter{ArticleID: art.ID})
	if err != nil || len(cs) != 3 {
		t.Errorf("checks %d (%v), want one per version", len(cs), err)
	}
	if a, _ := st.Article(ctx, url); a.ETag != "" {
		t.Errorf("article ETag %q, want none", a.ETag)
	}
}
