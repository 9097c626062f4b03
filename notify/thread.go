package notify

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/clipperhouse/uax29/v2/graphemes"
	"golang.org/x/time/rate"

	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/report"
	"github.com/redline-news/redline/report/card"
	"github.com/redline-news/redline/snapshots"
)

// DefaultPostsPerHour is a thread notifier's own rate limit when
// Config.PostsPerHour is zero: well inside what Mastodon (300 requests in
// 5 minutes, 30 media uploads in 30 minutes) and Bluesky (1,666 record
// writes an hour) allow, so one busy cycle cannot use up an account's
// quota.
const DefaultPostsPerHour = 30

// threadRef names a post to reply to: a Mastodon status id, or a Bluesky
// at:// URI and its CID.
type threadRef struct{ id, cid string }

// threadPost is one post, ready for a service to publish.
type threadPost struct {
	it    report.Item
	first bool // starts the article's thread
	// root and parent are the thread's first and last posts; zero for
	// the first post.
	root, parent threadRef
	png          []byte // the diff card; nil when it could not be made small enough
	width        int
	height       int
	alt          string
	// key is the same on every retry of this post, so a service can
	// refuse to post it twice.
	key string
}

// service is one network's API: Mastodon or Bluesky.
type service interface {
	// maxImageBytes is the largest card the service takes.
	maxImageBytes() int
	// publish posts p and returns its reference.
	publish(ctx context.Context, p threadPost) (threadRef, error)
}

// RateLimitError is a thread notifier holding back: the server answered
// 429 or said its quota is used up, or the notifier's own PostsPerHour is
// spent. The delivery stays pending and a later cycle carries on where it
// stopped; no more tries are made in the round.
type RateLimitError struct {
	Until time.Time // when posting may resume
	// Local is set when no request was made: the notifier knew it must
	// wait. Such a round does not count towards Options.Rounds.
	Local bool
	Err   error // the server's answer, nil when Local
}

