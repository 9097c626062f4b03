package main

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha1"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redline-news/redline/monitor/sitetest"
	"github.com/redline-news/redline/snapshots"
)

const (
	importTitle = "Port strike enters its second week"
	importP1    = "Dock workers walked out on Monday, halting traffic at the country's largest port."
	importP2    = "'We will not go back without a contract,' the union leader said outside the gates."
	importP3    = "The ministry said 40 ships were waiting offshore."
)

// importPages are the successive texts of the test article.
var importPages = []string{
	sitetest.NewsPage(importTitle, importP1, importP2, importP3),
	sitetest.NewsPage(importTitle, importP1, "'We will not go back until we have a contract,' the union leader said outside the gates.", importP3),
	sitetest.NewsPage(importTitle, importP1, "'We will not go back until we have a contract,' the union leader said outside the gates.",
		"The ministry said 65 ships were waiting offshore."),
}

// storedVersion is what a round trip keeps of a version.
type storedVersion struct {
	URL, Title, Text, TextSHA256, Severity string
	Number                                 int
	Kinds                                  []string
	At                                     time.Time
}

// storedVersions lists every version of every article in the SQLite
// store at path, by article URL then number.
func storedVersions(t *testing.T, path string) []storedVersion {
	t.Helper()
	st := openSQLite(t, path)
	defer st.Close()
	arts, err := st.Articles(t.Context(), snapshots.ArticleFilter{})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(arts, func(a, b snapshots.Article) int { return strings.Compare(a.URL, b.URL) })
	var out []storedVersion
	for _, a := range arts {
		vs, err := st.Versions(t.Context(), snapshots.VersionFilter{ArticleID: a.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			out = append(out, storedVersion{URL: a.URL, Title: v.Title, Text: v.Text, TextSHA256: v.TextSHA256,
				Severity: v.Severity, Number: v.Number, Kinds: v.Kinds, At: v.At.UTC()})
		}
	}
	return out
}

// importOK runs `redline import` with args and returns its output; the
// test stops unless it exits 0.
func importOK(t *testing.T, args ...string) string {
	t.Helper()
	return runOK(t, append([]string{"import"}, args...)...)
}

// importSays runs `redline import` with args, as importOK, and fails the
// test unless its output is want.
func importSays(t *testing.T, want string, args ...string) {
	t.Helper()
	if out := importOK(t, args...); out != want {
		t.Errorf("import %q said\n%s\nwant\n%s", args, out, want)
	}
}

// TestImportCommand_RoundTrip: a store exported to WARC or WACZ and
// imported into an empty store has the same versions: texts, text hashes,
// change kinds and severities, and times.
func TestImportCommand_RoundTrip(t *testing.T) {
	pages := []string{importPages[0], importPages[1], importPages[1], importPages[2]}
	srv, _ := countedStory(t, func(n int32) string { return pages[min(int(n), len(pages))-1] })
	dir := t.TempDir()
	cfg := writeConfig(t, dir, fmt.Sprintf("store: %s\nallow_private: true\nhost_rate: 0\nsources:\n  - {name: ledger, url: %s/story}\n",
		filepath.Join(dir, "r.db"), srv.URL))
	for range pages {
		checkOK(t, cfg)
	}
	orig := storedVersions(t, filepath.Join(dir, "r.db"))
	if len(orig) != 3 || len(orig[1].Kinds) == 0 || len(orig[2].Kinds) == 0 {
		t.Fatalf("the checks stored %+v, want 3 versions with changes", orig)
	}
	// A WARC, and a WACZ (its WARC stored in the zip, read again by
	// seeking).
	for _, format := range []string{"warc", "wacz"} {
		file := filepath.Join(dir, "out."+format)
		runOK(t, "export", "--config", cfg, "--"+format, file)
		empty := filepath.Join(dir, "imported-"+format+".db")
		importSays(t, "imported 3 versions of 1 article, skipped 0 unchanged, 0 errors\n", "--store", empty, "--"+format, file)
		got := storedVersions(t, empty)
		for i := range got {
			got[i].URL = orig[i].URL // the WARC holds the final URL, which is the article's here
		}
		if len(got) != len(orig) {
			t.Fatalf("imported %d versions from the %s, want %d:\n%+v", len(got), format, len(orig), got)
		}
		for i := range orig {
			g, w := got[i], orig[i]
			if g.Text != w.Text || g.TextSHA256 != w.TextSHA256 || !slices.Equal(g.Kinds, w.Kinds) ||
				g.Severity != w.Severity || g.Number != w.Number || !g.At.Equal(w.At) {
				t.Errorf("version %d imported from the %s as\n%+v\nwant\n%+v", w.Number, format, g, w)
			}
		}
		if code, out, errOut := runCmd(t, t.Context(), "verify", "--store", empty); code != exitOK {
			t.Errorf("verify of the store imported from the %s: exit %d\n%s%s", format, code, out, errOut)
		}
	}
}

// warcRecord is one response record of a hand-written WARC.
type warcRecord struct {
	id, uri, date string
	status        int
	contentType   string
	body          string
}

// bytes returns the record, uncompressed, without digests (they are
// optional).
func (r warcRecord) bytes() []byte {
	status := r.status
	if status == 0 {
		status = 200
	}
	ct := r.contentType
	if ct == "" {
		ct = "text/html; charset=utf-8"
	}
	block := fmt.Sprintf("HTTP/1.1 %d X\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s", status, ct, len(r.body), r.body)
	return fmt.Appendf(nil, "WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:%s>\r\nWARC-Date: %s\r\n"+
		"WARC-Target-URI: %s\r\nContent-Type: application/http;msgtype=response\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n",
		r.id, r.date, r.uri, len(block), block)
}

// writeWARC writes the records as dir/name and returns its path.
func writeWARC(t *testing.T, dir, name string, recs ...warcRecord) string {
	t.Helper()
	var b bytes.Buffer
	for _, r := range recs {
		b.Write(r.bytes())
	}
	return writeFile(t, filepath.Join(dir, name), b.String())
}

const importURL = "https://ledger.example/port-strike"

// archiveRecords are captures of importURL: three texts, one repeated,
// out of order in the file, and an image.
var archiveRecords = []warcRecord{
	{id: "00000000-0000-4000-8000-000000000003", uri: importURL, date: "2024-05-03T09:00:00Z", body: importPages[2]},
	{id: "00000000-0000-4000-8000-000000000001", uri: importURL, date: "2024-05-01T09:00:00Z", body: importPages[0]},
	{id: "00000000-0000-4000-8000-000000000002", uri: importURL, date: "2024-05-02T09:00:00Z", body: importPages[1]},
	{id: "00000000-0000-4000-8000-000000000004", uri: importURL, date: "2024-05-02T12:00:00Z", body: importPages[1]},
	{id: "00000000-0000-4000-8000-000000000005", uri: "https://ledger.example/logo.png", date: "2024-05-02T12:00:00Z",
		contentType: "image/png", body: "\x89PNG"},
}

// TestImportCommand_WARC: captures become versions oldest first, the
// unchanged one is skipped, provenance is shown by show and history, and
// importing the file again adds nothing.
func TestImportCommand_WARC(t *testing.T) {
	dir := t.TempDir()
	warc := writeWARC(t, dir, "ledger.warc", archiveRecords...)
	store := filepath.Join(dir, "r.db")
	importSays(t, "imported 3 versions of 1 article, skipped 1 unchanged, 0 errors\n"+
		"also skipped: 0 captured before the article's latest version, 0 imported before, 1 not an HTML 200 response\n",
		"--store", store, "--warc", warc)
	vs := storedVersions(t, store)
	if len(vs) != 3 {
		t.Fatalf("%d versions, want 3: %+v", len(vs), vs)
	}
	for i, day := range []int{1, 2, 3} {
		if want := time.Date(2024, 5, day, 9, 0, 0, 0, time.UTC); !vs[i].At.Equal(want) {
			t.Errorf("version %d at %v, want its capture time %v", vs[i].Number, vs[i].At, want)
		}
	}
	if !slices.Contains(vs[1].Kinds, "quote_changed") || !slices.Contains(vs[2].Kinds, "number_changed") {
		t.Errorf("kinds %v, %v: want quote_changed, then number_changed", vs[1].Kinds, vs[2].Kinds)
	}

	_, show, _ := runCmd(t, t.Context(), "show", "--store", store, "--version", "2", importURL)
	if want := "Imported:   from " + warc + ", record <urn:uuid:00000000-0000-4000-8000-000000000002>\n"; !strings.Contains(show, want) {
		t.Errorf("show --version 2:\n%s\nwant the line %q", show, want)
	}
	_, hist, _ := runCmd(t, t.Context(), "history", "--store", store, importURL)
	if want := "version 3 imported from " + warc + ", record <urn:uuid:00000000-0000-4000-8000-000000000003>\n"; !strings.Contains(hist, want) {
		t.Errorf("history:\n%s\nwant the line %q", hist, want)
	}

	// Again: every version's record is stored; the unchanged capture is
	// older than the latest version now.
	importSays(t, "imported 0 versions of 0 articles, skipped 0 unchanged, 0 errors\n"+
		"also skipped: 1 captured before the article's latest version, 3 imported before, 1 not an HTML 200 response\n",
		"--store", store, "--warc", warc)
	if got := storedVersions(t, store); len(got) != 3 {
		t.Errorf("%d versions after importing again, want 3", len(got))
	}
}

// TestImportCommand_OlderThanLatest: a capture older than the article's
// latest version is not chained into the middle: it is skipped and
// counted, and a newer one still follows the latest.
func TestImportCommand_OlderThanLatest(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "r.db")
	importOK(t, "--store", store, "--warc", writeWARC(t, dir, "late.warc", archiveRecords[0]))
	late := writeWARC(t, dir, "found-later.warc",
		warcRecord{id: "00000000-0000-4000-8000-00000000000a", uri: importURL, date: "2024-05-01T09:00:00Z", body: importPages[0]},
		warcRecord{id: "00000000-0000-4000-8000-00000000000b", uri: importURL, date: "2024-05-04T09:00:00Z", body: importPages[1]})
	importSays(t, "imported 1 version of 1 article, skipped 0 unchanged, 0 errors\n"+
		"also skipped: 1 captured before the article's latest version, 0 imported before, 0 not an HTML 200 response\n",
		"--store", store, "--warc", late)
	vs := storedVersions(t, store)
	if len(vs) != 2 || vs[1].Text == vs[0].Text || !vs[1].At.Equal(time.Date(2024, 5, 4, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("versions %+v, want the May 3 capture then the May 4 one", vs)
	}
}

// TestImportCommand_WACZ reads the WARCs inside a WACZ, naming the WARC in
// the provenance.
func TestImportCommand_WACZ(t *testing.T) {
	dir := t.TempDir()
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	for name, recs := range map[string][]warcRecord{
		"archive/data.warc":       archiveRecords[:2],
		"pages/pages.jsonl":       nil,
		"archive/data-more.warc":  archiveRecords[2:],
		"archive/notes/notes.txt": nil,
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			w.Write(r.bytes())
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	wacz := writeFile(t, filepath.Join(dir, "ledger.wacz"), z.String())
	store := filepath.Join(dir, "r.db")
	if out, want := importOK(t, "--store", store, "--wacz", wacz), "imported 3 versions of 1 article, skipped 1 unchanged, 0 errors\n"; !strings.HasPrefix(out, want) {
		t.Errorf("import --wacz said\n%s\nwant\n%s", out, want)
	}
	_, show, _ := runCmd(t, t.Context(), "show", "--store", store, "--version", "1", importURL)
	if want := "Imported:   from " + wacz + " (archive/data.warc), record <urn:uuid:00000000-0000-4000-8000-000000000001>"; !strings.Contains(show, want) {
		t.Errorf("show --version 1:\n%s\nwant %q", show, want)
	}
}

// TestImportCommand_HostileArchives: a malformed WARC or WACZ is an error
// naming the file and the record, and nothing of it is imported, even the
// good records before the bad one.
func TestImportCommand_HostileArchives(t *testing.T) {
	dir := t.TempDir()
	good := archiveRecords[1].bytes()
	badDigest := warcRecord{id: "00000000-0000-4000-8000-0000000000bd", uri: importURL, date: "2024-05-02T09:00:00Z", body: importPages[1]}.bytes()
	badDigest = bytes.Replace(badDigest, []byte("WARC-Type: response\r\n"),
		[]byte("WARC-Type: response\r\nWARC-Block-Digest: sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n"), 1)
	truncated := archiveRecords[2].bytes()
	truncated = truncated[:len(truncated)-300]
	badURI := warcRecord{id: "00000000-0000-4000-8000-0000000000be", uri: "javascript:alert(1)", date: "2024-05-02T09:00:00Z", body: importPages[1]}.bytes()
	for _, tc := range []struct {
		name, file string
		data       []byte
		flag       string
		want       []string
	}{
		{"digest_mismatch", "digest.warc", append(slices.Clone(good), badDigest...), "--warc",
			[]string{"digest.warc: record 2 (byte ", "urn:uuid:00000000-0000-4000-8000-0000000000bd", "digest"}},
		{"truncated", "truncated.warc", append(slices.Clone(good), truncated...), "--warc",
			[]string{"truncated.warc: record 2 (byte "}},
		{"not_a_warc", "garbage.warc.gz", []byte("\x1f\x8b\x08\x00garbage"), "--warc",
			[]string{"garbage.warc.gz: record 1 (byte 0)"}},
		{"bad_target", "target.warc", append(slices.Clone(good), badURI...), "--warc",
			[]string{"target.warc: record 2", "urn:uuid:00000000-0000-4000-8000-0000000000be", `"javascript:alert(1)"`}},
		{"not_a_zip", "broken.wacz", good, "--wacz", []string{"broken.wacz: not a WACZ (zip)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := writeFile(t, filepath.Join(dir, tc.file), string(tc.data))
			store := filepath.Join(dir, tc.name+".db")
			code, out, errOut := runCmd(t, t.Context(), "import", "--store", store, tc.flag, file)
			if code != exitRuntime {
				t.Errorf("exit %d, want %d; stdout %q", code, exitRuntime, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q lacks %q", errOut, w)
				}
			}
			if _, err := os.Stat(store); err == nil {
				if vs := storedVersions(t, store); len(vs) != 0 {
					t.Errorf("%d versions stored from a malformed archive, want none", len(vs))
				}
			}
		})
	}
}

func TestImportCommand_Usage(t *testing.T) {
	for _, args := range [][]string{
		{"import", "--store", "x.db"},
		{"import", "--store", "x.db", "--warc", "a.warc", "--wacz", "a.wacz"},
		{"import", "--store", "x.db", "--warc", "a.warc", "--from", "2024-01-01"},
		{"import", "--store", "x.db", "--wayback", importURL, "--to", "yesterday"},
	} {
		if code, _, errOut := runCmd(t, context.Background(), args...); code != exitUsage {
			t.Errorf("%q: exit %d, want %d: %s", args, code, exitUsage, errOut)
		}
	}
}

// waybackStandIn is a local stand-in of the Wayback Machine: a CDX API
// answering rows (JSON) and the id_ captures of bodies by timestamp. It
// keeps the CDX queries and every request's path and User-Agent.
type waybackStandIn struct {
	URL      string
	mu       sync.Mutex
	rows     [][]string
	bodies   map[string]string // by timestamp
	gzipped  map[string]bool   // captures stored, and sent, gzip-encoded
	queries  []url.Values
	requests []string // "path agent"
}

func newWaybackStandIn(t *testing.T) *waybackStandIn {
	t.Helper()
	w := &waybackStandIn{bodies: map[string]string{}, gzipped: map[string]bool{}}
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.requests = append(w.requests, r.URL.Path+" "+r.UserAgent())
		switch {
		case r.URL.Path == "/cdx/search/cdx":
			w.queries = append(w.queries, r.URL.Query())
			json.NewEncoder(rw).Encode(w.rows)
		case strings.HasPrefix(r.URL.Path, "/web/"):
			ts, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/web/"), "id_/")
			body, ok := w.bodies[ts]
			if !ok {
				http.NotFound(rw, r)
				return
			}
			rw.Header().Set("Content-Type", "text/html; charset=utf-8")
			if w.gzipped[ts] {
				rw.Header().Set("Content-Encoding", "gzip")
			}
			io.WriteString(rw, body)
		default:
			http.NotFound(rw, r) // robots.txt: everything allowed
		}
	}))
	t.Cleanup(srv.Close)
	w.URL = srv.URL
	return w
}

