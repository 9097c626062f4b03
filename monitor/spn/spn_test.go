package spn_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/redline-news/redline/internal/retry"
	"github.com/redline-news/redline/internal/retry/retrytest"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/monitor/spn"
	"github.com/redline-news/redline/monitor/spn/spntest"
	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/sqlite"
	"github.com/redline-news/redline/snapshots/storetest"
)

var now = time.Date(2025, 12, 7, 15, 29, 0, 0, time.UTC)

// newClient returns a client of srv through a Guard that allows srv's
// address alone, its waits recorded in w.
func newClient(t *testing.T, srv *spntest.Server, w *retrytest.Waits, tune func(*spn.Options)) *spn.Client {
	t.Helper()
	ap := netip.MustParseAddrPort(srv.Listener.Addr().String())
	opt := spn.Options{
		SaveURL: srv.URL + "/save", AccessKey: spntest.AccessKey, SecretKey: spntest.SecretKey,
		Dial:  fetch.NewGuard(fetch.GuardOptions{Allow: []netip.AddrPort{ap}}).DialContext,
		Sleep: w.Sleep, Now: func() time.Time { return now },
		Interval: 10 * time.Second, PollInterval: 5 * time.Second, MaxPolls: 4, Tries: 3,
	}
	if tune != nil {
		tune(&opt)
	}
	c, err := spn.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSave_PendingThenSuccess(t *testing.T) {
	srv := spntest.New(t)
	var w retrytest.Waits
	c := newClient(t, srv, &w, nil)
	const page = "https://news.example/2025/12/07/story?id=4"
	got, err := c.Save(t.Context(), page)
	if err != nil {
		t.Fatal(err)
	}
	want := srv.URL + "/web/" + spntest.Stamp + "/" + page
	if got.Archive != want || got.Timestamp != spntest.Stamp || !got.At.Equal(time.Date(2025, 12, 7, 15, 30, 0, 0, time.UTC)) || got.JobID != "spn2-1" {
		t.Errorf("Save = %+v, want capture %s", got, want)
	}
	posts, polls := srv.Seen()
	if len(posts) != 1 || posts[0] != page || polls != 2 {
		t.Errorf("stand-in saw posts %q and %d polls, want the page once, then pending and success", posts, polls)
	}
	if !w.Has(5 * time.Second) {
		t.Errorf("waits %v, want the poll interval", w.All())
	}
}

func TestSave_RetryAfter(t *testing.T) {
	srv := spntest.New(t)
	var w retrytest.Waits
	// The backoff draws its whole bound, so its wait is known: 4s before
	// the third try.
	c := newClient(t, srv, &w, func(o *spn.Options) {
		o.Backoff = retry.Backoff{Base: 2 * time.Second, Max: time.Minute, Draw: func(d time.Duration) time.Duration { return d }}
	})
	const page = "https://news.example/busy"
	srv.Script(page, spntest.Answer(http.StatusTooManyRequests, "7", `{"status":"error","message":"You have already reached the limit of active sessions"}`),
		spntest.Answer(http.StatusServiceUnavailable, "", "Service Unavailable"))
	got, err := c.Save(t.Context(), page)
	if err != nil {
		t.Fatal(err)
	}
	if got.Archive == "" {
		t.Errorf("Save = %+v, want a capture after the retries", got)
	}
	if posts, _ := srv.Seen(); len(posts) != 3 {
		t.Errorf("stand-in saw %d submissions, want 3 (429, 503, then the job)", len(posts))
	}
	if !w.Has(7*time.Second) || !w.Has(4*time.Second) {
		t.Errorf("waits %v, want the 7s Retry-After obeyed, then the 4s backoff after the 503 without one", w.All())
	}
}

func TestSave_RateLimited(t *testing.T) {
	srv := spntest.New(t)
	var w retrytest.Waits
	c := newClient(t, srv, &w, nil)
	for _, p := range []string{"https://news.example/a", "https://news.example/b"} {
		if _, err := c.Save(t.Context(), p); err != nil {
			t.Fatal(err)
		}
	}
	// The clock stands still, so the second submission waits the whole
	// interval; the first waits nothing.
	ws := w.All()
	if ws[0] != 0 || !w.Has(10*time.Second) {
		t.Errorf("waits %v, want 0 before the first submission and the 10s interval before the second", ws)
	}
}

func TestSave_Errors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		script []func(http.ResponseWriter)
		status func(http.ResponseWriter)
		tune   func(*spn.Options)
		want   string // in the error
		posts  int
	}{
		{"refused", []func(http.ResponseWriter){spntest.Answer(200, "", `{"status":"error","status_ext":"error:blocked-url","message":"This URL is in the Wayback Machine's exclusion list"}`)},
			nil, nil, "error:blocked-url: This URL is in the Wayback Machine's exclusion list", 1},
		{"unauthorized", []func(http.ResponseWriter){spntest.Answer(401, "", `{"message":"bad keys"}`)},
			nil, nil, "HTTP 401 Unauthorized: bad keys", 1},
		{"server_errors", []func(http.ResponseWriter){spntest.Answer(502, "", "x"), spntest.Answer(502, "", "x"), spntest.Answer(502, "", "x")},
			nil, nil, "HTTP 502 Bad Gateway", 3},
		{"retry_after_too_long", []func(http.ResponseWriter){spntest.Answer(429, "3600", "{}")},
			nil, nil, "HTTP 429 Too Many Requests", 1},
		{"no_job_id", []func(http.ResponseWriter){spntest.Answer(200, "", `{"url":"x"}`)},
			nil, nil, "no job_id in the answer", 1},
		{"not_json", []func(http.ResponseWriter){spntest.Answer(200, "", `<html>maintenance</html>`)},
			nil, nil, "bad answer: not JSON", 1},
		{"job_failed", nil, func(w http.ResponseWriter) {
			spntest.WriteJSON(w, map[string]string{"status": "error", "status_ext": "error:service-unavailable", "message": "Archive is overloaded\x1b[31m"})
		}, nil, "error:service-unavailable: Archive is overloaded", 1},
		// The message is cut at 300 characters, between runes: cut at
		// 300 bytes it once ended in half an "é", invalid UTF-8.
		{"long_message", nil, func(w http.ResponseWriter) {
			spntest.WriteJSON(w, map[string]string{"status": "error", "status_ext": "error:x", "message": "a" + strings.Repeat("é", 400)})
		}, nil, "error:x: a" + strings.Repeat("é", 299) + "…", 1},
		{"bad_timestamp", nil, func(w http.ResponseWriter) {
			spntest.WriteJSON(w, map[string]string{"status": "success", "timestamp": "2025-12-07"})
		}, nil, `timestamp "2025-12-07" is not 14 digits`, 1},
		{"still_pending", nil, func(w http.ResponseWriter) { spntest.WriteJSON(w, map[string]string{"status": "pending"}) },
			func(o *spn.Options) { o.MaxPolls = 3 }, "pending: job spn2-1 not done after 3 polls", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := spntest.New(t)
			var w retrytest.Waits
			c := newClient(t, srv, &w, tc.tune)
			const page = "https://news.example/p"
			srv.Script(page, tc.script...)
			srv.SetStatus(page, tc.status)
			_, err := c.Save(t.Context(), page)
			var se *spn.Error
			if !errors.As(err, &se) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), page) {
				t.Fatalf("Save = %v, want an *spn.Error naming %s and saying %q", err, page, tc.want)
			}
			if strings.Contains(err.Error(), "\x1b") {
				t.Errorf("error %q keeps an escape sequence", err)
			}
			if !utf8.ValidString(err.Error()) {
				t.Errorf("error %q is not valid UTF-8", err)
			}
			if posts, _ := srv.Seen(); len(posts) != tc.posts {
				t.Errorf("stand-in saw %d submissions, want %d", len(posts), tc.posts)
			}
		})
	}
}

