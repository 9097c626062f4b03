package monitor

import (
	"context"
	"fmt"

	"github.com/redline-news/redline/monitor/browser"
	"github.com/redline-news/redline/monitor/fetch"
)

// get fetches req, a page of src: with the Client, or rendered in the
// browser for a source with Browser set.
func (m *Monitor) get(ctx context.Context, src Source, req fetch.Request) (*fetch.Response, error) {
	if !src.Browser {
		return m.opt.Client.Get(ctx, req)
	}
	if m.opt.Browser == nil {
		return nil, fmt.Errorf("source %s renders in a browser, but none is configured", src.Name)
	}
	return m.opt.Browser.Render(ctx, browser.Request{Request: req, WaitFor: src.WaitFor})
}
