package main

import (
	"context"

	"github.com/redline-news/redline/monitor/browser"
	"github.com/redline-news/redline/monitor/extract"
	"github.com/redline-news/redline/monitor/fetch"
)

// setRender applies --render and --wait-for to the policy: without
// --render, a --source renders as its config says.
func (p *fetchPolicy) setRender(render, waitFor string) error {
	if p.source != nil {
		p.browser, p.waitFor = p.source.Browser, p.source.WaitFor
	}
	switch render {
	case "":
	case renderFetch:
		p.browser, p.waitFor = false, ""
	case renderBrowser:
		p.browser = true
	default:
		return usagef("--render %q: want %s or %s", render, renderFetch, renderBrowser)
	}
	if waitFor == "" {
		return nil
	}
	if !p.browser {
		return usagef("--wait-for needs --render browser")
	}
	if _, err := extract.ParseSelector(waitFor); err != nil {
		return usagef("--wait-for: %v", err)
	}
	p.waitFor = waitFor
	return nil
}

// get fetches url under the policy, rendered in the browser when the
// policy says so.
func (p fetchPolicy) get(ctx context.Context, a *app, url string) (*fetch.Response, error) {
	client := newClient(a, p.cfg)
	if !p.browser {
		return client.Get(ctx, p.request(url))
	}
	br, closeBrowser, err := openBrowser(ctx, a, p.cfg, client, true)
	if err != nil {
		return nil, err
	}
	defer closeBrowser()
	return br.Render(ctx, browser.Request{Request: p.request(url), WaitFor: p.waitFor})
}