func (e *RateLimitError) Error() string {
	msg := "rate limited until " + e.Until.UTC().Format(time.RFC3339)
	if e.Local {
		msg += " (no request made)"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *RateLimitError) Unwrap() error { return e.Err }

// thread posts each item of a digest into a thread per article: the
// first change of an article starts one, each later change replies to the
// article's last post. Posts are recorded in a snapshots.ThreadStore as
// they are made, so a retried delivery posts only what is missing and a
// restart carries each thread on.
type thread struct {
	name  string
	svc   service
	store snapshots.ThreadStore
	now   func() time.Time
	log   *slog.Logger
	limit *rate.Limiter

	// sending is held for a whole send: two deliveries at once (a retry
	// and a new digest) must not both reply to the same last post.
	sending sync.Mutex

	mu    sync.Mutex
	until time.Time // the server asked for no request before this
}

// errParentGone is a service refusing a reply because the post it
// answers was deleted: the change then starts a new thread.
var errParentGone = errors.New("the thread's last post is gone")

func newThread(c Config, svc service, opts Options) *thread {
	perHour := cmp.Or(c.PostsPerHour, DefaultPostsPerHour)
	return &thread{
		name: c.Name, svc: svc, store: opts.Threads, now: opts.Now,
		log: opts.Logger.With("notifier", c.Name),
		// A burst of a tenth of the hour's posts: a cycle with a few
		// changes goes out at once, a flood is spread over the hour.
		limit: rate.NewLimiter(rate.Limit(float64(perHour)/3600), max(1, perHour/10)),
	}
}

func (t *thread) send(ctx context.Context, d Digest, _ string) error {
	if t.store == nil {
		return permanent(errors.New("no store to keep thread posts in (notify.Options.Threads)"))
	}
	t.sending.Lock()
	defer t.sending.Unlock()
	items := slices.Clone(d.Items)
	// Oldest change first, so each thread reads in the order of events.
	slices.SortStableFunc(items, func(a, b report.Item) int {
		return cmp.Or(a.At.Compare(b.At), strings.Compare(a.URL, b.URL), cmp.Compare(a.ToVersion, b.ToVersion))
	})
	for _, it := range items {
		if err := t.post(ctx, it); err != nil {
			return err
		}
	}
	return nil
}

// post publishes one item unless it was posted already, and records it.
func (t *thread) post(ctx context.Context, it report.Item) error {
	last, err := t.store.LastThreadPost(ctx, t.name, it.URL)
	first := errors.Is(err, snapshots.ErrNotFound)
	if err != nil && !first {
		return err
	}
	if !first && last.Version >= it.ToVersion {
		return nil // posted by an earlier round of this delivery, or a later change is already there
	}
	if err := t.wait(); err != nil {
		return err
	}
	p := threadPost{it: it, first: first, key: postKey(t.name, it)}
	if !first {
		p.root, p.parent = threadRef{last.RootID, last.RootCID}, threadRef{last.PostID, last.PostCID}
	}
	if p.png, p.width, p.height, p.alt, err = cardFor(it, t.svc.maxImageBytes()); err != nil {
		return permanent(err)
	}
	if p.png == nil {
		t.log.Warn("diff card too large for the service even when small; posting without it", "url", it.URL, "version", it.ToVersion)
	}
	ref, err := t.svc.publish(ctx, p)
	if errors.Is(err, errParentGone) {
		// Deleted on the server: start the article's thread again, under
		// another key, as the reply's may already be used.
		t.log.Warn("the thread's last post is gone; starting a new thread", "url", it.URL, "version", it.ToVersion, "err", err)
		first, p.first, p.root, p.parent, p.key = true, true, threadRef{}, threadRef{}, postKey(t.name+"\x00new thread", it)
		ref, err = t.svc.publish(ctx, p)
	}
	if err != nil {
		return t.limited(err)
	}
	root := ref
	if !first {
		root = p.root
	}
	err = t.store.AddThreadPost(ctx, snapshots.ThreadPost{Notifier: t.name, URL: it.URL, Version: it.ToVersion,
		PostID: ref.id, PostCID: ref.cid, RootID: root.id, RootCID: root.cid, PostedAt: t.now()})
	if err != nil {
		// The post is out; its idempotency key (Mastodon) or record key
		// (Bluesky) keeps the retry from posting it twice.
		return fmt.Errorf("posted %s version %d but could not record it: %w", it.URL, it.ToVersion, err)
	}
	t.log.Debug("posted", "url", it.URL, "version", it.ToVersion, "reply", !first)
	return nil
}

// wait refuses to post while the server's rate limit or the notifier's
// own is in force.
func (t *thread) wait() error {
	now := t.now()
	t.mu.Lock()
	until := t.until
	t.mu.Unlock()
	if now.Before(until) {
		return &RateLimitError{Until: until, Local: true}
	}
	r := t.limit.ReserveN(now, 1)
	if delay := r.DelayFrom(now); delay > 0 {
		r.CancelAt(now)
		return &RateLimitError{Until: now.Add(delay), Local: true}
	}
	return nil
}

// limited turns a 429, or a 503 with a wait, into a *RateLimitError and
// remembers until when the server wants no request.
func (t *thread) limited(err error) error {
	var se *StatusError
	if !errors.As(err, &se) || (se.Status != 429 && (se.Status != 503 || se.RetryAfter == 0)) {
		return err
	}
	// A 429 without a readable wait: a minute, Mastodon's and Bluesky's
	// shortest window.
	until := t.now().Add(cmp.Or(se.RetryAfter, time.Minute))
	t.hold(until)
	return &RateLimitError{Until: until, Err: err}
}

// hold stops requests until until: after a 429, or when a service's
// answer says its quota is spent.
func (t *thread) hold(until time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if until.After(t.until) {
		t.until = until
	}
}

// postKey is the same for every try of posting one change of one article
// by one notifier, across deliveries and restarts.
func postKey(notifier string, it report.Item) string {
	return digestID(notifier, fmt.Appendf(nil, "%s\x00%d", it.URL, it.ToVersion))
}

// keyHash is postKey as a number, for services that want one.
func keyHash(key string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(key))
	return h.Sum64()
}

// cardSizes are tried in turn until the card fits a service's limit.
var cardSizes = [][2]int{{card.DefaultWidth, card.DefaultHeight}, {960, 540}, {800, 450}, {640, 360}}

// cardFor renders the item's diff card at the largest size within
// maxBytes. The card is nil (with its alt text still returned) when even
// the smallest is too large.
func cardFor(it report.Item, maxBytes int) (png []byte, w, h int, alt string, err error) {
	for _, s := range cardSizes {
		png, alt, err = card.Render(card.Card{Item: it}, card.Options{Width: s[0], Height: s[1]})
		if err != nil {
			return nil, 0, 0, "", fmt.Errorf("diff card of %s version %d: %w", it.URL, it.ToVersion, err)
		}
		if len(png) <= maxBytes {
			return png, s[0], s[1], alt, nil
		}
	}
	return nil, 0, 0, alt, nil
}

