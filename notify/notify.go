// Package notify delivers digests of article changes and failed checks: a
// signed JSON webhook, a Slack-compatible incoming webhook, e-mail over
// SMTP, an Atom feed file, and threads on Mastodon and Bluesky (thread.go:
// one thread per article, each change a post with its diff card and alt
// text). One cycle's changes and failed checks go out as one Digest per
// notifier, filtered by each notifier's sources and (changes only) minimum
// severity. A Dispatcher retries
// failed sends with backoff and records every delivery's outcome in a
// snapshots.DeliveryStore, so what still failed is retried on a later cycle.
//
// It renders message bodies with package report and does no diffing.
//
// # Webhook body
//
// A webhook notifier POSTs one JSON object per digest; field names are a
// stable contract:
//
//	{
//	  "id": "9b0c…",          // 32 hex digits, the same on every retry of this digest to this notifier: drop duplicates by it
//	  "notifier": "newsroom", // the notifier's configured name
//	  "sent_at": "2025-03-14T09:30:00Z", // this try; X-Redline-Timestamp holds it as Unix seconds
//	  "severity": "high",     // the highest in the digest: low, medium or high; none with only events
//	  "changes": 7,           // changes in all items
//	  "articles": 3,          // distinct article URLs
//	  "failed_checks": 1,     // failed checks (report.events), only when there are some
//	  "report": {             // exactly redline's JSON report format
//	    "generated": "2025-03-14T09:29:58Z",
//	    "items": [{"url": "…", "source": "…", "title": "…", "from_version": 2, "to_version": 3,
//	               "at": "…", "changes": { change-set JSON, see the README }}],
//	    "events": [{"url": "…", "source": "…", "title": "…", "event": "gone", "reason": "gone: 410",
//	                "at": "…"}],   // only when some check failed
//	    "omitted_changes": 120 // only when the body would pass 1 MiB: changes left out, least severe first
//	  }
//	}
//
// A body is at most 1 MiB and an e-mail at most 4 MiB: over that, the
// report keeps the most severe changes, each scraped string cut to 2,000
// bytes, and ends with "… N more changes, see the report". The webhook's
// "changes" and "articles" and the e-mail's subject still describe the
// whole digest. A Slack message lists at most 20 items and 20 failed checks.
//
// Headers: Content-Type: application/json, X-Redline-Delivery (the id),
// X-Redline-Timestamp (Unix seconds) and X-Redline-Signature:
// sha256=<hex HMAC-SHA256 of the exact body, keyed with the secret>.
// Receivers check it with Verify, and reject a sent_at far from their
// clock, which the signature covers, to refuse replays.
package notify

import (
	"cmp"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/report"
	"github.com/redline-news/redline/snapshots"
)

// The notifier kinds Config.Kind accepts.
const (
	KindWebhook = "webhook" // signed JSON POST
	KindSlack   = "slack"   // Slack-compatible incoming webhook
	KindEmail   = "email"   // SMTP with STARTTLS
	KindAtom    = "atom"    // Atom 1.0 file
	// KindMastodon and KindBluesky post each change into a thread per
	// article, with its diff card and alt text.
	KindMastodon = "mastodon"
	KindBluesky  = "bluesky"
)

// DefaultMaxEntries caps an Atom file when Config.MaxEntries is zero.
const DefaultMaxEntries = 200

