package notify_test

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/internal/retry/retrytest"
	"github.com/redline-news/redline/notify"
	"github.com/redline-news/redline/notify/threadtest"
	"github.com/redline-news/redline/report"
	"github.com/redline-news/redline/report/card"
	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/sqlite"
)

const (
	mastoToken = "masto-T0KEN-secret"
	skyHandle  = "desk.standin.example"
	skyAppPass = "abcd-efgh-ijkl-mnop"
	storyURL   = "https://news.example/2025/03/14/turnout"
)

// clock is a test's Now, moved by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// threads builds a Dispatcher with one thread notifier over the guarded
// client (the notifier allowed to reach the 127.0.0.1 stand-in), keeping
// deliveries and posts in st, and returns it with the waits it asked for.
func threads(t *testing.T, cfg notify.Config, st *sqlite.Store, c *clock) (*notify.Dispatcher, *retrytest.Waits) {
	t.Helper()
	g, _ := guarded(t)
	cfg.AllowPrivate = true
	d, err := notify.New([]notify.Config{cfg}, notify.Options{Dial: g.DialContext, Store: st, Threads: st,
		Logger: discard(), Now: c.now, Tries: 3})
	if err != nil {
		t.Fatal(err)
	}
	w := &retrytest.Waits{}
	notify.SetSleep(d, w.Sleep)
	return d, w
}

func mastoConfig(m *threadtest.Mastodon) notify.Config {
	return notify.Config{Name: "masto", Kind: notify.KindMastodon, URL: m.URL, Token: mastoToken}
}

func skyConfig(b *threadtest.Bluesky) notify.Config {
	return notify.Config{Name: "sky", Kind: notify.KindBluesky, URL: b.URL + "/", Handle: "@" + skyHandle, Password: skyAppPass}
}

// change is the change of the article at url that made version to.
func change(url, title string, to int, before, after string) report.Item {
	it := item(url, "example", title, diffing.SeverityHigh, diffing.NumberChanged)
	it.FromVersion, it.ToVersion = to-1, to
	it.At = t0.Add(time.Duration(to) * time.Hour)
	c := &it.Changes.Changes[0]
	c.Before, c.After = "Turnout was "+before+".", "Turnout was "+after+"."
	c.Figures = []diffing.FigureChange{{Before: before, After: after}}
	return it
}

// onlyDelivery returns the one delivery recorded.
func onlyDelivery(t *testing.T, st *sqlite.Store) snapshots.Delivery {
	t.Helper()
	ds := deliveries(t, st)
	if len(ds) != 1 {
		t.Fatalf("%d deliveries, want 1: %+v", len(ds), ds)
	}
	return ds[0]
}

