package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/monitor/tsa"
	"github.com/redline-news/redline/monitor/tsa/tsatest"
	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/export"
	"github.com/redline-news/redline/snapshots/sqlite"
)

// changingStory serves a story whose text changes at every fetch, so each
// check stores a new version.
func changingStory(t *testing.T) string {
	t.Helper()
	srv, _ := countedStory(t, func(n int32) string {
		return fmt.Sprintf("<html><body><article><h1>Levee vote</h1><p>The council counted %d votes on the levee, the clerk said on Monday.</p></article></body></html>", n)
	})
	return srv.URL + "/story"
}

// writeTimestampConfig writes a config checking url, timestamped by the TSA at
// tsaURL whose tokens must chain to roots, with schedule as every source's
// and extra (YAML) at the end.
func writeTimestampConfig(t *testing.T, dir, url, tsaURL, roots, schedule, extra string) string {
	t.Helper()
	return writeConfig(t, dir, fmt.Sprintf(`store: %s
allow_private: true
min_interval: 1s
schedule: "%s"
reports: {dir: %s}
timestamp:
  url: %s
  roots: [%s]
sources:
  - {name: ledger, url: %s}
%s`, filepath.Join(dir, "r.db"), schedule, filepath.Join(dir, "reports"), tsaURL, roots, url, extra))
}

// daemonStore opens, read-only, the store a daemon writes, once the daemon
// has created it.
func daemonStore(t *testing.T, d *daemon, path string) *sqlite.Store {
	t.Helper()
	st := sqlite.New(path, slog.New(slog.DiscardHandler))
	d.waitFor(t, "the store created", func() bool { return st.OpenReadOnly(t.Context()) == nil })
	t.Cleanup(func() { st.Close() })
	return st
}

