package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/redline-news/redline/internal/retry"
)

// Bluesky limits: a post's text is at most 300 graphemes and 3,000 bytes
// (app.bsky.feed.post), a blob at most 1,000,000 bytes
// (app.bsky.embed.images); alt text has no limit in the lexicon, and
// clients show up to 2,000 graphemes.
const (
	blueskyChars     = 300
	blueskyBytes     = 3000
	blueskyBlobBytes = 1_000_000
	blueskyAltChars  = 2000
	// blueskyLinkChars is how much of the article URL the text shows; the
	// link facet carries the whole URL.
	blueskyLinkChars = 40
)

// bluesky posts through the AT Protocol XRPC API of a PDS: a session
// from com.atproto.server.createSession (refreshed with refreshSession
// when the access token expires), the card by com.atproto.repo.uploadBlob,
// and the post by com.atproto.repo.createRecord under a record key made
// from the post's key, so a retry of a post that was made is refused by
// the PDS and found again with getRecord instead of posted twice.
type bluesky struct {
	base     string // the PDS URL, without a trailing slash
	handle   string
	password string // an app password
	client   *http.Client
	now      func() time.Time
	hold     func(until time.Time)

	mu                sync.Mutex
	access, refresh   string
	did               string
	maxBlob           int // blueskyBlobBytes; tests lower it
	sessionGeneration int // counts sessions, so concurrent refreshes do not repeat
}

func (b *bluesky) maxImageBytes() int { return b.maxBlob }

// xrpcError is the error name of an XRPC error answer ("ExpiredToken").
func xrpcError(err error) string {
	var se *StatusError
	if !errors.As(err, &se) {
		return ""
	}
	for _, name := range []string{"ExpiredToken", "InvalidToken", "AuthenticationRequired", "RecordNotFound"} {
		if strings.Contains(se.Body, `"`+name+`"`) {
			return name
		}
	}
	return ""
}

// session logs in unless a session is open, and returns its tokens.
func (b *bluesky) session(ctx context.Context) (access, did string, gen int, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.access != "" {
		return b.access, b.did, b.sessionGeneration, nil
	}
	body, _ := json.Marshal(map[string]string{"identifier": b.handle, "password": b.password})
	if err := b.open(ctx, "com.atproto.server.createSession", "", body); err != nil {
		return "", "", 0, fmt.Errorf("log in as %s: %w", plain(b.handle, 100), err)
	}
	return b.access, b.did, b.sessionGeneration, nil
}

// open calls createSession or refreshSession and keeps the session it
// answers. b.mu is held.
func (b *bluesky) open(ctx context.Context, nsid, bearer string, body []byte) error {
	h := http.Header{}
	h.Set("Accept", "application/json")
	if body != nil {
		h.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		h.Set("Authorization", "Bearer "+bearer)
	}
	a, err := call(ctx, b.client, http.MethodPost, b.base+"/xrpc/"+nsid, body, h, maxAnswerBytes, b.now())
	if err != nil {
		return err
	}
	b.quota(a.header)
	var s struct {
		AccessJwt  string `json:"accessJwt"`
		RefreshJwt string `json:"refreshJwt"`
		DID        string `json:"did"`
	}
	if err := json.Unmarshal(a.body, &s); err != nil || s.AccessJwt == "" || s.DID == "" {
		return fmt.Errorf("POST %s: %s answered no session", redactURL(b.base), nsid)
	}
	b.access, b.refresh, b.did = s.AccessJwt, s.RefreshJwt, s.DID
	b.sessionGeneration++
	return nil
}

// renew replaces the session of generation gen, whose access token
// expired: with refreshSession, or by logging in again when the refresh
// token is refused too.
func (b *bluesky) renew(ctx context.Context, gen int) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if gen != b.sessionGeneration {
		return nil // another post renewed it meanwhile
	}
	if b.refresh != "" {
		err := b.open(ctx, "com.atproto.server.refreshSession", b.refresh, nil)
		if err == nil {
			return nil
		}
		if name := xrpcError(err); name != "ExpiredToken" && name != "InvalidToken" {
			return fmt.Errorf("refresh session: %w", err)
		}
	}
	b.access, b.refresh = "", ""
	body, _ := json.Marshal(map[string]string{"identifier": b.handle, "password": b.password})
	if err := b.open(ctx, "com.atproto.server.createSession", "", body); err != nil {
		return fmt.Errorf("log in as %s: %w", plain(b.handle, 100), err)
	}
	return nil
}

