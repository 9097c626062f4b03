// URL policy at load: which source and notifier URLs are accepted (http
// and https, no credentials, no non-public host unless allowed), how
// duplicates are found (the monitor's article key) and allow_addresses.

package main

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"

	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/fetch"
)

// checkPublicURL refuses a URL whose host is written as a non-global IP
// address or a localhost name, which the Guard would refuse at every
// fetch (battery C07): better said once, at load. Names that resolve to
// such addresses are refused when dialled. hint says how to allow it
// anyway. A URL that does not parse is left to the other checks.
func checkPublicURL(raw, hint string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	return checkPublicHost(u.Hostname(), hint)
}

func checkPublicHost(host, hint string) error {
	switch reason := fetch.HostNonGlobal(host); reason {
	case "":
		return nil
	case "loopback name":
		return fmt.Errorf("%s is a loopback name: %s", host, hint)
	default:
		return fmt.Errorf("%s is not a public address (%s): %s", host, reason, hint)
	}
}

// dedupKey is the form in which two source URLs that name the same page
// compare equal (battery C06): the key the monitor stores an article by
// (monitor.NormalizeURL: case, default port, fragment and tracking
// parameters dropped), so a duplicate refused at load is exactly a URL
// that would have been the same article. It only finds duplicates; the
// URL fetched is the one written.
func dedupKey(norm string) string {
	key, err := monitor.NormalizeURL(norm)
	if err != nil {
		return norm
	}
	return key
}

// checkURL accepts absolute http(s) URLs only and returns them normalized
// (fragment dropped), so duplicates are found however they are written.
func checkURL(raw string) (string, error) {
	if strings.ContainsAny(raw, "\t\r\n\\ ") {
		return "", fmt.Errorf("invalid URL %q: contains whitespace or a backslash", raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("invalid URL %q: %v", raw, err)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "":
		return "", fmt.Errorf("URL %q has no scheme (want http:// or https://)", raw)
	default:
		return "", fmt.Errorf("scheme %q not allowed (want http or https)", u.Scheme)
	}
	if u.Host == "" {
		return "", fmt.Errorf("URL %q has no host", raw)
	}
	if u.User != nil {
		return "", fmt.Errorf("URL %q must not carry a user name or password", u.Redacted())
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	u.Fragment = ""
	return u.String(), nil
}

// allowAddresses reads allow_addresses: each entry an IP address (any
// port) or a host name.
func (v *validator) allowAddresses(as []at[string]) (ips []netip.Addr, hosts []string) {
	for i, a := range as {
		field := fmt.Sprintf("allow_addresses[%d]", i)
		s := strings.TrimSpace(a.V)
		if ip, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil {
			ips = append(ips, ip)
			continue
		}
		if !validHostName(s) {
			v.add(a.Line, field, "want an IP address (169.254.169.254, fd00:ec2::254) or a host name (metadata.google.internal), got %q", a.V)
			continue
		}
		hosts = append(hosts, strings.ToLower(strings.TrimSuffix(s, ".")))
	}
	return ips, hosts
}

// validHostName reports whether s is a DNS name: dot-separated labels of
// letters, digits and hyphens, none empty or over 63 bytes, not starting
// or ending with a hyphen.
func validHostName(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range []byte(label) {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// The hints checkPublicURL gives in config files.
const (
	sourceHint   = "set allow_private: true on this source to allow it"
	notifierHint = "set allow_private: true on this notifier to allow it"
)