// The archive is reached through the Guard: a loopback address it does
// not allow is refused before any request is sent, and not tried again.
func TestSave_Guarded(t *testing.T) {
	srv := spntest.New(t)
	var w retrytest.Waits
	c := newClient(t, srv, &w, func(o *spn.Options) { o.Dial = fetch.NewGuard(fetch.GuardOptions{}).DialContext })
	_, err := c.Save(t.Context(), "https://news.example/a")
	var ae *fetch.AddrError
	if !errors.As(err, &ae) {
		t.Fatalf("Save through a Guard refusing loopback = %v, want a *fetch.AddrError", err)
	}
	if posts, _ := srv.Seen(); len(posts) != 0 {
		t.Errorf("stand-in saw %q, want nothing", posts)
	}
}

func TestNew_Refuses(t *testing.T) {
	dial := fetch.NewGuard(fetch.GuardOptions{}).DialContext
	for _, tc := range []struct {
		opt  spn.Options
		want string
	}{
		{spn.Options{SaveURL: "ftp://web.archive.org/save", AccessKey: "a", SecretKey: "b", Dial: dial}, `save_url "ftp://web.archive.org/save"`},
		{spn.Options{SecretKey: "b", Dial: dial}, "keys missing"},
		{spn.Options{AccessKey: "a:b", SecretKey: "b", Dial: dial}, "colon"},
		{spn.Options{AccessKey: "a", SecretKey: "b"}, "no dialer"},
	} {
		if _, err := spn.New(tc.opt); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) = %v, want an error saying %q", tc.opt, err, tc.want)
		}
	}
}

