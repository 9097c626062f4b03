// Package threadtest runs local stand-ins of the Mastodon and Bluesky APIs
// (httptest servers on 127.0.0.1) for the tests of the thread notifiers
// and of redline's notify path. They check what the real servers check and
// refuse as they refuse: a wrong token (401), an over-long post (422 on
// Mastodon, 400 on Bluesky), a media upload without its file or alt text,
// a reply to a post that does not exist; they keep what was posted for the
// tests to read, and can answer 429, expire a token or lose an answer.
package threadtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/clipperhouse/uax29/v2/graphemes"
)

// Graphemes counts extended grapheme clusters, as both services count
// characters.
func Graphemes(s string) int {
	n := 0
	for it := graphemes.FromString(s); it.Next(); {
		n++
	}
	return n
}

// faulty is the lock both stand-ins hold their state under, with the
// faults they are told to inject next.
type faulty struct {
	mu sync.Mutex
	f  faults
}

// TooMany answers the next n requests 429, with the API's reset header
// (X-RateLimit-Reset, ratelimit-reset) at reset.
func (s *faulty) TooMany(n int, reset time.Time) {
	s.mu.Lock()
	s.f.tooMany, s.f.resetAt = n, reset
	s.mu.Unlock()
}

// LoseAnswer makes the next post go through but drops the connection
// before the answer.
func (s *faulty) LoseAnswer() { s.mu.Lock(); s.f.loseAnswer = 1; s.mu.Unlock() }

// answerPost answers a post that was made with v, or, told to lose the
// answer, drops the connection instead. The caller holds mu.
func (s *faulty) answerPost(w http.ResponseWriter, v any) {
	if s.f.loseAnswer > 0 {
		s.f.loseAnswer--
		lose(w)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// faults are what a stand-in is told to do wrong next.
type faults struct {
	tooMany    int       // answer this many requests 429
	resetAt    time.Time // the reset time those 429s give
	loseAnswer int       // make this many posts, then drop the connection instead of answering
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // A test server: a write error only means the client left.
}

// lose drops the connection without an answer: the request was handled,
// the client never hears so.
func lose(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// PNG is an image a stand-in received, decoded far enough to check it.
type PNG struct {
	Bytes         []byte
	Width, Height int
}

func decodePNG(b []byte) (PNG, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return PNG{}, err
	}
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		return PNG{}, err
	}
	return PNG{Bytes: b, Width: cfg.Width, Height: cfg.Height}, nil
}

// Status is a Mastodon status the stand-in accepted.
type Status struct {
	ID             string
	Text           string
	MediaIDs       []string
	InReplyToID    string
	Visibility     string
	IdempotencyKey string
}

// Media is an attachment uploaded to the Mastodon stand-in.
type Media struct {
	ID          string
	Description string
	Image       PNG
	polls       int // GETs still answered 206
}

// Mastodon stands in for a Mastodon server.
type Mastodon struct {
	*httptest.Server
	Token string

	faulty
	maxChars int
	process  int // how many GETs a new upload stays "processing" for
	statuses []Status
	media    map[string]*Media
	keys     map[string]string // Idempotency-Key → status id
	requests int
	posts    int // POST /api/v1/statuses received
	unauth   int
	// quota, when set, counts down the requests left in the window,
	// answered in X-RateLimit-Remaining; at 0, requests get 429 until
	// quotaReset, as a real server's limit.
	quota      *int
	quotaReset time.Time
	refused    int // 429s answered
}

// NewMastodon starts a stand-in that accepts token, with a status limit
// of maxChars characters (as GET /api/v1/instance says).
func NewMastodon(t testing.TB, token string, maxChars int) *Mastodon {
	m := &Mastodon{Token: token, maxChars: maxChars, media: map[string]*Media{}, keys: map[string]string{}}
	m.Server = httptest.NewServer(http.HandlerFunc(m.serve))
	t.Cleanup(m.Close)
	return m
}

// Process makes each later upload answer 202 and then 206 to n polls
// before it is processed.
func (m *Mastodon) Process(n int) { m.mu.Lock(); m.process = n; m.mu.Unlock() }

// Statuses returns the statuses posted, in order.
func (m *Mastodon) Statuses() []Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Status(nil), m.statuses...)
}

// Media returns an uploaded attachment, or nil.
func (m *Mastodon) Media(id string) *Media {
	m.mu.Lock()
	defer m.mu.Unlock()
	if md, ok := m.media[id]; ok {
		c := *md
		return &c
	}
	return nil
}

