package sitetest

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

func TestScalePages(t *testing.T) {
	s := NewScale(100)
	get := func(path, etag string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		if etag != "" {
			r.Header.Set("If-None-Match", etag)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		return w
	}
	a, b := get("/story/1", ""), get("/story/2", "")
	if n := a.Body.Len(); n < 50<<10 || n > 80<<10 {
		t.Errorf("page is %d bytes, want about 60 KB", n)
	}
	if a.Body.String() == b.Body.String() {
		t.Error("two stories are the same page")
	}
	tag := a.Header().Get("ETag")
	if w := get("/story/1", tag); w.Code != http.StatusNotModified {
		t.Errorf("If-None-Match with the current ETag: %d, want 304", w.Code)
	}
	if s.Edit(10) != 10 {
		t.Error("Edit(10) of 100 articles did not change 10")
	}
	if w := get("/story/0", `"s0-v0"`); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "revised 1 times") {
		t.Errorf("edited story: %d", w.Code)
	}
	if w := get("/story/1", tag); w.Code != http.StatusNotModified {
		t.Error("an unedited story changed")
	}
	if f := get("/feed.xml", ""); strings.Count(f.Body.String(), "<item>") != 100 {
		t.Error("the feed does not list every story")
	}
	if w := get("/story/100", ""); w.Code != http.StatusNotFound {
		t.Errorf("story past the end: %d", w.Code)
	}
}

// TestVersions: only the articles editable accepts are edited, an edit
// changes the ETag, and a feed page lists its thousand stories at their
// own hosts.
func TestVersions(t *testing.T) {
	vs := NewVersions(30)
	if n := vs.Edit(10, func(i int) bool { return i != 10 }); n != 2 {
		t.Errorf("Edit(10) with article 10 not editable changed %d, want 2 (0 and 20)", n)
	}
	serve := func(i int, etag string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, "/story/x", nil)
		r.Header.Set("If-None-Match", etag)
		w := httptest.NewRecorder()
		vs.Serve(w, r, i, func(v uint16) []byte { return []byte(strconv.Itoa(int(v))) })
		return w
	}
	for _, tc := range []struct {
		i         int
		etag      string
		code      int
		body, tag string
	}{
		{0, `"s0-v0"`, http.StatusOK, "1", `"s0-v1"`},
		{0, `"s0-v1"`, http.StatusNotModified, "", `"s0-v1"`},
		{10, `"s10-v0"`, http.StatusNotModified, "", `"s10-v0"`},
		{20, "", http.StatusOK, "1", `"s20-v1"`},
	} {
		w := serve(tc.i, tc.etag)
		if w.Code != tc.code || w.Body.String() != tc.body || w.Header().Get("ETag") != tc.tag {
			t.Errorf("article %d, If-None-Match %s: %d %q ETag %s; want %d %q %s", tc.i, tc.etag, w.Code, w.Body, w.Header().Get("ETag"), tc.code, tc.body, tc.tag)
		}
	}

	w := httptest.NewRecorder()
	WriteFeed(w, httptest.NewRequest(http.MethodGet, "/feed.xml?page=1", nil), "Hosts", 2500, func(i int) string { return "http://h" + strconv.Itoa(i%2) })
	feed := w.Body.String()
	if n := strings.Count(feed, "<item>"); n != ScalePage || !strings.Contains(feed, "<title>Hosts</title>") ||
		!strings.Contains(feed, "<link>http://h1/story/1001?utm_source=rss</link><guid>http://h1/story/1001</guid>") || strings.Contains(feed, "/story/999<") {
		t.Errorf("page 1 of 2500 stories: %d items, want %d from story 1000 on:\n%.400s", n, ScalePage, feed)
	}
}
