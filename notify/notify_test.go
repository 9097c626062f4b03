package notify_test

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/notify"
	"github.com/redline-news/redline/report"
)

var t0 = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

// hostile is a scraped title that tries every escape the notifiers guard:
// HTML, Slack mentions and links, header injection, terminal and XML
// controls, CDATA ends and a fake encoded word.
const hostile = "Minister <script>alert(1)</script> & <!channel> <https://evil.example|bank>\r\nBcc: victim@example.com\x1b]8;;http://evil\x07 ]]> \x00 =?utf-8?q?fake?= é"

// item is one change of the given severity to the article at url.
func item(url, source, title string, sev diffing.Severity, kind diffing.Kind) report.Item {
	return report.Item{
		URL: url, Source: source, Title: title, FromVersion: 1, ToVersion: 2, At: t0,
		Changes: &diffing.ChangeSet{
			Summary: diffing.Summary{Severity: sev, Counts: map[diffing.Kind]int{kind: 1}},
			Changes: []diffing.Change{{
				Kind: kind, Kinds: []diffing.Kind{kind}, Severity: sev, Paragraph: 3, Sentence: 1,
				Before:  "The minister said turnout was 97 percent.",
				After:   "The minister said turnout was 90 percent.",
				Figures: []diffing.FigureChange{{Before: "97 percent", After: "90 percent"}},
			}},
		},
	}
}

func digest(items ...report.Item) notify.Digest {
	return notify.Digest{Generated: t0.Add(time.Minute), Items: items}
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestNew_Refusals(t *testing.T) {
	ok := func(c notify.Config) notify.Config { return c }
	hook := notify.Config{Name: "hook", Kind: notify.KindWebhook, URL: "https://hooks.example/x", Secret: "s"}
	mail := notify.Config{Name: "mail", Kind: notify.KindEmail, Addr: "smtp.example:587", From: "redline@example.com", To: []string{"desk@example.com"}}
	client := &http.Client{}
	for _, tc := range []struct {
		name   string
		cfg    notify.Config
		noHTTP bool
		field  string
		want   string
	}{
		{"missing_name", notify.Config{Kind: notify.KindAtom, AtomPath: "x.xml"}, false, "name", "missing"},
		{"unknown_kind", notify.Config{Name: "n", Kind: "pager"}, false, "kind", `unknown kind "pager"`},
		{"bad_scheme", func() notify.Config { c := hook; c.URL = "ftp://hooks.example/x"; return c }(), false, "url", `scheme "ftp"`},
		{"unparsable_url_hides_token", func() notify.Config { c := hook; c.URL = "https://hooks.example/T0KEN\x7f"; return c }(), false, "url", "invalid URL"},
		{"no_host", func() notify.Config { c := hook; c.URL = "https:///x"; return c }(), false, "url", "no host"},
		{"missing_secret", func() notify.Config { c := hook; c.Secret = ""; return c }(), false, "secret", "missing"},
		{"no_http_client", ok(hook), true, "url", "no HTTP client"},
		{"slack_missing_url", notify.Config{Name: "s", Kind: notify.KindSlack}, false, "url", "missing"},
		{"bad_addr", func() notify.Config { c := mail; c.Addr = "smtp.example"; return c }(), false, "addr", "not host:port"},
		{"empty_to", func() notify.Config { c := mail; c.To = nil; return c }(), false, "to", "no recipients"},
		{"bad_to", func() notify.Config { c := mail; c.To = []string{"a@example.com", "not an address"}; return c }(), false, "to[1]", "not an address"},
		{"bad_from", func() notify.Config { c := mail; c.From = "redline"; return c }(), false, "from", `"redline"`},
		{"insecure_remote", func() notify.Config { c := mail; c.AllowInsecure = true; return c }(), false, "allow_insecure", "loopback"},
		{"password_without_user", func() notify.Config { c := mail; c.Password = "p"; return c }(), false, "username", "missing"},
		{"atom_no_path", notify.Config{Name: "a", Kind: notify.KindAtom}, false, "atom_path", "missing"},
		{"atom_negative_cap", notify.Config{Name: "a", Kind: notify.KindAtom, AtomPath: "x", MaxEntries: -1}, false, "max_entries", "negative"},
		{"severity_out_of_range", notify.Config{Name: "a", Kind: notify.KindAtom, AtomPath: "x", MinSeverity: 9}, false, "min_severity", "out of range"},
		{"mastodon_no_token", notify.Config{Name: "m", Kind: notify.KindMastodon, URL: "https://mastodon.example"}, false, "token", "missing"},
		{"mastodon_no_url", notify.Config{Name: "m", Kind: notify.KindMastodon, Token: "t"}, false, "url", "missing"},
		{"mastodon_visibility", notify.Config{Name: "m", Kind: notify.KindMastodon, URL: "https://mastodon.example", Token: "t", Visibility: "everyone"}, false, "visibility", `"everyone" is not one of`},
		{"mastodon_negative_rate", notify.Config{Name: "m", Kind: notify.KindMastodon, URL: "https://mastodon.example", Token: "t", PostsPerHour: -1}, false, "posts_per_hour", "negative"},
		{"bluesky_no_handle", notify.Config{Name: "b", Kind: notify.KindBluesky, URL: "https://bsky.social", Password: "p"}, false, "handle", "missing"},
		{"bluesky_no_password", notify.Config{Name: "b", Kind: notify.KindBluesky, URL: "https://bsky.social", Handle: "h"}, false, "password", "missing"},
		{"bluesky_visibility", notify.Config{Name: "b", Kind: notify.KindBluesky, URL: "https://bsky.social", Handle: "h", Password: "p", Visibility: "public"}, false, "visibility", "only for mastodon"},
		{"bluesky_bad_url", notify.Config{Name: "b", Kind: notify.KindBluesky, URL: "ftp://bsky.social", Handle: "h", Password: "p"}, false, "url", `scheme "ftp"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := notify.Options{HTTPClient: client}
			if tc.noHTTP {
				opts.HTTPClient = nil
			}
			_, err := notify.New([]notify.Config{tc.cfg}, opts)
			var ce *notify.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("New = %v, want a *ConfigError", err)
			}
			if ce.Field != tc.field || ce.Index != 0 || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New = %q (field %q), want field %q and %q", err, ce.Field, tc.field, tc.want)
			}
			if strings.Contains(err.Error(), "T0KEN") {
				t.Errorf("error %q repeats the URL's secret path", err)
			}
		})
	}

	t.Run("duplicate_name_and_all_problems_reported", func(t *testing.T) {
		_, err := notify.New([]notify.Config{hook, hook, {Name: "x"}}, notify.Options{HTTPClient: client})
		msg := err.Error()
		for _, want := range []string{`notify[1] "hook": name: used by another notifier`, `notify[2] "x": kind: missing`} {
			if !strings.Contains(msg, want) {
				t.Errorf("New = %q, want it to contain %q", msg, want)
			}
		}
	})

	t.Run("good", func(t *testing.T) {
		local := mail
		local.Addr, local.AllowInsecure = "127.0.0.1:2525", true
		cfgs := []notify.Config{hook, mail, local,
			{Name: "s", Kind: notify.KindSlack, URL: "https://hooks.slack.com/services/T/B/X"},
			{Name: "a", Kind: notify.KindAtom, AtomPath: "feed.xml"}}
		local.Name = "local"
		cfgs[2] = local
		if _, err := notify.New(cfgs, notify.Options{HTTPClient: client}); err != nil {
			t.Errorf("New(good) = %v", err)
		}
	})
}
