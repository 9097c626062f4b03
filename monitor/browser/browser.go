// Package browser renders pages whose story is written by script in
// headless Chromium, driven through the DevTools protocol (chromedp).
//
// The browser reaches nothing by itself. Every request a page makes (its
// document, scripts, data requests, frames) is paused by the protocol's
// Fetch domain, judged here (method, resource type, third-party host,
// requests per page), fetched by redline's own fetch.Client, with its
// address guard, robots.txt, per-host limits, body cap and User-Agent, and
// fulfilled or failed from that answer. No certificate is forged and no
// TLS is terminated here: HTTPS is fetched by the Client, which verifies
// certificates as for any page. The browser's proxy setting points at a
// listener of this package that refuses everything, so whatever is not
// paused (a WebSocket, a service worker's fetch, the browser's own
// background traffic) fails there instead of reaching the network.
//
// Browser keeps one Chromium process for many pages, a bounded pool of
// tabs, and starts a fresh process when the old one died or after a set
// number of pages. It does not extract text: Render returns the rendered
// HTML as a fetch.Response, which the caller reads like a fetched page.
package browser

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/redline-news/redline/monitor/fetch"
)

// Options configure a Browser. Zero values take the defaults in New.
type Options struct {
	// Path is the Chromium (or Chrome) executable; "" looks for one on
	// PATH (see Find).
	Path string
	// Client fetches every request of every page. Required.
	Client *fetch.Client
	// Concurrency bounds the tabs open at once. Default 2.
	Concurrency int
	// Timeout bounds one page from navigation until its text settled.
	// Default 30s.
	Timeout time.Duration
	// ThirdParty lets a page's requests reach other sites than the page's
	// own (another registrable domain). Default false: they are refused.
	ThirdParty bool
	// RestartAfter is how many pages one browser process renders before a
	// fresh one replaces it, so what a long-lived Chromium leaks is given
	// back. Default 200.
	RestartAfter int
	// MaxRequests bounds the requests one page may make, its document
	// included; past it they are refused. Default 200.
	MaxRequests int
	Logger      *slog.Logger
}

// Browser renders pages in headless Chromium. Open starts it, Close stops
// it. It is safe for concurrent use.
type Browser struct {
	opt  Options
	exe  string
	log  *slog.Logger
	tabs chan struct{} // one token per tab allowed open

	// Lifecycle: Open creates them, Close ends them.
	life     context.Context
	stopLife context.CancelFunc
	refuser  *refuser

	mu  sync.Mutex
	cur *process // the process new pages go to; nil before the first page
	// all are the processes not yet closed, cur included: a retired one
	// is closed when its last page ends.
	all map[*process]bool

	// onLoaded, set by tests only, runs in a page's tab once it loaded:
	// the tab-crash test crashes the tab there.
	onLoaded func(ctx context.Context)
}

// process is one Chromium process and the pages it has rendered.
type process struct {
	ctx       context.Context // the browser's chromedp context
	cancel    context.CancelFunc
	version   string // the product, as Browser.getVersion says it
	pages     int    // pages started on it
	active    int    // pages in flight on it
	retired   bool   // no new pages go to it
	startedAt time.Time
}

// ErrNoChromium is returned when no browser executable is found.
var ErrNoChromium = errors.New("no Chromium found")

// candidates are the names Chromium goes by on PATH, tried in order.
var candidates = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "headless_shell"}

// Find returns the browser executable: path when it is set (an absolute
// path, or a name looked up on PATH), else the first of chromium,
// chromium-browser, google-chrome… found on PATH. Its errors wrap
// ErrNoChromium and name the setting browser.path.
func Find(path string) (string, error) {
	if path != "" {
		p, err := exec.LookPath(path)
		if err != nil {
			return "", fmt.Errorf("%w at browser.path %q: %w", ErrNoChromium, path, err)
		}
		return p, nil
	}
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w on PATH (looked for %v): install Chromium or set browser.path", ErrNoChromium, candidates)
}

