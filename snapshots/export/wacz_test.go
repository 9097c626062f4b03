package export_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nlnwa/gowarc/v3"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/export"
)

// waczFile is a WACZ read back: every entry's bytes, and the zip's view
// of each entry.
type waczFile struct {
	raw     []byte
	entries []*zip.File
	files   map[string][]byte
}

func readWACZ(t *testing.T, data []byte) waczFile {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip file: %v", err)
	}
	w := waczFile{raw: data, entries: zr.File, files: map[string][]byte{}}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		b, err := io.ReadAll(rc) // checks the CRC-32 at the end
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		w.files[f.Name] = b
	}
	return w
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// TestWriteWACZ reads a WACZ back with archive/zip and gowarc: the layout
// of WACZ 1.1.1, the WARC identical to WriteWARC's, every hash and size in
// datapackage.json and the digest of datapackage.json, a CDXJ line for
// each response record that points at it (in the WARC, and in the WACZ
// itself since the WARC is stored), and a titled page per version.
func TestWriteWACZ(t *testing.T) {
	s := openStore(t)
	const header = "HTTP 200\nContent-Type: Text/HTML; charset=utf-8\n"
	a := addVersions(t, s, "https://www.news.example/a?z=1&b=2", 3, header, "")
	b := addVersions(t, s, "https://news.example:8443/b", 2, "HTTP 404\n", "")
	all := append(append([]snapshots.Version{}, a...), b...)
	urls := []string{"https://www.news.example/a?z=1&b=2", "https://www.news.example/a?z=1&b=2",
		"https://www.news.example/a?z=1&b=2", "https://news.example:8443/b", "https://news.example:8443/b"}

	created := base.Add(48 * time.Hour)
	f := export.Filter{Created: created, UserAgent: "redline-test/1"}
	var buf, warc bytes.Buffer
	if err := export.WriteWACZ(t.Context(), &buf, s, f); err != nil {
		t.Fatalf("WriteWACZ: %v", err)
	}
	if err := export.WriteWARC(t.Context(), &warc, s, f); err != nil {
		t.Fatalf("WriteWARC: %v", err)
	}
	w := readWACZ(t, buf.Bytes())

	var names []string
	for _, e := range w.entries {
		names = append(names, e.Name)
		stored := e.Name == export.WACZWARCPath || e.Name == export.WACZIndexPath
		if stored && (e.Method != zip.Store || e.Flags&0x8 != 0) {
			t.Errorf("%s: method %d, flags %#x; want stored (0) with its sizes in the local header", e.Name, e.Method, e.Flags)
		}
		if !e.Modified.Equal(created.Truncate(2*time.Second)) && !e.Modified.Equal(created.Truncate(time.Second)) {
			t.Errorf("%s: modified %v, want the creation time %v", e.Name, e.Modified, created)
		}
	}
	want := []string{export.WACZWARCPath, export.WACZIndexPath, export.WACZPagesPath, export.WACZPackage, export.WACZDigestPath}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("entries %q, want %q", names, want)
	}

	// The WARC is the one --warc writes, and gowarc reads it strictly.
	data := w.files[export.WACZWARCPath]
	if !bytes.Equal(data, warc.Bytes()) {
		t.Error("archive/data.warc.gz differs from WriteWARC's output for the same filter")
	}
	if recs := readWARC(t, data); len(recs) != 1+3*len(all) {
		t.Errorf("WARC holds %d records, want %d", len(recs), 1+3*len(all))
	}

	// datapackage.json lists every other file with its hash and size.
	var pkg struct {
		Profile     string `json:"profile"`
		WACZVersion string `json:"wacz_version"`
		Created     string `json:"created"`
		Software    string `json:"software"`
		Resources   []struct {
			Name  string `json:"name"`
			Path  string `json:"path"`
			Hash  string `json:"hash"`
			Bytes int64  `json:"bytes"`
		} `json:"resources"`
	}
	pkgJSON := w.files[export.WACZPackage]
	if err := json.Unmarshal(pkgJSON, &pkg); err != nil {
		t.Fatalf("datapackage.json: %v", err)
	}
	if pkg.Profile != "data-package" || pkg.WACZVersion != "1.1.1" || pkg.Software == "" ||
		pkg.Created != created.UTC().Format(time.RFC3339) {
		t.Errorf("datapackage.json: %+v", pkg)
	}
	listed := map[string]bool{}
	for _, r := range pkg.Resources {
		content, ok := w.files[r.Path]
		if !ok {
			t.Errorf("datapackage.json lists %s, not in the zip", r.Path)
			continue
		}
		listed[r.Path] = true
		if r.Hash != sha256Hex(content) || r.Bytes != int64(len(content)) || r.Name == "" {
			t.Errorf("%s: listed %s, %d bytes (name %q); file has %s, %d bytes",
				r.Path, r.Hash, r.Bytes, r.Name, sha256Hex(content), len(content))
		}
	}
	for _, p := range want[:3] {
		if !listed[p] {
			t.Errorf("datapackage.json does not list %s", p)
		}
	}
	var digest struct {
		Path string `json:"path"`
		Hash string `json:"hash"`
	}
	if err := json.Unmarshal(w.files[export.WACZDigestPath], &digest); err != nil {
		t.Fatalf("datapackage-digest.json: %v", err)
	}
	if digest.Path != "datapackage.json" || digest.Hash != sha256Hex(pkgJSON) {
		t.Errorf("datapackage-digest.json = %+v, want datapackage.json's %s", digest, sha256Hex(pkgJSON))
	}

	// The CDXJ index: a line per response record, sorted, each pointing
	// at its record's gzip member.
	var warcOffset int64
	for _, e := range w.entries {
		if e.Name == export.WACZWARCPath {
			if warcOffset, _ = e.DataOffset(); warcOffset <= 0 {
				t.Fatal("no data offset for the WARC entry")
			}
		}
	}
	lines := strings.Split(strings.TrimSuffix(string(w.files[export.WACZIndexPath]), "\n"), "\n")
	if len(lines) != len(all) {
		t.Fatalf("index.cdxj has %d lines, want %d (one per version):\n%s", len(lines), len(all), strings.Join(lines, "\n"))
	}
	seen := map[string]bool{}
	for i, line := range lines {
		if i > 0 && line < lines[i-1] {
			t.Errorf("index.cdxj line %d sorts before line %d:\n%s\n%s", i+1, i, lines[i-1], line)
		}
		key, rest, _ := strings.Cut(line, " ")
		ts, block, _ := strings.Cut(rest, " ")
		var c struct{ URL, Mime, Status, Digest, Length, Offset, Filename string }
		if err := json.Unmarshal([]byte(block), &c); err != nil {
			t.Fatalf("index.cdxj line %d: %v", i+1, err)
		}
		if wantKey, err := export.SURT(c.URL); err != nil || key != wantKey || c.Filename != "data.warc.gz" {
			t.Errorf("line %d: key %q, filename %q; want %q, data.warc.gz", i+1, key, c.Filename, wantKey)
		}
		off, err1 := strconv.ParseInt(c.Offset, 10, 64)
		n, err2 := strconv.ParseInt(c.Length, 10, 64)
		if err1 != nil || err2 != nil || off < 0 || n <= 0 || off+n > int64(len(data)) {
			t.Fatalf("line %d: offset %q, length %q outside the %d-byte WARC", i+1, c.Offset, c.Length, len(data))
		}
		member := data[off : off+n]
		// A player reads the record straight out of the WACZ.
		if !bytes.Equal(w.raw[warcOffset+off:warcOffset+off+n], member) {
			t.Errorf("line %d: the WACZ's bytes at the WARC's offset are not the record", i+1)
		}
		zr, err := gzip.NewReader(bytes.NewReader(member))
		if err != nil {
			t.Fatalf("line %d: the range is not a gzip member: %v", i+1, err)
		}
		zr.Multistream(false)
		if _, err := io.Copy(io.Discard, zr); err != nil {
			t.Fatalf("line %d: the range is not a whole gzip member: %v", i+1, err)
		}
		recs := readWARC(t, member)
		if len(recs) != 1 || recs[0].typ != gowarc.Response {
			t.Fatalf("line %d: the range holds %d records, want one response", i+1, len(recs))
		}
		h := recs[0].header
		if h.Get(gowarc.WarcTargetURI) != c.URL || h.Get(gowarc.WarcPayloadDigest) != "sha256:"+c.Digest ||
			strconv.Itoa(recs[0].status) != c.Status {
			t.Errorf("line %d: %s, record says %s %s %d", i+1, block, h.Get(gowarc.WarcTargetURI),
				h.Get(gowarc.WarcPayloadDigest), recs[0].status)
		}
		date, err := time.Parse(time.RFC3339Nano, h.Get(gowarc.WarcDate))
		if err != nil || ts != date.UTC().Format("20060102150405") {
			t.Errorf("line %d: timestamp %s, record's WARC-Date %s", i+1, ts, h.Get(gowarc.WarcDate))
		}
		if wantMime := map[int]string{200: "text/html", 404: ""}[recs[0].status]; c.Mime != wantMime {
			t.Errorf("line %d: mime %q, want %q", i+1, c.Mime, wantMime)
		}
		seen[c.Digest] = true
	}
	for _, v := range all {
		if !seen[v.RawSHA256] {
			t.Errorf("version %d (%s) has no index line", v.Number, v.RawSHA256)
		}
	}

	// pages.jsonl: the header, then a titled page per version.
	sc := bufio.NewScanner(bytes.NewReader(w.files[export.WACZPagesPath]))
	var pages []map[string]string
	for sc.Scan() {
		var p map[string]string
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			t.Fatalf("pages.jsonl line %d: %v", len(pages)+1, err)
		}
		pages = append(pages, p)
	}
	if len(pages) != 1+len(all) || pages[0]["format"] != "json-pages-1.0" || pages[0]["id"] != "pages" || pages[0]["title"] == "" {
		t.Fatalf("pages.jsonl: %v", pages)
	}
	ids := map[string]bool{}
	for i, v := range all {
		p := pages[i+1]
		wantTitle := fmt.Sprintf("Headline (version %d)", v.Number)
		if p["url"] != urls[i] || p["title"] != wantTitle || p["ts"] != v.At.UTC().Format(time.RFC3339Nano) || p["id"] == "" || ids[p["id"]] {
			t.Errorf("page %d: %v; want url %s, title %q, ts %s and a new id", i+1, p, urls[i], wantTitle, v.At.UTC().Format(time.RFC3339Nano))
		}
		ids[p["id"]] = true
	}
}

