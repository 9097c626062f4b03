package fetch_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/monitor/fetch"
)

// TestNewServiceClient: the client notify, SPN and the TSA share goes
// through the Guard it is given (an address the Guard does not allow is
// refused before any request), reads an answer, and refuses headers over
// 64 KiB (the TSA client once took net/http's 10 MiB).
func TestNewServiceClient(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/huge" {
			w.Header().Set("X-Pad", strings.Repeat("x", 70<<10))
		}
		io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		t.Error("the client reached a server its Guard does not allow")
	}))
	t.Cleanup(other.Close)
	c := fetch.NewServiceClient(allowing(t, srv).DialContext, 5*time.Second)

	get := func(url string) (string, error) {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return string(b), err
	}
	if body, err := get(srv.URL + "/"); err != nil || body != "ok" {
		t.Errorf("GET allowed server = %q, %v; want ok", body, err)
	}
	var ae *fetch.AddrError
	if _, err := get(other.URL + "/"); !errors.As(err, &ae) {
		t.Errorf("GET of an address the Guard refuses = %v, want an *AddrError", err)
	}
	if _, err := get(srv.URL + "/huge"); err == nil || !strings.Contains(err.Error(), "header") {
		t.Errorf("GET with 70 KiB of headers = %v, want the header cap's error", err)
	}
}