func lastPost(t *testing.T, st *sqlite.Store, notifier, url string) snapshots.ThreadPost {
	t.Helper()
	p, err := st.LastThreadPost(t.Context(), notifier, url)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestMastodon_Thread: the first change of an article starts a thread
// (headline, what changed, link), later changes reply to the last post,
// each with its card (a valid PNG) and its alt text as the description,
// and the thread carries on after a restart (a new Dispatcher over the
// same store).
func TestMastodon_Thread(t *testing.T) {
	m := threadtest.NewMastodon(t, mastoToken, 500)
	st := openStore(t)
	c := &clock{t0}
	d, _ := threads(t, mastoConfig(m), st, c)
	send := func(d *notify.Dispatcher, to int, before, after string) {
		t.Helper()
		c.t = c.t.Add(time.Hour)
		if err := d.Send(t.Context(), digest(change(storyURL, "Turnout figure revised", to, before, after))); err != nil {
			t.Fatal(err)
		}
	}
	send(d, 2, "97 percent", "90 percent")
	send(d, 3, "90 percent", "61 percent")
	d, _ = threads(t, mastoConfig(m), st, c) // a restart
	send(d, 4, "61 percent", "58 percent")

	got := m.Statuses()
	if len(got) != 3 {
		t.Fatalf("%d statuses, want 3: %+v", len(got), got)
	}
	first := got[0]
	for _, want := range []string{"Turnout figure revised", "Edited: number changed", "high severity", "version 1 → 2", `“97 percent” → “90 percent”`, storyURL} {
		if !strings.Contains(first.Text, want) {
			t.Errorf("first status lacks %q:\n%s", want, first.Text)
		}
	}
	if first.InReplyToID != "" || !strings.HasSuffix(first.Text, "\n"+storyURL) {
		t.Errorf("first status replies to %q or does not end with the link:\n%s", first.InReplyToID, first.Text)
	}
	for i, s := range got {
		if i > 0 && s.InReplyToID != got[i-1].ID {
			t.Errorf("status %d replies to %q, want %q (the one before)", i, s.InReplyToID, got[i-1].ID)
		}
		if s.Visibility != "unlisted" {
			t.Errorf("status %d visibility %q, want unlisted (the default)", i, s.Visibility)
		}
		if len(s.MediaIDs) != 1 {
			t.Fatalf("status %d has %d media, want its card", i, len(s.MediaIDs))
		}
		md := m.Media(s.MediaIDs[0])
		if md.Image.Width != 1200 || md.Image.Height != 675 {
			t.Errorf("card of status %d is %d×%d, want 1200×675", i, md.Image.Width, md.Image.Height)
		}
		if !strings.HasPrefix(md.Description, "redline diff card.") || !strings.Contains(md.Description, fmt.Sprintf("version %d", i+2)) {
			t.Errorf("media description of status %d is not the card's alt text: %q", i, md.Description)
		}
	}
	if strings.Contains(got[2].Text, "Turnout figure revised") || !strings.Contains(got[2].Text, "Edited again") {
		t.Errorf("a reply repeats the headline or does not say it is a later edit:\n%s", got[2].Text)
	}
	if p := lastPost(t, st, "masto", storyURL); p.PostID != got[2].ID || p.RootID != got[0].ID || p.Version != 4 {
		t.Errorf("stored last post %+v, want status %s of version 4 with root %s", p, got[2].ID, got[0].ID)
	}
	if ds := deliveries(t, st); len(ds) != 3 || ds[2].Status != snapshots.DeliverySent {
		t.Errorf("deliveries %+v, want three sent", ds)
	}
}

// TestBluesky_Thread: as TestMastodon_Thread, over XRPC: reply root and
// parent ({uri, cid}) right across three changes and a restart, a link
// facet over the link's exact bytes, the card embedded with alt text and
// its aspect ratio.
func TestBluesky_Thread(t *testing.T) {
	b := threadtest.NewBluesky(t, skyHandle, skyAppPass)
	st := openStore(t)
	c := &clock{t0}
	d, _ := threads(t, skyConfig(b), st, c)
	send := func(d *notify.Dispatcher, to int, before, after string) {
		t.Helper()
		c.t = c.t.Add(time.Hour)
		// A title with non-ASCII before the link, so byte and character
		// offsets differ.
		if err := d.Send(t.Context(), digest(change(storyURL, "Wahlbeteiligung korrigiert — “Zahl” 🗳️", to, before, after))); err != nil {
			t.Fatal(err)
		}
	}
	send(d, 2, "97 Prozent", "90 Prozent")
	send(d, 3, "90 Prozent", "61 Prozent")
	d, _ = threads(t, skyConfig(b), st, c) // a restart
	send(d, 4, "61 Prozent", "58 Prozent")

	got := b.Posts()
	if len(got) != 3 {
		t.Fatalf("%d posts, want 3", len(got))
	}
	root := threadtest.Ref{URI: got[0].URI, CID: got[0].CID}
	if got[0].Root != (threadtest.Ref{}) || !strings.Contains(got[0].Text, "Wahlbeteiligung korrigiert") {
		t.Errorf("first post is a reply or lacks the headline: %+v", got[0])
	}
	for i, p := range got {
		if i > 0 && (p.Root != root || p.Parent != (threadtest.Ref{URI: got[i-1].URI, CID: got[i-1].CID})) {
			t.Errorf("post %d replies to root %v parent %v; want root %v, parent post %d", i, p.Root, p.Parent, root, i-1)
		}
		if len(p.Facets) != 1 || p.Facets[0].URI != storyURL {
			t.Fatalf("post %d facets %+v, want one link to %s", i, p.Facets, storyURL)
		}
		f := p.Facets[0]
		if shown := p.Text[f.ByteStart:f.ByteEnd]; f.ByteEnd != len(p.Text) || !strings.HasPrefix(shown, "news.example/2025/03/14/turnout") {
			t.Errorf("post %d: the facet spans %q, want the link text at the end of %q", i, shown, p.Text)
		}
		if len(p.Images) != 1 {
			t.Fatalf("post %d has %d images, want its card", i, len(p.Images))
		}
		im := p.Images[0]
		if !strings.HasPrefix(im.Alt, "redline diff card.") || !im.AspectMatchesImage || im.Width != 1200 || im.BlobMime != "image/png" {
			t.Errorf("post %d image: alt %.40q, aspect %d×%d (matches %v), mime %q", i, im.Alt, im.Width, im.Height, im.AspectMatchesImage, im.BlobMime)
		}
	}
	if p := lastPost(t, st, "sky", storyURL); p.PostID != got[2].URI || p.PostCID != got[2].CID || p.RootID != root.URI || p.RootCID != root.CID {
		t.Errorf("stored last post %+v, want post 3 with the first as root", p)
	}
	if n := b.Sessions(); n != 2 {
		t.Errorf("%d logins, want 2: one per process, the session kept between posts", n)
	}
}

// TestThreads_Auth: a wrong token or app password is refused with 401 and
// the delivery fails with an error naming the notifier; the secret is in
// no error.
func TestThreads_Auth(t *testing.T) {
	t.Run("mastodon", func(t *testing.T) {
		m := threadtest.NewMastodon(t, mastoToken, 500)
		st := openStore(t)
		cfg := mastoConfig(m)
		cfg.Token = "wrong-T0KEN"
		d, _ := threads(t, cfg, st, &clock{t0})
		if err := d.Send(t.Context(), digest(change(storyURL, "T", 2, "1", "2"))); err != nil {
			t.Fatal(err)
		}
		del := onlyDelivery(t, st)
		if del.Status != snapshots.DeliveryPending || !strings.Contains(del.Error, `mastodon "masto"`) || !strings.Contains(del.Error, "HTTP 401") ||
			strings.Contains(del.Error, "T0KEN") {
			t.Errorf("delivery %s: %q; want pending, naming the notifier and the 401, not the token", del.Status, del.Error)
		}
		if m.Unauthorized() != 1 || len(m.Statuses()) != 0 {
			t.Errorf("stand-in refused %d requests and took %d statuses; want 1 refused (no retry of a 401) and none", m.Unauthorized(), len(m.Statuses()))
		}
	})
	t.Run("bluesky", func(t *testing.T) {
		b := threadtest.NewBluesky(t, skyHandle, skyAppPass)
		st := openStore(t)
		cfg := skyConfig(b)
		cfg.Password = "wrong-APPPASS"
		d, _ := threads(t, cfg, st, &clock{t0})
		if err := d.Send(t.Context(), digest(change(storyURL, "T", 2, "1", "2"))); err != nil {
			t.Fatal(err)
		}
		del := onlyDelivery(t, st)
		if del.Status != snapshots.DeliveryPending || !strings.Contains(del.Error, `bluesky "sky"`) || !strings.Contains(del.Error, "HTTP 401") ||
			!strings.Contains(del.Error, "log in as "+skyHandle) || strings.Contains(del.Error, "APPPASS") {
			t.Errorf("delivery %s: %q; want pending, naming the notifier, the handle and the 401, not the password", del.Status, del.Error)
		}
		if b.Unauthorized() != 1 || len(b.Posts()) != 0 {
			t.Errorf("stand-in refused %d requests, took %d posts; want 1 and 0", b.Unauthorized(), len(b.Posts()))
		}
	})
}

// hostileItem has a 10,000-character headline and quote of bidi
// overrides, emoji, combining marks, a mention and long words.
func hostileItem() report.Item {
	unit := "Ministerin \u202eelbadaer\u202c sagt 👩🏽‍⚕️🇩🇪 Zahl e\u0301\u0301\u0301 @everyone@evil.example Donaudampfschifffahrtsgesellschaftskapitän "
	long := strings.Repeat(unit, 10000/len([]rune(unit))+1)
	it := change(storyURL, long, 2, long, long+" geändert")
	it.Changes.Changes[0].Figures = nil
	return it
}

// TestThreads_CharacterLimits: whatever the article says, a post fits the
// server's limit (the stand-ins refuse one that does not, 422 and 400 as
// the real servers do), keeps the link whole and says what changed, and
// is cut at a word with an ellipsis, never inside a grapheme.
func TestThreads_CharacterLimits(t *testing.T) {
	check := func(t *testing.T, text string, limit int, length func(string) int) {
		t.Helper()
		if n := length(text); n > limit {
			t.Errorf("post counts %d, over %d", n, limit)
		}
		if !utf8.ValidString(text) || strings.ContainsAny(text, "\u202e\u202c") {
			t.Errorf("post has invalid UTF-8 or bidi overrides: %q", text)
		}
		if !strings.Contains(text, "…") || !strings.Contains(text, "Edited: number changed") {
			t.Errorf("post is not shortened with an ellipsis, or does not say what changed:\n%s", text)
		}
		// Every shortened part ends at a whole grapheme: the text's
		// graphemes are the hostile text's, with no half cluster (a bare
		// combining mark or a broken emoji sequence) before an ellipsis.
		for _, bad := range []string{" \u0301", "\u200d…", "🏽…"} {
			if strings.Contains(text, bad) {
				t.Errorf("post cuts inside a grapheme (%q):\n%s", bad, text)
			}
		}
	}
	for _, limit := range []int{500, 140} {
		t.Run(fmt.Sprintf("mastodon_%d", limit), func(t *testing.T) {
			m := threadtest.NewMastodon(t, mastoToken, limit)
			st := openStore(t)
			d, _ := threads(t, mastoConfig(m), st, &clock{t0})
			if err := d.Send(t.Context(), digest(hostileItem())); err != nil {
				t.Fatal(err)
			}
			if del := onlyDelivery(t, st); del.Status != snapshots.DeliverySent {
				t.Fatalf("delivery %s: %s", del.Status, del.Error)
			}
			text := m.Statuses()[0].Text
			check(t, text, limit, threadtest.MastodonLength)
			if !strings.HasSuffix(text, "\n"+storyURL) {
				t.Errorf("the link is not kept whole at the end:\n%s", text)
			}
			if strings.Contains(text, "@everyone") {
				t.Errorf("a scraped @ would mention someone:\n%s", text)
			}
		})
	}
	t.Run("bluesky", func(t *testing.T) {
		b := threadtest.NewBluesky(t, skyHandle, skyAppPass)
		st := openStore(t)
		d, _ := threads(t, skyConfig(b), st, &clock{t0})
		if err := d.Send(t.Context(), digest(hostileItem())); err != nil {
			t.Fatal(err)
		}
		if del := onlyDelivery(t, st); del.Status != snapshots.DeliverySent {
			t.Fatalf("delivery %s: %s", del.Status, del.Error)
		}
		p := b.Posts()[0]
		check(t, p.Text, 300, threadtest.Graphemes)
		if f := p.Facets[0]; f.URI != storyURL || f.ByteEnd != len(p.Text) {
			t.Errorf("link facet %+v does not cover the link at the end of %q", f, p.Text)
		}
		if len(p.Images) != 1 || !strings.Contains(p.Images[0].Alt, "Donaudampfschifffahrtsgesellschaftskapitän") {
			t.Errorf("the card or its alt text is missing")
		}
	})
}

// TestThreads_RateLimited: a 429 is honoured: no more tries in the round,
// the delivery stays pending, no request is made until the reset the
// server gave (X-RateLimit-Reset, ratelimit-reset), and then the post goes
// out once.
func TestThreads_RateLimited(t *testing.T) {
	reset := t0.Add(10 * time.Minute)
	for _, tc := range []struct {
		name     string
		cfg      func(*testing.T) (notify.Config, func(int, time.Time), func() int, func() int)
		notifier string
	}{
		{"mastodon", func(t *testing.T) (notify.Config, func(int, time.Time), func() int, func() int) {
			m := threadtest.NewMastodon(t, mastoToken, 500)
			return mastoConfig(m), m.TooMany, m.Requests, func() int { return len(m.Statuses()) }
		}, "masto"},
		{"bluesky", func(t *testing.T) (notify.Config, func(int, time.Time), func() int, func() int) {
			b := threadtest.NewBluesky(t, skyHandle, skyAppPass)
			return skyConfig(b), b.TooMany, b.Requests, func() int { return len(b.Posts()) }
		}, "sky"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, tooMany, requests, posts := tc.cfg(t)
			st := openStore(t)
			c := &clock{t0}
			d, w := threads(t, cfg, st, c)
			tooMany(1, reset)
			if err := d.Send(t.Context(), digest(change(storyURL, "T", 2, "1", "2"))); err != nil {
				t.Fatal(err)
			}
			del := onlyDelivery(t, st)
			if del.Status != snapshots.DeliveryPending || !strings.Contains(del.Error, "HTTP 429") || !strings.Contains(del.Error, "rate limited until 2025-03-14T09:40:00Z") {
				t.Errorf("delivery %s: %q; want pending, rate limited until the reset", del.Status, del.Error)
			}
			if n := requests(); n != 1 || len(w.All()) != 0 {
				t.Errorf("%d requests and waits %v; want the one refused and no retry in the round", n, w.All())
			}
			c.t = reset.Add(-time.Second)
			if err := d.RetryPending(t.Context()); err != nil {
				t.Fatal(err)
			}
			if n := requests(); n != 1 {
				t.Errorf("%d requests before the reset, want none more", n)
			}
			if del := onlyDelivery(t, st); del.Attempts != 1 || del.Status != snapshots.DeliveryPending {
				t.Errorf("held-back round: %d attempts, %s; want still 1 and pending (no request made)", del.Attempts, del.Status)
			}
			c.t = reset.Add(time.Second)
			if err := d.RetryPending(t.Context()); err != nil {
				t.Fatal(err)
			}
			if del := onlyDelivery(t, st); del.Status != snapshots.DeliverySent || posts() != 1 {
				t.Errorf("after the reset: delivery %s (%s), %d posts; want sent, 1", del.Status, del.Error, posts())
			}
			if p := lastPost(t, st, tc.notifier, storyURL); p.Version != 2 {
				t.Errorf("stored post of version %d, want 2", p.Version)
			}
		})
	}
}

