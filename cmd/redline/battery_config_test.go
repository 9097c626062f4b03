package main

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestBattery_Config runs the config faults of the reliability battery
// (group E). Each refusal names the file, line and field; the messages
// are compared exactly, as in TestLoadConfig_Refusals.
// C11 (hostile feeds) is TestBattery_Feeds in monitor, C12 (SIGHUP
// reload) TestBattery_C12_reload; C05 (a pathological selector) is
// TestBattery/C05_pathological_selector in monitor/extract.
func TestBattery_Config(t *testing.T) {
	t.Run("C01_invalid_cron", func(t *testing.T) {
		refusals(t, map[string]string{
			"cron-minute-61.yaml":       `cron-minute-61.yaml:4: sources[0].schedule: invalid cron spec "61 * * * *": end of range (61) above maximum (59): 61`,
			"cron-descriptor-typo.yaml": `cron-descriptor-typo.yaml:4: sources[0].schedule: invalid cron spec "@hourlyy": unrecognized descriptor: @hourlyy`,
			"invalid-cron.yaml":         `invalid-cron.yaml:4: sources[0].schedule: invalid cron spec "every fifteen minutes": expected exactly 5 fields, found 3: [every fifteen minutes]`,
			"bad-global-cron.yaml":      `bad-global-cron.yaml:1: schedule: invalid cron spec "* * *": expected exactly 5 fields, found 3: [* * *]`,
		})
	})
	t.Run("C01_schedule_never_fires", func(t *testing.T) {
		refusals(t, map[string]string{
			"cron-never.yaml":          `cron-never.yaml:4: sources[0].schedule: schedule "0 0 31 2 *" never fires: no month in its month field ("2") has a day 31; the longest has 29`,
			"cron-step-too-large.yaml": `cron-step-too-large.yaml:4: sources[0].schedule: schedule "*/61 * * * *": minute "*/61" steps by 61, more than the 60 values of 0-59, so only minute 0 matches`,
			"cron-dead-day.yaml":       `cron-dead-day.yaml:1: schedule: schedule "0 0 15,30-31 feb *": day-of-month "30-31" never matches: no month in its month field ("feb") has a day 30; the longest has 29`,
		})
		for spec, want := range map[string]string{
			"0 0 31 2 mon":      `schedule "0 0 31 2 mon": day-of-month "31" never matches: no month in its month field ("2") has a day 31; the longest has 29`,
			"0 0 31 4,6,9,11 *": `schedule "0 0 31 4,6,9,11 *" never fires: no month in its month field ("4,6,9,11") has a day 31; the longest has 30`,
			"0 */25 * * *":      `schedule "0 */25 * * *": hour "*/25" steps by 25, more than the 24 values of 0-23, so only hour 0 matches`,
			"0 0 10-12/5 * *":   `schedule "0 0 10-12/5 * *": day-of-month "10-12/5" steps by 5, more than the 3 values of 10-12, so only day 10 matches`,
			"30 5/90 * * *":     `schedule "30 5/90 * * *": hour "5/90" steps by 90, more than the 19 values of 5-23, so only hour 5 matches`,
			"0 0 1 */13 *":      `schedule "0 0 1 */13 *": month "*/13" steps by 13, more than the 12 values of 1-12, so only month 1 matches`,
			"0 0 * * 1/7":       `schedule "0 0 * * 1/7": day-of-week "1/7" steps by 7, more than the 6 values of 1-6, so only weekday 1 matches`,
		} {
			refusal(t, "config.yaml", "schedule: \""+spec+"\"\n", "config.yaml:1: schedule: "+want)
		}
		// What fires as it reads still loads: a step equal to the values
		// (hourly), February 29 (leap years), a day 31 that one of the
		// months has, a range of days longer than the month.
		for _, spec := range []string{"*/60 * * * *", "0 0 29 2 *", "0 0 31 1,2 *", "0 0 1-31 2 *",
			"*/15 * * * *", "0 */6 * * *", "0 9 * * mon-fri", "@hourly", "@every 90m", "CRON_TZ=Europe/Paris 0 9 * * *", "0 0 */10 * *"} {
			if _, err := parseConfig("config.yaml", []byte("schedule: \""+spec+"\"\n")); err != nil {
				t.Errorf("schedule %q refused: %v", spec, err)
			}
		}
	})
	t.Run("C02_too_frequent", func(t *testing.T) {
		refusals(t, map[string]string{
			"cron-seconds-field.yaml":        `cron-seconds-field.yaml:4: sources[0].schedule: invalid cron spec "* * * * * *": expected exactly 5 fields, found 6: [* * * * * *]`,
			"too-frequent.yaml":              `too-frequent.yaml:4: sources[0].schedule: schedule "@every 1s" runs every 1s, more often than min_interval (1m0s): lower min_interval to allow it`,
			"too-frequent-min-interval.yaml": `too-frequent-min-interval.yaml:5: sources[0].schedule: schedule "*/5 * * * *" runs every 5m0s, more often than min_interval (10m0s): lower min_interval to allow it`,
		})
		// min_interval is the documented way to allow a fast schedule (a
		// local test site): it is a choice written in the file.
		cfg, err := parseConfig("config.yaml", []byte("min_interval: 1s\nschedule: \"@every 1s\"\nsources:\n  - {name: a, url: https://news.example/a, schedule: \"@every 2s\"}\n"))
		if err != nil {
			t.Fatalf("min_interval: 1s with @every 1s: %v", err)
		}
		if cfg.MinInterval.Seconds() != 1 || len(cfg.Sources) != 1 {
			t.Errorf("MinInterval %v, %d sources; want 1s, 1", cfg.MinInterval, len(cfg.Sources))
		}
		refusal(t, "config.yaml", "min_interval: soon\nsources: []\n", `config.yaml:1: min_interval: want a positive duration such as 1m or 30s, got "soon"`)
	})
	t.Run("C03_unknown_keys", func(t *testing.T) {
		refusals(t, map[string]string{
			"unknown-key-typo.yaml": "unknown-key-typo.yaml:4: sources[0].schedlue: unknown key, did you mean schedule? (allowed: allow_private, archive, cadence, feed, host_concurrency, host_rate, ignore, links, match, name, render, respect_robots, schedule, selector, selectors, sitemap, tags, url, wait_for)\n" +
				"unknown-key-typo.yaml:5: sources[0].selecter: unknown key, did you mean selector? (allowed: allow_private, archive, cadence, feed, host_concurrency, host_rate, ignore, links, match, name, render, respect_robots, schedule, selector, selectors, sitemap, tags, url, wait_for)",
			"unknown-key.yaml": `unknown-key.yaml:7: sources[0].selectors.colour: unknown key (allowed: body, byline, modified, published, remove, title)`,
		})
	})
	t.Run("C04_bad_selector", func(t *testing.T) {
		refusals(t, map[string]string{
			"invalid-selector.yaml":     `invalid-selector.yaml:5: sources[0].selectors.body: invalid CSS selector "div[": expected identifier, found EOF instead`,
			"invalid-selector-has.yaml": `invalid-selector-has.yaml:5: sources[0].selectors.body: invalid CSS selector "article:has(": expected selector, found EOF instead`,
		})
		long := strings.Repeat("div ", 2500) // 10 000 bytes, valid CSS
		refusal(t, "config.yaml", "sources:\n  - name: a\n    url: https://news.example/a\n    selectors:\n      body: \""+long+"\"\n",
			`config.yaml:5: sources[0].selectors.body: CSS selector is 10000 bytes, more than 1024`)
	})
	t.Run("C06_duplicate_urls", func(t *testing.T) {
		refusals(t, map[string]string{
			"duplicate-url.yaml":            `duplicate-url.yaml:5: sources[1].url: duplicate URL "https://NEWS.example.com/a#top" (already in sources[0].url, line 3)`,
			"duplicate-url-normalised.yaml": `duplicate-url-normalised.yaml:5: sources[1].url: duplicate URL "https://NEWS.example.com:443/world/story?utm_source=x&id=7&fbclid=abc#comments" (already in sources[0].url, line 3)`,
		})
		// Different pages stay different: another query value, another
		// port, another scheme.
		if _, err := parseConfig("config.yaml", []byte(`sources:
  - {name: a, url: "https://news.example/s?id=7"}
  - {name: b, url: "https://news.example/s?id=8"}
  - {name: c, url: "https://news.example:8443/s?id=7"}
  - {name: d, url: "http://news.example/s?id=7"}
`)); err != nil {
			t.Errorf("distinct URLs refused as duplicates: %v", err)
		}
	})
	t.Run("C07_forbidden_targets", func(t *testing.T) {
		refusals(t, map[string]string{
			"private-address.yaml":       `private-address.yaml:3: sources[0].url: 169.254.169.254 is not a public address (link-local): set allow_private: true on this source to allow it`,
			"private-metadata-feed.yaml": `private-metadata-feed.yaml:3: sources[0].feed: 169.254.169.254 is not a public address (link-local): set allow_private: true on this source to allow it`,
			"private-localhost.yaml":     `private-localhost.yaml:4: sources[0].url: localhost is a loopback name: set allow_private: true on this source to allow it`,
			"bad-scheme.yaml":            `bad-scheme.yaml:3: sources[0].url: scheme "file" not allowed (want http or https)`,
		})
		// allow_private on the source lets it load (TestLoadConfig_AllowPrivate
		// checks the inheritance rules).
		if _, err := parseConfig("config.yaml", []byte("sources:\n  - {name: a, url: \"http://localhost:8080/\", allow_private: true}\n")); err != nil {
			t.Errorf("allow_private: true: %v", err)
		}
	})
	t.Run("C08_yaml_bombs", batteryYAMLBombs)
	t.Run("C09_wrong_types", func(t *testing.T) {
		refusals(t, map[string]string{
			"schedule-number.yaml":  `schedule-number.yaml:4: sources[0].schedule: invalid cron spec "5": expected exactly 5 fields, found 1: [5]`,
			"timeout-negative.yaml": `timeout-negative.yaml:1: timeout: invalid duration "-1s" (e.g. 30s)`,
			"body-bytes-word.yaml":  `body-bytes-word.yaml:1: max_body_bytes: want a whole number, got "lots"`,
			"wrong-type.yaml":       `wrong-type.yaml:1: concurrency: want a whole number, got "lots"`,
			"missing-url.yaml":      `missing-url.yaml:2: sources[0].url: missing: give url (an article), feed (RSS, Atom or JSON Feed), sitemap or links (a section page)`,
		})
		// An empty file loads (all defaults), but run and check have
		// nothing to do (issue 18, point 14): they say so and exit 2,
		// check --dry-run included.
		empty := writeConfig(t, t.TempDir(), "store: redline.db\nsources: []\n")
		for _, file := range []string{"testdata/config/empty.yaml", empty} {
			for _, args := range [][]string{{"run"}, {"check"}, {"check", "--dry-run"}, {"check", "--due"}} {
				code, out, errOut := runCmd(t, t.Context(), append(args, "--config", file, "--store", filepath.Join(t.TempDir(), "x.db"))...)
				want := "redline: " + file + " has no sources: add one under sources:, or run `redline init` to write one\n"
				if code != exitUsage || out != "" || errOut != want {
					t.Errorf("%s with no sources: exit %d, stdout %q, stderr %q; want %d and %q", strings.Join(args, " "), code, out, errOut, exitUsage, want)
				}
			}
		}
	})
	t.Run("C10_secrets", batterySecrets)
}