// Config is one notifier, as cmd/redline fills it from config.yaml.
type Config struct {
	// Name identifies the notifier in logs, errors and stored deliveries;
	// it must be unique. Renaming a notifier orphans its pending deliveries,
	// which RetryPending then marks failed.
	Name string
	Kind string // KindWebhook, KindSlack, KindEmail, KindAtom, KindMastodon or KindBluesky
	// MinSeverity drops items below it. SeverityNone sends every item
	// that has changes.
	MinSeverity diffing.Severity
	// Sources limits the notifier to items from these sources; empty
	// means all.
	Sources []string

	// URL is the webhook or Slack endpoint, the Mastodon server or the
	// Bluesky PDS (http or https).
	URL string
	// Token is a Mastodon access token (with the write:statuses and
	// write:media scopes).
	Token string
	// Handle logs in to Bluesky, with an app password in Password.
	Handle string
	// Visibility of Mastodon posts: public, unlisted (DefaultVisibility),
	// private or direct.
	Visibility string
	// PostsPerHour is a Mastodon or Bluesky notifier's own rate limit
	// (DefaultPostsPerHour when zero); what a cycle cannot post waits in
	// its pending delivery for a later one.
	PostsPerHour int
	// Secret signs webhook bodies (required for KindWebhook).
	Secret string

	// SMTP, for KindEmail. Addr is host:port of a server that offers
	// STARTTLS (implicit TLS on port 465 is not supported).
	Addr     string
	Username string   // PLAIN auth when set, only ever after STARTTLS or on loopback
	Password string   // SMTP password, or Bluesky app password
	From     string   // an RFC 5322 address, "Redline <redline@example.com>"
	To       []string // at least one
	// AllowInsecure lets e-mail go without STARTTLS, and is refused unless
	// Addr is a loopback host: a local relay is the only place plain
	// SMTP is not readable by others.
	AllowInsecure bool

	// AtomPath is the feed file for KindAtom; MaxEntries caps it
	// (DefaultMaxEntries when zero).
	AtomPath   string
	MaxEntries int

	// AllowPrivate lets this notifier reach a loopback, private or other
	// non-global address (an SMTP relay on localhost, a webhook on the
	// intranet): its dials run under fetch.WithAllowPrivate, which a
	// fetch.Guard given as Options.Dial honours.
	AllowPrivate bool
}

// ConfigError is a problem with one notifier's config. cmd/redline can map
// Index and Field to a file and line.
type ConfigError struct {
	Index int    // position in the []Config given to New
	Name  string // the notifier's name, "" if missing
	Field string // "url", "secret", "to[1]"…
	Err   error
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("notify[%d] %q: %s: %v", e.Index, e.Name, e.Field, e.Err)
}

func (e *ConfigError) Unwrap() error { return e.Err }

// Options are what a Dispatcher shares across notifiers. Zero durations
// and counts take the defaults New documents.
type Options struct {
	// HTTPClient sends webhooks. It is used as given (its transport, proxy
	// and redirect policy); Timeout bounds each try on top of it. When it
	// is nil, notify builds its own on Dial; one of the two is required
	// when a webhook or Slack notifier is configured.
	HTTPClient *http.Client
	// Dial opens every connection notify makes itself: to SMTP servers,
	// and to webhooks and Slack when HTTPClient is nil. Pass a fetch.Guard's
	// DialContext so notifications obey the same address policy as
	// fetches. Nil dials with a plain net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Store records deliveries. Without one, a delivery that fails is
	// returned as an error by Send instead of being kept for RetryPending.
	Store snapshots.DeliveryStore
	// Threads keeps the posts of Mastodon and Bluesky notifiers, so each
	// article's thread carries on across restarts and a retry does not
	// post twice. Those notifiers fail their deliveries without it.
	Threads snapshots.ThreadStore
	Logger  *slog.Logger // nil discards
	// TLSConfig is cloned for SMTP STARTTLS, with ServerName set from
	// Addr; nil uses the system roots.
	TLSConfig *tls.Config
	Now       func() time.Time // time.Now when nil

	Timeout       time.Duration // one try, including SMTP dialog: 30s
	Tries         int           // tries per round: 3
	Backoff       time.Duration // wait before the second try, doubled after each: 2s
	MaxBackoff    time.Duration // cap on that wait: 1m
	MaxRetryAfter time.Duration // longest Retry-After honoured within a round: 2m
	// Rounds is how many rounds (the first Send, then each RetryPending
	// that picks it up) a delivery gets before it is marked failed: 5.
	Rounds int
	// RetryBatch caps how many pending deliveries one RetryPending reads: 100.
	RetryBatch int
}

func (o *Options) defaults() {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	o.Timeout = cmp.Or(o.Timeout, 30*time.Second)
	o.Tries = cmp.Or(o.Tries, 3)
	o.Backoff = cmp.Or(o.Backoff, 2*time.Second)
	o.MaxBackoff = cmp.Or(o.MaxBackoff, time.Minute)
	o.MaxRetryAfter = cmp.Or(o.MaxRetryAfter, 2*time.Minute)
	o.Rounds = cmp.Or(o.Rounds, 5)
	o.RetryBatch = cmp.Or(o.RetryBatch, 100)
}

// Digest is one cycle's changes and failed checks, sent as one message
// per notifier. A digest with events and no items is still sent.
type Digest struct {
	Generated time.Time
	Items     []report.Item
	// Events are the checks that failed for the first time since the
	// article last checked fine: one per outage, never one per retry.
	Events []report.Event
}

