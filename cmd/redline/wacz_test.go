package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/redline-news/redline/internal/testtool"
	"github.com/redline-news/redline/snapshots/export"
)

// nodeModules returns the node_modules directory holding the npm packages
// the WACZ tests run (replaywebpage 2.5.3, warcio 2.4.11) and the node
// binary: REDLINE_TEST_NODE_MODULES names the directory (scripts/test
// installs them there). Without them the test skips, except under CI,
// where it fails.
func nodeModules(t *testing.T) (dir, node string) {
	t.Helper()
	dir = os.Getenv("REDLINE_TEST_NODE_MODULES")
	node, err := exec.LookPath("node")
	missing := ""
	switch {
	case dir == "":
		missing = "REDLINE_TEST_NODE_MODULES is not set"
	case err != nil:
		missing = "node is not on PATH"
	default:
		for _, f := range []string{"warcio/package.json", "replaywebpage/ui.js", "replaywebpage/sw.js"} {
			if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
				missing = fmt.Sprintf("REDLINE_TEST_NODE_MODULES=%s lacks %s", dir, f)
				break
			}
		}
	}
	if missing == "" {
		return dir, node
	}
	testtool.Missing(t, missing+": CI must run the WACZ readers (scripts/test installs replaywebpage and warcio)",
		missing+"; ./scripts/test installs replaywebpage and warcio from npm")
	return "", ""
}

// exportWACZ runs `redline export --wacz` over a store holding stories A and B
// and returns the file.
func exportWACZ(t *testing.T) string {
	t.Helper()
	path := seedStore(t, storyA, storyB)
	out := filepath.Join(t.TempDir(), "news.wacz")
	runOK(t, "export", "--store", path, "--wacz", out)
	return out
}

// TestExportCommand_WACZ: `export --wacz` writes a WACZ of the selected
// versions in one step: the staged WARC is gone afterwards, and a failed
// export leaves an earlier file whole.
func TestExportCommand_WACZ(t *testing.T) {
	path := seedStore(t, storyA, storyB)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where WriteWACZ stages the WARC
	dir := t.TempDir()
	out := filepath.Join(dir, "news.wacz")
	runOK(t, "export", "--store", path, "--wacz", out, "--url", storyB, "--since", "2025-03-14 10:00")
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatalf("export --wacz wrote no zip: %v", err)
	}
	var names []string
	var pages string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Name == export.WACZPagesPath {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			pages = string(b)
		}
	}
	zr.Close()
	if got := strings.Join(names, " "); got != "archive/data.warc.gz indexes/index.cdxj pages/pages.jsonl datapackage.json datapackage-digest.json" {
		t.Errorf("entries: %s", got)
	}
	if strings.Count(pages, "\n") != 3 || strings.Contains(pages, storyA) || !strings.Contains(pages, "Raid seizes shipment (version 3)") {
		t.Errorf("pages of --url b --since 10:00 (versions 2 and 3):\n%s", pages)
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("the staged WARC was left in TMPDIR: %v", entries)
	}

	before, _ := os.ReadFile(out)
	code, _, errOut := runCmd(t, context.Background(), "export", "--store", path, "--wacz", out, "--url", "https://news.example/none")
	if code != exitRuntime || !strings.Contains(errOut, "https://news.example/none") {
		t.Errorf("export of an unknown URL: exit %d, stderr %q", code, errOut)
	}
	if after, _ := os.ReadFile(out); !bytes.Equal(before, after) {
		t.Error("a failed export changed the existing file")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("a failed export left %d entries in the directory", len(entries))
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("a failed export left the staged WARC in TMPDIR: %v", entries)
	}
}

// warcioScript reads the byte range argv[4]..argv[5] of argv[3] (the WARC
// stored inside a WACZ) with warcio (argv[2]): every record, read to its
// end, and warcio's own CDXJ index of it.
const warcioScript = `
const fs = require("fs");
const crypto = require("crypto");
const [, , warcio, file, start, end] = process.argv;
const { WARCParser, CDXIndexer } = require(warcio);
const range = () => fs.createReadStream(file, { start: Number(start), end: Number(end) - 1 });
(async () => {
  const out = { records: [], cdx: [] };
  for await (const record of new WARCParser(range())) {
    const payload = await record.readFully(false);
    out.records.push({
      type: record.warcType, uri: record.warcTargetURI || "", digest: record.warcPayloadDigest || "",
      sha256: "sha256:" + crypto.createHash("sha256").update(payload).digest("hex"),
    });
  }
  const indexer = new CDXIndexer({ format: "cdxj" });
  for await (const cdx of indexer.iterIndex([{ reader: range(), filename: "data.warc.gz" }])) {
    out.cdx.push(cdx);
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error((e && e.stack) || String(e)); process.exit(1); });
`

