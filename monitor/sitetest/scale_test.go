package sitetest

import (
	"net/http"
	"net/http/httptest"
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
