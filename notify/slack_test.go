package notify_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/notify"
)

type slackMsg struct {
	Text   string `json:"text"`
	Blocks []struct {
		Type string `json:"type"`
		Text *struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"text"`
		Elements []struct {
			Text string `json:"text"`
		} `json:"elements"`
	} `json:"blocks"`
}

// sendSlack sends dg through a Slack notifier to a test server and returns
// the one message the server received.
func sendSlack(t *testing.T, dg notify.Digest) slackMsg {
	t.Helper()
	srv := newServer(t)
	d, _ := hookDispatcher(t, srv, nil, nil, notify.Config{Name: "slack", Kind: notify.KindSlack, URL: srv.URL + "/services/T/B/X"})
	if err := d.Send(t.Context(), dg); err != nil {
		t.Fatal(err)
	}
	reqs := srv.requests()
	if len(reqs) != 1 {
		t.Fatalf("requests = %d, want 1", len(reqs))
	}
	var msg slackMsg
	if err := json.Unmarshal(reqs[0].body, &msg); err != nil {
		t.Fatalf("body is not JSON: %v", err)
	}
	return msg
}

// slackLink matches the one construct that may put < and > in the text.
var slackLinkRE = regexp.MustCompile(`<https?://[^<>|\s]+\|[^<>]*>`)

// quoteRE matches the block quotes that set off before and after.
var quoteRE = regexp.MustCompile(`(?m)^>`)

func TestSlack_Message(t *testing.T) {
	evil := item("https://news.example/a?x=1&y=2|z", "wire <b>", hostile, diffing.SeverityHigh, diffing.NumberChanged)
	evil.Changes.Summary.StealthEdit = true
	unlinked := item("javascript:alert(1)", "example", "Script link", diffing.SeverityLow, diffing.Cosmetic)
	msg := sendSlack(t, digest(unlinked, evil))
	if len(msg.Blocks) != 3 || msg.Blocks[1].Text == nil || msg.Blocks[2].Text == nil {
		t.Fatalf("blocks = %+v, want a summary and one section per item", msg.Blocks)
	}
	first, second := msg.Blocks[1].Text.Text, msg.Blocks[2].Text.Text
	for _, want := range []string{
		"<https://news.example/a?x=1&amp;y=2%7Cz|Minister &lt;script&gt;", // linked, escaped, | encoded
		"&lt;!channel&gt;", "`high`", "number_changed", "stealth edit", "v1 → v2", "wire &lt;b&gt;",
		"figure before: “97 percent”", "figure after: “90 percent”",
	} {
		if !strings.Contains(first, want) {
			t.Errorf("most severe item lacks %q:\n%s", want, first)
		}
	}
	if !strings.HasPrefix(second, "*Script link*") {
		t.Errorf("javascript: URL was linked: %q", second)
	}
	for _, s := range []string{msg.Text, msg.Blocks[0].Text.Text, first, second} {
		rest := quoteRE.ReplaceAllString(slackLinkRE.ReplaceAllString(s, ""), "")
		if strings.ContainsAny(rest, "<>\r\x00\x1b") {
			t.Errorf("unescaped control in Slack text %q", rest)
		}
	}
	if !strings.HasPrefix(msg.Text, "redline: 2 changes in 2 articles, highest severity high: Minister &lt;script&gt;") {
		t.Errorf("text = %q", msg.Text)
	}
}

func TestSlack_CapsItems(t *testing.T) {
	dg := digest()
	for i := range 25 {
		dg.Items = append(dg.Items, item(fmt.Sprintf("https://news.example/%d", i), "x", "T", diffing.SeverityMedium, diffing.SentenceChanged))
	}
	msg := sendSlack(t, dg)
	last := msg.Blocks[len(msg.Blocks)-1]
	if len(msg.Blocks) != 22 || last.Type != "context" || !strings.Contains(last.Elements[0].Text, "5 more") {
		t.Errorf("%d blocks, last %+v; want 20 items and a note of 5 more", len(msg.Blocks), last)
	}
}