// postParts is what a post says, cleaned of controls and bidirectional
// overrides (plain) and on one line each, before it is fitted to a limit.
type postParts struct {
	headline string // first post only
	summary  string // what changed: kinds, severity, versions
	before   string // the most important change: before and after
	after    string
	label    string
}

// partsOf says what the item's post says.
func partsOf(it report.Item, first bool) postParts {
	p := postParts{}
	if first {
		p.headline = title(it)
	}
	verb := "Edited"
	if !first {
		verb = "Edited again"
	}
	p.summary = fmt.Sprintf("%s: %s (%s severity, version %d → %d).", verb, strings.ReplaceAll(strings.Join(kinds(it), ", "), "_", " "), report.ItemSeverity(it),
		it.FromVersion, it.ToVersion)
	if it.Reread {
		p.summary += " " + plain(report.RereadNote(it), 200)
	} else if h, ok := highlightOf(it); ok {
		p.label, p.before, p.after = h.label, h.before, h.after
	}
	return p
}

// text joins the parts with the headline cut to hn graphemes and each
// side of the highlight to cn; n < 0 leaves a part whole.
func (p postParts) text(hn, cn int) string {
	var b strings.Builder
	if p.headline != "" && hn != 0 {
		b.WriteString(shorten(p.headline, hn))
		b.WriteString("\n\n")
	}
	b.WriteString(p.summary)
	if p.label != "" && cn != 0 {
		fmt.Fprintf(&b, "\n%s: %s → %s", p.label, quoteOrNone(shorten(p.before, cn)), quoteOrNone(shorten(p.after, cn)))
	}
	return b.String()
}

// fitText returns the longest text of p (with link after it, on its own
// line, always kept whole) that measure says is within limit: it shortens
// the highlight, then the headline, then the summary, each at a word with
// an ellipsis. measure counts a whole post as the service does.
func fitText(p postParts, link string, limit int, measure func(string) int) (string, error) {
	join := func(body string) string {
		if body == "" {
			return link
		}
		return body + "\n" + link
	}
	ok := func(body string) bool { return measure(join(body)) <= limit }
	if body := p.text(-1, -1); ok(body) {
		return join(body), nil
	}
	// The headline may take at most half of what the link leaves, so a
	// 10,000-character headline still leaves room for what changed.
	room := max(limit-measure(link)-1, 0)
	hn, cn := min(graphemeCount(p.headline), room/2), min(max(graphemeCount(p.before), graphemeCount(p.after)), room)
	if p.headline == "" {
		hn = -1
	}
	// Shrink the larger of the two by a tenth (at least one) until it
	// fits; at most a few dozen measures of a text of a few hundred
	// graphemes.
	for hn > 0 || cn > 0 {
		if ok(p.text(hn, cn)) {
			return join(p.text(hn, cn)), nil
		}
		if cn >= hn {
			cn -= max(cn/10, 1)
		} else {
			hn -= max(hn/10, 1)
		}
	}
	// Only the summary (and a headline of none) left to cut.
	p.label = ""
	for n := graphemeCount(p.summary); n > 0; n -= max(n/10, 1) {
		if body := shorten(p.summary, n); ok(body) {
			return join(body), nil
		}
	}
	if ok("") {
		return link, nil
	}
	return "", fmt.Errorf("the link alone (%d characters as counted) passes the %d-character limit", measure(link), limit)
}

// graphemeCount is how many user-perceived characters (extended grapheme
// clusters, UAX #29) s has: what Mastodon and Bluesky count.
func graphemeCount(s string) int {
	n := 0
	for it := graphemes.FromString(s); it.Next(); {
		n++
	}
	return n
}

// shorten cuts s to at most n graphemes, ellipsis included, at the last
// space in its second half if there is one. n < 0 keeps s whole.
func shorten(s string, n int) string {
	return sanitize.CutBy(s, n, sanitize.Graphemes, true)
}

// maxGraphemeRunes bounds how far past a cut plain reads to finish a
// grapheme: the longest emoji sequences are about ten runes.
const maxGraphemeRunes = 32
