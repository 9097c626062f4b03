package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/browser"
	"github.com/redline-news/redline/monitor/extract"
	"github.com/redline-news/redline/monitor/fetch"
)

// browserConfig is the browser: block of config.yaml: the headless
// Chromium that renders the sources with render: browser.
type browserConfig struct {
	Path         at[string] `yaml:"path"`
	Timeout      at[string] `yaml:"timeout"`
	Concurrency  at[int]    `yaml:"concurrency"`
	ThirdParty   at[bool]   `yaml:"third_party"`
	RestartAfter at[int]    `yaml:"restart_after"`
}

// BrowserConfig is the compiled browser: block. Zero values take the
// browser package's defaults.
type BrowserConfig struct {
	// Path is the executable found at load (browser.path, or on PATH);
	// "" when no source renders in the browser.
	Path         string
	Timeout      time.Duration
	Concurrency  int
	ThirdParty   bool
	RestartAfter int
}

// Render modes of a source (render:).
const (
	renderFetch   = "fetch"
	renderBrowser = "browser"
)

// browser compiles the browser: block and, when a source renders in the
// browser, finds the executable now, so a missing Chromium is a config
// error naming browser.path rather than a failure at the first check.
func (v *validator) browser(bc browserConfig, srcs []*sourceConfig) BrowserConfig {
	var out BrowserConfig
	if bc.Timeout.V != "" {
		d, err := time.ParseDuration(bc.Timeout.V)
		if err != nil || d <= 0 || d > 10*time.Minute {
			v.add(bc.Timeout.Line, "browser.timeout", "want a duration between 1s and 10m such as 30s, got %q", bc.Timeout.V)
		}
		out.Timeout = d
	}
	inRange(v, &out.Concurrency, bc.Concurrency, "browser.concurrency", 1, 64, "")
	inRange(v, &out.RestartAfter, bc.RestartAfter, "browser.restart_after", 1, 1_000_000, "")
	out.ThirdParty = bc.ThirdParty.V
	line := 0
	for _, sc := range srcs {
		if sc != nil && sc.Render.V == renderBrowser {
			line = sc.Render.Line
			break
		}
	}
	if line == 0 {
		return out
	}
	exe, err := browser.Find(bc.Path.V)
	if err != nil {
		// Named at browser.path when it is set, else at the first source
		// that needs a browser.
		if bc.Path.Line > 0 {
			line = bc.Path.Line
		}
		v.add(line, "browser.path", "%v", err)
	}
	out.Path = exe
	return out
}

// render compiles a source's render and wait_for keys into src.
func (v *validator) render(sc *sourceConfig, src *monitor.Source, field func(string) string) {
	switch sc.Render.V {
	case "", renderFetch:
	case renderBrowser:
		src.Browser = true
	default:
		v.add(sc.Render.Line, field("render"), "want %s or %s, got %q", renderFetch, renderBrowser, sc.Render.V)
	}
	if sc.WaitFor.V == "" {
		return
	}
	if !src.Browser {
		v.add(sc.WaitFor.Line, field("wait_for"), "only a source with render: browser waits for a selector")
		return
	}
	if len(sc.WaitFor.V) > maxSelectorBytes {
		v.add(sc.WaitFor.Line, field("wait_for"), "CSS selector is %d bytes, more than %d", len(sc.WaitFor.V), maxSelectorBytes)
		return
	}
	if _, err := extract.ParseSelector(sc.WaitFor.V); err != nil {
		v.add(sc.WaitFor.Line, field("wait_for"), "%v", err)
		return
	}
	src.WaitFor = sc.WaitFor.V
}

// openBrowser returns the browser of the config, opened, sharing client,
// so the host limits hold for fetched and rendered pages together; nil
// when no source renders in the browser (and always is false). close
// stops it.
func openBrowser(ctx context.Context, a *app, cfg Config, client *fetch.Client, always bool) (br *browser.Browser, closeFn func(), err error) {
	need := always
	for _, src := range cfg.Sources {
		need = need || src.Browser
	}
	if !need {
		return nil, func() {}, nil
	}
	br = browser.New(browser.Options{
		Path: cfg.Browser.Path, Client: client, Concurrency: cfg.Browser.Concurrency, Timeout: cfg.Browser.Timeout,
		ThirdParty: cfg.Browser.ThirdParty, RestartAfter: cfg.Browser.RestartAfter, Logger: a.logger(),
	})
	if err := br.Open(ctx); err != nil {
		if errors.Is(err, browser.ErrNoChromium) {
			return nil, nil, usagef("%v", err)
		}
		return nil, nil, fmt.Errorf("browser: %w", err)
	}
	return br, func() {
		if err := br.Close(); err != nil {
			a.log.Warn("browser close", "err", err)
		}
	}, nil
}
