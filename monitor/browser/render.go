package browser

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	cdpfetch "github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/inspector"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"golang.org/x/net/publicsuffix"

	"github.com/redline-news/redline/monitor/fetch"
)

// Request is a page to render.
type Request struct {
	// Request is the page's GET; its limits (per-host, robots.txt,
	// AllowPrivate) hold for every request the page makes. Its validators
	// are not sent: a script may change the story under an unchanged
	// document.
	fetch.Request
	// WaitFor, when set, is a CSS selector: the page is ready once an
	// element matches it. Otherwise it is ready once it has loaded, no
	// request has been in flight and its text has not changed for
	// Settle, or, if its text keeps changing, once its network has been
	// idle for Restless.
	WaitFor string
	// ThirdParty lets this page's requests reach other sites than its own,
	// as Options.ThirdParty does for every page.
	ThirdParty bool
}

// Settle is how long a page's network must stay idle and its text
// unchanged for it to count as rendered.
const Settle = 500 * time.Millisecond

// Restless is how long a loaded page whose network is idle may go on
// changing its text (a ticker, a clock) before it is read as it is.
const Restless = 5 * time.Second

// poll is how often a rendering page is looked at while it settles.
const poll = 100 * time.Millisecond

// Error is a page that could not be rendered.
type Error struct {
	URL string
	Err error
}

