package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/redline-news/redline/internal/retry"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/snapshots"
)

// notifier sends one digest somewhere. id is the same on every retry of
// the same digest to the same notifier, so receivers can drop duplicates.
type notifier interface {
	send(ctx context.Context, d Digest, id string) error
}

type target struct {
	cfg Config
	n   notifier
}

// Dispatcher sends digests to every configured notifier, retries, and
// records each delivery. It is safe for concurrent use.
type Dispatcher struct {
	targets []*target
	byName  map[string]*target
	opts    Options
	log     *slog.Logger
	// sleep waits between tries; tests replace it to see the waits
	// without spending them.
	sleep func(ctx context.Context, d time.Duration) error

	mu       sync.Mutex
	inFlight map[int64]bool // delivery IDs being sent, which RetryPending must skip
}

// New validates cfgs and returns a Dispatcher. It does no I/O. Every
// problem is reported as a *ConfigError, joined: a missing name, kind,
// secret or recipient, a bad URL, address or path, a duplicate name, a
// webhook without Options.HTTPClient, plain SMTP to a remote host.
//
// Zero Options take these defaults: Timeout 30s per try, 3 Tries per round
// with Backoff 2s doubling up to MaxBackoff 1m (each wait jittered between
// half and all of it), Retry-After honoured up to MaxRetryAfter 2m, 5
// Rounds before a delivery is marked failed, RetryBatch 100.
func New(cfgs []Config, opts Options) (*Dispatcher, error) {
	opts.defaults()
	public, private := opts.HTTPClient, opts.HTTPClient
	if public == nil && opts.Dial != nil {
		// Two transports, so a connection a notifier with AllowPrivate
		// opened is never reused by one without it.
		public = httpClient(opts.Dial)
		private = httpClient(func(ctx context.Context, network, addr string) (net.Conn, error) {
			return opts.Dial(fetch.WithAllowPrivate(ctx), network, addr)
		})
		// A receiver on a public address may not redirect into the local
		// network, even for a notifier with AllowPrivate (fetch.TrackHops).
		private.Transport = fetch.PrivateRouter(public.Transport, private.Transport)
	}
	d := &Dispatcher{
		byName:   map[string]*target{},
		opts:     opts,
		log:      opts.Logger,
		sleep:    retry.Sleep,
		inFlight: map[int64]bool{},
	}
	var errs []error
	for i, c := range cfgs {
		c.Sources = append([]string(nil), c.Sources...)
		c.To = append([]string(nil), c.To...)
		if err := validate(i, &c, &opts); err != nil {
			errs = append(errs, err)
			continue
		}
		if _, dup := d.byName[c.Name]; dup {
			errs = append(errs, &ConfigError{Index: i, Name: c.Name, Field: "name", Err: errors.New("used by another notifier")})
			continue
		}
		t := &target{cfg: c}
		client := public
		if c.AllowPrivate {
			client = private
		}
		switch c.Kind {
		case KindWebhook:
			t.n = &webhook{name: c.Name, url: c.URL, secret: c.Secret, client: client, now: opts.Now}
		case KindSlack:
			t.n = &slack{url: c.URL, client: client, now: opts.Now}
		case KindEmail:
			t.n = newEmail(c, opts)
		case KindAtom:
			t.n = &atom{name: c.Name, path: c.AtomPath, max: c.MaxEntries, now: opts.Now}
		case KindMastodon, KindBluesky:
			t.n = d.newThread(c, client)
		}
		d.targets = append(d.targets, t)
		d.byName[c.Name] = t
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return d, nil
}

// Send delivers d to every notifier that wants some of its items or events, one
// message each, concurrently. Each delivery is recorded in Options.Store
// before the first try and its outcome after the round; one that still
// failed stays pending for RetryPending, or is marked failed after
// Options.Rounds rounds. Send waits for every notifier.
//
// With a Store, failed deliveries are data, logged and kept, and Send
// returns only the errors that could not be recorded. Without one, Send
// returns every failed delivery's error.
func (d *Dispatcher) Send(ctx context.Context, dg Digest) error {
	errs := make([]error, len(d.targets))
	var wg sync.WaitGroup
	for i, t := range d.targets {
		sub := t.cfg.filter(dg)
		if sub.empty() {
			continue
		}
		wg.Go(func() { errs[i] = d.start(ctx, t, sub) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// start records a new delivery of dg to t and makes its first round.
func (d *Dispatcher) start(ctx context.Context, t *target, dg Digest) error {
	p, err := encodeDigest(dg)
	if err != nil {
		return fmt.Errorf("%s %q: %w", t.cfg.Kind, t.cfg.Name, err)
	}
	del := &snapshots.Delivery{
		Notifier:  t.cfg.Name,
		CreatedAt: d.opts.Now(),
		Status:    snapshots.DeliveryPending,
		Payload:   p,
	}
	var addErr error
	if d.opts.Store != nil {
		// Recorded before sending: a crash mid-send leaves a pending row,
		// so the digest is sent again rather than lost.
		if addErr = d.opts.Store.AddDelivery(ctx, del); addErr != nil {
			// Still worth sending; round reports its failure, since
			// nothing will keep it.
			del.ID = 0
		} else {
			d.claim(del.ID)
			defer d.release(del.ID)
		}
	}
	return errors.Join(addErr, d.round(ctx, t, del, dg))
}

// RetryPending makes another round of every pending delivery, oldest
// first, up to Options.RetryBatch. Call it once per cycle, before Send. A
// notifier whose delivery fails again gets no more tries this call: its
// other deliveries wait for the next one rather than each spending a full
// round on an endpoint that is down. A delivery to a notifier no longer
// configured, or whose stored digest cannot be read, is marked failed.
//
// Deliveries Send or another RetryPending is sending are skipped. Like
// Send, RetryPending returns only errors it could not record.
func (d *Dispatcher) RetryPending(ctx context.Context) error {
	st := d.opts.Store
	if st == nil {
		return nil
	}
	pending, err := st.Deliveries(ctx, snapshots.DeliveryFilter{Status: snapshots.DeliveryPending, Limit: d.opts.RetryBatch})
	if err != nil {
		return fmt.Errorf("retry pending deliveries: %w", err)
	}
	var order []string
	byName := map[string][]*snapshots.Delivery{}
	for i := range pending {
		del := &pending[i]
		if !d.claim(del.ID) {
			continue
		}
		if _, ok := byName[del.Notifier]; !ok {
			order = append(order, del.Notifier)
		}
		byName[del.Notifier] = append(byName[del.Notifier], del)
	}
	errs := make([]error, len(order))
	var wg sync.WaitGroup
	for i, name := range order {
		dels := byName[name]
		wg.Go(func() {
			defer func() {
				for _, del := range dels {
					d.release(del.ID)
				}
			}()
			errs[i] = d.retry(ctx, d.byName[name], dels)
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// retry makes a round of each of one notifier's pending deliveries, in
// order, stopping at the first that fails. t is nil when the notifier is
// no longer configured.
func (d *Dispatcher) retry(ctx context.Context, t *target, dels []*snapshots.Delivery) error {
	var errs []error
	for _, del := range dels {
		if ctx.Err() != nil {
			break
		}
		if t == nil {
			errs = append(errs, d.giveUp(ctx, del, fmt.Errorf("notifier %q is no longer configured", del.Notifier)))
			continue
		}
		dg, err := decodeDigest(del.Payload)
		if err != nil {
			errs = append(errs, d.giveUp(ctx, del, err))
			continue
		}
		if err := d.round(ctx, t, del, dg); err != nil {
			errs = append(errs, err)
		}
		if del.Status != snapshots.DeliverySent {
			break
		}
	}
	return errors.Join(errs...)
}

// giveUp marks a delivery that can never be sent as failed, with why.
func (d *Dispatcher) giveUp(ctx context.Context, del *snapshots.Delivery, why error) error {
	del.Status, del.Error, del.LastAttempt = snapshots.DeliveryFailed, why.Error(), d.opts.Now()
	d.log.Error("delivery failed, giving up", "notifier", del.Notifier, "delivery_id", del.ID, "err", why)
	return d.record(ctx, del)
}

// record stores del's outcome. It runs even when ctx is done: the outcome
// is what keeps a failed delivery from being lost at shutdown.
func (d *Dispatcher) record(ctx context.Context, del *snapshots.Delivery) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := d.opts.Store.UpdateDelivery(ctx, del); err != nil {
		return fmt.Errorf("record delivery %d to %q (%s, %s): %w", del.ID, del.Notifier, del.Status, del.Error, err)
	}
	return nil
}

// round makes up to Options.Tries tries of one delivery and records the
// outcome. It returns an error only when the outcome was not recorded.
func (d *Dispatcher) round(ctx context.Context, t *target, del *snapshots.Delivery, dg Digest) error {
	log := d.log.With("notifier", t.cfg.Name, "delivery_id", del.ID)
	tries, err := d.try(ctx, t, dg, digestID(t.cfg.Name, del.Payload), log)
	if err != nil {
		err = fmt.Errorf("%s %q: %w", t.cfg.Kind, t.cfg.Name, err)
	}
	// A round cut short by shutdown is not the notifier's failure, nor
	// one a thread notifier held back without a request (its rate limit),
	// so neither counts towards giving up.
	var rl *RateLimitError
	if err == nil || (ctx.Err() == nil && !(errors.As(err, &rl) && rl.Local)) {
		del.Attempts++
	}
	del.LastAttempt = d.opts.Now()
	switch {
	case err == nil:
		del.Status, del.Error = snapshots.DeliverySent, ""
	case del.Attempts >= d.opts.Rounds:
		del.Status, del.Error = snapshots.DeliveryFailed, err.Error()
	default:
		del.Status, del.Error = snapshots.DeliveryPending, err.Error()
	}
	if d.opts.Store == nil || del.ID == 0 {
		return err
	}
	if rerr := d.record(ctx, del); rerr != nil {
		return rerr
	}
	switch del.Status {
	case snapshots.DeliverySent:
		log.Info("delivered", "items", len(dg.Items), "events", len(dg.Events), "tries", tries, "round", del.Attempts)
	case snapshots.DeliveryPending:
		log.Warn("delivery failed, will retry next cycle", "tries", tries, "round", del.Attempts, "err", err)
	default:
		log.Error("delivery failed, giving up", "tries", tries, "round", del.Attempts, "err", err)
	}
	return nil
}

// try sends dg until it succeeds, fails for good, or runs out of tries,
// and returns how many tries it made.
func (d *Dispatcher) try(ctx context.Context, t *target, dg Digest, id string, log *slog.Logger) (int, error) {
	for n := 1; ; n++ {
		tctx, cancel := context.WithTimeout(ctx, d.opts.Timeout)
		if t.cfg.AllowPrivate {
			tctx = fetch.WithAllowPrivate(tctx)
		}
		err := t.n.send(tctx, dg, id)
		cancel()
		if err == nil {
			return n, nil
		}
		if ctx.Err() != nil || n >= d.opts.Tries {
			return n, err
		}
		wait, ok := d.retryWait(n, err)
		if !ok {
			return n, err
		}
		log.Debug("try failed", "try", n, "wait", wait, "err", err)
		if d.sleep(ctx, wait) != nil {
			return n, err // ctx is done; the send error says more than that
		}
	}
}

// retryWait says whether to try again after try n failed with err, and
// after how long: what Retry-After asked, or exponential backoff with
// jitter, so many redline instances do not retry in step.
func (d *Dispatcher) retryWait(n int, err error) (time.Duration, bool) {
	var (
		pe *permanentError
		ae *fetch.AddrError
		rl *RateLimitError
	)
	if errors.As(err, &pe) || errors.As(err, &ae) {
		return 0, false // another try would be refused the same way
	}
	if errors.As(err, &rl) {
		return 0, false // a later cycle carries on, rather than press a rate-limited server
	}
	var se *StatusError
	if errors.As(err, &se) {
		if se.RetryAfter > 0 {
			// A longer wait than we are willing to block for goes to the
			// next cycle instead.
			return se.RetryAfter, se.RetryAfter <= d.opts.MaxRetryAfter
		}
		if !se.Temporary() {
			return 0, false
		}
	}
	return retry.Backoff{Base: d.opts.Backoff, Max: d.opts.MaxBackoff, Jitter: retry.Equal}.Delay(n), true
}

// newThread builds a Mastodon or Bluesky notifier on client.
func (d *Dispatcher) newThread(c Config, client *http.Client) *thread {
	base := strings.TrimRight(c.URL, "/")
	var svc service
	t := newThread(c, nil, d.opts)
	// Through d.sleep, so tests that replace it see the media polls' waits.
	sleep := func(ctx context.Context, wait time.Duration) error { return d.sleep(ctx, wait) }
	switch c.Kind {
	case KindMastodon:
		svc = &mastodon{base: base, token: c.Token, visibility: c.Visibility, client: client, now: d.opts.Now, sleep: sleep, hold: t.hold}
	default:
		svc = &bluesky{base: base, handle: strings.TrimPrefix(strings.TrimSpace(c.Handle), "@"), password: c.Password, client: client,
			now: d.opts.Now, hold: t.hold, maxBlob: blueskyBlobBytes}
	}
	t.svc = svc
	return t
}

// claim marks a delivery in flight; false if it already was.
func (d *Dispatcher) claim(id int64) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.inFlight[id] {
		return false
	}
	d.inFlight[id] = true
	return true
}

func (d *Dispatcher) release(id int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.inFlight, id)
}

// permanentError is a failure another try in the same round cannot fix:
// a server without STARTTLS, a rejected recipient, a file that cannot be
// written. The next cycle still retries it, as an operator may fix it.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

func permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}
