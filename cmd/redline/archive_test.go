package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/redline-news/redline/monitor/spn/spntest"
	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/sqlite"
)

// archiveSetup serves three stories (a changes at its second fetch, b
// never archived, c refused by the archive), an SPN2 stand-in, and writes
// a config archiving every source but b, reports in JSON.
func archiveSetup(t *testing.T) (cfg, dir string, spn *spntest.Server, a, b, c string) {
	t.Helper()
	story := func(words func(n int32) string) string {
		srv, _ := countedStory(t, func(n int32) string {
			return fmt.Sprintf("<html><body><article><h1>Levee vote</h1><p>The council said %s people attended the levee vote on Friday night.</p></article></body></html>", words(n))
		})
		return srv.URL + "/story"
	}
	a = story(func(n int32) string { return map[bool]string{true: "forty", false: "four hundred"}[n == 1] })
	b = story(func(int32) string { return "fifty" })
	c = story(func(int32) string { return "sixty" })
	spn = spntest.New(t)
	refuse := spntest.Answer(200, "", `{"status":"error","status_ext":"error:blocked-url","message":"excluded by the site"}`)
	spn.Script(c, refuse, refuse, refuse)
	t.Setenv(waybackAccessEnv, spntest.AccessKey)
	t.Setenv(waybackSecretEnv, spntest.SecretKey)
	dir = t.TempDir()
	cfg = writeConfig(t, dir, fmt.Sprintf(`store: %s
allow_private: true
allow_addresses: [127.0.0.1]
host_rate: 0
reports: {dir: %s, formats: [json]}
archive: {wayback: true, save_url: %s/save, interval: 1ms, poll_interval: 1ms}
sources:
  - {name: a, url: %s}
  - {name: b, url: %s, archive: {wayback: false}}
  - {name: c, url: %s}
`, filepath.Join(dir, "r.db"), filepath.Join(dir, "reports"), spn.URL, a, b, c))
	return cfg, dir, spn, a, b, c
}

