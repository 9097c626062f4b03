package fetch

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/netip"
	"sync/atomic"
)

// A public page must never steer redline into the network it runs in:
// with allow_private, a chain of redirects may go from a private address
// to another (an intranet site moving a page), but once a hop was
// answered from a public address, every later hop must be public too.
// TrackHops records, per chain, whether a public address answered; the
// Guard reads it before allowing a non-public address, and PrivateRouter
// sends the chain's later hops over the public transport, whose pool
// holds no connection to a private address (a pooled connection is reused
// without a dial, so the Guard alone would not see it).

// hopState is one redirect chain's: whether a hop was answered from a
// public address. The http.Client gives every hop the first request's
// context, so they share it.
type hopState struct{ public atomic.Bool }

type hopStateKey struct{}

// TrackHops returns a context under which requests record whether a
// public address answered them. Use it for every request sent through a
// PrivateRouter.
func TrackHops(ctx context.Context) context.Context {
	st := &hopState{}
	ctx = context.WithValue(ctx, hopStateKey{}, st)
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		if a, ok := guardedAddr(info.Conn); ok && NonGlobal(a) == "" {
			st.public.Store(true)
		}
	}})
}

func hopsOf(ctx context.Context) *hopState {
	st, _ := ctx.Value(hopStateKey{}).(*hopState)
	return st
}

// publicHopSeen reports whether a hop of ctx's chain was answered from a
// public address.
func publicHopSeen(ctx context.Context) bool {
	st := hopsOf(ctx)
	return st != nil && st.public.Load()
}

// PrivateRouter is the transport of requests allowed private addresses:
// it sends a hop over private until a public address has answered one,
// and over public from then on. A redirect without TrackHops's record is
// refused, since where it came from cannot be told.
func PrivateRouter(public, private http.RoundTripper) http.RoundTripper {
	return &privateRouter{public: public, private: private}
}

type privateRouter struct{ public, private http.RoundTripper }

// errUntrackedRedirect is a redirect through a PrivateRouter whose chain
// TrackHops did not record: a programming error, refused rather than
// followed blind.
var errUntrackedRedirect = errors.New("redirect not followed: its origin was not recorded (TrackHops)")

func (r *privateRouter) RoundTrip(req *http.Request) (*http.Response, error) {
	st := hopsOf(req.Context())
	switch {
	case st == nil && req.Response != nil:
		return nil, errUntrackedRedirect
	case st != nil && st.public.Load():
		return r.public.RoundTrip(req)
	}
	return r.private.RoundTrip(req)
}

// guardedConn is a connection the Guard made, with the address it
// checked: a test's dialer may connect it elsewhere on 127.0.0.1, and
// the record must be of the address the policy judged.
type guardedConn struct {
	net.Conn
	addr netip.Addr
}

// guardedAddr returns the address the Guard checked for c, under TLS too.
func guardedAddr(c net.Conn) (netip.Addr, bool) {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	if gc, ok := c.(*guardedConn); ok {
		return gc.addr, true
	}
	if ap, err := netip.ParseAddrPort(c.RemoteAddr().String()); err == nil {
		return ap.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}

// CloseIdleConnections closes both pools' idle connections.
func (r *privateRouter) CloseIdleConnections() {
	type closer interface{ CloseIdleConnections() }
	for _, t := range []http.RoundTripper{r.public, r.private} {
		if c, ok := t.(closer); ok {
			c.CloseIdleConnections()
		}
	}
}
