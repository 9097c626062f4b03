package notify_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/notify"
)

// request is what a test server saw.
type request struct {
	path   string
	header http.Header
	body   []byte
}

// server is an httptest server that records requests and answers each
// with the next scripted handler, or 204 when the script is done.
type server struct {
	*httptest.Server
	mu     sync.Mutex
	reqs   []request
	script []http.HandlerFunc
}

func newServer(t *testing.T, script ...http.HandlerFunc) *server {
	t.Helper()
	s := &server{script: script}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		n := len(s.reqs)
		s.reqs = append(s.reqs, request{r.URL.Path, r.Header.Clone(), body})
		var h http.HandlerFunc
		if n < len(s.script) {
			h = s.script[n]
		}
		s.mu.Unlock()
		if h == nil {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) requests() []request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]request(nil), s.reqs...)
}

func status(code int, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(code)
		io.WriteString(w, "nope\x1b[2J")
	}
}

func TestWebhook_SignedDigest(t *testing.T) {
	srv := newServer(t)
	cfg := notify.Config{Name: "newsroom", Kind: notify.KindWebhook, URL: srv.URL + "/hook", Secret: "s3cret"}
	d, err := notify.New([]notify.Config{cfg}, notify.Options{HTTPClient: srv.Client(), Logger: discard(), Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	dg := digest(
		item("https://news.example/a", "example", hostile, diffing.SeverityHigh, diffing.NumberChanged),
		item("https://news.example/b", "example", "Other", diffing.SeverityLow, diffing.Cosmetic),
	)
	if err := d.Send(t.Context(), dg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	reqs := srv.requests()
	if len(reqs) != 1 {
		t.Fatalf("server saw %d requests, want 1 digest for 2 items", len(reqs))
	}
	r := reqs[0]
	if err := notify.Verify("s3cret", r.body, r.header.Get("X-Redline-Signature")); err != nil {
		t.Errorf("Verify(received body) = %v", err)
	}
	if got, want := r.header.Get("X-Redline-Timestamp"), strconv.FormatInt(t0.Unix(), 10); got != want {
		t.Errorf("X-Redline-Timestamp = %q, want %q", got, want)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	var body struct {
		ID       string `json:"id"`
		Notifier string `json:"notifier"`
		SentAt   string `json:"sent_at"`
		Severity string `json:"severity"`
		Changes  int    `json:"changes"`
		Articles int    `json:"articles"`
		Report   struct {
			Items []struct {
				URL     string             `json:"url"`
				Title   string             `json:"title"`
				Changes *diffing.ChangeSet `json:"changes"`
			} `json:"items"`
		} `json:"report"`
	}
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, r.body)
	}
	if len(body.ID) != 32 || body.ID != r.header.Get("X-Redline-Delivery") {
		t.Errorf("id = %q, X-Redline-Delivery = %q; want the same 32 hex digits", body.ID, r.header.Get("X-Redline-Delivery"))
	}
	if body.Notifier != "newsroom" || body.SentAt != "2025-03-14T09:30:00Z" || body.Severity != "high" ||
		body.Changes != 2 || body.Articles != 2 || len(body.Report.Items) != 2 {
		t.Errorf("body = %+v", body)
	}
	// The report is report's JSON: most severe first, the change set intact.
	first := body.Report.Items[0]
	if first.URL != "https://news.example/a" || first.Changes == nil || first.Changes.Changes[0].Figures[0].After != "90 percent" {
		t.Errorf("first item = %+v", first)
	}
	if !strings.Contains(first.Title, "<script>") {
		t.Errorf("title %q: JSON carries scraped text as data, escaped by the encoding only", first.Title)
	}
}

func TestVerify(t *testing.T) {
	body := []byte(`{"id":"x"}`)
	good := notify.Sign("k", body)
	for _, tc := range []struct {
		name, secret, header string
		body                 []byte
		ok                   bool
	}{
		{"good", "k", good, body, true},
		{"wrong_secret", "other", good, body, false},
		{"tampered_body", "k", good, []byte(`{"id":"y"}`), false},
		{"missing", "k", "", body, false},
		{"no_prefix", "k", strings.TrimPrefix(good, "sha256="), body, false},
		{"not_hex", "k", "sha256=zz", body, false},
		{"truncated", "k", good[:len(good)-2], body, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := notify.Verify(tc.secret, tc.body, tc.header)
			if tc.ok != (err == nil) {
				t.Errorf("Verify = %v, want ok %v", err, tc.ok)
			}
			if err != nil && !errors.Is(err, notify.ErrSignature) {
				t.Errorf("Verify = %v, want it to wrap ErrSignature", err)
			}
		})
	}
}
