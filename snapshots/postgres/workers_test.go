package postgres_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/postgres"
)

// site is a local news site that counts the GETs of each URL.
type site struct {
	srv  *httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func newSite(t *testing.T) *site {
	t.Helper()
	s := &site{hits: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<html><h1>Story %s</h1><p>Text of %s.</p></html>", r.URL.Path, r.URL.Path)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *site) url(i int) string { return fmt.Sprintf("%s/story/%d", s.srv.URL, i) }

// hitsOf returns how many times the article at url was fetched.
func (s *site) hitsOf(url string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[url[len(s.srv.URL):]]
}

// worker is one process of a deployment: its own pool on the shared
// database.
type worker struct {
	name  string
	store *postgres.Store
	site  *site
	lease time.Duration
}

// claim asks for up to limit due articles as of now.
func (w *worker) claim(t *testing.T, now time.Time, limit int) []snapshots.Article {
	as, err := w.store.ClaimDue(t.Context(), snapshots.ClaimFilter{
		Source: "wire", Worker: w.name, Now: now, Lease: w.lease, Limit: limit})
	if err != nil {
		t.Errorf("%s: %v", w.name, err)
		return nil
	}
	return as
}

// fetch GETs the article from the site and returns the body.
func (w *worker) fetch(t *testing.T, a snapshots.Article) ([]byte, bool) {
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, a.URL, nil)
	if err != nil {
		t.Errorf("%s: %v", w.name, err)
		return nil, false
	}
	resp, err := w.site.srv.Client().Do(req)
	if err != nil {
		t.Errorf("%s: fetch %s: %v", w.name, a.URL, err)
		return nil, false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Errorf("%s: fetch %s: %v", w.name, a.URL, err)
		return nil, false
	}
	return body, true
}

// run loops claim → fetch → save as of now until nothing is due, and
// returns how many articles it checked.
func (w *worker) run(t *testing.T, now time.Time) int {
	n := 0
	for {
		as := w.claim(t, now, 20)
		if len(as) == 0 {
			return n
		}
		for _, a := range as {
			body, ok := w.fetch(t, a)
			if !ok {
				return n
			}
			c := &snapshots.Check{ArticleID: a.ID, At: now, Status: 200, FinalURL: a.URL,
				NextCheck: now.Add(time.Hour)}
			v := &snapshots.Version{Title: a.URL, Text: string(body), Raw: body}
			if err := w.store.Save(t.Context(), c, v); err != nil {
				t.Errorf("%s: %v", w.name, err)
				return n
			}
			n++
		}
	}
}

// deployment adds n articles of source "wire" to a new schema and returns
// the site serving them and workers, each with its own store.
func deployment(t *testing.T, n int, names ...string) (*site, []*worker, []snapshots.Article) {
	t.Helper()
	dsn := newSchema(t)
	st := newSite(t)
	var ws []*worker
	for _, name := range names {
		ws = append(ws, &worker{name: name, store: open(t, dsn), site: st, lease: 2 * time.Second})
	}
	var as []snapshots.Article
	for i := range n {
		a, err := ws[0].store.AddArticle(t.Context(), snapshots.Article{URL: st.url(i), Source: "wire", FirstSeen: base})
		if err != nil {
			t.Fatal(err)
		}
		as = append(as, a)
	}
	return st, ws, as
}

// checksOf returns the checks recorded for a.
func checksOf(t *testing.T, s *postgres.Store, a snapshots.Article) []snapshots.Check {
	t.Helper()
	cs, err := s.Checks(t.Context(), snapshots.CheckFilter{ArticleID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// TestWorkers_EachArticleFetchedOnce runs three workers, as three
// processes would, over 1,000 due articles: together they fetch every one,
// and none twice.
func TestWorkers_EachArticleFetchedOnce(t *testing.T) {
	const articles = 1000
	st, ws, as := deployment(t, articles, "w1", "w2", "w3")
	now := base
	done := make([]int, len(ws))
	var wg sync.WaitGroup
	for i, w := range ws {
		wg.Go(func() { done[i] = w.run(t, now) })
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	total := 0
	for i, n := range done {
		total += n
		t.Logf("%s checked %d articles", ws[i].name, n)
	}
	if total != articles {
		t.Errorf("workers checked %d articles in all, want %d", total, articles)
	}
	for _, a := range as {
		if h := st.hitsOf(a.URL); h != 1 {
			t.Errorf("%s fetched %d times, want once", a.URL, h)
		}
		if cs := checksOf(t, ws[0].store, a); len(cs) != 1 || cs[0].Version != 1 {
			t.Errorf("%s: %d checks, want one that stored version 1", a.URL, len(cs))
		}
	}
	// The cycle is over: nothing is due until the next one.
	if left := ws[0].claim(t, now.Add(time.Minute), 0); len(left) != 0 {
		t.Errorf("%d articles still due after the cycle", len(left))
	}
}

// TestWorkers_DeadWorkersLeaseExpires has a worker claim a batch, fetch it
// and die before saving. The others check everything else; its articles
// wait for the lease to end and are then checked by a survivor.
func TestWorkers_DeadWorkersLeaseExpires(t *testing.T) {
	const articles = 300
	st, ws, as := deployment(t, articles, "dead", "w2", "w3")
	dead, live := ws[0], ws[1:]
	now := base

	held := dead.claim(t, now, 20)
	if len(held) != 20 {
		t.Fatalf("dead worker claimed %d articles, want 20", len(held))
	}
	for _, a := range held {
		if _, ok := dead.fetch(t, a); !ok {
			t.FailNow()
		}
	}
	// It dies: no Save, and its connections go away.
	if err := dead.store.Close(); err != nil {
		t.Fatal(err)
	}
	isHeld := map[int64]bool{}
	for _, a := range held {
		isHeld[a.ID] = true
	}

	cycle := func(now time.Time) int {
		done := make([]int, len(live))
		var wg sync.WaitGroup
		for i, w := range live {
			wg.Go(func() { done[i] = w.run(t, now) })
		}
		wg.Wait()
		return done[0] + done[1]
	}
	// Within the lease the survivors check all the others, and only them.
	if n := cycle(now.Add(time.Second)); n != articles-len(held) {
		t.Errorf("within the lease the survivors checked %d articles, want %d", n, articles-len(held))
	}
	for _, a := range held {
		if cs := checksOf(t, live[0].store, a); len(cs) != 0 {
			t.Errorf("%s, leased to the dead worker, checked %d times before its lease ended", a.URL, len(cs))
		}
	}
	// The lease ends 2 s after the claim; the clock moves on, no sleep.
	if n := cycle(now.Add(2 * time.Second)); n != len(held) {
		t.Errorf("after the lease the survivors checked %d articles, want the dead worker's %d", n, len(held))
	}
	if t.Failed() {
		return
	}
	for _, a := range as {
		cs := checksOf(t, live[0].store, a)
		if len(cs) != 1 {
			t.Errorf("%s: %d checks, want exactly one", a.URL, len(cs))
		}
		want := 1
		if isHeld[a.ID] {
			want = 2 // once by the dead worker, whose fetch was never saved
		}
		if h := st.hitsOf(a.URL); h != want {
			t.Errorf("%s fetched %d times, want %d", a.URL, h, want)
		}
	}
}
