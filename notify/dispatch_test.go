package notify_test

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/internal/retry/retrytest"
	"github.com/redline-news/redline/notify"
	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/sqlite"
)

// openStore opens a real SQLite store in the test's directory.
func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	s := sqlite.New(filepath.Join(t.TempDir(), "redline.db"), discard())
	if err := s.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// hookDispatcher returns a Dispatcher with one webhook to srv, adjusted by
// opt, and the waits it asks for.
func hookDispatcher(t *testing.T, srv *server, st snapshots.DeliveryStore, opt func(*notify.Options), cfgs ...notify.Config) (*notify.Dispatcher, *retrytest.Waits) {
	t.Helper()
	if len(cfgs) == 0 {
		cfgs = []notify.Config{{Name: "hook", Kind: notify.KindWebhook, URL: srv.URL + "/T0KEN", Secret: "k"}}
	}
	opts := notify.Options{HTTPClient: srv.Client(), Store: st, Logger: discard(), Now: func() time.Time { return t0 }}
	if st == nil {
		opts.Store = nil // a nil *sqlite.Store is not a nil interface
	}
	if opt != nil {
		opt(&opts)
	}
	d, err := notify.New(cfgs, opts)
	if err != nil {
		t.Fatal(err)
	}
	w := &retrytest.Waits{}
	notify.SetSleep(d, w.Sleep)
	return d, w
}

func deliveries(t *testing.T, st *sqlite.Store) []snapshots.Delivery {
	t.Helper()
	ds, err := st.Deliveries(t.Context(), snapshots.DeliveryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

var high = item("https://news.example/a", "example", "Turnout figure cut", diffing.SeverityHigh, diffing.NumberChanged)

func TestDispatcher_FiltersBySourceAndSeverity(t *testing.T) {
	srv := newServer(t)
	st := openStore(t)
	d, _ := hookDispatcher(t, srv, st, nil,
		notify.Config{Name: "a-high", Kind: notify.KindWebhook, URL: srv.URL + "/a", Secret: "k", Sources: []string{"a"}, MinSeverity: diffing.SeverityHigh},
		notify.Config{Name: "c-only", Kind: notify.KindWebhook, URL: srv.URL + "/c", Secret: "k", Sources: []string{"c"}},
	)
	dg := digest(
		item("https://a.example/1", "a", "A high", diffing.SeverityHigh, diffing.QuoteChanged),
		item("https://a.example/2", "a", "A low", diffing.SeverityLow, diffing.Cosmetic),
		item("https://b.example/1", "b", "B high", diffing.SeverityHigh, diffing.QuoteChanged),
	)
	if err := d.Send(t.Context(), dg); err != nil {
		t.Fatal(err)
	}
	reqs := srv.requests()
	if len(reqs) != 1 || reqs[0].path != "/a" {
		t.Fatalf("requests = %d, want one to /a (c-only has nothing to send)", len(reqs))
	}
	body := string(reqs[0].body)
	if !strings.Contains(body, "A high") || strings.Contains(body, "A low") || strings.Contains(body, "B high") {
		t.Errorf("a-high got %s, want only the high item from source a", body)
	}
	if ds := deliveries(t, st); len(ds) != 1 || ds[0].Notifier != "a-high" || ds[0].Status != snapshots.DeliverySent {
		t.Errorf("deliveries = %+v, want one sent to a-high", ds)
	}
}

func TestDispatcher_RetriesWithBackoff(t *testing.T) {
	srv := newServer(t, status(500), status(502))
	st := openStore(t)
	d, w := hookDispatcher(t, srv, st, func(o *notify.Options) { o.Backoff = 2 * time.Second })
	if err := d.Send(t.Context(), digest(high)); err != nil {
		t.Fatal(err)
	}
	reqs := srv.requests()
	if len(reqs) != 3 {
		t.Fatalf("requests = %d, want 3 (two failures, then success)", len(reqs))
	}
	if reqs[0].header.Get("X-Redline-Delivery") != reqs[2].header.Get("X-Redline-Delivery") {
		t.Error("retries carry different delivery ids")
	}
	got := w.All()
	if len(got) != 2 || got[0] < time.Second || got[0] > 2*time.Second || got[1] < 2*time.Second || got[1] > 4*time.Second {
		t.Errorf("waits = %v, want one in [1s,2s] then one in [2s,4s]: doubling, jittered", got)
	}
	ds := deliveries(t, st)
	if len(ds) != 1 || ds[0].Status != snapshots.DeliverySent || ds[0].Attempts != 1 || ds[0].Error != "" || !ds[0].LastAttempt.Equal(t0) {
		t.Errorf("delivery = %+v, want sent after 1 round", ds)
	}
}

func TestDispatcher_RetryAfter(t *testing.T) {
	for _, tc := range []struct {
		name     string
		first    http.HandlerFunc
		want     []time.Duration
		requests int
		status   snapshots.DeliveryStatus
	}{
		{"seconds_429", status(429, "Retry-After", "7"), []time.Duration{7 * time.Second}, 2, snapshots.DeliverySent},
		{"date_503", status(503, "Retry-After", t0.Add(90*time.Second).Format(http.TimeFormat)), []time.Duration{90 * time.Second}, 2, snapshots.DeliverySent},
		// Longer than MaxRetryAfter: leave it to the next cycle, not block.
		{"too_long_goes_to_next_cycle", status(429, "Retry-After", "3600"), nil, 1, snapshots.DeliveryPending},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, tc.first)
			st := openStore(t)
			d, w := hookDispatcher(t, srv, st, nil)
			if err := d.Send(t.Context(), digest(high)); err != nil {
				t.Fatal(err)
			}
			if got := w.All(); len(got) != len(tc.want) || len(got) > 0 && got[0] != tc.want[0] {
				t.Errorf("waits = %v, want %v", got, tc.want)
			}
			if n := len(srv.requests()); n != tc.requests {
				t.Errorf("requests = %d, want %d", n, tc.requests)
			}
			if ds := deliveries(t, st); ds[0].Status != tc.status {
				t.Errorf("status = %s (%s), want %s", ds[0].Status, ds[0].Error, tc.status)
			}
		})
	}
}