func (e *Error) Error() string { return "render " + e.URL + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// ErrTimeout marks a page that did not settle within Options.Timeout.
var ErrTimeout = errors.New("page did not settle")

// ErrCrashed marks a page whose tab or browser process crashed.
var ErrCrashed = errors.New("browser crashed")

// Render fetches req's document with the Client, loads it in a tab, waits
// until it settles, and returns the rendered HTML as a Response: the
// document's status, final URL and headers (Content-Type saying UTF-8,
// the encoding of the serialized DOM, and X-Redline-Rendered naming the
// browser), the rendered body and its SHA-256. A document that is not
// HTML is returned as fetched. A failure of the document's own fetch is
// returned as the Client returned it; a failure to render is an *Error,
// with the document's Response, wrapping ErrTimeout or ErrCrashed where
// they apply.
func (b *Browser) Render(ctx context.Context, req Request) (*fetch.Response, error) {
	req.ETag, req.LastModified = "", ""
	doc, err := b.opt.Client.Get(ctx, req.Request)
	if err != nil {
		return doc, err
	}
	if mt, _, _ := mime.ParseMediaType(doc.Header.Get("Content-Type")); mt != "" && mt != "text/html" && mt != "application/xhtml+xml" {
		return doc, nil
	}
	p, err := b.acquire(ctx)
	if err != nil {
		return doc, &Error{URL: req.URL, Err: err}
	}
	defer b.release(p)
	html, err := b.renderOn(ctx, p, req, doc)
	if err != nil {
		return doc, &Error{URL: req.URL, Err: err}
	}
	out := &fetch.Response{Status: doc.Status, FinalURL: doc.FinalURL, Header: doc.Header.Clone(), Body: []byte(html), Attempts: doc.Attempts}
	// The body is the DOM serialized by the browser, in UTF-8, whatever
	// the document was sent in; the lengths and encodings described the
	// bytes sent.
	out.Header.Set("Content-Type", "text/html; charset=utf-8")
	out.Header.Del("Content-Length")
	out.Header.Del("Content-Encoding")
	out.Header.Set("X-Redline-Rendered", p.version)
	sum := sha256.Sum256(out.Body)
	out.SHA256 = hex.EncodeToString(sum[:])
	return out, nil
}

// page is the state of one rendering.
type page struct {
	b    *Browser
	req  Request
	doc  *fetch.Response
	site string // the registrable domain requests may go to without ThirdParty

	mu       sync.Mutex
	closed   bool
	served   bool           // the document was fulfilled
	inflight map[string]int // URLs being fetched, and how many times
	last     time.Time      // when a request last started or ended
	requests int
	refused  []string // the first refusals, for the log
	// pending are the requests in flight when the timeout struck, taken
	// before the cancellation ends their fetches and empties inflight.
	pending  []string
	handlers sync.WaitGroup
}

// renderOn renders req on process p in a tab of its own, in a fresh
// browser context so no page sees another's cookies or storage.
func (b *Browser) renderOn(ctx context.Context, p *process, req Request, doc *fetch.Response) (string, error) {
	docURL, err := url.Parse(doc.FinalURL)
	if err != nil {
		return "", err
	}
	pg := &page{b: b, req: req, doc: doc, site: site(docURL), inflight: map[string]int{}, last: time.Now()}
	tctx, tcancel := chromedp.NewContext(p.ctx, chromedp.WithNewBrowserContext())
	defer tcancel()
	rctx, rcancel := context.WithCancelCause(tctx)
	defer rcancel(nil)
	tm := time.AfterFunc(b.opt.Timeout, func() {
		pg.mu.Lock()
		pg.pending = slices.Sorted(maps.Keys(pg.inflight))
		pg.mu.Unlock()
		rcancel(ErrTimeout)
	})
	defer tm.Stop()
	stop := context.AfterFunc(ctx, func() { rcancel(context.Cause(ctx)) })
	defer stop()
	defer func() {
		// Handlers fetch under rctx: cancelled, they end.
		rcancel(nil)
		pg.mu.Lock()
		pg.closed = true
		pg.mu.Unlock()
		pg.handlers.Wait()
		if len(pg.refused) > 0 {
			b.log.Debug("page requests refused", "url", req.URL, "refused", pg.refused)
		}
	}()
	// Listen opens the tab, and sees its events before any command that
	// follows returns.
	err = chromedp.Listen(rctx, func(ev any) {
		switch ev := ev.(type) {
		case *cdpfetch.EventRequestPaused:
			pg.mu.Lock()
			defer pg.mu.Unlock()
			if pg.closed {
				return
			}
			pg.handlers.Go(func() { pg.handle(rctx, ev) })
		case *inspector.EventTargetCrashed:
			rcancel(fmt.Errorf("%w: the tab crashed", ErrCrashed))
		case *cdppage.EventJavascriptDialogOpening:
			// An alert or confirm blocks the page's script until answered:
			// dismiss it, as no one is there to.
			pg.mu.Lock()
			defer pg.mu.Unlock()
			if pg.closed {
				return
			}
			pg.handlers.Go(func() {
				if _, err := chromedp.Call(rctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: false}); err != nil && rctx.Err() == nil {
					b.log.Debug("dismiss dialog", "url", req.URL, "err", err)
				}
			})
		}
	})
	if err == nil {
		_, err = chromedp.Call(rctx, inspector.Enable, struct{}{})
	}
	if err == nil {
		_, err = chromedp.Call(rctx, cdpfetch.Enable, cdpfetch.EnableParams{Patterns: []*cdpfetch.RequestPattern{{URLPattern: "*"}}})
	}
	if err == nil {
		err = chromedp.Do(rctx, chromedp.Navigate(doc.FinalURL))
	}
	b.mu.Lock()
	onLoaded := b.onLoaded
	b.mu.Unlock()
	if err == nil && onLoaded != nil {
		onLoaded(rctx)
	}
	if err == nil {
		err = pg.settle(rctx)
	}
	var html string
	if err == nil {
		html, err = chromedp.Run(rctx, chromedp.Evaluate[string](serializeJS))
	}
	if err != nil {
		return "", pg.why(rctx, p, err)
	}
	return html, nil
}

// serializeJS is the rendered document, its doctype included.
const serializeJS = `(document.doctype ? new XMLSerializer().serializeToString(document.doctype) + "\n" : "") + document.documentElement.outerHTML`

// signatureJS changes when the document's state, text or element count
// does: a 32-bit FNV-1a of the text, so a clock that keeps its length
// still counts as a change. It reads no layout, so polling it costs little.
const signatureJS = `(() => {
  const t = document.documentElement ? document.documentElement.textContent : "";
  let h = 2166136261;
  for (let i = 0; i < t.length; i++) { h ^= t.charCodeAt(i); h = Math.imul(h, 16777619); }
  return document.readyState + "/" + t.length + "/" + (h >>> 0) + "/" + document.getElementsByTagName("*").length;
})()`

