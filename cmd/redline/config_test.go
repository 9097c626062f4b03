package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/internal/plural"
	"github.com/redline-news/redline/monitor/fetch"
)

func TestLoadConfig_Good(t *testing.T) {
	cfg, err := loadConfig("testdata/config/good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Store != "test.db" || cfg.Concurrency != 2 || cfg.Location.String() != "Europe/Paris" || len(cfg.Sources) != 2 {
		t.Fatalf("got %+v", cfg)
	}
	one, two := cfg.Sources[0], cfg.Sources[1]
	if one.Spec != "@hourly" || two.Spec != "@every 15m" {
		t.Errorf("schedules %q %q, want @hourly and the global @every 15m", one.Spec, two.Spec)
	}
	if one.Rules.Body.String() != "article .body" || len(one.Rules.Remove) != 1 || len(one.Rules.Ignore) != 1 {
		t.Errorf("rules %+v", one.Rules)
	}
	if two.Feed != "https://news.example.com/rss.xml" || two.URL != "" {
		t.Errorf("feed source %+v", two)
	}
	start := time.Date(2026, 1, 1, 10, 30, 0, 0, time.UTC)
	if next := one.Schedule.Next(start); !next.Equal(time.Date(2026, 1, 1, 11, 0, 0, 0, time.UTC)) {
		t.Errorf("@hourly after %v = %v", start, next)
	}
}