func TestDispatcher_ClientErrorNotRetriedInRound(t *testing.T) {
	srv := newServer(t, status(400))
	st := openStore(t)
	d, w := hookDispatcher(t, srv, st, nil)
	if err := d.Send(t.Context(), digest(high)); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.requests()); n != 1 || len(w.All()) != 0 {
		t.Errorf("requests = %d, waits = %v; want 1 and none for a 400", n, w.All())
	}
	ds := deliveries(t, st)
	if ds[0].Status != snapshots.DeliveryPending || !strings.Contains(ds[0].Error, "HTTP 400") || !strings.Contains(ds[0].Error, `"hook"`) {
		t.Errorf("delivery = %+v, want pending with the reason naming the notifier and status", ds[0])
	}
	if strings.Contains(ds[0].Error, "T0KEN") || strings.Contains(ds[0].Error, "\x1b") {
		t.Errorf("error %q leaks the URL path or the response's controls", ds[0].Error)
	}
}

func TestDispatcher_RetryPendingNextCycle(t *testing.T) {
	down := status(500)
	srv := newServer(t, down, down, down, down)
	st := openStore(t)
	d, _ := hookDispatcher(t, srv, st, func(o *notify.Options) { o.Tries, o.Rounds = 2, 3 })
	ctx := t.Context()

	if err := d.Send(ctx, digest(high)); err != nil {
		t.Fatal(err)
	}
	ds := deliveries(t, st)
	if len(ds) != 1 || ds[0].Status != snapshots.DeliveryPending || ds[0].Attempts != 1 || !strings.Contains(ds[0].Error, "HTTP 500") {
		t.Fatalf("after Send: %+v, want pending after round 1 with its reason", ds)
	}
	if err := d.RetryPending(ctx); err != nil {
		t.Fatal(err)
	}
	if ds = deliveries(t, st); ds[0].Status != snapshots.DeliveryPending || ds[0].Attempts != 2 {
		t.Fatalf("after first retry: %+v, want pending after round 2", ds[0])
	}
	// The server is back (its script ran out): the third round delivers.
	if err := d.RetryPending(ctx); err != nil {
		t.Fatal(err)
	}
	if ds = deliveries(t, st); ds[0].Status != snapshots.DeliverySent || ds[0].Attempts != 3 || ds[0].Error != "" {
		t.Fatalf("after second retry: %+v, want sent", ds[0])
	}
	reqs := srv.requests()
	if len(reqs) != 5 {
		t.Errorf("requests = %d, want 2+2+1", len(reqs))
	}
	if reqs[0].header.Get("X-Redline-Delivery") != reqs[4].header.Get("X-Redline-Delivery") {
		t.Error("the retried digest has another id; receivers could not drop duplicates")
	}
	if err := notify.Verify("k", reqs[4].body, reqs[4].header.Get("X-Redline-Signature")); err != nil || !strings.Contains(string(reqs[4].body), "Turnout figure cut") {
		t.Errorf("retried body does not verify or lost its items: %v", err)
	}
	if err := d.RetryPending(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.requests()); n != 5 {
		t.Errorf("a sent delivery was sent again: %d requests", n)
	}
}

