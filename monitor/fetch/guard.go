package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Resolver looks up a host's addresses. *net.Resolver satisfies it; tests
// pass a map-backed fake that can change its answers between calls.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// GuardOptions configure a Guard. The zero value refuses every address
// that is not global unicast and uses the system resolver.
type GuardOptions struct {
	// AllowPrivate turns the policy off: every address may be dialled.
	AllowPrivate bool
	// Allow lists addresses that may be dialled although they are not
	// global, as IP and port: the local site `redline demo` serves, or a
	// test's own server. Any other port on the same IP stays refused.
	Allow []netip.AddrPort
	// AllowAddresses and AllowHosts are the config's allow_addresses: IP
	// addresses (any port) and host names that may be dialled although
	// non-global. They are the only way to reach a cloud metadata
	// endpoint, which even AllowPrivate does not open.
	AllowAddresses []netip.Addr
	AllowHosts     []string
	// Resolver looks host names up; nil means net.DefaultResolver.
	Resolver Resolver
	// Dial connects to an address the Guard has checked, always an IP
	// literal and port, so it never resolves anything itself. Nil means a
	// net.Dialer that checks the address once more in its Control hook,
	// on the socket about to connect. Tests pass a tripwire here.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Guard is the address policy for every connection redline opens: page
// and feed fetches, robots.txt, webhooks, Slack and SMTP. By default it
// refuses loopback, private, link-local, CGNAT, multicast, unspecified,
// broadcast, documentation and other non-global addresses, in every IPv6
// spelling that embeds one (IPv4-mapped, IPv4-compatible, NAT64, 6to4).
//
// The check is in the dialer, on the IP actually dialled: a redirect, a
// second DNS answer (rebinding) or an odd host spelling cannot get round
// it, since there is no separate pre-flight lookup to race. A Guard is
// safe for concurrent use.
type Guard struct {
	allowAll  bool
	allow     map[netip.AddrPort]bool
	allowAddr map[netip.Addr]bool
	allowHost map[string]bool
	resolver  Resolver
	dial      func(ctx context.Context, network, addr string) (net.Conn, error)
}

// NewGuard returns a Guard. It does no I/O.
func NewGuard(opt GuardOptions) *Guard {
	g := &Guard{allowAll: opt.AllowPrivate, allow: map[netip.AddrPort]bool{}, allowAddr: map[netip.Addr]bool{},
		allowHost: map[string]bool{}, resolver: opt.Resolver, dial: opt.Dial}
	for _, ap := range opt.Allow {
		g.allow[netip.AddrPortFrom(ap.Addr().Unmap().WithZone(""), ap.Port())] = true
	}
	for _, a := range opt.AllowAddresses {
		g.allowAddr[a.Unmap().WithZone("")] = true
	}
	for _, h := range opt.AllowHosts {
		g.allowHost[canonicalHost(h)] = true
	}
	if g.resolver == nil {
		g.resolver = net.DefaultResolver
	}
	if g.dial == nil {
		d := &net.Dialer{KeepAlive: 30 * time.Second, ControlContext: g.control}
		g.dial = d.DialContext
	}
	return g
}

type allowPrivateKey struct{}

// WithAllowPrivate returns a context under which a Guard allows every
// address: a source or notifier configured with allow_private. The fetch
// Client sets it itself for a Request with AllowPrivate, and notify for a
// notifier with AllowPrivate; each keeps such connections in their own
// pool, so one is never reused by a request that was not allowed.
func WithAllowPrivate(ctx context.Context) context.Context {
	return context.WithValue(ctx, allowPrivateKey{}, true)
}

func allowsPrivate(ctx context.Context) bool {
	v, _ := ctx.Value(allowPrivateKey{}).(bool)
	return v
}

// AddrError is a connection the Guard refused.
type AddrError struct {
	Host   string     // the host as asked for: a name or an IP literal
	Addr   netip.Addr // the address it was, or resolved to (zero for a name refused as such)
	Reason string     // why the address is refused: "loopback", "link-local"…
	// Metadata marks a cloud metadata endpoint, which only
	// allow_addresses opens.
	Metadata bool
	// FromPublic marks a non-public address reached by a redirect from a
	// public one, which allow_private does not open.
	FromPublic bool
}

// Target is what was refused, as the error names it: "10.0.0.5
// (private)", "intranet.test (10.0.0.5, private)".
func (e *AddrError) Target() string {
	switch {
	case !e.Addr.IsValid():
		return e.Host + " (" + e.Reason + ")"
	case e.Host != "" && e.Host != e.Addr.String():
		return e.Host + " (" + e.Addr.String() + ", " + e.Reason + ")"
	}
	return e.Addr.String() + " (" + e.Reason + ")"
}

func (e *AddrError) Error() string {
	at := e.Target()
	switch {
	case e.Metadata:
		return "refusing to connect to " + at + ": name it in allow_addresses to allow it"
	case e.FromPublic:
		return "refusing to connect to " + at + ": a redirect from a public address may not lead to a non-public one, even with allow_private"
	}
	return "refusing to connect to " + at + ": set allow_private to allow it"
}

// metadataAddrs are the cloud metadata endpoints (AWS, GCP and Azure's
// 169.254.169.254, AWS's IPv6 fd00:ec2::254, Alibaba's 100.100.100.200):
// a fetch that reaches one can read the host's credentials.
var metadataAddrs = map[netip.Addr]bool{
	netip.MustParseAddr("169.254.169.254"): true,
	netip.MustParseAddr("fd00:ec2::254"):   true,
	netip.MustParseAddr("100.100.100.200"): true,
}

// metadataHosts are the names of metadata endpoints, refused before any
// lookup (a resolver may answer them with anything).
var metadataHosts = map[string]bool{"metadata.google.internal": true, "metadata.goog": true}

// isMetadata reports whether ip is a metadata endpoint, in any IPv6
// spelling that embeds one (IPv4-mapped, NAT64, 6to4).
func isMetadata(ip netip.Addr) bool {
	ip = ip.Unmap().WithZone("")
	if metadataAddrs[ip] {
		return true
	}
	if ip.Is6() {
		b := ip.As16()
		switch {
		case nat64.Contains(ip):
			return metadataAddrs[netip.AddrFrom4([4]byte(b[12:16]))]
		case sixTo4.Contains(ip):
			return metadataAddrs[netip.AddrFrom4([4]byte(b[2:6]))]
		}
	}
	return false
}

// canonicalHost is a host name as the allow and metadata lists hold it:
// lower case, without the root's trailing dot.
func canonicalHost(h string) string {
	return strings.TrimSuffix(strings.ToLower(h), ".")
}

// DialContext connects to addr (host:port) if the policy allows it: it
// resolves a host name with the Guard's resolver, drops every address the
// policy refuses, and dials the first allowed one that answers, by IP, so
// the address checked is the address connected to. If every address is
// refused, the error is an *AddrError for the first. Use it as an
// http.Transport's DialContext and for SMTP.
func (g *Guard) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, fmt.Errorf("dial %s %s: network not allowed", network, addr)
	}
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("dial %s: invalid port %q", addr, portStr)
	}
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		if ch := canonicalHost(host); metadataHosts[ch] && !g.allowHost[ch] {
			return nil, &AddrError{Host: host, Reason: "cloud metadata endpoint", Metadata: true}
		}
		// Only the canonical forms above are literals. The resolver gets
		// everything else ("2130706433", "0x7f.1"): whatever it makes of
		// them, its answer is checked like any other.
		ips, err = g.resolver.LookupNetIP(ctx, map[string]string{"tcp": "ip", "tcp4": "ip4", "tcp6": "ip6"}[network], host)
		if err != nil {
			return nil, err
		}
		if len(ips) == 0 {
			return nil, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
		}
	}
	var (
		refused error
		allowed []netip.AddrPort
	)
	for _, ip := range ips {
		ap := netip.AddrPortFrom(ip.Unmap().WithZone(""), uint16(port))
		if err := g.check(ctx, host, ip, ap); err != nil {
			if refused == nil {
				refused = err
			}
			continue
		}
		allowed = append(allowed, ap)
	}
	if len(allowed) == 0 {
		return nil, refused
	}
	var dialErr error
	for i, ap := range allowed {
		dctx, cancel := partialDeadline(ctx, len(allowed)-i)
		conn, err := g.dial(dctx, network, ap.String())
		cancel() // a connection made outlives its dial context
		if err == nil {
			return &guardedConn{Conn: conn, addr: ap.Addr()}, nil
		}
		dialErr = err
		if ctx.Err() != nil {
			break
		}
	}
	return nil, dialErr
}