// capture lists a capture of importURL at ts with body; a digest other
// than "" is listed instead of the body's own.
func (w *waybackStandIn) capture(ts, status, mime, body, digest string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.rows) == 0 {
		w.rows = [][]string{{"timestamp", "original", "digest", "statuscode", "mimetype"}}
	}
	if digest == "" {
		sum := sha1.Sum([]byte(body))
		digest = base32.StdEncoding.EncodeToString(sum[:])
	}
	w.rows = append(w.rows, []string{ts, importURL, digest, status, mime})
	w.bodies[ts] = body
}

// captureGzipped lists a capture of importURL at ts that the archive
// stored as the site sent it, gzip-encoded: its digest is of the gzip.
func (w *waybackStandIn) captureGzipped(t *testing.T, ts, body string) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := io.WriteString(zw, body); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	w.capture(ts, "200", "text/html", b.String(), "")
	w.mu.Lock()
	w.gzipped[ts] = true
	w.mu.Unlock()
}

// waybackConfig writes a config in dir whose store is dir/r.db and whose
// CDX API is w's.
func (w *waybackStandIn) config(t *testing.T, dir string) string {
	t.Helper()
	return writeConfig(t, dir, fmt.Sprintf("store: %s\nhost_rate: 0\nwayback:\n  cdx_url: %s/cdx/search/cdx\n  allow_private: true\nsources:\n  - {name: ledger, url: %s}\n",
		filepath.Join(dir, "r.db"), w.URL, importURL))
}