// settle waits until the page matches WaitFor, or has loaded with its
// network idle and its text unchanged for Settle.
func (pg *page) settle(ctx context.Context) error {
	var last string
	since := time.Now()
	for {
		if pg.req.WaitFor != "" {
			sel, err := json.Marshal(pg.req.WaitFor)
			if err != nil {
				return err
			}
			found, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("document.querySelector("+string(sel)+") !== null"))
			if err != nil || found {
				return err
			}
		} else {
			sig, err := chromedp.Run(ctx, chromedp.Evaluate[string](signatureJS))
			if err != nil {
				return err
			}
			now := time.Now()
			if sig != last {
				last, since = sig, now
			}
			pg.mu.Lock()
			idleFor := time.Duration(0)
			if len(pg.inflight) == 0 {
				idleFor = now.Sub(pg.last)
			}
			pg.mu.Unlock()
			loaded := strings.HasPrefix(sig, "complete/")
			switch {
			case loaded && idleFor >= Settle && now.Sub(since) >= Settle:
				return nil
			case loaded && idleFor >= Restless:
				// A ticker or a clock rewrites the page for ever, with
				// nothing left to load: the page is read as it is.
				pg.b.log.Debug("page text still changing with its network idle; read as it is", "url", pg.req.URL)
				return nil
			}
		}
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return context.Cause(ctx)
		case <-t.C:
		}
	}
}

// why turns a failed rendering's error into its reason.
func (pg *page) why(ctx context.Context, p *process, err error) error {
	cause := context.Cause(ctx)
	switch {
	case p.ctx.Err() != nil:
		return fmt.Errorf("%w: the browser process ended (%v)", ErrCrashed, err)
	case errors.Is(cause, ErrCrashed):
		return cause
	case errors.Is(cause, ErrTimeout):
		pg.mu.Lock()
		pending := pg.pending
		pg.mu.Unlock()
		state := "still loading or running script"
		switch {
		case pg.req.WaitFor != "":
			state = fmt.Sprintf("no element matched wait_for %q", pg.req.WaitFor)
		case len(pending) > 0:
			state = fmt.Sprintf("%d requests in flight (%s)", len(pending), strings.Join(pending[:min(3, len(pending))], ", "))
		}
		return fmt.Errorf("%w within browser.timeout=%s: %s", ErrTimeout, pg.b.opt.Timeout, state)
	case cause != nil && !errors.Is(cause, context.Canceled):
		return cause
	}
	var le *chromedp.LoadError
	if errors.As(err, &le) {
		return fmt.Errorf("load: %s", le.ErrorText)
	}
	return err
}

// handle answers one paused request: the document from the fetch already
// made, anything else the policy allows from the Client, the rest failed
// at once. Only what is fetched counts as in flight for settling, and
// against MaxRequests.
func (pg *page) handle(ctx context.Context, ev *cdpfetch.EventRequestPaused) {
	u := ev.Request.URL
	pg.mu.Lock()
	isDoc := !pg.served && ev.ResourceType == network.ResourceTypeDocument && stripFragment(u) == stripFragment(pg.doc.FinalURL)
	if isDoc {
		pg.served = true
	}
	why := ""
	if !isDoc {
		why = pg.refuse(ev)
	}
	if why == "" && !isDoc {
		pg.requests++
		if pg.requests > pg.b.opt.MaxRequests {
			why = fmt.Sprintf("more than %d requests for one page", pg.b.opt.MaxRequests)
		}
	}
	if why == "" {
		pg.inflight[u]++
		pg.last = time.Now()
	}
	pg.mu.Unlock()
	if why != "" {
		pg.fail(ctx, ev.RequestID, u, why, network.ErrorReasonBlockedByClient)
		return
	}
	defer func() {
		pg.mu.Lock()
		if pg.inflight[u]--; pg.inflight[u] <= 0 {
			delete(pg.inflight, u)
		}
		pg.last = time.Now()
		pg.mu.Unlock()
	}()
	if isDoc {
		pg.fulfil(ctx, ev.RequestID, pg.doc)
		return
	}
	r := pg.req.Request
	resp, err := pg.b.opt.Client.Get(ctx, fetch.Request{URL: u, Accept: accept(ev.ResourceType),
		HostConcurrency: r.HostConcurrency, HostRate: r.HostRate, Robots: r.Robots, AllowPrivate: r.AllowPrivate})
	var se *fetch.StatusError
	switch {
	case err == nil, errors.As(err, &se) && resp != nil && resp.Body != nil:
		pg.fulfil(ctx, ev.RequestID, resp)
	default:
		reason := network.ErrorReasonFailed
		var ae *fetch.AddrError
		switch {
		case errors.As(err, &ae), errors.Is(err, fetch.ErrDisallowedByRobots):
			reason = network.ErrorReasonBlockedByClient
		case errors.Is(err, context.DeadlineExceeded):
			reason = network.ErrorReasonTimedOut
		}
		pg.fail(ctx, ev.RequestID, u, err.Error(), reason)
	}
}