// partialDeadline gives one of n remaining addresses its share of the
// time left, as net.Dialer does, so one black-holed address (often a
// broken IPv6 route) does not use up the whole connect timeout.
func partialDeadline(ctx context.Context, n int) (context.Context, context.CancelFunc) {
	dl, ok := ctx.Deadline()
	if !ok || n <= 1 {
		return ctx, func() {}
	}
	share := time.Until(dl) / time.Duration(n)
	if share < 2*time.Second {
		return ctx, func() {} // too little to split; as net.Dialer, give it all
	}
	return context.WithDeadline(ctx, time.Now().Add(share))
}

// check returns an *AddrError unless ap may be dialled under ctx. ip is
// the address as resolved, before unmapping, for the error. An address
// the allow lists name is allowed; a metadata endpoint never otherwise;
// a non-public address after a public hop never otherwise; the rest as
// allow_private says.
func (g *Guard) check(ctx context.Context, host string, ip netip.Addr, ap netip.AddrPort) error {
	if g.allow[ap] || g.allowAddr[ap.Addr()] || g.allowHost[canonicalHost(host)] {
		return nil
	}
	if isMetadata(ip) {
		return &AddrError{Host: host, Addr: ip, Reason: "cloud metadata endpoint", Metadata: true}
	}
	reason := NonGlobal(ip)
	switch {
	case reason == "":
		return nil
	case publicHopSeen(ctx):
		return &AddrError{Host: host, Addr: ip, Reason: reason, FromPublic: true}
	case g.allowAll || allowsPrivate(ctx):
		return nil
	}
	return &AddrError{Host: host, Addr: ip, Reason: reason}
}

