package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/redline-news/redline/notify/threadtest"
)

// threadsConfig is a config with a Mastodon and a Bluesky notifier whose
// server URLs and secrets come from the environment.
func threadsConfig(t *testing.T, dir, site string) string {
	t.Helper()
	return writeConfig(t, dir, fmt.Sprintf(`store: %s
allow_private: true
host_rate: 0
notify:
  - name: masto
    kind: mastodon
    url_env: REDLINE_TEST_MASTODON_URL
    token_env: REDLINE_TEST_MASTODON_TOKEN
    visibility: public
  - name: sky
    kind: bluesky
    url_env: REDLINE_TEST_BLUESKY_URL
    handle_env: REDLINE_TEST_BLUESKY_HANDLE
    password_env: REDLINE_TEST_BLUESKY_PASSWORD
sources:
  - {name: a, url: %s/story/1}
`, filepath.Join(dir, "r.db"), site))
}

// TestCheckPostsThreads: check cycles that find changes post them to
// Mastodon and Bluesky (local stand-ins), one thread per article: each
// `check` is a new process over the same store, so the second change's
// reply proves the thread survived a restart.
func TestCheckPostsThreads(t *testing.T) {
	var edition atomic.Int32
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/story/1" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, `<html><body><article><h1>Levee vote</h1><p>The council voted %d-2 on Monday to spend $4.2 million on the levee.</p>
<p>“We will not wait for the next flood,” said Mayor Ortiz.</p></article></body></html>`, 5-edition.Load())
	}))
	defer site.Close()
	m := threadtest.NewMastodon(t, "tok-hunter2", 500)
	b := threadtest.NewBluesky(t, "desk.example", "app-hunter2")
	t.Setenv("REDLINE_TEST_MASTODON_URL", m.URL)
	t.Setenv("REDLINE_TEST_MASTODON_TOKEN", "tok-hunter2")
	t.Setenv("REDLINE_TEST_BLUESKY_URL", b.URL)
	t.Setenv("REDLINE_TEST_BLUESKY_HANDLE", "desk.example")
	t.Setenv("REDLINE_TEST_BLUESKY_PASSWORD", "app-hunter2")
	cfg := threadsConfig(t, t.TempDir(), site.URL)
	check := func() {
		t.Helper()
		code, _, errOut := runCmd(t, context.Background(), "check", "--config", cfg)
		if code != exitOK {
			t.Fatalf("check: exit %d\n%s", code, errOut)
		}
		if strings.Contains(errOut, "hunter2") {
			t.Errorf("a secret is in the output:\n%s", errOut)
		}
	}
	check() // the first version: nothing to post
	if len(m.Statuses()) != 0 || len(b.Posts()) != 0 {
		t.Fatalf("posted before any change")
	}
	edition.Store(1)
	check()
	edition.Store(2)
	check()

	statuses, posts := m.Statuses(), b.Posts()
	if len(statuses) != 2 || len(posts) != 2 {
		t.Fatalf("%d statuses and %d posts, want 2 of each", len(statuses), len(posts))
	}
	if !strings.Contains(statuses[0].Text, "Levee vote") || !strings.HasSuffix(statuses[0].Text, site.URL+"/story/1") ||
		statuses[0].InReplyToID != "" || statuses[0].Visibility != "public" {
		t.Errorf("first status %+v, want the headline and link, starting a public thread", statuses[0])
	}
	if statuses[1].InReplyToID != statuses[0].ID || len(statuses[1].MediaIDs) != 1 {
		t.Errorf("second status %+v, want a reply to %s with its card", statuses[1], statuses[0].ID)
	}
	if md := m.Media(statuses[1].MediaIDs[0]); md == nil || !strings.Contains(md.Description, "“4-2”") && !strings.Contains(md.Description, "4-2") {
		t.Errorf("the card's alt text does not say what changed: %+v", md)
	}
	root := threadtest.Ref{URI: posts[0].URI, CID: posts[0].CID}
	if posts[1].Root != root || posts[1].Parent != root || len(posts[1].Images) != 1 || posts[1].Images[0].Alt == "" {
		t.Errorf("second Bluesky post %+v, want a reply to the first with its card and alt text", posts[1])
	}
}

// TestLoadConfig_ThreadSecrets: a thread notifier's variables that are not
// set are named with the key and file:line, by the commands that deliver.
func TestLoadConfig_ThreadSecrets(t *testing.T) {
	for _, v := range []string{"REDLINE_TEST_MASTODON_URL", "REDLINE_TEST_MASTODON_TOKEN", "REDLINE_TEST_BLUESKY_URL",
		"REDLINE_TEST_BLUESKY_HANDLE", "REDLINE_TEST_BLUESKY_PASSWORD"} {
		t.Setenv(v, "")
	}
	t.Setenv("REDLINE_TEST_MASTODON_URL", "https://mastodon.example")
	dir := t.TempDir()
	path := threadsConfig(t, dir, "https://news.example")
	cfg, err := loadConfig(path)
	if err != nil {
		t.Fatalf("loadConfig: %v (a missing secret is only required by the commands that deliver)", err)
	}
	want := "config.yaml:NN: notify[0].token_env: notifier \"masto\" needs the environment variable REDLINE_TEST_MASTODON_TOKEN, which is empty\n" +
		"config.yaml:NN: notify[1].url_env: notifier \"sky\" needs the environment variable REDLINE_TEST_BLUESKY_URL, which is empty\n" +
		"config.yaml:NN: notify[1].handle_env: notifier \"sky\" needs the environment variable REDLINE_TEST_BLUESKY_HANDLE, which is empty\n" +
		"config.yaml:NN: notify[1].password_env: notifier \"sky\" needs the environment variable REDLINE_TEST_BLUESKY_PASSWORD, which is empty"
	err = cfg.requireSecrets()
	got := ""
	if err != nil {
		got = regexp.MustCompile(`config.yaml:\d+:`).ReplaceAllString(strings.ReplaceAll(err.Error(), dir+"/", ""), "config.yaml:NN:")
	}
	if got != want {
		t.Errorf("requireSecrets:\n got: %s\nwant: %s", got, want)
	}
	if err != nil && !strings.Contains(err.Error(), "config.yaml:8: notify[0].token_env") {
		t.Errorf("the token's line is not named: %v", err)
	}
	code, _, errOut := runCmd(t, t.Context(), "check", "--config", path)
	if code != exitUsage || !strings.Contains(errOut, "REDLINE_TEST_MASTODON_TOKEN") {
		t.Errorf("check without the secrets: exit %d, stderr %s", code, errOut)
	}
	// A URL from the environment is held to the address policy as one in
	// the file.
	t.Setenv("REDLINE_TEST_BLUESKY_URL", "http://10.0.0.9")
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, strings.Replace(string(body), "allow_private: true\n", "", 1))
	_, err = loadConfig(path)
	if err == nil || !strings.Contains(err.Error(), "notify[1].url_env: 10.0.0.9 is not a public address") {
		t.Errorf("a private PDS URL from the environment: %v", err)
	}
}