// TestThreads_PostsPerHour: the notifier's own rate limit spreads a
// flood: what is over it waits in the pending delivery, and the retry
// posts only what is missing, never again what went out.
func TestThreads_PostsPerHour(t *testing.T) {
	m := threadtest.NewMastodon(t, mastoToken, 500)
	st := openStore(t)
	c := &clock{t0}
	cfg := mastoConfig(m)
	cfg.PostsPerHour = 2 // a burst of one post, then one every 30 minutes
	d, _ := threads(t, cfg, st, c)
	a, b := change(storyURL, "A", 2, "1", "2"), change("https://news.example/other", "B", 2, "3", "4")
	if err := d.Send(t.Context(), digest(a, b)); err != nil {
		t.Fatal(err)
	}
	if n := len(m.Statuses()); n != 1 {
		t.Fatalf("%d statuses, want 1 within the limit", n)
	}
	if del := onlyDelivery(t, st); del.Status != snapshots.DeliveryPending || !strings.Contains(del.Error, "no request made") {
		t.Errorf("delivery %s: %q; want pending, held back", del.Status, del.Error)
	}
	c.t = c.t.Add(31 * time.Minute)
	if err := d.RetryPending(t.Context()); err != nil {
		t.Fatal(err)
	}
	got := m.Statuses()
	if len(got) != 2 || !strings.Contains(got[0].Text, "A") || !strings.Contains(got[1].Text, "\nB\n") && !strings.HasPrefix(got[1].Text, "B\n") {
		t.Errorf("statuses %+v, want A once, then B", got)
	}
	if del := onlyDelivery(t, st); del.Status != snapshots.DeliverySent {
		t.Errorf("delivery %s: %s", del.Status, del.Error)
	}
}