// archiverSetup is a stand-in, a client of it and an empty store.
func archiverSetup(t *testing.T) (*spntest.Server, *spn.Client, *sqlite.Store) {
	t.Helper()
	srv := spntest.New(t)
	var w retrytest.Waits
	c := newClient(t, srv, &w, nil)
	return srv, c, storetest.Open(t, sqlite.New(filepath.Join(t.TempDir(), "r.db"), slog.New(slog.DiscardHandler)))
}

// The Archiver works through the store's queue: a capture made is
// stored, a failure is reported once and retried on later runs, up to
// MaxAttempts, and never touches the version.
func TestArchiver_QueueRetryGiveUp(t *testing.T) {
	srv, c, st := archiverSetup(t)
	good := storetest.AddArticle(t, st, "https://news.example/good")
	bad := storetest.AddArticle(t, st, "https://news.example/refused")
	vg := storetest.SaveBody(t, st, good, 1, "first text", "<p>first</p>")
	vb := storetest.SaveBody(t, st, bad, 1, "other text", "<p>other</p>")
	refuse := spntest.Answer(200, "", `{"status":"error","status_ext":"error:blocked-url","message":"excluded"}`)
	srv.Script(bad.URL, refuse, refuse, refuse)
	a := spn.NewArchiver(c, st, spn.ArchiverOptions{MaxAttempts: 2, Now: func() time.Time { return now }})

	fs, err := a.Run(t.Context(), []int64{vg.ID, vb.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].URL != bad.URL || fs[0].Version != 1 || fs[0].Source != "example" || !strings.Contains(fs[0].Err.Error(), "error:blocked-url") {
		t.Fatalf("first run's failures = %+v, want the refused page's", fs)
	}
	caps, err := st.ArticleCaptures(t.Context(), good.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(caps) != 1 || caps[0].Archive != srv.URL+"/web/"+spntest.Stamp+"/"+good.URL || caps[0].Number != 1 {
		t.Errorf("good's captures = %+v, want its version 1's", caps)
	}

	// Second run: the failure is retried quietly; third: given up.
	if fs, err = a.Run(t.Context(), nil); err != nil || len(fs) != 0 {
		t.Errorf("second run = %+v, %v, want a quiet retry", fs, err)
	}
	if fs, err = a.Run(t.Context(), nil); err != nil || len(fs) != 0 {
		t.Errorf("third run = %+v, %v, want nothing", fs, err)
	}
	posts, _ := srv.Seen()
	if want := []string{good.URL, bad.URL, bad.URL}; strings.Join(posts, " ") != strings.Join(want, " ") {
		t.Errorf("submissions %q, want %q: the refused page tried twice, then given up", posts, want)
	}
	pending, err := st.PendingCaptures(t.Context(), snapshots.CaptureFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0].Attempts != 2 || !strings.Contains(pending[0].Error, "excluded") {
		t.Errorf("queue = %+v, want the refused page with 2 failed rounds and its error", pending)
	}
	// The versions are as saved.
	storetest.Verified(t, st)
}

// An archive that is down never blocks the run past its budget, and what
// it did not reach stays queued without losing a round.
func TestArchiver_BudgetKeepsQueue(t *testing.T) {
	srv, c, st := archiverSetup(t)
	art := storetest.AddArticle(t, st, "https://news.example/a")
	v := storetest.SaveBody(t, st, art, 1, "text", "<p>text</p>")
	// A budget already spent, as a slow archive leaves it.
	a := spn.NewArchiver(c, st, spn.ArchiverOptions{Budget: -1, Now: func() time.Time { return now }})
	fs, err := a.Run(t.Context(), []int64{v.ID})
	if err != nil || len(fs) != 0 {
		t.Fatalf("Run = %+v, %v, want no failure", fs, err)
	}
	pending, err := st.PendingCaptures(t.Context(), snapshots.CaptureFilter{})
	if err != nil || len(pending) != 1 || pending[0].Attempts != 0 || pending[0].VersionID != v.ID {
		t.Errorf("queue = %+v, %v, want the version queued, no round spent", pending, err)
	}
	if posts, _ := srv.Seen(); len(posts) != 0 {
		t.Errorf("stand-in saw %q with the budget spent", posts)
	}
}

// TestArchiver_TwoProcesses: two Archivers sharing one store (two workers
// of a PostgreSQL store, or a `check` beside the daemon) run at once over
// one queue; each queued version is submitted once, by one of them.
func TestArchiver_TwoProcesses(t *testing.T) {
	srv, c, st := archiverSetup(t)
	var ids []int64
	for i := range 8 {
		art := storetest.AddArticle(t, st, fmt.Sprintf("https://news.example/%d", i))
		ids = append(ids, storetest.SaveBody(t, st, art, 1, fmt.Sprintf("text %d", i), "<p>x</p>").ID)
	}
	opt := spn.ArchiverOptions{Batch: len(ids), Now: func() time.Time { return now }}
	first, second := spn.NewArchiver(c, st, opt), spn.NewArchiver(c, st, opt)
	if err := st.QueueCaptures(t.Context(), ids, now); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, a := range []*spn.Archiver{first, second} {
		wg.Go(func() {
			if _, err := a.Run(t.Context(), nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	posts, _ := srv.Seen()
	seen := map[string]int{}
	for _, p := range posts {
		seen[p]++
	}
	if len(posts) != len(ids) || len(seen) != len(ids) {
		t.Errorf("%d submissions of %d pages, want each of the %d once: %q", len(posts), len(seen), len(ids), posts)
	}
}

// finishingStore runs during, when the queue is read for the n-th time,
// after the read: as a cycle that ends just as the Run at work has found
// nothing more to submit.
type finishingStore struct {
	snapshots.Captures
	mu     sync.Mutex
	reads  int
	n      int
	during func()
}

func (s *finishingStore) PendingCaptures(ctx context.Context, f snapshots.CaptureFilter) ([]snapshots.Capture, error) {
	got, err := s.Captures.PendingCaptures(ctx, f)
	s.mu.Lock()
	s.reads++
	run := s.reads == s.n
	s.mu.Unlock()
	if run {
		s.during()
	}
	return got, err
}

// TestArchiver_QueuedWhileFinishing: sources' cycles end concurrently
// (the daemon runs one per source). A version queued by a cycle whose
// Run finds another Run at work, just after that one read the queue for
// the last time, is submitted by that Run before it returns, not left for
// the next cycle (a quarter of an hour later).
func TestArchiver_QueuedWhileFinishing(t *testing.T) {
	srv, c, st := archiverSetup(t)
	first := storetest.SaveBody(t, st, storetest.AddArticle(t, st, "https://news.example/first"), 1, "first text", "<p>first</p>")
	late := storetest.SaveBody(t, st, storetest.AddArticle(t, st, "https://news.example/late"), 1, "late text", "<p>late</p>")
	fs := &finishingStore{Captures: st, n: 2} // the second read finds nothing new
	a := spn.NewArchiver(c, fs, spn.ArchiverOptions{Now: func() time.Time { return now }})
	fs.during = func() {
		// The late cycle's Run: it queues, finds the first Run at work,
		// and leaves the submitting to it.
		if got, err := a.Run(t.Context(), []int64{late.ID}); err != nil || len(got) != 0 {
			t.Errorf("the late cycle's Run = %+v, %v", got, err)
		}
	}
	if got, err := a.Run(t.Context(), []int64{first.ID}); err != nil || len(got) != 0 {
		t.Fatalf("Run = %+v, %v", got, err)
	}
	if posts, _ := srv.Seen(); strings.Join(posts, " ") != "https://news.example/first https://news.example/late" {
		t.Errorf("submissions %q, want the first page's, then the late one's", posts)
	}
	if pending, err := st.PendingCaptures(t.Context(), snapshots.CaptureFilter{}); err != nil || len(pending) != 0 {
		t.Errorf("queue after the Run = %+v, %v; want empty", pending, err)
	}
}