// xrpc makes one authenticated call, renewing the session once when the
// access token has expired.
func (b *bluesky) xrpc(ctx context.Context, method, nsid string, query url.Values, body []byte, contentType string) (answer, error) {
	for renewed := false; ; renewed = true {
		access, _, gen, err := b.session(ctx)
		if err != nil {
			return answer{}, err
		}
		h := http.Header{}
		h.Set("Authorization", "Bearer "+access)
		h.Set("Accept", "application/json")
		if contentType != "" {
			h.Set("Content-Type", contentType)
		}
		u := b.base + "/xrpc/" + nsid
		if len(query) > 0 {
			u += "?" + query.Encode()
		}
		a, err := call(ctx, b.client, method, u, body, h, maxAnswerBytes, b.now())
		if err == nil {
			b.quota(a.header)
			return a, nil
		}
		if xrpcError(err) != "ExpiredToken" || renewed {
			return answer{}, err
		}
		if err := b.renew(ctx, gen); err != nil {
			return answer{}, err
		}
	}
}

// quota holds the notifier's requests until the window resets when the
// PDS says none are left (ratelimit-remaining: 0).
func (b *bluesky) quota(h http.Header) {
	if strings.TrimSpace(h.Get("RateLimit-Remaining")) != "0" {
		return
	}
	if wait := retry.Reset(h, b.now()); wait > 0 {
		b.hold(b.now().Add(wait))
	}
}

// Records of app.bsky.feed.post, as much as redline writes.
type (
	bskyPost struct {
		Type      string      `json:"$type"`
		Text      string      `json:"text"`
		CreatedAt string      `json:"createdAt"`
		Facets    []bskyFacet `json:"facets,omitempty"`
		Embed     *bskyEmbed  `json:"embed,omitempty"`
		Reply     *bskyReply  `json:"reply,omitempty"`
	}
	bskyFacet struct {
		Index    bskyIndex     `json:"index"`
		Features []bskyFeature `json:"features"`
	}
	bskyIndex struct {
		ByteStart int `json:"byteStart"`
		ByteEnd   int `json:"byteEnd"`
	}
	bskyFeature struct {
		Type string `json:"$type"`
		URI  string `json:"uri"`
	}
	bskyEmbed struct {
		Type   string      `json:"$type"`
		Images []bskyImage `json:"images"`
	}
	bskyImage struct {
		Alt         string          `json:"alt"`
		Image       json.RawMessage `json:"image"`
		AspectRatio bskyAspect      `json:"aspectRatio"`
	}
	bskyAspect struct {
		Width  int `json:"width"`
		Height int `json:"height"`
	}
	bskyReply struct {
		Root   bskyRef `json:"root"`
		Parent bskyRef `json:"parent"`
	}
	bskyRef struct {
		URI string `json:"uri"`
		CID string `json:"cid"`
	}
)

func (b *bluesky) publish(ctx context.Context, p threadPost) (threadRef, error) {
	link := articleLink(p.it.URL)
	shown := blueskyLinkText(link)
	text, err := fitText(partsOf(p.it, p.first), shown, blueskyChars, blueskyLength)
	if err != nil {
		return threadRef{}, permanent(err)
	}
	post := bskyPost{Type: "app.bsky.feed.post", Text: text, CreatedAt: b.now().UTC().Format("2006-01-02T15:04:05.000Z")}
	// The link is the text's last line: its facet spans those bytes.
	if strings.HasPrefix(link, "http://") || strings.HasPrefix(link, "https://") {
		post.Facets = []bskyFacet{{Index: bskyIndex{len(text) - len(shown), len(text)},
			Features: []bskyFeature{{Type: "app.bsky.richtext.facet#link", URI: link}}}}
	}
	if p.png != nil {
		blob, err := b.upload(ctx, p.png)
		if err != nil {
			return threadRef{}, err
		}
		post.Embed = &bskyEmbed{Type: "app.bsky.embed.images", Images: []bskyImage{{
			Alt: shorten(p.alt, blueskyAltChars), Image: blob, AspectRatio: bskyAspect{p.width, p.height}}}}
	}
	if !p.first {
		post.Reply = &bskyReply{Root: bskyRef{p.root.id, p.root.cid}, Parent: bskyRef{p.parent.id, p.parent.cid}}
	}
	_, did, _, err := b.session(ctx)
	if err != nil {
		return threadRef{}, err
	}
	rkey := tid(p.it.At, keyHash(p.key))
	body, err := json.Marshal(map[string]any{"repo": did, "collection": "app.bsky.feed.post", "rkey": rkey, "record": post})
	if err != nil {
		return threadRef{}, permanent(fmt.Errorf("encode post: %w", err))
	}
	a, err := b.xrpc(ctx, http.MethodPost, "com.atproto.repo.createRecord", nil, body, "application/json")
	var se *StatusError
	if errors.As(err, &se) && se.Status == http.StatusBadRequest && xrpcError(err) == "" {
		// Perhaps an earlier try made it and its answer was lost: the
		// record key is the same, so the record is there.
		if ref, ok := b.existing(ctx, did, rkey, text); ok {
			return ref, nil
		}
	}
	if err != nil {
		return threadRef{}, err
	}
	var ref struct {
		URI string `json:"uri"`
		CID string `json:"cid"`
	}
	if err := json.Unmarshal(a.body, &ref); err != nil || ref.URI == "" || ref.CID == "" {
		return threadRef{}, fmt.Errorf("POST %s: createRecord answered no uri and cid", redactURL(b.base))
	}
	return threadRef{id: ref.URI, cid: ref.CID}, nil
}