// TestTimestamp_CheckShowVerify: each check's new version gets a token
// from a real TSA on 127.0.0.1; show prints it, and verify --timestamps
// checks every token offline. A tampered token, a token over another hash
// and a root the tokens do not chain to each make verify exit 1, naming
// the article URL and version.
func TestTimestamp_CheckShowVerify(t *testing.T) {
	ts := tsatest.Start(t)
	story := changingStory(t)
	dir := t.TempDir()
	cfg := writeTimestampConfig(t, dir, story, ts.URL, ts.RootsFile, "@every 1h", "")
	checkOK(t, cfg)
	checkOK(t, cfg)
	if ts.Requests() != 2 {
		t.Fatalf("the TSA got %d requests for 2 new versions, want 2", ts.Requests())
	}

	code, out, errOut := runCmd(t, context.Background(), "show", "--config", cfg, "--version", "2", story)
	if code != exitOK || !strings.Contains(out, "Timestamp:") || !strings.Contains(out, "by "+ts.URL) {
		t.Fatalf("show: exit %d, out:\n%s\nstderr: %s\nwant a Timestamp line by %s", code, out, errOut, ts.URL)
	}
	code, out, errOut = runCmd(t, context.Background(), "verify", "--config", cfg, "--timestamps")
	if code != exitOK || !strings.Contains(out, "timestamps: 2 tokens verified, 0 versions without a token yet, 0 problems") {
		t.Fatalf("verify --timestamps of good tokens: exit %d\n%s%s", code, out, errOut)
	}

	// The WARC's metadata records carry the tokens, which check against
	// the chain hashes beside them with nothing but the WARC and the root.
	warc := filepath.Join(dir, "out.warc.gz")
	runOK(t, "export", "--config", cfg, "--warc", warc)
	data, err := os.ReadFile(warc)
	if err != nil {
		t.Fatal(err)
	}
	stamped := 0
	for line := range strings.SplitSeq(string(readGunzip(t, data)), "\r\n") {
		if !strings.HasPrefix(line, `{"chain":`) {
			continue
		}
		var md export.Metadata
		if err := json.Unmarshal([]byte(line), &md); err != nil {
			t.Fatalf("metadata record: %v", err)
		}
		digest, err := tsa.Digest(md.ChainHash)
		if err != nil || md.Timestamp == nil {
			t.Fatalf("version %d's metadata: timestamp %v, chain hash %v", md.Version, md.Timestamp, err)
		}
		if _, err := tsa.Verify(md.Timestamp.Token, digest, ts.Roots); err != nil {
			t.Errorf("version %d's token in the WARC: %v", md.Version, err)
		}
		stamped++
	}
	if stamped != 2 {
		t.Fatalf("%d metadata records with a token, want 2", stamped)
	}

	// Forge the store's tokens, one case at a time, and put back the
	// good ones after.
	st := openSQLite(t, filepath.Join(dir, "r.db"))
	good, err := st.Timestamps(t.Context(), snapshots.TimestampFilter{})
	if err != nil || len(good) != 2 {
		t.Fatalf("Timestamps = %v, %v", good, err)
	}
	v2 := good[1]
	stranger := tsatest.NewCA(t, "stranger")
	for _, tc := range []struct {
		name  string
		token func() []byte
		roots string // --roots, "" for the config's
		want  string
	}{
		{"tampered", func() []byte {
			b := append([]byte(nil), v2.Token...)
			b[len(b)-5] ^= 0x01
			return b
		}, "", "signature invalid"},
		{"wrong_imprint", func() []byte {
			other := sha256.Sum256([]byte("not this version"))
			return ts.Token(t, other[:], time.Now())
		}, "", "message imprint is not the stored chain hash"},
		{"untrusted_root", func() []byte { return v2.Token }, stranger.PEMFile, "does not chain to the configured roots"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			forged := v2
			forged.Token = tc.token()
			if err := st.SaveTimestamp(t.Context(), forged); err != nil {
				t.Fatal(err)
			}
			defer func() {
				if err := st.SaveTimestamp(t.Context(), v2); err != nil {
					t.Fatal(err)
				}
			}()
			args := []string{"verify", "--config", cfg, "--timestamps"}
			if tc.roots != "" {
				args = append(args, "--roots", tc.roots)
			}
			code, out, errOut := runCmd(t, context.Background(), args...)
			want := fmt.Sprintf("PROBLEM timestamp: %s version 2: ", story)
			if code != exitChanges || !strings.Contains(out, want) || !strings.Contains(out, tc.want) {
				t.Fatalf("verify --timestamps: exit %d, want %d with %q and %q:\n%s%s", code, exitChanges, want, tc.want, out, errOut)
			}
			if tc.roots == "" && strings.Contains(out, story+" version 1:") {
				t.Errorf("version 1's good token reported:\n%s", out)
			}
		})
	}
}