// TestThreads_IdempotentRetry: a post made whose answer was lost is not
// made twice by the retry: Mastodon by the Idempotency-Key, Bluesky by the
// record key, found again with getRecord.
func TestThreads_IdempotentRetry(t *testing.T) {
	t.Run("mastodon", func(t *testing.T) {
		m := threadtest.NewMastodon(t, mastoToken, 500)
		st := openStore(t)
		d, _ := threads(t, mastoConfig(m), st, &clock{t0})
		m.LoseAnswer()
		if err := d.Send(t.Context(), digest(change(storyURL, "T", 2, "1", "2"))); err != nil {
			t.Fatal(err)
		}
		// net/http itself may send the retry (a request with an
		// Idempotency-Key is one it may repeat), or the round's next try.
		got := m.Statuses()
		if len(got) != 1 || got[0].IdempotencyKey == "" || m.StatusPosts() != 2 {
			t.Fatalf("%d statuses (key %q) from %d posts; want one status from two posts", len(got), got[0].IdempotencyKey, m.StatusPosts())
		}
		if p := lastPost(t, st, "masto", storyURL); p.PostID != got[0].ID {
			t.Errorf("stored post %s, want %s", p.PostID, got[0].ID)
		}
	})
	t.Run("bluesky", func(t *testing.T) {
		b := threadtest.NewBluesky(t, skyHandle, skyAppPass)
		st := openStore(t)
		d, w := threads(t, skyConfig(b), st, &clock{t0})
		b.LoseAnswer()
		if err := d.Send(t.Context(), digest(change(storyURL, "T", 2, "1", "2"))); err != nil {
			t.Fatal(err)
		}
		got := b.Posts()
		if len(got) != 1 || len(w.All()) == 0 {
			t.Fatalf("%d posts, waits %v; want one post after a retry", len(got), w.All())
		}
		if p := lastPost(t, st, "sky", storyURL); p.PostID != got[0].URI || p.PostCID != got[0].CID {
			t.Errorf("stored post %+v, want %s", p, got[0].URI)
		}
	})
}

