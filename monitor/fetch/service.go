package fetch

import (
	"context"
	"net"
	"net/http"
	"time"
)

// maxServiceHeaderBytes caps a service's answer headers: an API's are a
// few hundred bytes, and net/http's default would read 10 MiB of them.
const maxServiceHeaderBytes = 64 << 10

// NewServiceClient returns the http.Client for a service redline talks to
// rather than a site it watches: a notifier's receiver, the Wayback
// Machine's Save Page Now, a timestamp authority. Every connection is made
// by dial, a Guard's DialContext, so the address policy holds for them as
// for pages; there is no proxy, which the Guard would judge instead of the
// service. headerTimeout bounds the wait for an answer's headers; the
// caller's context bounds the whole request. The redirect policy is
// net/http's, which a caller may replace. It does no I/O.
func NewServiceClient(dial func(ctx context.Context, network, addr string) (net.Conn, error), headerTimeout time.Duration) *http.Client {
	return &http.Client{Transport: &http.Transport{
		Proxy:                  nil,
		DialContext:            dial,
		TLSHandshakeTimeout:    10 * time.Second,
		ResponseHeaderTimeout:  headerTimeout,
		MaxIdleConnsPerHost:    2,
		IdleConnTimeout:        90 * time.Second,
		MaxResponseHeaderBytes: maxServiceHeaderBytes,
		// A custom DialContext turns HTTP/2 off unless asked for.
		ForceAttemptHTTP2: true,
	}}
}
