package notify

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/redline-news/redline/internal/plural"
	"github.com/redline-news/redline/report"
)

// slackMaxItems caps the items listed in one message, and
// slackMaxEvents the failed checks; Slack allows 50 blocks (these make at
// most 46), and a longer list is not read anyway.
const (
	slackMaxItems  = 20
	slackMaxEvents = 20
)

// slack posts to a Slack-compatible incoming webhook: a plain "text"
// fallback for notifications and mrkdwn "blocks" for the message.
type slack struct {
	url    string
	client *http.Client
	now    func() time.Time
}

type slackMessage struct {
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks,omitempty"`
}

type slackBlock struct {
	Type     string      `json:"type"`
	Text     *slackText  `json:"text,omitempty"`
	Elements []slackText `json:"elements,omitempty"`
}

type slackText struct {
	Type string `json:"type"` // "mrkdwn" or "plain_text"
	Text string `json:"text"`
}

func (s *slack) send(ctx context.Context, d Digest, _ string) error {
	body, err := json.Marshal(slackMessageOf(d))
	if err != nil {
		return permanent(fmt.Errorf("encode slack message: %w", err))
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return post(ctx, s.client, s.url, body, h, s.now())
}

// slackEscape escapes text for Slack's mrkdwn, which treats only &, < and
// > as control characters: "<!channel>" or "<https://evil|your bank>" in a
// headline must show as typed, not ping everyone or plant a link.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// slackLink links text to rawURL, or shows text alone when the URL is not
// http(s). The URL is escaped too, and | (which would end it) encoded.
func slackLink(rawURL, text string) string {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return slackEscape(text)
	}
	href := strings.ReplaceAll(u.String(), "|", "%7C")
	href = plain(href, 2000)
	return "<" + slackEscape(href) + "|" + slackEscape(text) + ">"
}

func slackMessageOf(d Digest) slackMessage {
	items := slices.Clone(d.Items)
	// Most severe first, then newest, as report orders articles.
	slices.SortStableFunc(items, func(a, b report.Item) int {
		return cmp.Or(cmp.Compare(report.ItemSeverity(b), report.ItemSeverity(a)), b.At.Compare(a.At), strings.Compare(a.URL, b.URL))
	})
	events := slices.Clone(d.Events)
	slices.SortStableFunc(events, func(a, b report.Event) int {
		return cmp.Or(a.At.Compare(b.At), strings.Compare(a.URL, b.URL))
	})
	changes, articles := d.counts()
	var parts []string
	if len(items) > 0 {
		parts = append(parts, fmt.Sprintf("%s in %s, highest severity %s", plural.Count(changes, "change"), plural.Count(articles, "article"), d.maxSeverity()))
	}
	if len(events) > 0 {
		parts = append(parts, report.CouldNotCheck(len(events)))
	}
	summary := strings.Join(parts, "; ")
	text := "redline: " + summary
	switch {
	case len(items) > 0:
		text += ": " + title(items[0])
		if articles > 1 || len(events) > 0 {
			text += " and more"
		}
	case len(events) > 0:
		text += ": " + eventReason(events[0]) + " — " + eventTitle(events[0])
		if len(events) > 1 {
			text += " and more"
		}
	}
	msg := slackMessage{Text: slackEscape(text)}
	msg.Blocks = append(msg.Blocks, slackSection("*redline* · "+slackEscape(summary)))
	for i, it := range items {
		if i == slackMaxItems {
			msg.Blocks = append(msg.Blocks, slackContext(fmt.Sprintf("…and %d more; see the report for all of them.", len(items)-i)))
			break
		}
		msg.Blocks = append(msg.Blocks, slackSection(slackItem(it)))
	}
	if len(events) > 0 {
		msg.Blocks = append(msg.Blocks, slackSection(fmt.Sprintf("*Could not check (%d)*", len(events))))
	}
	for i, e := range events {
		if i == slackMaxEvents {
			msg.Blocks = append(msg.Blocks, slackContext(fmt.Sprintf("…and %d more that could not be checked; see the report.", len(events)-i)))
			break
		}
		msg.Blocks = append(msg.Blocks, slackSection(slackEvent(e)))
	}
	return msg
}

// slackSection is a block of mrkdwn text; slackContext a line of small print.
func slackSection(text string) slackBlock {
	return slackBlock{Type: "section", Text: &slackText{"mrkdwn", text}}
}

func slackContext(text string) slackBlock {
	return slackBlock{Type: "context", Elements: []slackText{{"mrkdwn", text}}}
}

// slackEvent is one failed check: linked title (or URL), then why and
// the source.
func slackEvent(e report.Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*%s*\n%s", slackLink(e.URL, eventTitle(e)), slackEscape(eventReason(e)))
	if src := plain(e.Source, 80); src != "" {
		fmt.Fprintf(&b, " · %s", slackEscape(src))
	}
	return b.String()
}

// slackItem is one item: linked title, severity and kinds, versions and
// source, then its most important change before and after.
func slackItem(it report.Item) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*%s*\n", slackLink(it.URL, title(it)))
	fmt.Fprintf(&b, "`%s` · %s · v%d → v%d", report.ItemSeverity(it), slackEscape(strings.Join(kinds(it), ", ")), it.FromVersion, it.ToVersion)
	if src := plain(it.Source, 80); src != "" {
		fmt.Fprintf(&b, " · %s", slackEscape(src))
	}
	if it.Changes.Summary.StealthEdit {
		b.WriteString(" · *stealth edit*")
	}
	if it.Reread {
		// Its differences are the new reading's: none is highlighted.
		fmt.Fprintf(&b, "\n>%s", slackEscape(report.RereadNote(it)))
	} else if h, ok := highlightOf(it); ok {
		fmt.Fprintf(&b, "\n>%s before: %s\n>%s after: %s", slackEscape(h.label), quoteOrNone(slackEscape(h.before)),
			slackEscape(h.label), quoteOrNone(slackEscape(h.after)))
	}
	return b.String()
}

func quoteOrNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return "“" + s + "”"
}
