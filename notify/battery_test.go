package notify_test

import (
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/notify"
	"github.com/redline-news/redline/report"
)

// TestBattery runs group F of the reliability battery that concerns
// notifications (docs/reliability.md). R11's retries, backoff,
// dead-lettering and restart without duplicates are covered by
// TestDispatcher_RetriesWithBackoff, TestDispatcher_GivesUpAfterRounds,
// TestDispatcher_ShutdownKeepsDeliveryPending and the stable delivery id
// in TestWebhook_SignedDigest; TestBattery_SMTP refuses SMTP targets.
func TestBattery(t *testing.T) {
	t.Run("R03_email_header_injection", func(t *testing.T) {
		srv := newSMTPServer(t, true)
		d := mailDispatcher(t, mailConfig(srv.addr), srv.pool)
		send := func(t *testing.T, title string) *mail.Message {
			t.Helper()
			before := len(srv.messages())
			if err := d.Send(t.Context(), digest(item("https://news.example/a", "example", title, diffing.SeverityHigh, diffing.NumberChanged))); err != nil {
				t.Fatalf("Send: %v", err)
			}
			msgs := srv.messages()
			if len(msgs) != before+1 {
				t.Fatalf("server got %d new messages, want 1", len(msgs)-before)
			}
			m, err := mail.ReadMessage(strings.NewReader(string(msgs[len(msgs)-1].data)))
			if err != nil {
				t.Fatalf("message does not parse: %v", err)
			}
			return m
		}
		keys := func(h mail.Header) []string {
			var out []string
			for k, v := range h {
				for range v {
					out = append(out, k)
				}
			}
			slices.Sort(out)
			return out
		}
		want := keys(send(t, "Plain headline").Header)
		for _, title := range []string{
			"Breaking\r\nBcc: x@example.com",
			"Breaking\rBcc: x@example.com",
			"Breaking\nBcc: x@example.com",
			"Breaking\r\n\r\nBcc: x@example.com",
			"Breaking =?utf-8?q?=0D=0ABcc:_x@example.com?=",
			"Breaking =?utf-8?b?DQpCY2M6IHhAZXhhbXBsZS5jb20=?=",
			"Brèaking\u2028Bcc: x@example.com\u0085To: y@example.com",
		} {
			t.Run(fmt.Sprintf("%q", title), func(t *testing.T) {
				m := send(t, title)
				if got := keys(m.Header); !slices.Equal(got, want) {
					t.Errorf("headers %q, want %q", got, want)
				}
				if len(m.Header["Bcc"]) != 0 || len(m.Header["To"]) != 1 {
					t.Errorf("Bcc %q, To %q: the title added a header", m.Header["Bcc"], m.Header["To"])
				}
				raw := m.Header.Get("Subject")
				for _, r := range raw {
					if r > 0x7e {
						t.Errorf("raw Subject %q holds non-ASCII: want it Q-encoded", raw)
						break
					}
				}
				subject, err := new(mime.WordDecoder).DecodeHeader(raw)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(subject, "[redline] high: Br") || strings.ContainsAny(subject, "\r\n\u0085\u2028") {
					t.Errorf("Subject = %q, want one line", subject)
				}
				// An encoded word in the title shows as typed, not decoded.
				if strings.Contains(title, "=?") && !strings.Contains(subject, "?utf-8?") {
					t.Errorf("Subject = %q: the title's encoded word was decoded", subject)
				}
			})
		}
	})

	t.Run("R11_webhook_target", func(t *testing.T) {
		canary := newServer(t)
		for _, tc := range []struct {
			name, kind, url, want string
		}{
			{"webhook to the canary", notify.KindWebhook, canary.URL + "/hook", "POST http://127.0.0.1:"},
			{"webhook to the metadata IP", notify.KindWebhook, "http://169.254.169.254/latest/meta-data/", "refusing to connect to 169.254.169.254 (cloud metadata endpoint)"},
			{"slack to mapped loopback", notify.KindSlack, "http://[::ffff:127.0.0.1]:" + canary.URL[strings.LastIndex(canary.URL, ":")+1:] + "/services/T/B/X", "refusing to connect to ::ffff:127.0.0.1 (loopback)"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				g, w := guarded(t)
				cfg := notify.Config{Name: "n", Kind: tc.kind, URL: tc.url, Secret: "s"}
				d, err := notify.New([]notify.Config{cfg}, notify.Options{Dial: g.DialContext, Logger: discard(), Tries: 3, Backoff: time.Millisecond})
				if err != nil {
					t.Fatal(err)
				}
				err = d.Send(t.Context(), digest(high))
				if !errors.As(err, new(*fetch.AddrError)) || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("got %v, want an *AddrError saying %q", err, tc.want)
				}
				if strings.Contains(err.Error(), "meta-data") || strings.Contains(err.Error(), "/services/") {
					t.Errorf("the error shows the URL's path, which may hold a token: %v", err)
				}
				if len(w.Dialled()) != 0 {
					t.Errorf("tripwire saw %d dials, want 0", len(w.Dialled()))
				}
			})
		}
		if n := len(canary.requests()); n != 0 {
			t.Errorf("canary got %d requests, want 0", n)
		}
	})

	t.Run("R12_notification_storm", func(t *testing.T) {
		ch := newChannels(t)
		dg := digest()
		for i := range 500 {
			dg.Items = append(dg.Items, item(fmt.Sprintf("https://site%d.example/story", i), fmt.Sprintf("source-%d", i), fmt.Sprintf("Story %d", i), diffing.SeverityMedium, diffing.SentenceChanged))
		}
		got := ch.send(t, dg)
		if got.hook.Changes != 500 || got.hook.Articles != 500 {
			t.Errorf("webhook says %d changes in %d articles, want 500 in 500", got.hook.Changes, got.hook.Articles)
		}
		if n := len(got.slack.Blocks); n > 22 || !strings.Contains(got.slackBody, "480 more") {
			t.Errorf("slack message has %d blocks, want at most 22 with a note of 480 more", n)
		}
		if !strings.Contains(got.text, "Story 499") && got.omitted == 0 {
			t.Errorf("e-mail lists neither every story nor a note of the rest")
		}
	})

	t.Run("R13_oversized_notification", func(t *testing.T) {
		// One article rewritten sentence by sentence, 5 MB of changes,
		// and one whose single changed sentence is 5 MB long.
		sentence := strings.Repeat("The council voted <b>again</b> on the levee & the budget. ", 16) // ~1 KB
		many := item("https://news.example/rewrite", "example", "Rewritten", diffing.SeverityHigh, diffing.SentenceChanged)
		many.Changes.Changes = nil
		for i := range 5000 {
			many.Changes.Changes = append(many.Changes.Changes, diffing.Change{
				Kind: diffing.SentenceChanged, Kinds: []diffing.Kind{diffing.SentenceChanged}, Severity: diffing.SeverityMedium,
				Paragraph: i + 1, Sentence: 1, Before: sentence, After: sentence + "Updated.",
				Ops: []diffing.Op{{Op: diffing.OpEqual, Text: sentence}, {Op: diffing.OpInsert, Text: "Updated."}},
			})
		}
		huge := strings.Repeat("word ", 1<<20)
		one := item("https://news.example/long", "example", "One long sentence", diffing.SeverityHigh, diffing.SentenceChanged)
		one.Changes.Changes[0].Before, one.Changes.Changes[0].After = huge, huge+"end."
		one.Changes.Changes[0].Ops = []diffing.Op{{Op: diffing.OpEqual, Text: huge}, {Op: diffing.OpInsert, Text: "end."}}
		for _, tc := range []struct {
			name  string
			it    report.Item
			total int
		}{{"5000 changes", many, 5000}, {"one 5 MB change", one, 1}} {
			t.Run(tc.name, func(t *testing.T) {
				ch := newChannels(t)
				got := ch.send(t, digest(tc.it))
				if got.hook.Changes != tc.total {
					t.Errorf("webhook changes = %d, want %d: the count is of the whole digest", got.hook.Changes, tc.total)
				}
				shown := 0
				for _, it := range got.hook.Report.Items {
					shown += len(it.Changes.Changes)
				}
				if shown+got.hook.Report.Omitted != tc.total {
					t.Errorf("webhook report shows %d changes and omits %d, want %d in all", shown, got.hook.Report.Omitted, tc.total)
				}
				if tc.total > 1 && got.hook.Report.Omitted == 0 {
					t.Errorf("webhook report omits nothing from %d changes", tc.total)
				}
				if got.omitted == 0 && tc.total > 1 {
					t.Errorf("e-mail omits nothing from %d changes", tc.total)
				}
				if len(got.slackBody) > 40<<10 {
					t.Errorf("slack body is %d bytes", len(got.slackBody))
				}
			})
		}
	})
}