// New returns a Browser. It does no I/O; Open finds and starts Chromium.
func New(opt Options) *Browser {
	if opt.Concurrency <= 0 {
		opt.Concurrency = 2
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 30 * time.Second
	}
	if opt.RestartAfter <= 0 {
		opt.RestartAfter = 200
	}
	if opt.MaxRequests <= 0 {
		opt.MaxRequests = 200
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	return &Browser{opt: opt, log: opt.Logger, tabs: make(chan struct{}, opt.Concurrency), all: map[*process]bool{}}
}

// Open finds the executable and starts the listener that refuses what the
// browser would fetch outside the pause; Chromium itself starts with the
// first page, so a run whose browser sources are never due starts none.
func (b *Browser) Open(ctx context.Context) error {
	if b.opt.Client == nil {
		return errors.New("browser: no fetch client")
	}
	exe, err := Find(b.opt.Path)
	if err != nil {
		return err
	}
	b.exe = exe
	r, err := newRefuser(ctx, b.log)
	if err != nil {
		return err
	}
	b.refuser = r
	b.life, b.stopLife = context.WithCancel(context.WithoutCancel(ctx))
	return nil
}

// Close stops every browser process and the refusing listener.
func (b *Browser) Close() error {
	if b.stopLife == nil {
		return nil
	}
	b.mu.Lock()
	for p := range b.all {
		p.cancel()
		delete(b.all, p)
	}
	b.cur = nil
	b.mu.Unlock()
	b.stopLife()
	return b.refuser.close()
}

// Refused returns the URLs of the last requests (up to 100) the browser
// tried to make outside the pause, all refused: a WebSocket, a service
// worker, the browser's own background traffic.
func (b *Browser) Refused() []string {
	b.refuser.mu.Lock()
	defer b.refuser.mu.Unlock()
	return slices.Clone(b.refuser.hosts)
}

// acquire takes a tab on the current process, starting one when there is
// none, the current one died, or it has rendered RestartAfter pages.
func (b *Browser) acquire(ctx context.Context) (*process, error) {
	select {
	case b.tabs <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.life == nil || b.life.Err() != nil {
		<-b.tabs
		return nil, errors.New("browser: not open")
	}
	if p := b.cur; p != nil {
		switch {
		case p.ctx.Err() != nil:
			b.log.Warn("browser process ended; starting a new one", "pages", p.pages, "err", context.Cause(p.ctx))
			b.retire(p)
		case p.pages >= b.opt.RestartAfter:
			b.log.Info("browser process restarted after its page quota", "pages", p.pages, "restart_after", b.opt.RestartAfter)
			b.retire(p)
		}
	}
	if b.cur == nil {
		p, err := b.start(ctx)
		if err != nil {
			<-b.tabs
			return nil, err
		}
		b.cur = p
		b.all[p] = true
	}
	b.cur.pages++
	b.cur.active++
	return b.cur, nil
}

// release gives back the tab of a page rendered on p.
func (b *Browser) release(p *process) {
	b.mu.Lock()
	p.active--
	if p.retired && p.active == 0 && b.all[p] {
		delete(b.all, p)
		p.cancel()
	}
	b.mu.Unlock()
	<-b.tabs
}

// retire sends no more pages to p, and closes it now if it has none in
// flight. b.mu is held.
func (b *Browser) retire(p *process) {
	p.retired = true
	if b.cur == p {
		b.cur = nil
	}
	if p.active == 0 {
		delete(b.all, p)
		p.cancel()
	}
}

// start launches a Chromium process. b.mu is held.
func (b *Browser) start(ctx context.Context) (*process, error) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(b.exe),
		// Everything the pause does not catch goes to the refuser, the
		// loopback included (Chromium bypasses a proxy for it unless told).
		chromedp.ProxyServer("http://"+b.refuser.addr),
		chromedp.Flag("proxy-bypass-list", "<-loopback>"),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
		chromedp.DisableGPU,
	)
	if os.Geteuid() == 0 {
		// Chromium refuses to start its sandbox as root; a container
		// running redline as root gets the browser without it.
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, acancel := chromedp.NewExecAllocator(b.life, opts...)
	bctx, bcancel := chromedp.NewContext(actx, chromedp.WithLogf(b.debugf), chromedp.WithErrorf(b.debugf))
	cancel := func() { bcancel(); acancel() }
	// The first call starts the browser and ties it to the context it is
	// given, so it runs on bctx itself; a timer and the caller's context
	// end a start that does not answer.
	// A loaded machine can take long to start Chromium: the bound is the
	// page timeout, and at least a minute.
	bound := max(b.opt.Timeout, time.Minute)
	var late atomic.Bool
	tm := time.AfterFunc(bound, func() { late.Store(true); cancel() })
	stop := context.AfterFunc(ctx, cancel)
	v, err := chromedp.CallBrowser(bctx, browser.GetVersion, struct{}{})
	tm.Stop()
	stop()
	if err != nil {
		cancel()
		if late.Load() {
			err = fmt.Errorf("no answer within %s", bound)
		}
		return nil, fmt.Errorf("start browser %s: %w", b.exe, err)
	}
	b.log.Info("browser started", "exe", filepath.Base(b.exe), "product", v.Product)
	return &process{ctx: bctx, cancel: cancel, version: v.Product, startedAt: time.Now()}, nil
}

// proc is the operating system's process of p.
func (p *process) proc() *os.Process {
	if c := chromedp.FromContext(p.ctx); c != nil && c.Browser != nil {
		return c.Browser.Process()
	}
	return nil
}

// debugf receives chromedp's own messages: protocol noise at Debug.
func (b *Browser) debugf(format string, args ...any) {
	b.log.Debug("chromedp: " + fmt.Sprintf(format, args...))
}

// refuser is an HTTP proxy that refuses every request: Chromium's proxy,
// so that nothing the pause misses reaches the network.
type refuser struct {
	addr  string
	srv   *http.Server
	done  chan struct{}
	mu    sync.Mutex
	hosts []string // the last refused requests' URLs
}

func newRefuser(ctx context.Context, log *slog.Logger) (*refuser, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("browser: listen for the refusing proxy: %w", err)
	}
	r := &refuser{addr: ln.Addr().String(), done: make(chan struct{})}
	r.srv = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			r.mu.Lock()
			r.hosts = append(r.hosts[max(0, len(r.hosts)-99):], req.URL.Redacted())
			r.mu.Unlock()
			// Chromium's own background requests (time, updates, sign-in)
			// end here on every start: not worth a warning.
			log.Debug("browser request outside redline's fetch refused", "method", req.Method, "url", req.URL.Redacted(), "host", req.Host)
			http.Error(w, "redline: the browser may only fetch through redline", http.StatusForbidden)
		}),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
	}
	go func() {
		defer close(r.done)
		// Serve returns ErrServerClosed once close calls Shutdown.
		if err := r.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("refusing proxy stopped", "err", err)
		}
	}()
	return r, nil
}

func (r *refuser) close() error {
	err := r.srv.Close()
	<-r.done
	return err
}