// refusals loads each fixture and compares its error, with the directory
// trimmed, to the exact message.
func refusals(t *testing.T, want map[string]string) {
	t.Helper()
	for file, msg := range want {
		_, err := loadConfig(filepath.Join("testdata/config", file))
		var ce *ConfigError
		if !errors.As(err, &ce) {
			t.Errorf("%s: loadConfig = %v, want a *ConfigError", file, err)
			continue
		}
		if got := strings.ReplaceAll(err.Error(), "testdata/config/", ""); got != msg {
			t.Errorf("%s: error\n got: %s\nwant: %s", file, got, msg)
		}
	}
}

// refusal parses an inline config and compares its error.
func refusal(t *testing.T, file, body, want string) {
	t.Helper()
	_, err := parseConfig(file, []byte(body))
	if err == nil || err.Error() != want {
		t.Errorf("parseConfig:\n got: %v\nwant: %s", err, want)
	}
}

// batteryYAMLBombs: an alias bomb, a deeply nested document and a huge
// file are each refused with a message naming the file, and none of them
// makes the loader allocate more than a small multiple of the 1 MiB cap.
func batteryYAMLBombs(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, body []byte) string {
		return writeFile(t, filepath.Join(dir, name), string(body))
	}
	// Billion laughs: nine levels of ten aliases each expand to 10^9
	// nodes. It sits under tags, a key that exists, so it is not refused
	// for an unknown key first.
	var bomb strings.Builder
	bomb.WriteString("sources:\n  - name: a\n    url: https://news.example/a\n    tags: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&bomb, "  - name: b%d\n    url: https://news.example/b%d\n    tags: &l%d [", i, i, i)
		for j := range 10 {
			if j > 0 {
				bomb.WriteString(", ")
			}
			fmt.Fprintf(&bomb, "*l%d", i-1)
		}
		bomb.WriteString("]\n")
	}
	huge := filepath.Join(dir, "huge.yaml")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	// 100 MB, sparse: the size is refused from Stat, nothing is read.
	if err := f.Truncate(100 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for _, tc := range []struct {
		name, path, want string
	}{
		{"alias_bomb", write("bomb.yaml", []byte(bomb.String())),
			"bomb.yaml: document contains excessive aliasing (expands to more than 1048576 nodes)"},
		{"deep_nesting", write("deep.yaml", bytes.Repeat([]byte("["), 1_000_000)),
			"deep.yaml: exceeded max depth of 10000"},
		{"huge_file", huge,
			"huge.yaml: file is 104857600 bytes, more than the 1048576 a config may have"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := loadConfig(tc.path)
			runtime.ReadMemStats(&after)
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("loadConfig = %v, want a *ConfigError", err)
			}
			if got := strings.ReplaceAll(err.Error(), dir+"/", ""); got != tc.want {
				t.Errorf("error\n got: %s\nwant: %s", got, tc.want)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 256<<20 {
				t.Errorf("loading allocated %d MB: memory is not bounded", alloc>>20)
			}
		})
	}
	// A document just over the cap given directly to the parser.
	if _, err := parseConfig("big.yaml", bytes.Repeat([]byte("#"), maxConfigBytes+1)); err == nil ||
		!strings.Contains(err.Error(), "big.yaml: file is more than the 1048576 bytes") {
		t.Errorf("parseConfig over the cap = %v", err)
	}
}