// The documented example at the root must itself be valid, with no
// secret in the environment: its notifiers that need one are commented
// out.
func TestLoadConfig_Example(t *testing.T) {
	unsetSecrets(t)
	cfg, err := loadConfig("../../config.yaml")
	if err != nil {
		t.Fatalf("config.yaml: %v", err)
	}
	if err := cfg.requireSecrets(); err != nil {
		t.Errorf("config.yaml as shipped needs a secret: %v", err)
	}
	if len(cfg.Notify) != 1 || cfg.Notify[0].Kind != "atom" {
		t.Errorf("notifiers = %+v, want the atom feed alone", cfg.Notify)
	}
	if cfg.AllowPrivate || cfg.Sources[0].AllowPrivate || !cfg.Sources[3].AllowPrivate {
		t.Errorf("allow_private: global %v, sources %+v; want only intranet-wire", cfg.AllowPrivate, cfg.Sources)
	}
	if len(cfg.Cadence) != 3 || cfg.Sources[2].Sitemap == "" || len(cfg.Sources[2].Cadence) != 2 {
		t.Errorf("cadence %v / sources %+v not read", cfg.Cadence, cfg.Sources)
	}
	code, out, errOut := runCmd(t, t.Context(), "check", "--config", "../../config.yaml", "--dry-run")
	if code != exitOK || out != "../../config.yaml: valid, 5 sources\n" {
		t.Errorf("check --dry-run of config.yaml: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// secretEnv are the variables config.yaml's examples read.
var secretEnv = []string{"REDLINE_WEBHOOK_SECRET", "REDLINE_SMTP_PASSWORD", "REDLINE_MASTODON_TOKEN", "REDLINE_BLUESKY_APP_PASSWORD"}

// unsetSecrets unsets the variables for the test (t.Setenv first, so they
// are restored after it).
func unsetSecrets(t *testing.T) {
	t.Helper()
	for _, k := range secretEnv {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

// exampleNotifiers is config.yaml with its commented-out notifier
// examples enabled, as its comment tells a user to do, and its store in
// dir.
func exampleNotifiers(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile("../../config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	on := regexp.MustCompile(`(?m)^  # ((?:- |  )[a-z_]+:.*)$`).ReplaceAll(b, []byte("  $1"))
	on = regexp.MustCompile(`(?m)^store: .*$`).ReplaceAll(on, []byte("store: "+filepath.Join(dir, "redline.db")))
	return writeConfig(t, dir, string(on))
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestSecrets_OnlyWhenDelivering (issue 18, point 1): notifier secrets
// from the environment are needed by the commands that deliver (run,
// check) and by nothing else; check --dry-run validates without them.
func TestSecrets_OnlyWhenDelivering(t *testing.T) {
	unsetSecrets(t)
	dir := t.TempDir()
	path := exampleNotifiers(t, dir)
	cfg, err := loadConfig(path)
	if err != nil {
		t.Fatalf("loading without the secrets: %v", err)
	}
	if len(cfg.Notify) != 6 || cfg.Notify[1].Secret != "" || cfg.Notify[2].Password != "" || cfg.Notify[4].Token != "" || cfg.Notify[5].Password != "" {
		t.Fatalf("notifiers %+v, want six, without secrets", cfg.Notify)
	}
	for _, args := range [][]string{
		{"check", "--config", path, "--dry-run"},
		{"verify", "--config", path},
		{"report", "--config", path},
		{"export", "--config", path, "--jsonl", "-"},
	} {
		if code, _, errOut := runCmd(t, t.Context(), args...); code != exitOK {
			t.Errorf("%s: exit %d, stderr %s", strings.Join(args, " "), code, errOut)
		}
	}
	// serve starts, and stops as soon as it prints its URL.
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var out, errOut bytes.Buffer
	stdout := writerFunc(func(p []byte) (int, error) { cancel(); return out.Write(p) })
	if code := run(ctx, []string{"serve", "--config", path, "--addr", "127.0.0.1:0"}, nil, stdout, &errOut); code != exitOK ||
		!strings.HasPrefix(out.String(), "redline serve: http://127.0.0.1:") {
		t.Errorf("serve: exit %d, stdout %q, stderr %s", code, out.String(), errOut.String())
	}
	// history reaches the store (which has no such article, exit 2 with
	// that said): not a config error.
	if code, _, errOut := runCmd(t, t.Context(), "history", "--config", path, "https://news.example.com/world/us-mexico-drug-war"); !strings.Contains(errOut, "in the store") || strings.Contains(errOut, "REDLINE_") {
		t.Errorf("history: exit %d, stderr %s", code, errOut)
	}
	want := "config.yaml:NN: notify[1].secret_env: notifier \"newsroom-hook\" needs the environment variable REDLINE_WEBHOOK_SECRET, which is not set\n" +
		"config.yaml:NN: notify[2].password_env: notifier \"desk-mail\" needs the environment variable REDLINE_SMTP_PASSWORD, which is not set\n" +
		"config.yaml:NN: notify[4].token_env: notifier \"mastodon-thread\" needs the environment variable REDLINE_MASTODON_TOKEN, which is not set\n" +
		"config.yaml:NN: notify[5].password_env: notifier \"bluesky-thread\" needs the environment variable REDLINE_BLUESKY_APP_PASSWORD, which is not set"
	lines := regexp.MustCompile(`config.yaml:\d+:`)
	if err := cfg.requireSecrets(); err == nil || lines.ReplaceAllString(strings.ReplaceAll(err.Error(), dir+"/", ""), "config.yaml:NN:") != want {
		t.Errorf("requireSecrets:\n got: %v\nwant: %s", err, want)
	}
	fresh := filepath.Join(t.TempDir(), "fresh.db")
	for _, cmd := range []string{"run", "check"} {
		code, out, errOut := runCmd(t, t.Context(), cmd, "--config", path, "--store", fresh)
		if code != exitUsage || !strings.Contains(errOut, `notifier "newsroom-hook" needs the environment variable REDLINE_WEBHOOK_SECRET`) ||
			!strings.Contains(errOut, "REDLINE_SMTP_PASSWORD") || out != "" {
			t.Errorf("%s without the secrets: exit %d, stdout %q, stderr %q; want 2 naming each notifier and variable", cmd, code, out, errOut)
		}
	}
	if _, err := os.Stat(fresh); err == nil {
		t.Errorf("run or check opened the store before refusing the config")
	}
	// A variable set but empty is no secret either.
	t.Setenv("REDLINE_WEBHOOK_SECRET", "")
	if cfg, err := loadConfig(path); err != nil || cfg.requireSecrets() == nil ||
		!strings.Contains(cfg.requireSecrets().Error(), "REDLINE_WEBHOOK_SECRET, which is empty") {
		t.Errorf("an empty REDLINE_WEBHOOK_SECRET: %v, %v", err, cfg.requireSecrets())
	}
	// With the environment, the secrets are read and the file, although
	// readable by others, gets no warning: it holds no secret itself.
	t.Setenv("REDLINE_WEBHOOK_SECRET", "s3cret")
	t.Setenv("REDLINE_SMTP_PASSWORD", "hunter2")
	t.Setenv("REDLINE_MASTODON_TOKEN", "tok")
	t.Setenv("REDLINE_BLUESKY_APP_PASSWORD", "app")
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err = loadConfig(path)
	if err != nil || cfg.requireSecrets() != nil {
		t.Fatalf("with the secrets set: %v, %v", err, cfg.requireSecrets())
	}
	if cfg.Notify[1].Secret != "s3cret" || cfg.Notify[2].Password != "hunter2" || !cfg.Notify[3].AllowPrivate || cfg.Notify[1].AllowPrivate {
		t.Errorf("notifiers %+v, want the secrets from the environment and only local-relay private", cfg.Notify)
	}
	if len(cfg.Warnings) != 0 {
		t.Errorf("warnings %v: secrets from the environment are not in the file", cfg.Warnings)
	}
}

// TestLoadConfig_HostLimits: politeness keys, global and per source; 0
// written in the file lifts a limit, a key left out keeps the default.
func TestLoadConfig_HostLimits(t *testing.T) {
	cfg, err := parseConfig("limits.yaml", []byte(`host_concurrency: 64
host_rate: 0
respect_robots: false
sources:
  - name: a
    url: https://news.example/a
    host_rate: 0.5
    respect_robots: true
  - name: b
    url: https://news.example/b
`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.HostConcurrency != 64 || cfg.HostRate != fetch.Unlimited || cfg.Robots != fetch.RobotsIgnore {
		t.Errorf("global limits = %d, %g, %v", cfg.HostConcurrency, cfg.HostRate, cfg.Robots)
	}
	a, b := cfg.Sources[0], cfg.Sources[1]
	if a.HostRate != 0.5 || a.Robots != fetch.RobotsObey || a.HostConcurrency != 0 {
		t.Errorf("source a limits = %d, %g, %v", a.HostConcurrency, a.HostRate, a.Robots)
	}
	if b.HostRate != 0 || b.Robots != fetch.RobotsDefault {
		t.Errorf("source b should inherit, got %g, %v", b.HostRate, b.Robots)
	}
}

func TestLoadConfig_Refusals(t *testing.T) {
	refusals(t, map[string]string{
		"unknown-key.yaml":                `unknown-key.yaml:7: sources[0].selectors.colour: unknown key (allowed: body, byline, modified, published, remove, title)`,
		"invalid-cron.yaml":               `invalid-cron.yaml:4: sources[0].schedule: invalid cron spec "every fifteen minutes": expected exactly 5 fields, found 3: [every fifteen minutes]`,
		"bad-global-cron.yaml":            `bad-global-cron.yaml:1: schedule: invalid cron spec "* * *": expected exactly 5 fields, found 3: [* * *]`,
		"invalid-selector.yaml":           `invalid-selector.yaml:5: sources[0].selectors.body: invalid CSS selector "div[": expected identifier, found EOF instead`,
		"duplicate-url.yaml":              `duplicate-url.yaml:5: sources[1].url: duplicate URL "https://NEWS.example.com/a#top" (already in sources[0].url, line 3)`,
		"missing-url.yaml":                `missing-url.yaml:2: sources[0].url: missing: give url (an article), feed (RSS, Atom or JSON Feed), sitemap or links (a section page)`,
		"bad-host-limits.yaml":            `bad-host-limits.yaml:1: host_concurrency: must be between 0 (unlimited) and 10000, got -1`,
		"url-and-sitemap.yaml":            `url-and-sitemap.yaml:4: sources[0].sitemap: give one of url, feed, sitemap and links, not both url (line 3) and sitemap`,
		"feed-and-url.yaml":               `feed-and-url.yaml:5: sources[0].url: give one of url, feed, sitemap and links, not both feed (line 3) and url`,
		"indentation.yaml":                `indentation.yaml:5: did not find expected '-' indicator (check the indentation of this line: the block it is in starts on line 2)`,
		"host-rate-list.yaml":             `host-rate-list.yaml:1: host_rate: want a number, got a list`,
		"bad-cadence.yaml":                `bad-cadence.yaml:3: cadence[1].until: want a positive duration such as 15m or 48h, got "2d"`,
		"cadence-order.yaml":              `cadence-order.yaml:5: sources[0].cadence: stage 2: until 6h0m0s must be later than the stage before (48h0m0s)`,
		"notify-bad-severity.yaml":        `notify-bad-severity.yaml:8: notify[0].min_severity: unknown severity "urgent" (want low, medium or high)`,
		"notify-no-secret.yaml":           `notify-no-secret.yaml:6: notify[0].secret: missing: webhook bodies are always signed`,
		"notify-mastodon-visibility.yaml": `notify-mastodon-visibility.yaml:9: notify[0].visibility: "everyone" is not one of public, unlisted, private, direct`,
		"notify-bluesky-no-handle.yaml":   `notify-bluesky-no-handle.yaml:6: notify[0].handle: missing: Bluesky logs in with a handle and an app password`,
		"notify-token-twice.yaml":         `notify-token-twice.yaml:9: notify[0].token_env: give token or token_env, not both`,
		"invalid-regex.yaml":              "invalid-regex.yaml:4: sources[0].ignore[0]: invalid regular expression \"(unclosed\": error parsing regexp: missing closing ): `(unclosed`",
		"bad-scheme.yaml":                 `bad-scheme.yaml:3: sources[0].url: scheme "file" not allowed (want http or https)`,
		"syntax.yaml":                     `syntax.yaml:3: mapping values are not allowed in this context`,
		"wrong-type.yaml":                 `wrong-type.yaml:1: concurrency: want a whole number, got "lots"`,
		"private-address.yaml":            `private-address.yaml:3: sources[0].url: 169.254.169.254 is not a public address (link-local): set allow_private: true on this source to allow it`,
		"private-localhost.yaml":          `private-localhost.yaml:4: sources[0].url: localhost is a loopback name: set allow_private: true on this source to allow it`,
		"notify-private.yaml": "notify-private.yaml:7: notify[0].url: ::ffff:10.0.0.8 is not a public address (private): set allow_private: true on this notifier to allow it\n" +
			"notify-private.yaml:11: notify[1].addr: localhost is a loopback name: set allow_private: true on this notifier to allow it",
		"allow-private-type.yaml": `allow-private-type.yaml:4: sources[0].allow_private: want true or false, got "sometimes"`,
	})
}

// TestLoadConfig_AllowPrivate: the global key is every source's and
// notifier's default, and their own keys override it either way.
func TestLoadConfig_AllowPrivate(t *testing.T) {
	cfg, err := parseConfig("private.yaml", []byte(`allow_private: true
sources:
  - name: inherits
    url: http://127.0.0.1:8080/a
  - name: refuses
    url: https://news.example/b
    allow_private: false
notify:
  - {name: inherits, kind: webhook, url: "http://192.168.1.9/hook", secret: s}
  - {name: refuses, kind: slack, url: "https://hooks.example/x", allow_private: false}
`))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.AllowPrivate || !cfg.Sources[0].AllowPrivate || cfg.Sources[1].AllowPrivate {
		t.Errorf("sources: global %v, %v, %v; want true, true, false", cfg.AllowPrivate, cfg.Sources[0].AllowPrivate, cfg.Sources[1].AllowPrivate)
	}
	if !cfg.Notify[0].AllowPrivate || cfg.Notify[1].AllowPrivate {
		t.Errorf("notifiers: %v, %v; want true, false", cfg.Notify[0].AllowPrivate, cfg.Notify[1].AllowPrivate)
	}
	cfg, err = parseConfig("default.yaml", []byte("sources:\n  - {name: a, url: https://news.example/a}\n"))
	if err != nil || cfg.AllowPrivate || cfg.Sources[0].AllowPrivate {
		t.Errorf("default: %v, global %v, source %v; want false", err, cfg.AllowPrivate, cfg.Sources[0].AllowPrivate)
	}
}

func TestCheck_DryRun(t *testing.T) {
	code, out, errOut := runCmd(t, t.Context(), "check", "--config", "testdata/config/good.yaml", "--dry-run")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	if want := "testdata/config/good.yaml: valid, 2 sources\n"; out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	code, _, errOut = runCmd(t, t.Context(), "check", "--config", "testdata/config/invalid-cron.yaml", "--dry-run")
	if code != exitUsage || !strings.Contains(errOut, "invalid-cron.yaml:4: sources[0].schedule") {
		t.Errorf("exit %d, stderr %q; want 2 naming file, line and field", code, errOut)
	}
}

// TestConfigMessages (issue 18, point 10): a config that is not there
// or not a file is said once, with the way forward; a count of one is
// singular.
func TestConfigMessages(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"check", "--dry-run", "--config", dir}, "redline: config " + dir + " is a directory, not a file\n"},
		{[]string{"history", "--config", dir, "https://news.example/a"}, "redline: config " + dir + " is a directory, not a file\n"},
		{[]string{"check", "--dry-run", "--config", filepath.Join(dir, "config.yaml")},
			"redline: config " + dir + "/config.yaml not found: give --config FILE, or run `redline init` to start one\n"},
	} {
		code, out, errOut := runCmd(t, t.Context(), tc.args...)
		if code != exitUsage || out != "" || errOut != tc.want {
			t.Errorf("%s: exit %d, stdout %q, stderr\n got: %q\nwant: %q", strings.Join(tc.args, " "), code, out, errOut, tc.want)
		}
	}
	// A map in place of a number, and a mapping in place of a list.
	refusal(t, "config.yaml", "host_rate: {per_second: 1}\n", "config.yaml:1: host_rate: want a number, got a mapping")
	refusal(t, "config.yaml", "concurrency: [4]\n", "config.yaml:1: concurrency: want a whole number, got a list")
	// An indentation slip deep in a long file is found at its own line.
	long := "sources:\n" + strings.Repeat("  - name: a\n    url: https://news.example/a\n", 200) + "  - name: b\n   url: https://news.example/b\n"
	_, err := parseConfig("long.yaml", []byte(long))
	if err == nil || !strings.HasPrefix(err.Error(), "long.yaml:403: ") {
		t.Errorf("indentation slip on line 403: %v", err)
	}
	// One source, one check: singular.
	one := writeFile(t, filepath.Join(dir, "one.yaml"), "sources:\n  - {name: a, url: https://news.example/a}\n")
	code, out, errOut := runCmd(t, t.Context(), "check", "--config", one, "--dry-run")
	if code != exitOK || out != one+": valid, 1 source\n" {
		t.Errorf("check --dry-run of one source: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestCheck_OneFailedCheck: the closing line of a check whose one check
// failed is singular.
func TestCheck_OneFailedCheck(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	dir := t.TempDir()
	cfg := writeConfig(t, dir, fmt.Sprintf("store: %s\nrespect_robots: false\nallow_private: true\nreports: {dir: %s}\nsources:\n  - {name: a, url: %q}\n",
		filepath.Join(dir, "r.db"), filepath.Join(dir, "reports"), srv.URL+"/a"))
	code, _, errOut := runCmd(t, t.Context(), "check", "--config", cfg)
	if code != exitRuntime || !strings.HasSuffix(errOut, "redline: 1 of 1 check failed\n") {
		t.Errorf("exit %d, stderr %s; want %d ending with \"1 of 1 check failed\"", code, errOut, exitRuntime)
	}
}

func FuzzConfig(f *testing.F) {
	for _, name := range []string{"good", "unknown-key", "invalid-cron", "duplicate-url", "syntax"} {
		b, err := os.ReadFile("testdata/config/" + name + ".yaml")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := parseConfig("fuzz.yaml", data)
		if err == nil {
			for _, s := range cfg.Sources {
				if s.Schedule == nil || (s.URL == "") == (s.Feed == "") {
					t.Fatalf("valid config with a bad source: %+v", s)
				}
			}
		}
	})
}

// TestMessages_Plurals checks that counts in messages agree with their
// nouns: "got 1 argument", "1 version", never "1 arguments".
func TestMessages_Plurals(t *testing.T) {
	for _, args := range [][]string{{"extract", "a", "b"}, {"history", "a", "b"}, {"diff", "a"}} {
		code, _, errOut := runCmd(t, t.Context(), args...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
		if strings.Contains(errOut, "1 arguments") || !strings.Contains(errOut, " argument") {
			t.Errorf("%v: %q", args, errOut)
		}
	}
	if got := plural.Count(1, "argument"); got != "1 argument" {
		t.Errorf("plural(1) = %q", got)
	}
}

// TestConfig_AllowAddresses checks allow_addresses: IP addresses and host
// names are read into the Guard's allow lists (the only way to a cloud
// metadata endpoint), and anything else is refused naming its line.
func TestConfig_AllowAddresses(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	body := "allow_addresses:\n  - 169.254.169.254\n  - \"[fd00:ec2::254]\"\n  - Metadata.Google.Internal.\nsources:\n  - {name: a, url: https://news.example/a}\n"
	writeFile(t, good, body)
	cfg, err := loadConfig(good)
	if err != nil {
		t.Fatal(err)
	}
	wantIPs := []netip.Addr{netip.MustParseAddr("169.254.169.254"), netip.MustParseAddr("fd00:ec2::254")}
	if !slices.Equal(cfg.AllowIPs, wantIPs) || !slices.Equal(cfg.AllowHosts, []string{"metadata.google.internal"}) {
		t.Errorf("allow lists %v %v", cfg.AllowIPs, cfg.AllowHosts)
	}
	bad := writeFile(t, filepath.Join(dir, "bad.yaml"), "allow_addresses:\n  - 10.0.0.1\n  - http://intranet/\nsources:\n  - {name: a, url: https://news.example/a}\n")
	_, err = loadConfig(bad)
	if err == nil || !strings.Contains(err.Error(), "bad.yaml:3: allow_addresses[1]: want an IP address") {
		t.Errorf("got %v, want a refusal of line 3", err)
	}
}