// empty reports whether d holds nothing to send.
func (d Digest) empty() bool { return len(d.Items) == 0 && len(d.Events) == 0 }

// maxSeverity is the highest severity in d.
func (d Digest) maxSeverity() diffing.Severity {
	s := diffing.SeverityNone
	for _, it := range d.Items {
		s = max(s, report.ItemSeverity(it))
	}
	return s
}

// counts returns how many changes and distinct articles d holds,
// counted as the report counts them (a re-read version is one change).
func (d Digest) counts() (changes, articles int) {
	seen := map[string]bool{}
	for _, it := range d.Items {
		seen[it.URL] = true
	}
	return report.CountChanges(d.Items), len(seen)
}

// filter keeps the items this notifier wants: with changes, from its
// sources, at or above its severity; and the events from its sources.
// Events are not held to MinSeverity: there is one per outage, so they
// are rare, and a story taken down matters at any threshold.
func (c *Config) filter(d Digest) Digest {
	out := Digest{Generated: d.Generated}
	for _, e := range d.Events {
		if c.Kind == KindMastodon || c.Kind == KindBluesky {
			break // threads are of changes; a failed check has no card
		}
		if len(c.Sources) > 0 && !slices.Contains(c.Sources, e.Source) {
			continue
		}
		out.Events = append(out.Events, e)
	}
	for _, it := range d.Items {
		if it.Changes.Empty() || report.ItemSeverity(it) < c.MinSeverity {
			continue
		}
		if len(c.Sources) > 0 && !slices.Contains(c.Sources, it.Source) {
			continue
		}
		out.Items = append(out.Items, it)
	}
	return out
}

// payloadVersion is bumped when payload's shape changes, so a newer
// program can tell an old stored delivery from a new one. Version 2 added
// events; an older program refuses it rather than drop them unseen.
const payloadVersion = 2

// minPayloadVersion is the oldest stored payload decodeDigest still reads:
// version 1 is version 2 without events.
const minPayloadVersion = 1

// payload is a Digest as stored with a delivery, to be sent again later.
type payload struct {
	Version   int            `json:"v"`
	Generated time.Time      `json:"generated"`
	Items     []payloadItem  `json:"items"`
	Events    []payloadEvent `json:"events,omitempty"`
}