// TestWriteWACZ_Filter: --url and --since select the versions of every
// part, not only the WARC's.
func TestWriteWACZ_Filter(t *testing.T) {
	s := openStore(t)
	addVersions(t, s, "https://news.example/a", 3, "HTTP 200\n", "")
	addVersions(t, s, "https://news.example/b", 3, "HTTP 200\n", "")
	var buf bytes.Buffer
	f := export.Filter{Created: base, URL: "https://news.example/b", Since: base.Add(2 * time.Hour)}
	if err := export.WriteWACZ(t.Context(), &buf, s, f); err != nil {
		t.Fatal(err)
	}
	w := readWACZ(t, buf.Bytes())
	idx, pages := string(w.files[export.WACZIndexPath]), string(w.files[export.WACZPagesPath])
	if strings.Count(idx, "\n") != 2 || strings.Count(pages, "\n") != 3 || strings.Contains(idx+pages, "news.example/a") ||
		strings.Contains(pages, "(version 1)") {
		t.Errorf("filtered to b's versions 2 and 3; index:\n%s\npages:\n%s", idx, pages)
	}
}

func TestWriteWACZ_Refuses(t *testing.T) {
	s := openStore(t)
	addVersions(t, s, "https://news.example/a", 2, "HTTP 200\n", "")
	err := export.WriteWACZ(t.Context(), io.Discard, altered{Store: s}, export.Filter{Created: base})
	var he *export.HashError
	if !errors.As(err, &he) || he.Version != 2 {
		t.Errorf("WriteWACZ of an altered body: err = %v, want a HashError for version 2", err)
	}
	if err := export.WriteWACZ(t.Context(), io.Discard, s, export.Filter{}); err == nil || !strings.Contains(err.Error(), "creation time") {
		t.Errorf("WriteWACZ without Created: err = %v", err)
	}
}