// TestTimestamp_TSADownThenUp: the daemon saves every version while the
// TSA answers 503, reports the outage once however many cycles it lasts,
// retries the versions left without a token at each later cycle, and
// stamps them all once the TSA is back.
func TestTimestamp_TSADownThenUp(t *testing.T) {
	ts := tsatest.Start(t)
	ts.SetDown(true)
	story := changingStory(t)
	dir := t.TempDir()
	hook := newWebhookSink(t)
	cfg := writeTimestampConfig(t, dir, story, ts.URL, ts.RootsFile, "@every 1s",
		fmt.Sprintf("notify:\n  - {name: hook, kind: webhook, url: %s, secret: %s}\n", hook.URL, hookSecret))
	d := startDaemon(t, "run", "--config", cfg)
	st := daemonStore(t, d, filepath.Join(dir, "r.db"))
	versions := func() int {
		vs, err := st.Versions(t.Context(), snapshots.VersionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(vs)
	}
	// Three cycles' versions saved while the TSA is down, each cycle
	// asking it again.
	d.waitFor(t, "3 versions and 3 requests to the TSA", func() bool { return versions() >= 3 && ts.Requests() >= 3 })
	if got, _ := st.Timestamps(t.Context(), snapshots.TimestampFilter{}); len(got) != 0 {
		t.Fatalf("%d tokens while the TSA is down", len(got))
	}
	ts.SetDown(false)
	n := versions()
	d.waitFor(t, "every version saved during the outage stamped", func() bool {
		got, err := st.Timestamps(t.Context(), snapshots.TimestampFilter{})
		return err == nil && len(got) >= n
	})
	if code := d.stop(t); code != exitOK {
		t.Fatalf("run: exit %d\n%s", code, d.errOut.String())
	}
	if got := strings.Count(d.out.String(), "timestamp failed: "+ts.URL); got != 1 {
		t.Fatalf("the outage was reported %d times over several cycles, want once:\n%s", got, d.out.String())
	}
	if !strings.Contains(d.out.String(), "HTTP 503") {
		t.Errorf("the event does not say why:\n%s", d.out.String())
	}
	// The notifiers hear of it once too.
	told := 0
	for _, b := range hook.received() {
		if strings.Contains(string(b), `"timestamp failed"`) {
			told++
		}
	}
	if told != 1 {
		t.Errorf("%d digests to the webhook told of the outage, want 1", told)
	}
	runOK(t, "verify", "--config", cfg, "--timestamps")
}

// TestTimestamp_ConfigRefusals: a timestamp block without roots, with an
// unreadable or empty roots file, or with a URL that is not http(s) is
// refused, naming the file, line and field.
func TestTimestamp_ConfigRefusals(t *testing.T) {
	dir := t.TempDir()
	notPEM := writeFile(t, filepath.Join(dir, "not.pem"), "hello")
	const src = "sources:\n  - {name: a, url: https://news.example/a}\n"
	refusal(t, "c.yaml", src+"timestamp:\n  url: https://tsa.example/\n",
		"c.yaml:4: timestamp.roots: required: the CA certificates (PEM files) the TSA's certificate chains to")
	refusal(t, "c.yaml", src+"timestamp:\n  url: https://tsa.example/\n  roots: ["+notPEM+"]\n",
		"c.yaml:5: timestamp.roots[0]: timestamp roots: "+notPEM+": no PEM certificate")
	refusal(t, "c.yaml", src+"timestamp:\n  url: https://tsa.example/\n  roots: ["+filepath.Join(dir, "missing.pem")+"]\n",
		"c.yaml:5: timestamp.roots[0]: timestamp roots: open "+filepath.Join(dir, "missing.pem")+": no such file or directory")
	refusal(t, "c.yaml", src+"timestamp:\n  url: ftp://tsa.example/\n  roots: ["+notPEM+"]\n",
		"c.yaml:4: timestamp.url: want an absolute http(s) URL, got \"ftp://tsa.example/\"\nc.yaml:5: timestamp.roots[0]: timestamp roots: "+notPEM+": no PEM certificate")
}

// TestTimestamp_CheckWithTSADown: `check` with the TSA down saves the new
// version, exits 0 and says why it has no token; the next check, with the
// TSA back, stamps it along with its own new version.
func TestTimestamp_CheckWithTSADown(t *testing.T) {
	ts := tsatest.Start(t)
	ts.SetDown(true)
	story := changingStory(t)
	dir := t.TempDir()
	cfg := writeTimestampConfig(t, dir, story, ts.URL, ts.RootsFile, "@every 1h", "")
	code, _, errOut := runCmd(t, context.Background(), "check", "--config", cfg)
	want := "timestamp failed: " + ts.URL + ": HTTP 503 Service Unavailable: maintenance; 1 version saved without a token, retried next cycle"
	if code != exitOK || !strings.Contains(errOut, want) {
		t.Fatalf("check with the TSA down: exit %d, want 0 and %q in:\n%s", code, want, errOut)
	}
	st := openSQLite(t, filepath.Join(dir, "r.db"))
	if vs, err := st.Versions(t.Context(), snapshots.VersionFilter{}); err != nil || len(vs) != 1 {
		t.Fatalf("versions after a check with the TSA down = %d, %v; want the version saved", len(vs), err)
	}
	ts.SetDown(false)
	checkOK(t, cfg)
	got, err := st.Timestamps(t.Context(), snapshots.TimestampFilter{})
	if err != nil || len(got) != 2 || got[0].Number != 1 || got[1].Number != 2 {
		t.Fatalf("tokens after the TSA came back = %+v, %v; want versions 1 and 2", got, err)
	}
}