// noteRE matches the note ending a message that left changes out.
var noteRE = regexp.MustCompile(`… (\d+) more changes?, see the report`)

// channels is one webhook, one Slack and one e-mail notifier, all on
// 127.0.0.1, sent the same digest.
type channels struct {
	hooks *server
	smtp  *smtpServer
	d     *notify.Dispatcher
}

func newChannels(t *testing.T) *channels {
	t.Helper()
	c := &channels{hooks: newServer(t), smtp: newSMTPServer(t, true)}
	var err error
	c.d, err = notify.New([]notify.Config{
		{Name: "hook", Kind: notify.KindWebhook, URL: c.hooks.URL + "/hook", Secret: "k"},
		{Name: "slack", Kind: notify.KindSlack, URL: c.hooks.URL + "/slack"},
		mailConfig(c.smtp.addr),
	}, notify.Options{
		HTTPClient: c.hooks.Client(), Logger: discard(), Now: func() time.Time { return t0 },
		// A try's timeout covers rendering the message too: R13's 5 MB
		// digest under the race detector on a loaded 2-core machine took
		// over 30 s. These tests check what is sent, not how fast.
		Tries: 1, Timeout: 3 * time.Minute, TLSConfig: &tls.Config{RootCAs: c.smtp.pool},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sent is what each channel received for one digest.
type sent struct {
	hook struct {
		Changes  int `json:"changes"`
		Articles int `json:"articles"`
		Report   struct {
			Items []struct {
				Changes diffing.ChangeSet `json:"changes"`
			} `json:"items"`
			Omitted int `json:"omitted_changes"`
		} `json:"report"`
	}
	slack     slackMsg
	slackBody string
	text      string // the e-mail's text part
	omitted   int    // changes the e-mail says it left out, from its note
}

// send sends dg once and checks that it became exactly one message per
// channel, each within its size limit, and that every note of left-out
// changes says the same in every part.
func (c *channels) send(t *testing.T, dg notify.Digest) sent {
	t.Helper()
	if err := c.d.Send(t.Context(), dg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	var out sent
	reqs := c.hooks.requests()
	if len(reqs) != 2 {
		t.Fatalf("receivers got %d requests, want one webhook and one Slack message", len(reqs))
	}
	for _, r := range reqs {
		switch r.path {
		case "/hook":
			if len(r.body) > 1<<20 {
				t.Errorf("webhook body is %d bytes, over 1 MiB", len(r.body))
			}
			if err := notify.Verify("k", r.body, r.header.Get("X-Redline-Signature")); err != nil {
				t.Errorf("webhook signature: %v", err)
			}
			if err := json.Unmarshal(r.body, &out.hook); err != nil {
				t.Fatalf("webhook body: %v", err)
			}
		case "/slack":
			out.slackBody = string(r.body)
			if err := json.Unmarshal(r.body, &out.slack); err != nil {
				t.Fatalf("slack body: %v", err)
			}
		}
	}
	msgs := c.smtp.messages()
	if len(msgs) != 1 {
		t.Fatalf("SMTP server got %d messages, want 1 digest", len(msgs))
	}
	if n := len(msgs[0].data); n > 4<<20 {
		t.Errorf("e-mail is %d bytes, over 4 MiB", n)
	}
	m, err := mail.ReadMessage(strings.NewReader(string(msgs[0].data)))
	if err != nil {
		t.Fatal(err)
	}
	notes := map[string]int{}
	for _, p := range mailParts(t, m) {
		if p.contentType == "text/plain" {
			out.text = p.body
		}
		n := 0
		if m := noteRE.FindStringSubmatch(p.body); m != nil {
			n, _ = strconv.Atoi(m[1])
		}
		notes[p.contentType] = n
	}
	if notes["text/plain"] != notes["text/html"] {
		t.Errorf("e-mail parts disagree on what they left out: %v", notes)
	}
	out.omitted = notes["text/plain"]
	if out.omitted != out.hook.Report.Omitted && out.hook.Report.Omitted == 0 {
		t.Logf("e-mail omits %d changes, webhook %d", out.omitted, out.hook.Report.Omitted)
	}
	return out
}