func TestSURT(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://example.com/a?b=1&a=2", "com,example)/a?a=2&b=1"},
		{"http://WWW.Example.COM/Path/", "com,example)/path/"},
		{"https://www2.news.example.org", "org,example,news)/"},
		{"https://wwwx.example.org/", "org,example,wwwx)/"},
		{"http://example.com:80/a", "com,example)/a"},
		{"https://example.com:8443/a", "com,example:8443)/a"},
		{"https://example.com/caf%C3%A9?q=%22x%22", "com,example)/caf%c3%a9?q=%22x%22"},
	} {
		if got, err := export.SURT(tc.in); err != nil || got != tc.want {
			t.Errorf("SURT(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"ftp://example.com/", "https:///nohost", "http://[::1"} {
		if _, err := export.SURT(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("SURT(%q): err = %v, want one naming the URL", bad, err)
		}
	}
}

// TestWriteWACZ_Hostile: a URL with spaces and quotes, a Content-Type with
// quotes and a headline with line breaks and markup keep every CDXJ line
// to its three space-separated fields and every page to one JSON line.
func TestWriteWACZ_Hostile(t *testing.T) {
	s := openStore(t)
	const url = `https://news.example/a b?q="x y"&z=<1>`
	const title = "Line\nbreak \"quoted\" </script>\u2028end " + hostileJSON
	a, err := s.AddArticle(t.Context(), snapshots.Article{URL: url, Source: "example", FirstSeen: base})
	if err != nil {
		t.Fatal(err)
	}
	v := &snapshots.Version{Title: title, Text: "Body.", Raw: []byte("<p>Body.</p>"),
		Header: "HTTP 200\nContent-Type: Text/HTML \"x y\"; charset=utf-8\n"}
	if err := s.Save(t.Context(), &snapshots.Check{ArticleID: a.ID, At: base, Status: 200}, v); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := export.WriteWACZ(t.Context(), &buf, s, export.Filter{Created: base}); err != nil {
		t.Fatalf("WriteWACZ: %v", err)
	}
	w := readWACZ(t, buf.Bytes())
	const target = "https://news.example/a%20b?q=%22x%20y%22&z=%3C1%3E"
	idx := strings.TrimSuffix(string(w.files[export.WACZIndexPath]), "\n")
	fields := strings.SplitN(idx, " ", 3)
	var c map[string]string
	if strings.Contains(idx, "\n") || len(fields) != 3 || json.Unmarshal([]byte(fields[2]), &c) != nil ||
		c["url"] != target || c["mime"] != `text/html "x y"` || fields[0] != "example,news)/a%20b?q=%22x%20y%22&z=%3c1%3e" || strings.Contains(idx, `\u0026`) {
		t.Errorf("index.cdxj:\n%s", idx)
	}
	lines := strings.Split(strings.TrimSuffix(string(w.files[export.WACZPagesPath]), "\n"), "\n")
	var p map[string]string
	if len(lines) != 2 || json.Unmarshal([]byte(lines[1]), &p) != nil || p["title"] != title+" (version 1)" || p["url"] != target {
		t.Errorf("pages.jsonl:\n%s", strings.Join(lines, "\n"))
	}
	noRawHidden(t, "pages.jsonl", w.files[export.WACZPagesPath])
}