// Delete removes a status, as its author may.
func (m *Mastodon) Delete(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, s := range m.statuses {
		if s.ID == id {
			m.statuses = append(m.statuses[:i:i], m.statuses[i+1:]...)
			return
		}
	}
}

// StatusPosts counts the status posts received, those answered from an
// Idempotency-Key too.
func (m *Mastodon) StatusPosts() int { m.mu.Lock(); defer m.mu.Unlock(); return m.posts }

// Requests counts the requests the stand-in has answered; Unauthorized
// those it refused for their token.
func (m *Mastodon) Requests() int     { m.mu.Lock(); defer m.mu.Unlock(); return m.requests }
func (m *Mastodon) Unauthorized() int { m.mu.Lock(); defer m.mu.Unlock(); return m.unauth }

var urlPattern = regexp.MustCompile(`(?i)https?://\S+`)

// MastodonLength counts a status as Mastodon does: graphemes, each URL
// counted as 23.
func MastodonLength(s string) int {
	return Graphemes(urlPattern.ReplaceAllString(s, strings.Repeat("x", 23)))
}

// Quota gives the account n requests until reset: each answer says how
// many are left (X-RateLimit-Remaining), and a request past them is
// answered 429.
func (m *Mastodon) Quota(n int, reset time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.quota, m.quotaReset = &n, reset
}

// Refused counts the requests answered 429.
func (m *Mastodon) Refused() int { m.mu.Lock(); defer m.mu.Unlock(); return m.refused }

func (m *Mastodon) serve(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests++
	if m.quota != nil {
		w.Header().Set("X-RateLimit-Reset", m.quotaReset.UTC().Format("2006-01-02T15:04:05.000000Z"))
		if *m.quota == 0 {
			m.f.tooMany, m.f.resetAt = max(m.f.tooMany, 1), m.quotaReset
		} else {
			*m.quota--
			w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(*m.quota))
		}
	}
	if m.f.tooMany > 0 {
		m.refused++
		m.f.tooMany--
		w.Header().Set("X-RateLimit-Limit", "300")
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", m.f.resetAt.UTC().Format("2006-01-02T15:04:05.000000Z"))
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "Too many requests"})
		return
	}
	if r.Method == http.MethodGet && r.URL.Path == "/api/v1/instance" {
		writeJSON(w, http.StatusOK, map[string]any{"uri": "standin.example", "configuration": map[string]any{
			"statuses": map[string]any{"max_characters": m.maxChars, "characters_reserved_per_url": 23}}})
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+m.Token {
		m.unauth++
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "The access token is invalid"})
		return
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/api/v2/media":
		m.upload(w, r)
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/v1/media/"):
		md, ok := m.media[strings.TrimPrefix(r.URL.Path, "/api/v1/media/")]
		if !ok {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "Record not found"})
			return
		}
		if md.polls > 0 {
			md.polls--
			writeJSON(w, http.StatusPartialContent, map[string]any{"id": md.ID, "url": nil})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"id": md.ID, "url": "https://standin.example/media/" + md.ID})
	case r.Method == http.MethodPost && r.URL.Path == "/api/v1/statuses":
		m.status(w, r)
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Record not found"})
	}
}