// TestImportCommand_Wayback lists the captures from a CDX API, fetches
// each distinct one's id_ body through the guarded client (robots.txt
// asked, redline's User-Agent), and imports them; again adds nothing.
func TestImportCommand_Wayback(t *testing.T) {
	w := newWaybackStandIn(t)
	w.capture("20240501090000", "200", "text/html", importPages[0], "")
	w.capture("20240501100000", "404", "text/html", "gone", "")
	w.capture("20240502090000", "200", "text/html", importPages[1], "")
	w.capture("20240502100000", "200", "text/html", importPages[1], "") // the same digest again
	w.capture("20240503090000", "200", "text/html", importPages[2], "")
	dir := t.TempDir()
	cfg := w.config(t, dir)

	importSays(t, "imported 3 versions of 1 article, skipped 0 unchanged, 0 errors\n"+
		"also skipped: 0 captured before the article's latest version, 0 imported before, 1 not an HTML 200 response\n",
		"--config", cfg, "--wayback", importURL, "--from", "2024-05-01", "--to", "2024-05-31 23:59")
	w.mu.Lock()
	q, reqs := w.queries[0], slices.Clone(w.requests)
	w.mu.Unlock()
	for k, v := range map[string]string{"url": importURL, "output": "json", "fl": "timestamp,original,digest,statuscode,mimetype",
		"collapse": "digest", "from": "20240501000000", "to": "20240531235900"} {
		if q.Get(k) != v {
			t.Errorf("CDX query %s=%q, want %q", k, q.Get(k), v)
		}
	}
	for _, want := range []string{"/robots.txt", "/cdx/search/cdx", "/web/20240501090000id_/" + importURL,
		"/web/20240502090000id_/" + importURL, "/web/20240503090000id_/" + importURL} {
		if !slices.ContainsFunc(reqs, func(r string) bool { return strings.HasPrefix(r, want+" redline/") }) {
			t.Errorf("the stand-in saw no %s from redline's User-Agent; it saw %q", want, reqs)
		}
	}
	if slices.ContainsFunc(reqs, func(r string) bool {
		return strings.Contains(r, "20240502100000") || strings.Contains(r, "20240501100000")
	}) {
		t.Errorf("a repeated digest or a 404 capture was fetched: %q", reqs)
	}
	vs := storedVersions(t, filepath.Join(dir, "r.db"))
	if len(vs) != 3 || !vs[0].At.Equal(time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)) || !slices.Contains(vs[2].Kinds, "number_changed") {
		t.Errorf("versions %+v, want the three captures at their times, diffed", vs)
	}
	_, show, _ := runCmd(t, t.Context(), "show", "--config", cfg, "--version", "2", importURL)
	if want := "Imported:   from " + w.URL + "/cdx/search/cdx, record " + w.URL + "/web/20240502090000id_/" + importURL; !strings.Contains(show, want) {
		t.Errorf("show:\n%s\nwant %q", show, want)
	}

	out := importOK(t, "--config", cfg, "--wayback", importURL)
	if !strings.HasPrefix(out, "imported 0 versions of 0 articles, skipped 0 unchanged, 0 errors\nalso skipped: 0 captured before the article's latest version, 3 imported before") {
		t.Errorf("second import said\n%s", out)
	}
}

