// Package nettest holds the network harness of redline's tests (see
// docs/reliability.md): the tripwire dialer that refuses, and fails the
// test on, any address but 127.0.0.1, and a map-backed resolver whose
// answers can change between calls. Even a broken address policy sends
// no packet anywhere else. It also issues the throwaway certificates
// test servers and authorities present (cert.go).
package nettest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Tripwire is the innermost dialer of every guarded test client. It
// records every attempt and connects only to 127.0.0.1.
type Tripwire struct {
	T testing.TB
	// NoConnect records and refuses everything (a fuzz target, whose
	// random URLs may name any address).
	NoConnect bool
	// StandIn maps a public address (as a string, never dialled) to the
	// 127.0.0.1 server that plays it, so a test can have a public site.
	StandIn map[string]string

	mu       sync.Mutex
	attempts []string
}

// NewTripwire returns a Tripwire failing t.
func NewTripwire(t testing.TB) *Tripwire { return &Tripwire{T: t} }

// Dial is a DialContext: it records addr and connects only to 127.0.0.1
// (or the local server standing in for addr).
func (w *Tripwire) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	w.mu.Lock()
	w.attempts = append(w.attempts, addr)
	w.mu.Unlock()
	if w.NoConnect {
		return nil, errors.New("tripwire: no connections in this test")
	}
	if local, ok := w.StandIn[addr]; ok {
		addr = local
	}
	ap, err := netip.ParseAddrPort(addr)
	if err != nil || ap.Addr() != netip.MustParseAddr("127.0.0.1") {
		w.T.Errorf("tripwire: dial %s %q: only 127.0.0.1 may be dialled in tests", network, addr)
		return nil, fmt.Errorf("tripwire: %q refused", addr)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}

// Dialled lists every address asked for, in order.
func (w *Tripwire) Dialled() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.attempts)
}

// DialledTo counts the attempts to addr (ip:port).
func (w *Tripwire) DialledTo(addr string) int {
	return len(slices.DeleteFunc(w.Dialled(), func(a string) bool { return a != addr }))
}

// Resolver answers from a map; a name with several answers gives the
// next one on each call and then keeps the last (DNS rebinding). Unknown
// names are not found.
type Resolver struct {
	mu      sync.Mutex
	answers map[string][][]netip.Addr
	calls   map[string]int
}

// NewResolver returns a Resolver: each name's answers in order, each
// answer a comma-separated list of addresses. Nil resolves nothing.
func NewResolver(answers map[string][]string) *Resolver {
	r := &Resolver{answers: map[string][][]netip.Addr{}, calls: map[string]int{}}
	for name, as := range answers {
		for _, a := range as {
			var round []netip.Addr
			for _, ip := range strings.Split(a, ",") {
				round = append(round, netip.MustParseAddr(ip))
			}
			r.answers[name] = append(r.answers[name], round)
		}
	}
	return r
}

// LookupNetIP implements fetch.Resolver.
func (r *Resolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rounds, ok := r.answers[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	n := min(r.calls[host], len(rounds)-1)
	r.calls[host]++
	return rounds[n], nil
}