// batterySecrets: a webhook token, an HMAC secret, an SMTP password and a
// database password written in config.yaml never appear in errors, logs
// or help, and a group-readable file holding them gets a warning.
func batterySecrets(t *testing.T) {
	const secret = "hunter2" // part of every secret in the fixtures
	_, err := loadConfig("testdata/config/secrets-refused.yaml")
	if err == nil {
		t.Fatal("secrets-refused.yaml loaded")
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("config error shows a secret:\n%v", err)
	}
	_, out, errOut := runCmd(t, t.Context(), "check", "--config", "testdata/config/secrets-refused.yaml", "--dry-run")
	if strings.Contains(out+errOut, secret) {
		t.Errorf("check --dry-run shows a secret:\n%s%s", out, errOut)
	}
	for _, cmd := range []string{"run", "check", "verify", "serve"} {
		_, out, errOut := runCmd(t, t.Context(), cmd, "--help")
		if strings.Contains(out+errOut, secret) {
			t.Errorf("%s --help shows a secret", cmd)
		}
	}

	// A valid config, readable by others, whose PostgreSQL store cannot
	// be reached: `run` logs the warning and fails to open the store,
	// and neither the log nor the error shows a secret.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close() // not a PostgreSQL server: the store fails to open
		}
	}()
	cfg := writeConfig(t, t.TempDir(), fmt.Sprintf(`store: postgres://redline:pg-%[1]s@%[2]s/redline?sslmode=disable&connect_timeout=5
sources:
  - {name: a, url: https://news.example/a}
notify:
  - {name: hook, kind: webhook, url: "https://hooks.example/tok-%[1]s", secret: hmac-%[1]s}
  - {name: mail, kind: email, addr: "mail.example:587", username: alerts, password: smtp-%[1]s, from: redline@news.example, to: [desk@news.example]}
`, secret, ln.Addr()))
	if err := os.Chmod(cfg, 0o644); err != nil { // group-readable, whatever the umask
		t.Fatal(err)
	}
	loaded, err := loadConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(loaded.Warnings) != 1 || !strings.Contains(loaded.Warnings[0].Error(), "readable by group or others") {
		t.Errorf("warnings %v, want one about a group- or world-readable file", loaded.Warnings)
	}
	code, out, errOut := runCmd(t, t.Context(), "run", "--config", cfg, "--log-level", "debug")
	if code == exitOK {
		t.Errorf("run with an unreachable store: exit 0")
	}
	if !strings.Contains(errOut, "readable by group or others") {
		t.Errorf("run did not log the permission warning:\n%s", errOut)
	}
	if strings.Contains(out+errOut, secret) {
		t.Errorf("run shows a secret:\n%s%s", out, errOut)
	}
	t.Logf("run: exit %d\n%s%s", code, out, errOut)
	if err := os.Chmod(cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	if loaded, err := loadConfig(cfg); err != nil || len(loaded.Warnings) != 0 {
		t.Errorf("mode 0600: %v, warnings %v; want none", err, loaded.Warnings)
	}
}