// TestImportCommand_WaybackLyingDigest: a capture whose body is not the
// digest the CDX API listed stops the import, naming the capture, and
// nothing is imported.
func TestImportCommand_WaybackLyingDigest(t *testing.T) {
	w := newWaybackStandIn(t)
	w.capture("20240501090000", "200", "text/html", importPages[0], "")
	w.capture("20240502090000", "200", "text/html", importPages[1], "3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ")
	dir := t.TempDir()
	code, out, errOut := runCmd(t, t.Context(), "import", "--config", w.config(t, dir), "--wayback", importURL)
	if code != exitRuntime || !strings.Contains(errOut, w.URL+"/web/20240502090000id_/"+importURL) ||
		!strings.Contains(errOut, "the CDX API listed 3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ") {
		t.Errorf("exit %d, stdout %q, stderr %q; want %d naming the capture and its listed digest", code, out, errOut, exitRuntime)
	}
	if _, err := os.Stat(filepath.Join(dir, "r.db")); err == nil {
		if vs := storedVersions(t, filepath.Join(dir, "r.db")); len(vs) != 0 {
			t.Errorf("%d versions stored, want none", len(vs))
		}
	}
}

// TestImportCommand_WaybackBadCDX: a CDX answer that is not rows of the
// fields asked for is an error naming the CDX URL.
func TestImportCommand_WaybackBadCDX(t *testing.T) {
	for name, rows := range map[string][][]string{
		"missing_field": {{"timestamp", "original"}, {"20240501090000", importURL}},
		"bad_timestamp": {{"timestamp", "original", "digest", "statuscode", "mimetype"}, {"yesterday", importURL, "X", "200", "text/html"}},
		"short_row":     {{"timestamp", "original", "digest", "statuscode", "mimetype"}, {"20240501090000", importURL}},
	} {
		t.Run(name, func(t *testing.T) {
			w := newWaybackStandIn(t)
			w.rows = rows
			code, _, errOut := runCmd(t, t.Context(), "import", "--config", w.config(t, t.TempDir()), "--wayback", importURL)
			if code != exitRuntime || !strings.Contains(errOut, "CDX answer of "+w.URL+"/cdx/search/cdx?") {
				t.Errorf("exit %d, stderr %q; want %d naming the CDX URL", code, errOut, exitRuntime)
			}
		})
	}
}