func (m *Mastodon) upload(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": "Validation failed: " + err.Error()})
		return
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": "Validation failed: File can't be blank"})
		return
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	img, err := decodePNG(b)
	if err != nil || hdr.Header.Get("Content-Type") != "image/png" {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": fmt.Sprintf("Validation failed: File content type %q is invalid (%v)", hdr.Header.Get("Content-Type"), err)})
		return
	}
	desc := r.FormValue("description")
	if utf8.RuneCountInString(desc) > 1500 { // Rails counts code points
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": "Validation failed: Description is too long (maximum is 1500 characters)"})
		return
	}
	md := &Media{ID: strconv.Itoa(1000 + len(m.media)), Description: desc, Image: img, polls: m.process}
	m.media[md.ID] = md
	if md.polls > 0 {
		writeJSON(w, http.StatusAccepted, map[string]any{"id": md.ID, "url": nil})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": md.ID, "url": "https://standin.example/media/" + md.ID})
}

func (m *Mastodon) status(w http.ResponseWriter, r *http.Request) {
	m.posts++
	var in struct {
		Status      string   `json:"status"`
		MediaIDs    []string `json:"media_ids"`
		InReplyToID string   `json:"in_reply_to_id"`
		Visibility  string   `json:"visibility"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": "Validation failed: " + err.Error()})
		return
	}
	key := r.Header.Get("Idempotency-Key")
	if id, ok := m.keys[key]; ok && key != "" {
		writeJSON(w, http.StatusOK, map[string]any{"id": id})
		return
	}
	if n := MastodonLength(in.Status); n > m.maxChars || strings.TrimSpace(in.Status) == "" {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": fmt.Sprintf("Validation failed: Text character limit of %d exceeded (%d)", m.maxChars, n)})
		return
	}
	for _, id := range in.MediaIDs {
		md, ok := m.media[id]
		if !ok || md.polls > 0 {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": "Cannot attach files that have not finished processing. Try again in a moment!"})
			return
		}
	}
	if in.InReplyToID != "" && !m.hasStatus(in.InReplyToID) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Record not found"})
		return
	}
	st := Status{ID: strconv.Itoa(100 + m.posts), Text: in.Status, MediaIDs: in.MediaIDs, InReplyToID: in.InReplyToID,
		Visibility: in.Visibility, IdempotencyKey: key}
	m.statuses = append(m.statuses, st)
	if key != "" {
		m.keys[key] = st.ID
	}
	m.answerPost(w, map[string]any{"id": st.ID, "content": in.Status})
}

func (m *Mastodon) hasStatus(id string) bool {
	for _, s := range m.statuses {
		if s.ID == id {
			return true
		}
	}
	return false
}

// Post is a Bluesky post record the stand-in accepted.
type Post struct {
	URI, CID, RKey string
	Text           string
	Facets         []Facet
	Images         []Image
	Root, Parent   Ref // empty for a post that starts a thread
}

// Facet is a link facet of a post.
type Facet struct {
	ByteStart, ByteEnd int
	URI                string
}

// Image is an image embedded in a post.
type Image struct {
	Alt                string
	Width, Height      int // its aspectRatio
	Blob               PNG
	BlobRef, BlobMime  string
	AspectMatchesImage bool
}

// Ref is a strong reference to a record.
type Ref struct{ URI, CID string }

// DID is the stand-in account's DID.
const DID = "did:plc:standin"

// Bluesky stands in for a PDS with one account.
type Bluesky struct {
	*httptest.Server
	Handle, Password string

	faulty
	access    map[string]bool // access token → still valid
	refresh   map[string]bool
	sessions  int
	refreshes int
	blobs     map[string]PNG
	posts     []Post
	unauth    int
	requests  int
	maxBlob   int
}

// NewBluesky starts a stand-in PDS whose account logs in with handle and
// the app password.
func NewBluesky(t testing.TB, handle, password string) *Bluesky {
	b := &Bluesky{Handle: handle, Password: password, access: map[string]bool{}, refresh: map[string]bool{},
		blobs: map[string]PNG{}, maxBlob: 1_000_000}
	b.Server = httptest.NewServer(http.HandlerFunc(b.serve))
	t.Cleanup(b.Close)
	return b
}

// SetMaxBlob sets the largest blob uploadBlob takes (1,000,000 bytes
// unless set).
func (b *Bluesky) SetMaxBlob(n int) { b.mu.Lock(); b.maxBlob = n; b.mu.Unlock() }

// Expire makes every access token expired: the next call with one is
// answered 400 ExpiredToken, as a PDS does after two hours.
func (b *Bluesky) Expire() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for k := range b.access {
		b.access[k] = false
	}
}

// Posts returns the posts made, in order.
func (b *Bluesky) Posts() []Post {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Post(nil), b.posts...)
}

// Sessions counts logins (createSession), Refreshes refreshSession calls,
// Unauthorized the requests refused for their credentials.
func (b *Bluesky) Sessions() int     { b.mu.Lock(); defer b.mu.Unlock(); return b.sessions }
func (b *Bluesky) Refreshes() int    { b.mu.Lock(); defer b.mu.Unlock(); return b.refreshes }
func (b *Bluesky) Unauthorized() int { b.mu.Lock(); defer b.mu.Unlock(); return b.unauth }
func (b *Bluesky) Requests() int     { b.mu.Lock(); defer b.mu.Unlock(); return b.requests }

func xrpcErr(w http.ResponseWriter, status int, name, msg string) {
	writeJSON(w, status, map[string]string{"error": name, "message": msg})
}

func token(prefix string, n int) string {
	h := sha256.Sum256(fmt.Appendf(nil, "%s%d", prefix, n))
	return prefix + hex.EncodeToString(h[:12])
}

func (b *Bluesky) newSession(w http.ResponseWriter) {
	b.sessions++
	acc, ref := token("acc-", b.sessions), token("ref-", b.sessions)
	b.access[acc], b.refresh[ref] = true, true
	writeJSON(w, http.StatusOK, map[string]any{"accessJwt": acc, "refreshJwt": ref, "did": DID, "handle": b.Handle, "active": true})
}

// authorized checks the access token; it answers the refusal itself.
func (b *Bluesky) authorized(w http.ResponseWriter, r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	valid, known := b.access[tok]
	switch {
	case !ok || !known:
		b.unauth++
		xrpcErr(w, http.StatusUnauthorized, "AuthenticationRequired", "Invalid identifier or password")
		return false
	case !valid:
		xrpcErr(w, http.StatusBadRequest, "ExpiredToken", "Token has expired")
		return false
	}
	return true
}

func (b *Bluesky) serve(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.requests++
	if b.f.tooMany > 0 {
		b.f.tooMany--
		w.Header().Set("RateLimit-Limit", "5000")
		w.Header().Set("RateLimit-Remaining", "0")
		w.Header().Set("RateLimit-Reset", strconv.FormatInt(b.f.resetAt.Unix(), 10))
		xrpcErr(w, http.StatusTooManyRequests, "RateLimitExceeded", "Rate Limit Exceeded")
		return
	}
	nsid := strings.TrimPrefix(r.URL.Path, "/xrpc/")
	switch nsid {
	case "com.atproto.server.createSession":
		var in struct{ Identifier, Password string }
		if json.NewDecoder(r.Body).Decode(&in) != nil || in.Identifier != b.Handle || in.Password != b.Password {
			b.unauth++
			xrpcErr(w, http.StatusUnauthorized, "AuthenticationRequired", "Invalid identifier or password")
			return
		}
		b.newSession(w)
	case "com.atproto.server.refreshSession":
		tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !b.refresh[tok] {
			xrpcErr(w, http.StatusBadRequest, "ExpiredToken", "Token has expired")
			return
		}
		b.refresh[tok] = false
		b.refreshes++
		b.newSession(w)
		b.sessions-- // a refresh, not a login
	case "com.atproto.repo.uploadBlob":
		if !b.authorized(w, r) {
			return
		}
		data, _ := io.ReadAll(io.LimitReader(r.Body, int64(b.maxBlob)+1))
		if len(data) > b.maxBlob {
			xrpcErr(w, http.StatusBadRequest, "BlobTooLarge", "This file is too large")
			return
		}
		img, err := decodePNG(data)
		if err != nil || r.Header.Get("Content-Type") != "image/png" {
			xrpcErr(w, http.StatusBadRequest, "InvalidRequest", fmt.Sprintf("not a PNG (%s): %v", r.Header.Get("Content-Type"), err))
			return
		}
		sum := sha256.Sum256(data)
		ref := "bafkrei" + hex.EncodeToString(sum[:16])
		b.blobs[ref] = img
		writeJSON(w, http.StatusOK, map[string]any{"blob": map[string]any{"$type": "blob", "ref": map[string]string{"$link": ref},
			"mimeType": "image/png", "size": len(data)}})
	case "com.atproto.repo.createRecord":
		if !b.authorized(w, r) {
			return
		}
		b.createRecord(w, r)
	case "com.atproto.repo.getRecord":
		q := r.URL.Query()
		for _, p := range b.posts {
			if q.Get("repo") == DID && q.Get("collection") == "app.bsky.feed.post" && p.RKey == q.Get("rkey") {
				writeJSON(w, http.StatusOK, map[string]any{"uri": p.URI, "cid": p.CID, "value": map[string]any{"text": p.Text}})
				return
			}
		}
		xrpcErr(w, http.StatusBadRequest, "RecordNotFound", "Could not locate record")
	default:
		xrpcErr(w, http.StatusNotImplemented, "MethodNotImplemented", "Method Not Implemented")
	}
}

var tidPattern = regexp.MustCompile(`^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$`)

func (b *Bluesky) createRecord(w http.ResponseWriter, r *http.Request) {
	var in postRecord
	var post Post
	refused := ""
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		refused = err.Error()
	} else {
		post, refused = b.readPost(in)
	}
	if refused != "" {
		xrpcErr(w, http.StatusBadRequest, "InvalidRequest", "Invalid app.bsky.feed.post record: "+refused)
		return
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "%s%s", in.RKey, in.Record.Text))
	post.CID = "bafyrei" + hex.EncodeToString(sum[:16])
	b.posts = append(b.posts, post)
	b.answerPost(w, map[string]any{"uri": post.URI, "cid": post.CID})
}

// postRecord is createRecord's body for a post.
type postRecord struct {
	Repo, Collection, RKey string
	Record                 struct {
		Type      string `json:"$type"`
		Text      string `json:"text"`
		CreatedAt string `json:"createdAt"`
		Facets    []struct {
			Index struct {
				ByteStart, ByteEnd int
			} `json:"index"`
			Features []struct {
				Type string `json:"$type"`
				URI  string `json:"uri"`
			} `json:"features"`
		} `json:"facets"`
		Embed *struct {
			Type   string `json:"$type"`
			Images []struct {
				Alt   string `json:"alt"`
				Image struct {
					Type     string            `json:"$type"`
					Ref      map[string]string `json:"ref"`
					MimeType string            `json:"mimeType"`
				} `json:"image"`
				AspectRatio struct{ Width, Height int } `json:"aspectRatio"`
			} `json:"images"`
		} `json:"embed"`
		Reply *struct{ Root, Parent Ref } `json:"reply"`
	} `json:"record"`
}

// readPost checks a post record as the server does and returns the post
// it makes, or why it is refused, in the server's words.
func (b *Bluesky) readPost(in postRecord) (post Post, refused string) {
	rec := in.Record
	switch {
	case in.Repo != DID || in.Collection != "app.bsky.feed.post" || rec.Type != "app.bsky.feed.post":
		return Post{}, fmt.Sprintf("repo %q, collection %q, $type %q", in.Repo, in.Collection, rec.Type)
	case !tidPattern.MatchString(in.RKey):
		return Post{}, fmt.Sprintf("rkey %q is not a TID", in.RKey)
	case Graphemes(rec.Text) > 300:
		return Post{}, fmt.Sprintf("Record/text must not be longer than 300 graphemes (%d)", Graphemes(rec.Text))
	case len(rec.Text) > 3000:
		return Post{}, "Record/text must not be longer than 3000 characters"
	}
	if _, err := time.Parse(time.RFC3339Nano, rec.CreatedAt); err != nil {
		return Post{}, fmt.Sprintf("createdAt: %v", err)
	}
	for _, p := range b.posts {
		if p.RKey == in.RKey {
			return Post{}, fmt.Sprintf("Record already exists at rkey %s", in.RKey)
		}
	}
	post = Post{RKey: in.RKey, Text: rec.Text, URI: "at://" + DID + "/app.bsky.feed.post/" + in.RKey}
	for _, f := range rec.Facets {
		s, e := f.Index.ByteStart, f.Index.ByteEnd
		if s < 0 || e > len(rec.Text) || s >= e || !utf8.ValidString(rec.Text[s:e]) || len(f.Features) != 1 ||
			f.Features[0].Type != "app.bsky.richtext.facet#link" {
			return Post{}, fmt.Sprintf("facet %d..%d of %d bytes", s, e, len(rec.Text))
		}
		post.Facets = append(post.Facets, Facet{s, e, f.Features[0].URI})
	}
	if rec.Embed != nil {
		if rec.Embed.Type != "app.bsky.embed.images" || len(rec.Embed.Images) == 0 || len(rec.Embed.Images) > 4 {
			return Post{}, fmt.Sprintf("embed %q with %d images", rec.Embed.Type, len(rec.Embed.Images))
		}
		for _, im := range rec.Embed.Images {
			blob, ok := b.blobs[im.Image.Ref["$link"]]
			if !ok || im.Image.Type != "blob" {
				return Post{}, fmt.Sprintf("image blob %v was not uploaded", im.Image.Ref)
			}
			post.Images = append(post.Images, Image{Alt: im.Alt, Width: im.AspectRatio.Width, Height: im.AspectRatio.Height,
				Blob: blob, BlobRef: im.Image.Ref["$link"], BlobMime: im.Image.MimeType,
				AspectMatchesImage: im.AspectRatio.Width*blob.Height == im.AspectRatio.Height*blob.Width && im.AspectRatio.Width > 0})
		}
	}
	if rec.Reply != nil {
		for _, ref := range []Ref{rec.Reply.Root, rec.Reply.Parent} {
			if !b.hasPost(ref) {
				return Post{}, fmt.Sprintf("reply to %v, which is not a post here", ref)
			}
		}
		post.Root, post.Parent = rec.Reply.Root, rec.Reply.Parent
	}
	return post, ""
}

func (b *Bluesky) hasPost(ref Ref) bool {
	for _, p := range b.posts {
		if p.URI == ref.URI && p.CID == ref.CID {
			return true
		}
	}
	return false
}