type payloadEvent struct {
	URL    string    `json:"url"`
	Source string    `json:"source"`
	Title  string    `json:"title"`
	Event  string    `json:"event"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

type payloadItem struct {
	URL         string             `json:"url"`
	Source      string             `json:"source"`
	Title       string             `json:"title"`
	FromVersion int                `json:"from_version"`
	ToVersion   int                `json:"to_version"`
	At          time.Time          `json:"at"`
	Changes     *diffing.ChangeSet `json:"changes"`
	Reread      bool               `json:"reread,omitempty"`
	Reading     string             `json:"reading,omitempty"`
	Wayback     string             `json:"wayback,omitempty"`
	WaybackDiff string             `json:"wayback_diff,omitempty"`
}

// encodeDigest returns the stored form of d.
func encodeDigest(d Digest) ([]byte, error) {
	p := payload{Version: payloadVersion, Generated: d.Generated, Items: make([]payloadItem, len(d.Items))}
	for i, it := range d.Items {
		p.Items[i] = payloadItem{it.URL, it.Source, it.Title, it.FromVersion, it.ToVersion, it.At, it.Changes, it.Reread, it.Reading,
			it.Wayback, it.WaybackDiff}
	}
	for _, e := range d.Events {
		p.Events = append(p.Events, payloadEvent{e.URL, e.Source, e.Title, e.Event, e.Reason, e.At})
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode digest: %w", err)
	}
	return b, nil
}

// decodeDigest reads what encodeDigest wrote.
func decodeDigest(b []byte) (Digest, error) {
	var p payload
	if err := json.Unmarshal(b, &p); err != nil {
		return Digest{}, fmt.Errorf("decode stored digest: %w", err)
	}
	if p.Version < minPayloadVersion || p.Version > payloadVersion {
		return Digest{}, fmt.Errorf("decode stored digest: version %d, want %d to %d", p.Version, minPayloadVersion, payloadVersion)
	}
	d := Digest{Generated: p.Generated, Items: make([]report.Item, len(p.Items))}
	for i, it := range p.Items {
		d.Items[i] = report.Item{URL: it.URL, Source: it.Source, Title: it.Title,
			FromVersion: it.FromVersion, ToVersion: it.ToVersion, At: it.At, Changes: it.Changes,
			Reread: it.Reread, Reading: it.Reading, Wayback: it.Wayback, WaybackDiff: it.WaybackDiff}
	}
	for _, e := range p.Events {
		d.Events = append(d.Events, report.Event{URL: e.URL, Source: e.Source, Title: e.Title,
			Event: e.Event, Reason: e.Reason, At: e.At})
	}
	return d, nil
}

// digestID names a delivery's content, the same on every retry, so
// receivers can drop duplicates (webhook "id", e-mail Message-ID).
func digestID(name string, payload []byte) string {
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte{0})
	h.Write(payload)
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// validate checks one config and fills its defaults.
func validate(i int, c *Config, opts *Options) error {
	fail := func(field string, format string, args ...any) error {
		return &ConfigError{Index: i, Name: c.Name, Field: field, Err: fmt.Errorf(format, args...)}
	}
	if strings.TrimSpace(c.Name) == "" {
		return fail("name", "missing")
	}
	if c.MinSeverity < diffing.SeverityNone || c.MinSeverity > diffing.SeverityHigh {
		return fail("min_severity", "%v out of range", c.MinSeverity)
	}
	switch c.Kind {
	case KindWebhook, KindSlack:
		if err := checkHTTPURL(c.URL); err != nil {
			return fail("url", "%w", err)
		}
		if c.Kind == KindWebhook && c.Secret == "" {
			return fail("secret", "missing: webhook bodies are always signed")
		}
		if opts.HTTPClient == nil && opts.Dial == nil {
			return fail("url", "no HTTP client or dialer given to notify.New")
		}
	case KindEmail:
		host, port, err := net.SplitHostPort(c.Addr)
		if err != nil || host == "" || port == "" {
			return fail("addr", "%q is not host:port", c.Addr)
		}
		if c.AllowInsecure && !isLoopback(host) {
			return fail("allow_insecure", "only allowed for a loopback server, not %q", host)
		}
		if c.Password != "" && c.Username == "" {
			return fail("username", "missing while a password is set")
		}
		if _, err := mail.ParseAddress(c.From); err != nil {
			return fail("from", "%q: %w", c.From, err)
		}
		if len(c.To) == 0 {
			return fail("to", "no recipients")
		}
		for j, to := range c.To {
			if _, err := mail.ParseAddress(to); err != nil {
				return fail(fmt.Sprintf("to[%d]", j), "%q: %w", to, err)
			}
		}
	case KindAtom:
		if strings.TrimSpace(c.AtomPath) == "" {
			return fail("atom_path", "missing")
		}
		if c.MaxEntries < 0 {
			return fail("max_entries", "%d is negative", c.MaxEntries)
		}
		c.MaxEntries = cmp.Or(c.MaxEntries, DefaultMaxEntries)
	case KindMastodon, KindBluesky:
		if err := checkHTTPURL(c.URL); err != nil {
			return fail("url", "%w", err)
		}
		if opts.HTTPClient == nil && opts.Dial == nil {
			return fail("url", "no HTTP client or dialer given to notify.New")
		}
		if c.PostsPerHour < 0 {
			return fail("posts_per_hour", "%d is negative", c.PostsPerHour)
		}
		if c.Kind == KindMastodon {
			if c.Token == "" {
				return fail("token", "missing: Mastodon needs an access token")
			}
			c.Visibility = cmp.Or(c.Visibility, DefaultVisibility)
			if !slices.Contains(mastodonVisibilities, c.Visibility) {
				return fail("visibility", "%q is not one of %s", c.Visibility, strings.Join(mastodonVisibilities, ", "))
			}
			break
		}
		if c.Visibility != "" {
			return fail("visibility", "only for mastodon")
		}
		if strings.TrimSpace(c.Handle) == "" {
			return fail("handle", "missing: Bluesky logs in with a handle and an app password")
		}
		if c.Password == "" {
			return fail("password", "missing: Bluesky logs in with a handle and an app password")
		}
	case "":
		return fail("kind", "missing (want webhook, slack, email, atom, mastodon or bluesky)")
	default:
		return fail("kind", "unknown kind %q (want webhook, slack, email, atom, mastodon or bluesky)", c.Kind)
	}
	return nil
}

// checkHTTPURL accepts absolute http and https URLs with a host.
func checkHTTPURL(s string) error {
	if s == "" {
		return errors.New("missing")
	}
	u, err := url.Parse(s)
	if err != nil {
		// url.Error repeats the whole URL, which may hold a token.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("invalid URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("scheme %q not allowed (want http or https)", u.Scheme)
	}
	if u.Host == "" {
		return errors.New("no host")
	}
	return nil
}

// isLoopback reports whether host names this machine: localhost, or a
// loopback address however spelt (fetch.HostNonGlobal's rule).
func isLoopback(host string) bool {
	switch fetch.HostNonGlobal(host) {
	case "loopback", "loopback name":
		return true
	}
	return false
}

// redactURL shows where a request went without the path or query, which
// for Slack and many webhooks hold the credential.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "(invalid URL)"
	}
	return u.Scheme + "://" + u.Host + "/…"
}

// plain makes scraped text one safe line (sanitize.Line: escape
// sequences, controls, bidirectional overrides and invalid UTF-8 go),
// runs of space become one, and it is cut to max runes with an ellipsis,
// between graphemes (an emoji sequence or a letter with its accents is
// kept whole or left out whole).
func plain(s string, max int) string {
	var b strings.Builder
	space := false
	n := 0
	for _, r := range sanitize.Line(s) {
		if r == ' ' || r == '\u00a0' {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			n++
			space = false
		}
		// Past the cut, a few more runes finish its grapheme; the rest
		// of a long text is not read.
		if n >= max+maxGraphemeRunes {
			break
		}
		b.WriteRune(r)
		n++
	}
	if n <= max {
		return b.String()
	}
	return sanitize.CutBy(b.String(), max+1, sanitize.Runes, false)
}

// title is an item's title for a one-line summary.
func title(it report.Item) string {
	t := it.Title
	if t == "" && it.Changes != nil {
		t = it.Changes.New.Title
	}
	t = plain(t, 200)
	if t == "" {
		return "(untitled)"
	}
	return t
}

// eventTitle is an event's article for a one-line summary: its title,
// else its URL.
func eventTitle(e report.Event) string {
	if t := plain(e.Title, 200); t != "" {
		return t
	}
	if u := plain(e.URL, 200); u != "" {
		return u
	}
	return "(untitled)"
}

// eventReason is why an event's check failed, on one plain line.
func eventReason(e report.Event) string {
	return cmp.Or(plain(e.Reason, 300), plain(e.Event, 100), "check failed")
}

// kinds lists the item's change kinds, most common first, then by name,
// so output never depends on map order.
func kinds(it report.Item) []string {
	counts := map[diffing.Kind]int{}
	for _, c := range it.Changes.Changes {
		if len(c.Kinds) == 0 && c.Kind != "" {
			counts[c.Kind]++
		}
		for _, k := range c.Kinds {
			counts[k]++
		}
	}
	out := make([]diffing.Kind, 0, len(counts))
	for k := range counts {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b diffing.Kind) int {
		return cmp.Or(cmp.Compare(counts[b], counts[a]), strings.Compare(string(a), string(b)))
	})
	// A kind is a name diffing gives, but a stored delivery's change set
	// is read back from the store: shown, it is cleaned as the report's
	// kind labels are (layout.KindLabel).
	names := make([]string, len(out))
	for i, k := range out {
		names[i] = sanitize.Line(string(k))
	}
	return names
}

// highlight is the item's most important before and after: the most
// severe change's quote or figure if it has one, else its sentence.
type highlight struct {
	label, before, after string
}

func highlightOf(it report.Item) (highlight, bool) {
	if it.Changes.Empty() {
		return highlight{}, false
	}
	best := it.Changes.Changes[0]
	for _, c := range it.Changes.Changes[1:] {
		if c.Severity > best.Severity {
			best = c
		}
	}
	const n = 280
	switch {
	case len(best.Quotes) > 0:
		q := best.Quotes[0]
		return highlight{"quote", plain(q.Before, n), plain(q.After, n)}, true
	case len(best.Figures) > 0:
		f := best.Figures[0]
		return highlight{"figure", plain(f.Before, n), plain(f.After, n)}, true
	}
	return highlight{string(best.Kind), plain(best.Before, n), plain(best.After, n)}, true
}