// TestImportCommand_WaybackCompressed: a capture the archive stored
// gzip-encoded, as the site sent it, is listed with the digest of the
// gzip; the transport decodes it, so that digest cannot be checked and the
// capture is imported, not refused as a lie.
func TestImportCommand_WaybackCompressed(t *testing.T) {
	w := newWaybackStandIn(t)
	w.capture("20240501090000", "200", "text/html", importPages[0], "")
	w.captureGzipped(t, "20240502090000", importPages[1])
	dir := t.TempDir()
	out := importOK(t, "--config", w.config(t, dir), "--wayback", importURL)
	if !strings.HasPrefix(out, "imported 2 versions of 1 article, skipped 0 unchanged, 0 errors\n") {
		t.Errorf("import --wayback said %q, want both captures imported", out)
	}
	if vs := storedVersions(t, filepath.Join(dir, "r.db")); len(vs) != 2 || vs[0].TextSHA256 == vs[1].TextSHA256 {
		t.Errorf("%d versions stored, want 2 of different texts (the gzip read as the page)", len(vs))
	}
}

// TestImportCommand_CaptureErrors: a capture that cannot be read as an
// article is an error naming its record, the others are imported, and the
// exit status says something was not.
func TestImportCommand_CaptureErrors(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "r.db")
	warc := writeWARC(t, dir, "mixed.warc", archiveRecords[1],
		warcRecord{id: "00000000-0000-4000-8000-0000000000ee", uri: importURL + "/empty", date: "2024-05-02T09:00:00Z", body: "<html><body></body></html>"})
	code, out, errOut := runCmd(t, t.Context(), "import", "--store", store, "--warc", warc)
	if code != exitRuntime || !strings.HasPrefix(out, "imported 1 version of 1 article, skipped 0 unchanged, 1 error\n") ||
		!strings.Contains(errOut, "urn:uuid:00000000-0000-4000-8000-0000000000ee") {
		t.Errorf("exit %d, stdout %q, stderr %q; want %d, one version, one error naming the record", code, out, errOut, exitRuntime)
	}
}

