// Package web serves redline's store read-only over HTTP: the articles
// watched, each one's timeline of versions and checks, the diff between
// any two versions, an Atom feed of changes and a JSON API. Pages are
// rendered on the server with html/template from embedded templates, with
// no script, and every response forbids scripts, frames and foreign
// resources through its Content-Security-Policy. It never writes to the
// store: it is handed a reader that cannot.
package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"github.com/redline-news/redline/report/internal/layout"
	"github.com/redline-news/redline/report/internal/timeline"
	"html/template"
	"log/slog"
	"net/http"
	"path"
	"runtime/debug"
	"sort"
	"sync"
	"time"

	"context"

	"github.com/redline-news/redline/snapshots"
)

// reader is what the server needs from a store, nothing that writes.
type reader interface {
	snapshots.Lister
	// Version returns version n of an article, with Raw, or ErrNotFound.
	Version(ctx context.Context, articleID int64, n int) (snapshots.Version, error)
	// Versions lists versions oldest first.
	Versions(ctx context.Context, f snapshots.VersionFilter) ([]snapshots.Version, error)
	// Checks lists checks newest first.
	Checks(ctx context.Context, f snapshots.CheckFilter) ([]snapshots.Check, error)
}

// Options configure the server.
type Options struct {
	// Logger gets one Debug line per request and an Error line for each
	// failure a reader would see as a 500. Nil discards.
	Logger *slog.Logger
	// Tags maps each configured source to its tags, for the tag filter.
	Tags map[string][]string
	// Now is the clock, for the feed's updated time when it is empty. Nil
	// means time.Now.
	Now func() time.Time
}

// pageSize is how many articles (or checks) one page lists.
const pageSize = 50

// contentSecurityPolicy allows the page its own stylesheet and images and
// nothing else: no script at all, no frames, no form posting elsewhere, no
// <base> to redirect relative links, and no framing by another site.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

//go:embed templates/*.tmpl
var templateFiles embed.FS

//go:embed static/style.css
var styleCSS []byte

// server is the handler New returns.
type server struct {
	st    reader
	log   *slog.Logger
	tags  map[string][]string
	now   func() time.Time
	pages map[string]*template.Template
	mux   *http.ServeMux
	// css is the stylesheet: the severities' colours from the one palette
	// the HTML report and the timeline use (layout.SeverityCSS), then
	// static/style.css.
	css []byte
	// activity caches the list page's sparklines for activityTTL: their
	// count reads a fortnight of the versions' time index (tens of ms,
	// BenchmarkChangesPerDay), and a day's bars need not move on every load.
	activityMu   sync.Mutex
	activityAt   time.Time
	activityRows []activityRow
}

// New returns the web interface over st. st is typically a
// *sqlite.Store or *postgres.Store.
func New(st reader, opt Options) http.Handler {
	s := &server{st: st, log: opt.Logger, tags: opt.Tags, now: opt.Now}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.css = append([]byte(layout.SeverityCSS(".severity")), styleCSS...)
	s.pages = map[string]*template.Template{}
	for _, p := range []string{"list.tmpl", "article.tmpl", "diff.tmpl", "search.tmpl", "claims.tmpl"} {
		// The templates are compiled into the binary: a parse error is a
		// bug every test would hit, not a condition to handle.
		t := template.Must(template.ParseFS(templateFiles, "templates/layout.tmpl", "templates/"+p))
		if err := timeline.Define(t); err != nil {
			panic(err) // the embedded template is checked by every test
		}
		s.pages[p] = t
	}
	m := http.NewServeMux()
	for pattern, h := range map[string]func(http.ResponseWriter, *http.Request) error{
		"GET /{$}":                             s.list,
		"GET /articles/{id}":                   s.article,
		"GET /articles/{id}/diff":              s.diff,
		"GET /articles/{id}/claims":            s.claims,
		"GET /articles/{id}/versions/{n}/raw":  s.raw,
		"GET /articles/{id}/versions/{n}/text": s.text,
		"GET /search":                          s.search,
		"GET /feed.atom":                       s.feed,
		"GET /api/articles":                    s.apiArticles,
		"GET /api/articles/{id}/versions":      s.apiVersions,
		"GET /api/diff":                        s.apiDiff,
		"GET /api/articles/{id}/claims":        s.apiClaims,
	} {
		m.Handle(pattern, s.handle(h))
	}
	m.HandleFunc("GET /static/style.css", s.style)
	s.mux = m
	return s
}

// ServeHTTP sets the security headers every response carries, refuses
// every method but GET and HEAD, and turns a panic into a 500.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY") // for browsers predating frame-ancestors
	defer func() {
		if v := recover(); v != nil {
			// net/http would recover too, but only by dropping the
			// connection; a reader gets a plain 500 instead, and the
			// stack goes to the log once.
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "err", v, "stack", string(debug.Stack()))
			if !rec.wrote {
				http.Error(rec, "internal error", http.StatusInternalServerError)
			}
		}
		s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "duration", time.Since(start))
	}()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(rec, "method not allowed: this interface is read-only", http.StatusMethodNotAllowed)
		return
	}
	// No page has a path with "..", "." or "//", decoded or not
	// (/static/..%2f..%2f): answer 404 rather than let the mux redirect to
	// the cleaned path, so such a path never names anything.
	if p := r.URL.Path; p != path.Clean(p) && p != path.Clean(p)+"/" {
		http.Error(rec, "not found", http.StatusNotFound)
		return
	}
	s.mux.ServeHTTP(rec, r)
}

// statusRecorder remembers the status written, for the log.
type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// httpError is a failure the reader caused: a bad parameter (400) or
// something that does not exist (404). Its message is shown as is.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &httpError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) error {
	return &httpError{http.StatusNotFound, fmt.Sprintf(format, args...)}
}

// handle adapts a handler that returns an error: an httpError is shown with
// its status, ErrNotFound is a 404, anything else is logged and a 500.
func (s *server) handle(h func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		var he *httpError
		switch {
		case err == nil:
		case errors.As(err, &he):
			http.Error(w, he.msg, he.status)
		case errors.Is(err, snapshots.ErrNotFound):
			http.Error(w, "not found", http.StatusNotFound)
		case errors.Is(err, context.Canceled):
			// The client went away; nobody is left to answer.
		default:
			s.log.Error("serve request", "method", r.Method, "path", r.URL.Path, "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
	})
}

// render executes a page into memory first, so a template failure is a
// clean 500 rather than half a page.
func (s *server) render(w http.ResponseWriter, page string, data any) error {
	var b bytes.Buffer
	if err := s.pages[page].ExecuteTemplate(&b, "layout", data); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, err := w.Write(b.Bytes())
	return err
}

// style serves the one stylesheet. The CSP allows only same-origin style,
// so the pages carry no inline CSS.
func (s *server) style(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	http.ServeContent(w, r, "style.css", time.Time{}, bytes.NewReader(s.css))
}

// tagsOf returns a source's tags, sorted.
func (s *server) tagsOf(source string) []string {
	ts := append([]string(nil), s.tags[source]...)
	sort.Strings(ts)
	return ts
}

// sourcesTagged returns the configured sources carrying tag, sorted; an
// empty non-nil slice when none does, so the filter matches nothing.
func (s *server) sourcesTagged(tag string) []string {
	out := []string{}
	for src, ts := range s.tags {
		for _, t := range ts {
			if t == tag {
				out = append(out, src)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}