// TestMastodon_MediaProcessing: an upload answered 202 is polled until
// the server has processed it, and only then attached.
func TestMastodon_MediaProcessing(t *testing.T) {
	m := threadtest.NewMastodon(t, mastoToken, 500)
	m.Process(2)
	st := openStore(t)
	d, w := threads(t, mastoConfig(m), st, &clock{t0})
	if err := d.Send(t.Context(), digest(change(storyURL, "T", 2, "1", "2"))); err != nil {
		t.Fatal(err)
	}
	if del := onlyDelivery(t, st); del.Status != snapshots.DeliverySent {
		t.Fatalf("delivery %s: %s", del.Status, del.Error)
	}
	if got := m.Statuses(); len(got) != 1 || len(got[0].MediaIDs) != 1 {
		t.Fatalf("statuses %+v, want one with its card", got)
	}
	// 202, then two polls answered 206 and a third 200, backing off.
	if got := w.All(); len(got) != 3 || got[0] != 500*time.Millisecond || got[1] != time.Second || got[2] != 2*time.Second {
		t.Errorf("waits %v, want 500ms, 1s and 2s before the three polls", got)
	}
}

// TestBluesky_ExpiredToken: an expired access token is refreshed with
// refreshSession, and the post goes out.
func TestBluesky_ExpiredToken(t *testing.T) {
	b := threadtest.NewBluesky(t, skyHandle, skyAppPass)
	st := openStore(t)
	d, _ := threads(t, skyConfig(b), st, &clock{t0})
	if err := d.Send(t.Context(), digest(change(storyURL, "T", 2, "1", "2"))); err != nil {
		t.Fatal(err)
	}
	b.Expire()
	if err := d.Send(t.Context(), digest(change(storyURL, "T", 3, "2", "3"))); err != nil {
		t.Fatal(err)
	}
	if n := len(b.Posts()); n != 2 || b.Refreshes() != 1 || b.Sessions() != 1 {
		t.Errorf("%d posts, %d refreshes, %d logins; want 2, 1, 1", n, b.Refreshes(), b.Sessions())
	}
}