// existing finds the post an earlier try made under rkey, if its text is
// this post's.
func (b *bluesky) existing(ctx context.Context, did, rkey, text string) (threadRef, bool) {
	q := url.Values{"repo": {did}, "collection": {"app.bsky.feed.post"}, "rkey": {rkey}}
	a, err := b.xrpc(ctx, http.MethodGet, "com.atproto.repo.getRecord", q, nil, "")
	if err != nil {
		return threadRef{}, false
	}
	var rec struct {
		URI   string `json:"uri"`
		CID   string `json:"cid"`
		Value struct {
			Text string `json:"text"`
		} `json:"value"`
	}
	if json.Unmarshal(a.body, &rec) != nil || rec.URI == "" || rec.CID == "" || rec.Value.Text != text {
		return threadRef{}, false
	}
	return threadRef{id: rec.URI, cid: rec.CID}, true
}

// upload sends the card with com.atproto.repo.uploadBlob and returns the
// blob reference to embed.
func (b *bluesky) upload(ctx context.Context, png []byte) (json.RawMessage, error) {
	a, err := b.xrpc(ctx, http.MethodPost, "com.atproto.repo.uploadBlob", nil, png, "image/png")
	if err != nil {
		return nil, err
	}
	var up struct {
		Blob json.RawMessage `json:"blob"`
	}
	if err := json.Unmarshal(a.body, &up); err != nil || len(up.Blob) == 0 || up.Blob[0] != '{' {
		return nil, fmt.Errorf("POST %s: uploadBlob answered no blob", redactURL(b.base))
	}
	return up.Blob, nil
}

// blueskyLength counts s as Bluesky checks a post: graphemes, or one over
// the limit when s passes the 3,000-byte cap, so fitText shortens it.
func blueskyLength(s string) int {
	if len(s) > blueskyBytes {
		return blueskyChars + 1
	}
	return graphemeCount(s)
}

// blueskyLinkText is the article link as the post shows it: host and
// path without the scheme, shortened; the facet links the whole URL.
func blueskyLinkText(link string) string {
	u, err := url.Parse(link)
	if err != nil || u.Host == "" {
		return shorten(link, blueskyLinkChars)
	}
	return shorten(strings.TrimSuffix(u.Host+u.EscapedPath(), "/"), blueskyLinkChars)
}

// tid makes an AT Protocol record key (a TID: 13 characters of
// base32-sortable, 53 bits of microseconds and 10 of clock id) from the
// change's time and the post's key hash, the same on every try. The hash
// also moves the time by under a second, so two changes seen in the same
// microsecond still get two keys.
func tid(at time.Time, h uint64) string {
	const alphabet = "234567abcdefghijklmnopqrstuvwxyz"
	micros := uint64(max(at.UnixMicro(), 0)) + h%1_000_000
	v := (micros&(1<<53-1))<<10 | (h>>20)&0x3ff
	out := make([]byte, 13)
	for i := 12; i >= 0; i-- {
		out[i] = alphabet[v&31]
		v >>= 5
	}
	return string(out)
}