// control checks, on the socket about to connect, the address the default
// dialer was given. DialContext already checked it; this second look costs
// nothing and holds even if a later change let a name reach the dialer.
func (g *Guard) control(ctx context.Context, network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("dial %s: not an IP address and port", address)
	}
	unmapped := netip.AddrPortFrom(ap.Addr().Unmap().WithZone(""), ap.Port())
	return g.check(ctx, ap.Addr().String(), ap.Addr(), unmapped)
}

// special lists the non-global ranges, most specific first; every prefix
// is checked, so the order only decides the reason given.
var special = []struct {
	prefix netip.Prefix
	reason string
}{
	// IPv4 (RFC 6890 and the IANA special-purpose registry).
	{netip.MustParsePrefix("255.255.255.255/32"), "broadcast"},
	{netip.MustParsePrefix("0.0.0.0/32"), "unspecified"},
	{netip.MustParsePrefix("0.0.0.0/8"), "this network"},
	{netip.MustParsePrefix("10.0.0.0/8"), "private"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared address space, CGNAT"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignment"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation"},
	{netip.MustParsePrefix("192.88.99.0/24"), "6to4 relay anycast"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
	// IPv6.
	{netip.MustParsePrefix("::/128"), "unspecified"},
	{netip.MustParsePrefix("::1/128"), "loopback"},
	{netip.MustParsePrefix("::/96"), "IPv4-compatible IPv6"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "local-use NAT64"},
	{netip.MustParsePrefix("100::/64"), "discard-only"},
	{netip.MustParsePrefix("2001::/32"), "Teredo"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation"},
	{netip.MustParsePrefix("2001::/23"), "IETF protocol assignment"},
	{netip.MustParsePrefix("3fff::/20"), "documentation"},
	{netip.MustParsePrefix("fc00::/7"), "private"},
	{netip.MustParsePrefix("fe80::/10"), "link-local"},
	{netip.MustParsePrefix("fec0::/10"), "site-local"},
	{netip.MustParsePrefix("ff00::/8"), "multicast"},
}

var (
	nat64   = netip.MustParsePrefix("64:ff9b::/96")
	sixTo4  = netip.MustParsePrefix("2002::/16")
	global6 = netip.MustParsePrefix("2000::/3")
)

// HostNonGlobal returns why host, as written in a URL, names an address
// redline does not reach by default: a localhost name ("loopback name")
// or a non-global IP literal (NonGlobal's reason). It returns "" for a
// global address and for any other name, which the Guard judges when it
// is dialled. Config checks use it to refuse such a URL once, at load.
func HostNonGlobal(host string) string {
	name := strings.TrimSuffix(strings.ToLower(host), ".")
	if name == "localhost" || strings.HasSuffix(name, ".localhost") {
		return "loopback name"
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	if err != nil {
		return ""
	}
	return NonGlobal(ip)
}

// NonGlobal returns why ip is not an address redline reaches by default
// ("loopback", "private", "link-local", …), or "" if it is global unicast.
// An IPv6 address that embeds an IPv4 one (IPv4-mapped ::ffff:a.b.c.d,
// NAT64 64:ff9b::a.b.c.d, 6to4 2002:aabb:ccdd::) is judged by it, and
// IPv6 outside 2000::/3, which IANA has not allocated, is refused.
func NonGlobal(ip netip.Addr) string {
	if !ip.IsValid() {
		return "invalid"
	}
	ip = ip.WithZone("")
	if ip.Is4In6() {
		return NonGlobal(ip.Unmap())
	}
	if ip.Is6() {
		b := ip.As16()
		switch {
		case nat64.Contains(ip):
			if r := NonGlobal(netip.AddrFrom4([4]byte(b[12:16]))); r != "" {
				return "NAT64 of " + r
			}
			return ""
		case sixTo4.Contains(ip):
			if r := NonGlobal(netip.AddrFrom4([4]byte(b[2:6]))); r != "" {
				return "6to4 of " + r
			}
		}
	}
	for _, s := range special {
		if s.prefix.Contains(ip) {
			return s.reason
		}
	}
	if ip.Is6() && !global6.Contains(ip) {
		return "reserved"
	}
	// A last net check, so a range missed above is still caught.
	switch {
	case ip.IsLoopback():
		return "loopback"
	case ip.IsPrivate():
		return "private"
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		return "link-local"
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		return "multicast"
	case ip.IsUnspecified():
		return "unspecified"
	case !ip.IsGlobalUnicast():
		return "not global unicast"
	}
	return ""
}

// errRefused reports whether err is a policy refusal, which another try
// cannot change.
func errRefused(err error) bool {
	var ae *AddrError
	return errors.As(err, &ae)
}