// answerTimeout bounds the browser's answer to a fulfil or fail: one for
// a request the page no longer waits for may never come.
const answerTimeout = 10 * time.Second

// refuse says why the policy refuses a request, "" when it does not: of
// a kind that cannot write the story, to another site, or not a GET.
func (pg *page) refuse(ev *cdpfetch.EventRequestPaused) string {
	if ev.Request.Method != http.MethodGet {
		return "method " + ev.Request.Method + " (a monitor only reads)"
	}
	if !fetchable[ev.ResourceType] {
		return "resource type " + string(ev.ResourceType) + " (it cannot write the story)"
	}
	ru, err := url.Parse(ev.Request.URL)
	if err != nil {
		return err.Error()
	}
	if ru.Scheme != "http" && ru.Scheme != "https" {
		return "scheme " + ru.Scheme
	}
	if !pg.b.opt.ThirdParty && !pg.req.ThirdParty && site(ru) != pg.site {
		return "third-party host " + ru.Hostname() + " (browser.third_party is off)"
	}
	return ""
}

// fetchable are the resource types fetched for a page: what can write or
// carry its text. Images, media, fonts and style sheets are not fetched:
// the text does not depend on them, and each would count against the
// site's rate limit.
var fetchable = map[network.ResourceType]bool{
	network.ResourceTypeDocument: true, // frames
	network.ResourceTypeScript:   true,
	network.ResourceTypeXHR:      true,
	network.ResourceTypeFetch:    true,
}

// accept is the Accept header a request of type t is sent with.
func accept(t network.ResourceType) string {
	switch t {
	case network.ResourceTypeScript:
		return "*/*"
	case network.ResourceTypeXHR, network.ResourceTypeFetch:
		return "application/json, text/plain, */*"
	}
	return "" // a document: the Client's page Accept
}

// dropped are the headers not passed on to the browser: they describe
// the bytes the server sent (the body given is decoded), the connection,
// or would give the page state a monitor must not keep.
var dropped = map[string]bool{"Content-Encoding": true, "Content-Length": true, "Transfer-Encoding": true,
	"Connection": true, "Keep-Alive": true, "Set-Cookie": true, "Alt-Svc": true}

func (pg *page) fulfil(ctx context.Context, id cdpfetch.RequestID, r *fetch.Response) {
	var hs []*cdpfetch.HeaderEntry
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range r.Header {
			if !yield(k) {
				return
			}
		}
	}) {
		if dropped[http.CanonicalHeaderKey(k)] {
			continue
		}
		for _, v := range r.Header[k] {
			hs = append(hs, &cdpfetch.HeaderEntry{Name: k, Value: v})
		}
	}
	// An empty body must still be sent as one, or the request would hang
	// for the browser's default.
	body := r.Body
	if body == nil {
		body = []byte{}
	}
	ctx, cancel := context.WithTimeout(ctx, answerTimeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, cdpfetch.FulfillRequest, cdpfetch.FulfillRequestParams{RequestID: id, ResponseCode: int64(r.Status), ResponseHeaders: hs, Body: body}); err != nil {
		pg.b.log.Debug("fulfil request", "url", r.FinalURL, "err", err)
	}
}

func (pg *page) fail(ctx context.Context, id cdpfetch.RequestID, u, why string, reason network.ErrorReason) {
	pg.mu.Lock()
	if len(pg.refused) < 10 {
		pg.refused = append(pg.refused, u+": "+why)
	}
	pg.mu.Unlock()
	pg.b.log.Debug("page request refused", "page", pg.req.URL, "url", u, "err", why)
	ctx, cancel := context.WithTimeout(ctx, answerTimeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, cdpfetch.FailRequest, cdpfetch.FailRequestParams{RequestID: id, ErrorReason: reason}); err != nil {
		pg.b.log.Debug("fail request", "url", u, "err", err)
	}
}

// site is the part of u's host that decides whether a request is
// third-party: its registrable domain (news.example.co.uk for
// www.news.example.co.uk), or the host itself for an IP address or a
// name with no public suffix.
func site(u *url.URL) string {
	h := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if _, err := netip.ParseAddr(h); err == nil {
		return h
	}
	d, err := publicsuffix.EffectiveTLDPlusOne(h)
	if err != nil {
		return h
	}
	return d
}

func stripFragment(u string) string {
	s, _, _ := strings.Cut(u, "#")
	return s
}