// TestConfig_Limits: the limits a user may change load, and a value out of
// range is refused naming the file, line and key.
func TestConfig_Limits(t *testing.T) {
	cfg, err := parseConfig("config.yaml", []byte("max_header_bytes: 8192\nmax_redirects: 3\nextraction_timeout: 2s\nmax_nesting_depth: 64\nmax_sentences: 5000\n"+
		"sources:\n  - {name: a, url: \"https://news.example/a\"}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MaxHeaderBytes != 8192 || cfg.MaxRedirects != 3 || cfg.ExtractionTimeout != 2*time.Second || cfg.Sources[0].Rules.Timeout != 2*time.Second {
		t.Fatalf("limits %d %d %v, source extraction timeout %v", cfg.MaxHeaderBytes, cfg.MaxRedirects, cfg.ExtractionTimeout, cfg.Sources[0].Rules.Timeout)
	}
	if cfg.MaxSentences != 5000 || cfg.Sources[0].Rules.MaxDepth != 64 {
		t.Fatalf("max_sentences %d, source nesting depth %d", cfg.MaxSentences, cfg.Sources[0].Rules.MaxDepth)
	}
	refusal(t, "limits.yaml", "max_nesting_depth: 1000\n", "limits.yaml:1: max_nesting_depth: must be between 16 and 512 (the HTML parser's limit), got 1000")
	refusal(t, "limits.yaml", "max_sentences: 5\n", "limits.yaml:1: max_sentences: must be between 100 and 10000000, got 5")
	refusal(t, "limits.yaml", "max_header_bytes: 10\n", "limits.yaml:1: max_header_bytes: must be between 4096 and 16777216, got 10")
	refusal(t, "limits.yaml", "max_body_bytes: 1073741824\n", "limits.yaml:1: max_body_bytes: must be between 1024 and 268435456, got 1073741824")
	refusal(t, "limits.yaml", "timeout: 5s\nmax_redirects: 99\n", "limits.yaml:2: max_redirects: must be between 1 and 30, got 99")
	refusal(t, "limits.yaml", "extraction_timeout: forever\n", `limits.yaml:1: extraction_timeout: invalid duration "forever" (between 1ms and 10m, e.g. 10s)`)
	refusal(t, "limits.yaml", "concurrency: 0\n", "limits.yaml:1: concurrency: must be between 1 and 1000, got 0")
	refusal(t, "limits.yaml", "host_concurrency: 10001\n", "limits.yaml:1: host_concurrency: must be between 0 (unlimited) and 10000, got 10001")
	refusal(t, "limits.yaml", "host_rate: 2000000\n", "limits.yaml:1: host_rate: must be between 0 (unlimited) and 1000000 requests per second, got 2e+06")
	refusal(t, "limits.yaml", "sources:\n  - {name: a, url: https://news.example/a, host_rate: -0.5}\n",
		"limits.yaml:2: sources[0].host_rate: must be between 0 (unlimited) and 1000000 requests per second, got -0.5")
}