// TestBluesky_LargeCard: a card over the PDS's blob limit is drawn
// smaller until it fits, with the aspect ratio of what was sent.
func TestBluesky_LargeCard(t *testing.T) {
	b := threadtest.NewBluesky(t, skyHandle, skyAppPass)
	st := openStore(t)
	d, _ := threads(t, skyConfig(b), st, &clock{t0})
	full := cardBytes(t, change(storyURL, "T", 2, "1", "2"))
	limit := full - 1
	b.SetMaxBlob(limit)
	notify.SetMaxBlob(d, "sky", limit)
	if err := d.Send(t.Context(), digest(change(storyURL, "T", 2, "1", "2"))); err != nil {
		t.Fatal(err)
	}
	if del := onlyDelivery(t, st); del.Status != snapshots.DeliverySent {
		t.Fatalf("delivery %s: %s", del.Status, del.Error)
	}
	im := b.Posts()[0].Images
	if len(im) != 1 || im[0].Width >= 1200 || !im[0].AspectMatchesImage || len(im[0].Blob.Bytes) > limit {
		t.Errorf("images %+v; want one card smaller than 1200 wide, within %d bytes", im, limit)
	}
}

// TestThreads_Filters: severity threshold and sources apply as for other
// notifiers, and failed checks are not posted.
func TestThreads_Filters(t *testing.T) {
	m := threadtest.NewMastodon(t, mastoToken, 500)
	st := openStore(t)
	cfg := mastoConfig(m)
	cfg.MinSeverity, cfg.Sources = diffing.SeverityHigh, []string{"example"}
	d, _ := threads(t, cfg, st, &clock{t0})
	low := item("https://news.example/low", "example", "Low", diffing.SeverityLow, diffing.NumberChanged)
	elsewhere := item("https://other.example/x", "other", "Elsewhere", diffing.SeverityHigh, diffing.NumberChanged)
	dg := digest(low, elsewhere)
	dg.Events = []report.Event{{URL: storyURL, Source: "example", Title: "T", Event: "gone", Reason: "gone: 410", At: t0}}
	if err := d.Send(t.Context(), dg); err != nil {
		t.Fatal(err)
	}
	if n, ds := m.Requests(), deliveries(t, st); n != 0 || len(ds) != 0 {
		t.Errorf("%d requests, %d deliveries; want none", n, len(ds))
	}
	if err := d.Send(t.Context(), digest(item(storyURL, "example", "High", diffing.SeverityHigh, diffing.NumberChanged))); err != nil {
		t.Fatal(err)
	}
	if n := len(m.Statuses()); n != 1 {
		t.Errorf("%d statuses, want the high one", n)
	}
}

