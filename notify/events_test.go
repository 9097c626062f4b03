package notify_test

import (
	"encoding/json"
	"mime"
	"net/mail"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/notify"
	"github.com/redline-news/redline/report"
	"github.com/redline-news/redline/snapshots"
)

// gone is the event of an article taken down, with a hostile title.
func gone(source, title string) report.Event {
	return report.Event{URL: "https://news.example/gone", Source: source, Title: title,
		Event: "gone", Reason: "gone: 410", At: t0}
}

// eventsOnly is a digest of failed checks and no change.
func eventsOnly(evs ...report.Event) notify.Digest {
	return notify.Digest{Generated: t0.Add(time.Minute), Events: evs}
}

// TestEvents_Webhook: a digest with one failed check and no change is
// sent, and the body's report lists it with its stable field names.
func TestEvents_Webhook(t *testing.T) {
	srv := newServer(t)
	st := openStore(t)
	d, _ := hookDispatcher(t, srv, st, nil)
	if err := d.Send(t.Context(), eventsOnly(gone("example", "Levee vote"))); err != nil {
		t.Fatal(err)
	}
	reqs := srv.requests()
	if len(reqs) != 1 {
		t.Fatalf("requests = %d, want the digest of one event", len(reqs))
	}
	if err := notify.Verify("k", reqs[0].body, reqs[0].header.Get("X-Redline-Signature")); err != nil {
		t.Error(err)
	}
	var body struct {
		Severity string `json:"severity"`
		Changes  int    `json:"changes"`
		Failed   int    `json:"failed_checks"`
		Report   struct {
			Items  []json.RawMessage   `json:"items"`
			Events []map[string]string `json:"events"`
		} `json:"report"`
	}
	if err := json.Unmarshal(reqs[0].body, &body); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"url": "https://news.example/gone", "source": "example", "title": "Levee vote",
		"event": "gone", "reason": "gone: 410", "at": "2025-03-14T09:30:00Z"}
	if body.Changes != 0 || body.Failed != 1 || len(body.Report.Items) != 0 || len(body.Report.Events) != 1 {
		t.Fatalf("body = %s", reqs[0].body)
	}
	for k, v := range want {
		if body.Report.Events[0][k] != v {
			t.Errorf("report.events[0].%s = %q, want %q", k, body.Report.Events[0][k], v)
		}
	}
	if ds := deliveries(t, st); len(ds) != 1 || ds[0].Status != snapshots.DeliverySent {
		t.Errorf("deliveries = %+v, want one sent", ds)
	}
}

// TestEvents_FilteredBySourceNotSeverity: a notifier's sources apply to
// events; its min_severity does not.
func TestEvents_FilteredBySourceNotSeverity(t *testing.T) {
	srv := newServer(t)
	d, _ := hookDispatcher(t, srv, nil, nil,
		notify.Config{Name: "a-high", Kind: notify.KindWebhook, URL: srv.URL + "/a", Secret: "k", Sources: []string{"a"}, MinSeverity: diffing.SeverityHigh},
		notify.Config{Name: "c-only", Kind: notify.KindWebhook, URL: srv.URL + "/c", Secret: "k", Sources: []string{"c"}},
	)
	dg := eventsOnly(gone("a", "From a"), gone("b", "From b"))
	dg.Items = []report.Item{item("https://a.example/2", "a", "A low", diffing.SeverityLow, diffing.Cosmetic)}
	if err := d.Send(t.Context(), dg); err != nil {
		t.Fatal(err)
	}
	reqs := srv.requests()
	if len(reqs) != 1 || reqs[0].path != "/a" {
		t.Fatalf("requests = %+v, want one to /a (c-only has nothing to send)", reqs)
	}
	body := string(reqs[0].body)
	if !strings.Contains(body, "From a") || strings.Contains(body, "From b") || strings.Contains(body, "A low") {
		t.Errorf("a-high got %s, want only source a's event", body)
	}
}

// TestEvents_Slack: an events-only digest is posted, says how many could
// not be checked, and escapes the title.
func TestEvents_Slack(t *testing.T) {
	evil := gone("wire <b>", hostile)
	evil.URL = "javascript:alert(1)"
	msg := sendSlack(t, eventsOnly(gone("example", "Levee vote"), evil))
	if !strings.HasPrefix(msg.Text, "redline: 2 articles could not be checked: gone: 410") {
		t.Errorf("text = %q", msg.Text)
	}
	var all []string
	for _, b := range msg.Blocks {
		if b.Text != nil {
			all = append(all, b.Text.Text)
		}
	}
	joined := strings.Join(all, "\n")
	if !strings.Contains(joined, "Could not check (2)") || !strings.Contains(joined, "<https://news.example/gone|Levee vote>") {
		t.Errorf("blocks:\n%s", joined)
	}
	rest := slackLinkRE.ReplaceAllString(joined+msg.Text, "")
	if strings.ContainsAny(rest, "<>") || strings.Contains(joined, "javascript:") && strings.Contains(joined, "<javascript") {
		t.Errorf("Slack text has markup of the page's making:\n%s", joined)
	}
}

// TestEvents_Atom: each event becomes an entry of the feed file, and the
// same event sent again replaces its entry.
func TestEvents_Atom(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feed.xml")
	d := atomDispatcher(t, path, 10, nil)
	dg := eventsOnly(gone("example", hostile))
	for range 2 {
		if err := d.Send(t.Context(), dg); err != nil {
			t.Fatal(err)
		}
	}
	e := onlyEntry(t, path)
	if !strings.HasPrefix(e.Title, "Could not check: gone: 410 — Minister <script>") || strings.ContainsAny(e.Title, "\r\n\x00\x1b") {
		t.Errorf("title = %q", e.Title)
	}
	if len(e.Link) != 1 || e.Link[0].Href != "https://news.example/gone" {
		t.Errorf("links = %+v", e.Link)
	}
}

// TestEvents_Email: an events-only digest is mailed; the subject says an
// article could not be checked, and both parts list the event.
func TestEvents_Email(t *testing.T) {
	srv := newSMTPServer(t, true)
	d := mailDispatcher(t, mailConfig(srv.addr), srv.pool)
	for _, tc := range []struct {
		dg      notify.Digest
		subject string
	}{
		{eventsOnly(gone("example", "Levee vote")), "[redline] could not check: gone: 410 — Levee vote"},
		{eventsOnly(gone("example", "Levee vote"), gone("example", hostile)), "[redline] 2 articles could not be checked"},
	} {
		if err := d.Send(t.Context(), tc.dg); err != nil {
			t.Fatal(err)
		}
		msgs := srv.messages()
		m, err := mail.ReadMessage(strings.NewReader(string(msgs[len(msgs)-1].data)))
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Header["Bcc"]) != 0 {
			t.Errorf("a scraped title added a header")
		}
		subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		if err != nil || subject != tc.subject {
			t.Errorf("Subject = %q, %v; want %q", subject, err, tc.subject)
		}
		for _, p := range mailParts(t, m) {
			html := p.contentType == "text/html"
			if !strings.Contains(p.body, "Could not check") || !strings.Contains(p.body, "gone: 410") ||
				html && strings.Contains(p.body, "<script>") || strings.Contains(p.body, "\x1b") {
				t.Errorf("%s part lacks the event or leaks markup:\n%s", p.contentType, p.body)
			}
		}
	}
}