// TestExportWACZ_Warcio: warcio, Webrecorder's WARC library, reads the
// WARC out of an exported WACZ, at the offset the zip gives for the stored
// entry, without error: every record whole with its payload digest right,
// and its own index of the WARC agrees with the WACZ's index.cdxj on every
// response record's key, timestamp, offset, length and digest.
func TestExportWACZ_Warcio(t *testing.T) {
	modules, node := nodeModules(t)
	wacz := exportWACZ(t)
	zr, err := zip.OpenReader(wacz)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var start, size int64
	var index []string
	for _, f := range zr.File {
		switch f.Name {
		case export.WACZWARCPath:
			if start, err = f.DataOffset(); err != nil {
				t.Fatal(err)
			}
			size = int64(f.CompressedSize64)
		case export.WACZIndexPath:
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			for sc := bufio.NewScanner(rc); sc.Scan(); {
				index = append(index, sc.Text())
			}
			rc.Close()
		}
	}
	if size == 0 || len(index) != 6 {
		t.Fatalf("WACZ: WARC of %d bytes, %d index lines; want a WARC and 6 lines", size, len(index))
	}
	script := filepath.Join(t.TempDir(), "read.cjs")
	if err := os.WriteFile(script, []byte(warcioScript), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), node, script, filepath.Join(modules, "warcio"), wacz,
		strconv.FormatInt(start, 10), strconv.FormatInt(start+size, 10))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("warcio: %v\n%s", err, stderr.String())
	}
	var got struct {
		Records []struct{ Type, URI, Digest, SHA256 string }
		CDX     []map[string]any
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("warcio's output: %v\n%s", err, out)
	}
	var types []string
	for i, r := range got.Records {
		types = append(types, r.Type)
		if r.Type == "response" && (r.Digest != r.SHA256 || (r.URI != storyA && r.URI != storyB)) {
			t.Errorf("warcio record %d: %+v; want the payload to hash to its digest, and a story's URL", i+1, r)
		}
	}
	if want := "warcinfo" + strings.Repeat(" request response metadata", 6); strings.Join(types, " ") != want {
		t.Errorf("warcio read records %s\nwant %s", strings.Join(types, " "), want)
	}
	byOffset := map[string]map[string]any{}
	for _, c := range got.CDX {
		byOffset[fmt.Sprint(c["offset"])] = c
	}
	for _, line := range index {
		key, rest, _ := strings.Cut(line, " ")
		ts, block, _ := strings.Cut(rest, " ")
		var ours map[string]string
		if err := json.Unmarshal([]byte(block), &ours); err != nil {
			t.Fatalf("index.cdxj: %v", err)
		}
		theirs := byOffset[ours["offset"]]
		if theirs == nil {
			t.Errorf("warcio indexed no record at offset %s (%s)", ours["offset"], line)
			continue
		}
		for k, want := range map[string]string{"urlkey": key, "timestamp": ts, "url": ours["url"],
			"length": ours["length"], "digest": ours["digest"], "status": ours["status"], "mime": ours["mime"]} {
			if g := fmt.Sprint(theirs[k]); g != want {
				t.Errorf("offset %s: warcio's %s is %q, index.cdxj says %q", ours["offset"], k, g, want)
			}
		}
	}
}

// replayPage embeds ReplayWeb.page's <replay-web-page> element, which
// registers its service worker under /replay/ and opens the WACZ there.
const replayPage = `<!doctype html><html><head><script src="/ui.js"></script></head>
<body><replay-web-page source="/news.wacz" url="%s" ts="%s" embed="replayonly"></replay-web-page></body></html>`

// deepText is the text of the page and of every shadow root and
// same-origin frame inside it: ReplayWeb.page shows the archived page in
// an iframe inside its elements' shadow DOM.
const deepText = `(() => {
  const texts = [];
  const walk = (root) => {
    if (!root) return;
    if (root.body) texts.push(root.body.innerText);
    for (const el of root.querySelectorAll("*")) {
      if (el.shadowRoot) walk(el.shadowRoot);
      if (el.tagName === "IFRAME") { try { walk(el.contentDocument); } catch (e) {} }
    }
  };
  walk(document);
  return texts.join("\n");
})()`

// TestExportWACZ_ReplayWebPage opens an exported WACZ in ReplayWeb.page
// itself (the replaywebpage npm package, served from 127.0.0.1) in headless
// Chromium and reads the archived article from inside the replay: asked
// for story A at version 2's capture time, it shows version 2's text, not
// the first's or the last's.
func TestExportWACZ_ReplayWebPage(t *testing.T) {
	modules, _ := nodeModules(t)
	exe := testtool.Chromium(t)
	wacz := exportWACZ(t)
	rwp := filepath.Join(modules, "replaywebpage")
	ts := storeBase.Add(time.Hour).Format("20060102150405") // version 2's capture
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, replayPage, html.EscapeString(storyA), ts)
	})
	// The page loads ui.js; the service worker is /replay/sw.js, and the
	// replay frame it serves loads ui.js beside it.
	for _, p := range []string{"/ui.js", "/replay/ui.js", "/replay/sw.js"} {
		file := filepath.Join(rwp, filepath.Base(p))
		mux.HandleFunc("GET "+p, func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, file) })
	}
	mux.HandleFunc("GET /news.wacz", func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, wacz) })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	bctx := browserContext(t, exe)
	if err := chromedp.Do(bctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatalf("open ReplayWeb.page: %v", err)
	}
	// Version 2 of story A: 90 percent, and still "not opposed".
	want, notWant := []string{"seized 90 percent", "We are not opposed to cooperation"}, []string{"97 percent", "We are opposed"}
	var text string
	for deadline := time.Now().Add(60 * time.Second); ; {
		var err error
		if text, err = chromedp.Run(bctx, chromedp.Evaluate[string](deepText)); err != nil {
			t.Fatalf("read the replay: %v", err)
		}
		if strings.Contains(text, want[0]) && strings.Contains(text, want[1]) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ReplayWeb.page did not show version 2 of %s; the page reads:\n%s", storyA, text)
		}
		time.Sleep(250 * time.Millisecond)
	}
	for _, s := range notWant {
		if strings.Contains(text, s) {
			t.Errorf("the replay shows %q, from another version:\n%s", s, text)
		}
	}
}
