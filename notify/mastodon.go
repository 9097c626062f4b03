package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/redline-news/redline/internal/retry"
	"github.com/redline-news/redline/internal/sanitize"
)

// Mastodon defaults: the status limit a server that does not say its own
// has, what a URL counts as in it, and the longest image description.
const (
	mastodonDefaultChars = 500
	mastodonURLChars     = 23
	mastodonAltChars     = 1500
	// mastodonImageBytes is under every server's image limit (16 MB on
	// Mastodon 4, 8 MB on older ones).
	mastodonImageBytes = 8 << 20
)

// Mastodon visibilities Config.Visibility accepts.
var mastodonVisibilities = []string{"public", "unlisted", "private", "direct"}

// DefaultVisibility is a Mastodon post's visibility when
// Config.Visibility is empty: unlisted, so a thread of edits is seen by
// followers and on the profile without flooding the public timelines.
const DefaultVisibility = "unlisted"

// mastodon posts through the Mastodon API: media to POST /api/v2/media
// (its description the alt text), then the status to POST
// /api/v1/statuses with an Idempotency-Key, so a retry whose first try
// was posted but not answered is not posted twice.
type mastodon struct {
	base       string // the server's URL, without a trailing slash
	token      string
	visibility string
	client     *http.Client
	now        func() time.Time
	sleep      func(ctx context.Context, d time.Duration) error
	hold       func(until time.Time)

	mu       sync.Mutex
	maxChars int // from the server, 0 until asked
}

func (m *mastodon) maxImageBytes() int { return mastodonImageBytes }

func (m *mastodon) header() http.Header {
	h := http.Header{}
	h.Set("Authorization", "Bearer "+m.token)
	h.Set("Accept", "application/json")
	return h
}

func (m *mastodon) publish(ctx context.Context, p threadPost) (threadRef, error) {
	limit, err := m.limit(ctx)
	if err != nil {
		return threadRef{}, err
	}
	text, err := fitText(mastodonParts(partsOf(p.it, p.first)), articleLink(p.it.URL), limit, mastodonLength)
	if err != nil {
		return threadRef{}, permanent(err)
	}
	status := map[string]any{"status": text, "visibility": m.visibility}
	if p.png != nil {
		// Mastodon counts a description's characters as code points.
		id, err := m.upload(ctx, p.png, sanitize.CutBy(p.alt, mastodonAltChars, sanitize.Runes, true))
		if err != nil {
			return threadRef{}, err
		}
		status["media_ids"] = []string{id}
	}
	if !p.first {
		status["in_reply_to_id"] = p.parent.id
	}
	body, err := json.Marshal(status)
	if err != nil {
		return threadRef{}, permanent(fmt.Errorf("encode status: %w", err))
	}
	h := m.header()
	h.Set("Content-Type", "application/json")
	h.Set("Idempotency-Key", p.key)
	a, err := call(ctx, m.client, http.MethodPost, m.base+"/api/v1/statuses", body, h, maxAnswerBytes, m.now())
	var se *StatusError
	if !p.first && errors.As(err, &se) && se.Status == http.StatusNotFound {
		// Mastodon answers 404 to a reply to a deleted status.
		return threadRef{}, fmt.Errorf("%w: reply to status %s: %w", errParentGone, plain(p.parent.id, 40), err)
	}
	if err != nil {
		return threadRef{}, err
	}
	m.quota(a.header)
	var st struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(a.body, &st); err != nil || st.ID == "" {
		return threadRef{}, fmt.Errorf("POST %s: the answer names no status id", redactURL(m.base))
	}
	return threadRef{id: st.ID}, nil
}

// quota holds the notifier's requests until the window resets when the
// server says none are left (X-RateLimit-Remaining: 0), rather than
// spend the next request on a 429.
func (m *mastodon) quota(h http.Header) {
	if strings.TrimSpace(h.Get("X-RateLimit-Remaining")) != "0" {
		return
	}
	if wait := retry.Reset(h, m.now()); wait > 0 {
		m.hold(m.now().Add(wait))
	}
}