// TestCheck_Wayback: each new version of an archived source goes to Save
// Page Now; the change's report links its capture and the archive's diff;
// a refused capture is reported once, and retried quietly next cycle.
func TestCheck_Wayback(t *testing.T) {
	cfg, dir, spn, a, b, c := archiveSetup(t)
	code, _, errOut := runCmd(t, context.Background(), "check", "--config", cfg)
	if code != exitOK {
		t.Fatalf("first check: exit %d: %s", code, errOut)
	}
	failLine := "source c: " + c + ": wayback failed: version 1 not captured: error:blocked-url: excluded by the site"
	if strings.Count(errOut, failLine) != 1 {
		t.Errorf("first check's stderr lacks the refused capture, once:\n%s", errOut)
	}
	// One cycle's versions go in the order they were saved, which the
	// concurrent checks decide.
	posts, _ := spn.Seen()
	if first := slices.Sorted(slices.Values(posts)); !slices.Equal(first, slices.Sorted(slices.Values([]string{a, c}))) {
		t.Errorf("submitted %q, want a's and c's first versions, never b's", posts)
	}

	code, _, errOut = runCmd(t, context.Background(), "check", "--config", cfg)
	if code != exitOK {
		t.Fatalf("second check: exit %d: %s", code, errOut)
	}
	if strings.Contains(errOut, "wayback failed") {
		t.Errorf("second check reports the refused capture again:\n%s", errOut)
	}
	// The queue goes oldest first: c's retry, then a's second version.
	if posts, _ = spn.Seen(); len(posts) != 4 || posts[2] != c || posts[3] != a {
		t.Errorf("submitted %q, want then c's retry and a's second version", posts)
	}
	for _, p := range posts {
		if p == b {
			t.Errorf("b, whose source has wayback: false, was submitted")
		}
	}
	files, err := filepath.Glob(filepath.Join(dir, "reports", "*.json"))
	if err != nil || len(files) != 2 {
		t.Fatalf("reports %q, %v; want the first check's event and the second's change", files, err)
	}
	var rep struct {
		Items []struct {
			URL         string `json:"url"`
			Wayback     string `json:"wayback"`
			WaybackDiff string `json:"wayback_diff"`
		} `json:"items"`
		Events []struct {
			URL, Event, Reason string
		} `json:"events"`
	}
	raw, err := os.ReadFile(files[1])
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	capture := spn.URL + "/web/" + spntest.Stamp + "/" + a
	diff := spn.URL + "/web/diff/" + spntest.Stamp + "/" + spntest.Stamp + "/" + a
	if len(rep.Items) != 1 || rep.Items[0].URL != a || rep.Items[0].Wayback != capture || rep.Items[0].WaybackDiff != diff {
		t.Errorf("second report's items = %+v, want a's change linked to %s and %s", rep.Items, capture, diff)
	}
	if raw, err = os.ReadFile(files[0]); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"event": "wayback failed"`) {
		t.Errorf("first report lacks the wayback event:\n%s", raw)
	}
}

// The keys are required only by the commands that deliver: check refuses
// to start without them, check --dry-run does not need them.
func TestCheck_WaybackKeysRequired(t *testing.T) {
	cfg, _, _, _, _, _ := archiveSetup(t)
	t.Setenv(waybackSecretEnv, "")
	code, _, errOut := runCmd(t, context.Background(), "check", "--config", cfg)
	want := "archive.secret_key_env: saving to the Wayback Machine needs the environment variable REDLINE_WAYBACK_SECRET_KEY, which is empty"
	if code != exitUsage || !strings.Contains(errOut, want) {
		t.Errorf("check without the secret key: exit %d, stderr %s; want exit %d saying %q", code, errOut, exitUsage, want)
	}
	if code, _, errOut := runCmd(t, context.Background(), "check", "--dry-run", "--config", cfg); code != exitOK {
		t.Errorf("check --dry-run without the key: exit %d: %s", code, errOut)
	}
	// A key that would change the Authorization header is refused, unshown.
	t.Setenv(waybackSecretEnv, "half:key")
	code, _, errOut = runCmd(t, context.Background(), "check", "--dry-run", "--config", cfg)
	want = "archive.secret_key_env: the environment variable REDLINE_WAYBACK_SECRET_KEY holds a colon, a space or a line break"
	if code != exitUsage || !strings.Contains(errOut, want) || strings.Contains(errOut, "half:key") {
		t.Errorf("check with a colon in the key: exit %d, stderr %s; want exit %d saying %q without the key", code, errOut, exitUsage, want)
	}
}

func TestConfig_ArchiveRefusals(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{"archive: {wayback: true, save_url: \"ftp://web.archive.org/save\"}\n", `config.yaml:1: archive.save_url: want an http or https URL with a host, got "ftp://web.archive.org/save"`},
		{"archive:\n  interval: soon\n", `config.yaml:2: archive.interval: want a positive duration such as 10s or 5m, got "soon"`},
		{"archive:\n  max_attempts: 0\n", `config.yaml:2: archive.max_attempts: must be between 1 and 100, got 0`},
		{"archive:\n  wayback: yes please\n", `config.yaml:2`},
		{"archive:\n  wayback: true\n  save_ur: x\n", `archive.save_ur: unknown key, did you mean save_url?`},
	} {
		dir := t.TempDir()
		cfg := writeConfig(t, dir, tc.body+"sources:\n  - {name: a, url: https://news.example/a}\n")
		_, err := loadConfig(cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("config %q: %v, want %q", tc.body, err, tc.want)
		}
	}
}

// TestRun_Wayback: the daemon saves each cycle's new versions too,
// stores the capture with the version, and prints a refused capture once.
func TestRun_Wayback(t *testing.T) {
	cfg, dir, spn, a, _, c := archiveSetup(t)
	failLine := "source c: " + c + ": wayback failed: version 1 not captured: error:blocked-url: excluded by the site\n"
	want := spn.URL + "/web/" + spntest.Stamp + "/" + a
	d := startDaemon(t, "run", "--config", cfg)
	var st *sqlite.Store
	var caps []snapshots.Capture
	d.waitFor(t, "a's capture stored and c's refusal printed", func() bool {
		if !strings.Contains(d.out.String(), failLine) {
			return false
		}
		if st == nil { // the daemon has made the store by now
			st = openSQLite(t, filepath.Join(dir, "r.db"))
		}
		art, err := st.Article(t.Context(), a)
		if err != nil {
			return false
		}
		caps, err = st.ArticleCaptures(t.Context(), art.ID)
		return err == nil && len(caps) > 0
	})
	if code := d.stop(t); code != exitOK {
		t.Fatalf("run after a signal: exit %d; stderr %s", code, d.errOut.String())
	}
	if len(caps) != 1 || caps[0].Number != 1 || caps[0].Archive != want {
		t.Errorf("a's captures = %+v, want version 1 captured at %s", caps, want)
	}
	if n := strings.Count(d.out.String(), failLine); n != 1 {
		t.Errorf("the refused capture of %s is printed %d times, want once:\n%s", c, n, d.out.String())
	}
}
