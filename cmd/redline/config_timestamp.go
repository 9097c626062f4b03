package main

import (
	"crypto/x509"
	"fmt"
	"net/url"
	"time"

	"github.com/redline-news/redline/monitor/tsa"
)

// timestampConfig is the timestamp: block as written.
type timestampConfig struct {
	URL          at[string]   `yaml:"url"`
	Roots        []at[string] `yaml:"roots"`
	AllowPrivate at[bool]     `yaml:"allow_private"`
	Timeout      at[string]   `yaml:"timeout"`
}

// TimestampConfig is the Time-Stamp Authority (RFC 3161) that dates new
// versions' chain hashes, and the roots its tokens must chain to.
type TimestampConfig struct {
	URL          string
	RootFiles    []string
	Roots        *x509.CertPool
	AllowPrivate bool // the TSA may be on a private or loopback address
	Timeout      time.Duration
}

// timestamp compiles the timestamp: block, nil when it names no URL.
// allowPrivate is the global allow_private, the block's default.
func (v *validator) timestamp(tc timestampConfig, allowPrivate bool) *TimestampConfig {
	if tc.URL.Line == 0 {
		if len(tc.Roots) > 0 {
			v.add(tc.Roots[0].Line, "timestamp.url", "required with timestamp.roots: the TSA to ask")
		}
		return nil
	}
	c := &TimestampConfig{URL: tc.URL.V, AllowPrivate: allowPrivate, Timeout: 30 * time.Second}
	if u, err := url.Parse(tc.URL.V); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.add(tc.URL.Line, "timestamp.url", "want an absolute http(s) URL, got %q", tc.URL.V)
	}
	if tc.AllowPrivate.Line > 0 {
		c.AllowPrivate = tc.AllowPrivate.V
	}
	if tc.Timeout.V != "" {
		d, err := time.ParseDuration(tc.Timeout.V)
		if err != nil || d <= 0 {
			v.add(tc.Timeout.Line, "timestamp.timeout", "want a positive duration such as 30s, got %q", tc.Timeout.V)
		}
		c.Timeout = d
	}
	if len(tc.Roots) == 0 {
		v.add(tc.URL.Line, "timestamp.roots", "required: the CA certificates (PEM files) the TSA's certificate chains to")
		return c
	}
	for i, r := range tc.Roots {
		if _, err := tsa.LoadRoots([]string{r.V}); err != nil {
			v.add(r.Line, fmt.Sprintf("timestamp.roots[%d]", i), "%v", err)
			continue
		}
		c.RootFiles = append(c.RootFiles, r.V)
	}
	// Each file read again, into one pool: the files are small, and an
	// error above already named the file that failed.
	c.Roots, _ = tsa.LoadRoots(c.RootFiles)
	return c
}