// TestImportCommand_WaybackGuard: the CDX API and the captures are
// fetched through the address guard: a stand-in on 127.0.0.1 is refused
// unless wayback.allow_private says otherwise.
func TestImportCommand_WaybackGuard(t *testing.T) {
	w := newWaybackStandIn(t)
	w.capture("20240501090000", "200", "text/html", importPages[0], "")
	dir := t.TempDir()
	cfg := writeConfig(t, dir, fmt.Sprintf("store: %s\nhost_rate: 0\nwayback: {cdx_url: %s/cdx/search/cdx}\nsources:\n  - {name: ledger, url: %s}\n",
		filepath.Join(dir, "r.db"), w.URL, importURL))
	code, _, errOut := runCmd(t, t.Context(), "import", "--config", cfg, "--wayback", importURL)
	if code != exitRuntime || !strings.Contains(errOut, "wayback: list captures") {
		t.Errorf("exit %d, stderr %q; want %d, the listing refused", code, errOut, exitRuntime)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.requests) != 0 {
		t.Errorf("the stand-in on 127.0.0.1 was reached: %q", w.requests)
	}
}

// TestImportCommand_SourceRules: a capture of an article watched under a
// configured source is read with that source's rules (here its ignore
// pattern), not as a new article would be.
func TestImportCommand_SourceRules(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "r.db")
	cfg := writeConfig(t, dir, fmt.Sprintf("store: %s\nsources:\n  - name: ledger\n    url: %s\n    ignore: ['^The ministry said']\n", store, importURL))
	st := openSQLite(t, store)
	if _, err := st.AddArticle(t.Context(), snapshots.Article{URL: importURL, Source: "ledger", FirstSeen: time.Now()}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	importOK(t, "--config", cfg, "--warc", writeWARC(t, dir, "one.warc", archiveRecords[1]))
	vs := storedVersions(t, store)
	if len(vs) != 1 || strings.Contains(vs[0].Text, "ministry") || !strings.Contains(vs[0].Text, "Dock workers") {
		t.Errorf("versions %+v, want one read with ledger's ignore pattern", vs)
	}
}
