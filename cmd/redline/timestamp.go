package main

import (
	"context"
	"crypto/x509"
	"fmt"
	"strings"

	"github.com/redline-news/redline/internal/plural"
	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/tsa"
	"github.com/redline-news/redline/report"
	"github.com/redline-news/redline/snapshots"
)

// newStamper wires the config's Time-Stamp Authority, or returns nil when
// none is configured. Its requests go through the config's Guard, as a
// webhook's do.
func newStamper(a *app, cfg Config, st snapshots.Store) (*tsa.Stamper, error) {
	tc := cfg.Timestamp
	if tc == nil {
		return nil, nil
	}
	ts, ok := st.(snapshots.Timestamper)
	if !ok {
		return nil, fmt.Errorf("store %s cannot keep timestamps", redactDSN(cfg.Store))
	}
	if tc.AllowPrivate {
		a.log.Info("timestamp authority may be on a private address (allow_private)", "url", tc.URL)
	}
	c, err := tsa.New(tsa.Options{URL: tc.URL, Dial: newGuard(cfg).DialContext, AllowPrivate: tc.AllowPrivate,
		Timeout: tc.Timeout, Roots: tc.Roots, UserAgent: cfg.UserAgent})
	if err != nil {
		return nil, err
	}
	return tsa.NewStamper(c, ts, a.log, 0), nil
}

// stampVersions dates the versions the store holds without a token (this
// cycle's, and those a TSA that was down left), after the cycle saved
// them. A failure never fails the cycle: it is returned as an event when
// it begins an outage, and the versions wait for the next cycle.
func stampVersions(ctx context.Context, a *app, s *tsa.Stamper, url string) []report.Event {
	if s == nil {
		return nil
	}
	p := s.Stamp(ctx)
	if p.Err == nil || !p.News {
		return nil
	}
	return []report.Event{{
		URL: url, Source: "timestamp", Event: string(monitor.EventTimestamp), At: a.now().UTC(),
		// The error names the TSA, which the event says already.
		Reason: fmt.Sprintf("%s; %s saved without a token, retried next cycle",
			strings.TrimPrefix(p.Err.Error(), "timestamp "+url+": "), plural.Count(p.Pending, "version")),
	}}
}

// timestampURL is the configured TSA, "" when none.
func timestampURL(cfg Config) string {
	if cfg.Timestamp == nil {
		return ""
	}
	return cfg.Timestamp.URL
}

// timestampLine says a timestamp event in one line.
func timestampLine(ev report.Event) string {
	return sanitize.Line(fmt.Sprintf("%s: %s: %s", ev.Event, ev.URL, ev.Reason))
}

// versionTimestamp returns v's stored token, if the store keeps them and
// has one.
func versionTimestamp(ctx context.Context, st snapshots.Store, v snapshots.Version) (snapshots.Timestamp, bool, error) {
	ts, ok := st.(snapshots.Timestamper)
	if !ok {
		return snapshots.Timestamp{}, false, nil
	}
	all, err := ts.Timestamps(ctx, snapshots.TimestampFilter{ArticleID: v.ArticleID})
	if err != nil {
		return snapshots.Timestamp{}, false, err
	}
	for _, t := range all {
		if t.Number == v.Number {
			return t, true, nil
		}
	}
	return snapshots.Timestamp{}, false, nil
}

// timestampRoots are the CAs verify --timestamps checks tokens against:
// --roots when given, else the config's timestamp.roots.
func timestampRoots(cf *commonFlags, flag string) (*x509.CertPool, error) {
	if flag != "" {
		return tsa.LoadRoots(strings.Split(flag, ","))
	}
	cfg, err := loadConfig(cf.config)
	if err != nil {
		return nil, err
	}
	if cfg.Timestamp == nil {
		return nil, usagef("verify --timestamps: %s has no timestamp: block; give --roots FILE.pem", cfg.File)
	}
	return cfg.Timestamp.Roots, nil
}

// verifyTimestamps checks every stored token offline and prints each
// problem; it returns how many there were.
func verifyTimestamps(ctx context.Context, a *app, st snapshots.Store, roots *x509.CertPool, url string) (int, error) {
	as, ok := st.(tsa.AuditStore)
	if !ok {
		return 0, fmt.Errorf("verify --timestamps: this store keeps no timestamps")
	}
	rep, err := tsa.Audit(ctx, as, roots, url)
	if err != nil {
		return 0, fmt.Errorf("verify --timestamps: %w", err)
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(a.stdout, "PROBLEM timestamp: %s\n", sanitize.Line(p.String()))
	}
	fmt.Fprintf(a.stdout, "timestamps: %s verified, %s without a token yet, %s\n",
		plural.Count(rep.Verified, "token"), plural.Count(rep.Unstamped, "version"), plural.Count(len(rep.Problems), "problem"))
	return len(rep.Problems), nil
}