// TestThreads_Guarded: posts go through the Guard: without allow_private
// the stand-in on 127.0.0.1 is never reached.
func TestThreads_Guarded(t *testing.T) {
	m := threadtest.NewMastodon(t, mastoToken, 500)
	b := threadtest.NewBluesky(t, skyHandle, skyAppPass)
	st := openStore(t)
	g, w := guarded(t)
	d, err := notify.New([]notify.Config{mastoConfig(m), skyConfig(b)}, notify.Options{Dial: g.DialContext, Store: st, Threads: st,
		Logger: discard(), Now: func() time.Time { return t0 }, Tries: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Send(t.Context(), digest(change(storyURL, "T", 2, "1", "2"))); err != nil {
		t.Fatal(err)
	}
	for _, del := range deliveries(t, st) {
		if !strings.Contains(del.Error, "refusing to connect to 127.0.0.1 (loopback)") {
			t.Errorf("delivery to %s: %q, want refused by the guard", del.Notifier, del.Error)
		}
	}
	if m.Requests() != 0 || b.Requests() != 0 || len(w.Dialled()) != 0 {
		t.Errorf("stand-ins got %d and %d requests, %d dials; want none", m.Requests(), b.Requests(), len(w.Dialled()))
	}
}

// cardBytes is the size of the item's card at the default size.
func cardBytes(t *testing.T, it report.Item) int {
	t.Helper()
	png, _, err := card.Render(card.Card{Item: it}, card.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return len(png)
}

// TestMastodon_DeletedParent: when the thread's last status was deleted,
// the next change starts a new thread (with the headline) instead of
// failing for ever.
func TestMastodon_DeletedParent(t *testing.T) {
	m := threadtest.NewMastodon(t, mastoToken, 500)
	st := openStore(t)
	d, _ := threads(t, mastoConfig(m), st, &clock{t0})
	if err := d.Send(t.Context(), digest(change(storyURL, "Turnout figure revised", 2, "1", "2"))); err != nil {
		t.Fatal(err)
	}
	m.Delete(m.Statuses()[0].ID)
	if err := d.Send(t.Context(), digest(change(storyURL, "Turnout figure revised", 3, "2", "3"))); err != nil {
		t.Fatal(err)
	}
	got := m.Statuses()
	if len(got) != 1 || got[0].InReplyToID != "" || !strings.Contains(got[0].Text, "Turnout figure revised") {
		t.Fatalf("statuses %+v, want one new thread with the headline", got)
	}
	if p := lastPost(t, st, "masto", storyURL); p.PostID != got[0].ID || p.RootID != got[0].ID || p.Version != 3 {
		t.Errorf("stored post %+v, want the new thread's root", p)
	}
}

// TestMastodon_SpentQuota: when an answer says no request is left in the
// window (X-RateLimit-Remaining: 0), the notifier waits for the reset
// instead of spending a request on a 429.
func TestMastodon_SpentQuota(t *testing.T) {
	m := threadtest.NewMastodon(t, mastoToken, 500)
	reset := t0.Add(5 * time.Minute)
	m.Quota(3, reset) // the instance, the upload and the status
	st := openStore(t)
	c := &clock{t0}
	d, _ := threads(t, mastoConfig(m), st, c)
	if err := d.Send(t.Context(), digest(change(storyURL, "T", 2, "1", "2"), change("https://news.example/b", "B", 2, "1", "2"))); err != nil {
		t.Fatal(err)
	}
	if n, r := len(m.Statuses()), m.Refused(); n != 1 || r != 0 {
		t.Errorf("%d statuses, %d answered 429; want 1 and none: the second waits for the reset", n, r)
	}
	if del := onlyDelivery(t, st); del.Status != snapshots.DeliveryPending || !strings.Contains(del.Error, "rate limited until 2025-03-14T09:35:00Z (no request made)") {
		t.Errorf("delivery %s: %q", del.Status, del.Error)
	}
	m.Quota(10, reset.Add(5*time.Minute))
	c.t = reset.Add(time.Second)
	if err := d.RetryPending(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := len(m.Statuses()); n != 2 {
		t.Errorf("%d statuses after the reset, want 2", n)
	}
}

// TestThreads_SecretsNotLogged: neither the token nor the app password is
// in the log (at debug level), a stored delivery or a stored post, even
// when the server refuses them.
func TestThreads_SecretsNotLogged(t *testing.T) {
	m := threadtest.NewMastodon(t, mastoToken, 500)
	b := threadtest.NewBluesky(t, skyHandle, skyAppPass)
	st := openStore(t)
	var logs strings.Builder
	g, _ := guarded(t)
	wrong := mastoConfig(m)
	wrong.Name, wrong.Token = "masto-wrong", "wrong-"+mastoToken
	cfgs := []notify.Config{mastoConfig(m), skyConfig(b), wrong}
	for i := range cfgs {
		cfgs[i].AllowPrivate = true
	}
	d, err := notify.New(cfgs, notify.Options{Dial: g.DialContext, Store: st, Threads: st, Tries: 1,
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})), Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	for to := 2; to <= 3; to++ {
		if err := d.Send(t.Context(), digest(change(storyURL, "T", to, "1", "2"))); err != nil {
			t.Fatal(err)
		}
	}
	var stored strings.Builder
	for _, del := range deliveries(t, st) {
		fmt.Fprintf(&stored, "%s %s %s\n", del.Notifier, del.Error, del.Payload)
	}
	for _, n := range []string{"masto", "sky"} {
		fmt.Fprintf(&stored, "%+v\n", lastPost(t, st, n, storyURL))
	}
	for _, secret := range []string{mastoToken, skyAppPass} {
		if strings.Contains(logs.String(), secret) || strings.Contains(stored.String(), secret) {
			t.Errorf("secret %q is in the log or the store", secret)
		}
	}
	if !strings.Contains(logs.String(), "masto-wrong") || len(m.Statuses()) != 2 || len(b.Posts()) != 2 {
		t.Errorf("want the refused notifier logged and the others posted twice; logs:\n%s", logs.String())
	}
}