// limit asks the server once for its status limit
// (configuration.statuses.max_characters, or max_toot_chars on forks),
// taking 500 when it gives none.
func (m *mastodon) limit(ctx context.Context) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.maxChars > 0 {
		return m.maxChars, nil
	}
	a, err := call(ctx, m.client, http.MethodGet, m.base+"/api/v1/instance", nil, m.header(), maxAnswerBytes, m.now())
	var se *StatusError
	if errors.As(err, &se) && !se.Temporary() {
		// A server without the endpoint still takes statuses of 500.
		m.maxChars = mastodonDefaultChars
		return m.maxChars, nil
	}
	if err != nil {
		return 0, err
	}
	var inst struct {
		Configuration struct {
			Statuses struct {
				MaxCharacters int `json:"max_characters"`
			} `json:"statuses"`
		} `json:"configuration"`
		MaxTootChars int `json:"max_toot_chars"`
	}
	_ = json.Unmarshal(a.body, &inst) // A malformed answer leaves the default.
	m.maxChars = mastodonDefaultChars
	for _, n := range []int{inst.Configuration.Statuses.MaxCharacters, inst.MaxTootChars} {
		if n > 0 {
			// Some forks allow 100,000 characters; no post of ours needs more.
			m.maxChars = min(n, 5000)
			break
		}
	}
	return m.maxChars, nil
}

// upload sends the card to POST /api/v2/media and waits until the server
// has processed it: a 202 answer means it is still being processed, and
// GET /api/v1/media/:id answers 206 until it is done.
func (m *mastodon) upload(ctx context.Context, png []byte, alt string) (string, error) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreatePart(textproto.MIMEHeader{
		"Content-Disposition": {`form-data; name="file"; filename="redline-card.png"`},
		"Content-Type":        {"image/png"},
	})
	if err == nil {
		_, err = part.Write(png)
	}
	if err == nil {
		err = w.WriteField("description", alt)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		return "", permanent(fmt.Errorf("encode media upload: %w", err))
	}
	h := m.header()
	h.Set("Content-Type", w.FormDataContentType())
	a, err := call(ctx, m.client, http.MethodPost, m.base+"/api/v2/media", body.Bytes(), h, maxAnswerBytes, m.now())
	if err != nil {
		return "", err
	}
	var media struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(a.body, &media); err != nil || media.ID == "" {
		return "", fmt.Errorf("POST %s: the media answer names no id", redactURL(m.base))
	}
	wait := 500 * time.Millisecond
	for tries := 0; a.status != http.StatusOK; tries++ {
		if tries == 10 {
			return "", fmt.Errorf("media %s: still processing after %d checks", media.ID, tries)
		}
		if err := m.sleep(ctx, wait); err != nil {
			return "", err
		}
		wait = min(2*wait, 5*time.Second)
		a, err = call(ctx, m.client, http.MethodGet, m.base+"/api/v1/media/"+url.PathEscape(media.ID), nil, m.header(), maxAnswerBytes, m.now())
		if err != nil {
			return "", err
		}
	}
	return media.ID, nil
}

// mastodonParts makes scraped text safe to post on Mastodon: an @ would
// mention (and notify) whoever a headline names, so it becomes a
// full-width ＠, which Mastodon does not link.
func mastodonParts(p postParts) postParts {
	at := strings.NewReplacer("@", "＠")
	p.headline, p.before, p.after = at.Replace(p.headline), at.Replace(p.before), at.Replace(p.after)
	return p
}

// urlPattern finds what Mastodon may take for a link in a post.
var urlPattern = regexp.MustCompile(`(?i)https?://\S+`)

// mastodonLength counts s as Mastodon does, or more: graphemes, with each
// link counted as 23. A URL in scraped text counts as its full length if
// longer, since the server may not take it for a link.
func mastodonLength(s string) int {
	n := 0
	last := 0
	for _, loc := range urlPattern.FindAllStringIndex(s, -1) {
		n += graphemeCount(s[last:loc[0]]) + max(mastodonURLChars, graphemeCount(s[loc[0]:loc[1]]))
		last = loc[1]
	}
	n += graphemeCount(s[last:])
	// The article link is the last line and always a link: count it as 23.
	if i := strings.LastIndexByte(s, '\n'); i >= 0 || urlPattern.MatchString(s) {
		tail := s[i+1:]
		if urlPattern.FindString(tail) == tail && tail != "" {
			n -= max(mastodonURLChars, graphemeCount(tail)) - mastodonURLChars
		}
	}
	return n
}

// articleLink is the article's URL as posted: parsed and re-encoded, so
// spaces or quotes in it cannot end the link early.
func articleLink(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return plain(raw, 500)
	}
	return u.String()
}