func TestDispatcher_GivesUpAfterRounds(t *testing.T) {
	down := status(503)
	srv := newServer(t, down, down, down, down, down)
	st := openStore(t)
	d, _ := hookDispatcher(t, srv, st, func(o *notify.Options) { o.Tries, o.Rounds = 1, 2 })
	if err := d.Send(t.Context(), digest(high)); err != nil {
		t.Fatal(err)
	}
	if err := d.RetryPending(t.Context()); err != nil {
		t.Fatal(err)
	}
	ds := deliveries(t, st)
	if ds[0].Status != snapshots.DeliveryFailed || ds[0].Attempts != 2 || !strings.Contains(ds[0].Error, "HTTP 503") {
		t.Errorf("delivery = %+v, want failed after 2 rounds, reason kept", ds[0])
	}
	if err := d.RetryPending(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.requests()); n != 2 {
		t.Errorf("requests = %d, want 2: a failed delivery is not retried", n)
	}
}

func TestDispatcher_RetryPendingStopsAtFirstFailure(t *testing.T) {
	down := status(500)
	srv := newServer(t, down, down, down)
	st := openStore(t)
	d, _ := hookDispatcher(t, srv, st, func(o *notify.Options) { o.Tries = 1 })
	for range 2 {
		if err := d.Send(t.Context(), digest(high)); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.RetryPending(t.Context()); err != nil {
		t.Fatal(err)
	}
	ds := deliveries(t, st)
	if n := len(srv.requests()); n != 3 || ds[0].Attempts != 2 || ds[1].Attempts != 1 {
		t.Errorf("requests = %d, attempts = %d, %d; want the second delivery left for the next cycle", n, ds[0].Attempts, ds[1].Attempts)
	}
}

func TestDispatcher_RemovedNotifierFails(t *testing.T) {
	srv := newServer(t, status(500))
	st := openStore(t)
	old, _ := hookDispatcher(t, srv, st, func(o *notify.Options) { o.Tries = 1 },
		notify.Config{Name: "old", Kind: notify.KindWebhook, URL: srv.URL, Secret: "k"})
	if err := old.Send(t.Context(), digest(high)); err != nil {
		t.Fatal(err)
	}
	d, _ := hookDispatcher(t, srv, st, nil)
	if err := d.RetryPending(t.Context()); err != nil {
		t.Fatal(err)
	}
	ds := deliveries(t, st)
	if ds[0].Status != snapshots.DeliveryFailed || !strings.Contains(ds[0].Error, `"old" is no longer configured`) {
		t.Errorf("delivery = %+v, want failed naming the missing notifier", ds[0])
	}
}

func TestDispatcher_WithoutStoreReturnsFailures(t *testing.T) {
	srv := newServer(t, status(500), status(500), status(500))
	d, _ := hookDispatcher(t, srv, nil, nil)
	err := d.Send(t.Context(), digest(high))
	if err == nil || !strings.Contains(err.Error(), `webhook "hook"`) || !strings.Contains(err.Error(), "HTTP 500") {
		t.Errorf("Send = %v, want the failure returned, naming the notifier", err)
	}
	if err != nil && strings.Contains(err.Error(), "T0KEN") {
		t.Errorf("Send = %v leaks the URL path", err)
	}
}

func TestDispatcher_UnreachableHidesURL(t *testing.T) {
	srv := newServer(t)
	url := srv.URL + "/T0KEN"
	srv.Close() // connection refused from now on
	d, _ := hookDispatcher(t, srv, nil, func(o *notify.Options) { o.Tries = 1 },
		notify.Config{Name: "hook", Kind: notify.KindWebhook, URL: url, Secret: "k"})
	err := d.Send(t.Context(), digest(high))
	if err == nil || strings.Contains(err.Error(), "T0KEN") {
		t.Errorf("Send = %v, want an error without the URL path", err)
	}
}

func TestDispatcher_ShutdownKeepsDeliveryPending(t *testing.T) {
	srv := newServer(t, status(500))
	st := openStore(t)
	d, _ := hookDispatcher(t, srv, st, nil)
	ctx, cancel := context.WithCancel(t.Context())
	// Shutdown arrives during the wait before the second try.
	notify.SetSleep(d, func(ctx context.Context, _ time.Duration) error { cancel(); return context.Canceled })
	if err := d.Send(ctx, digest(high)); err != nil {
		t.Fatal(err)
	}
	ds := deliveries(t, st)
	if len(ds) != 1 || ds[0].Status != snapshots.DeliveryPending || ds[0].Attempts != 0 || ds[0].Error == "" {
		t.Errorf("delivery = %+v, want pending, its reason recorded, the cut round not counted", ds)
	}
}

func TestDispatcher_RetryPendingSkipsInFlight(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	srv := newServer(t, func(w http.ResponseWriter, _ *http.Request) {
		close(arrived)
		<-release
		w.WriteHeader(http.StatusNoContent)
	})
	st := openStore(t)
	d, _ := hookDispatcher(t, srv, st, nil)
	sent := make(chan error)
	go func() { sent <- d.Send(t.Context(), digest(high)) }()
	<-arrived
	// The delivery is pending in the store while Send waits for the answer.
	if err := d.RetryPending(t.Context()); err != nil {
		t.Error(err)
	}
	close(release)
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("requests = %d, want 1: RetryPending sent a delivery Send was sending", n)
	}
}
