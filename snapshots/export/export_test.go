package export_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nlnwa/gowarc/v3"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/export"
	"github.com/redline-news/redline/snapshots/sqlite"
	"github.com/redline-news/redline/snapshots/storetest"
)

var base = time.Date(2025, 3, 14, 9, 0, 0, 123456789, time.UTC)

func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	return storetest.Open(t, sqlite.New(filepath.Join(t.TempDir(), "redline.db"), slog.New(slog.DiscardHandler)))
}

// addVersions stores n versions of url; header is each version's stored
// header text, and finalURL the URL its check ended at.
func addVersions(t *testing.T, s snapshots.Store, url string, n int, header, finalURL string) []snapshots.Version {
	t.Helper()
	a, err := s.AddArticle(t.Context(), snapshots.Article{URL: url, Source: "example", FirstSeen: base})
	if err != nil {
		t.Fatalf("AddArticle(%q): %v", url, err)
	}
	var vs []snapshots.Version
	for i := 1; i <= n; i++ {
		v := &snapshots.Version{
			Title: "Headline", Byline: "By A. Reporter", Text: fmt.Sprintf("Paragraph %d.\n\nSecond «paragraph».", i),
			Raw:    fmt.Appendf(nil, "<html><body>\r\n\r\n<p>version %d of %s</p>\x00\xff</body></html>", i, url),
			Header: header,
		}
		if i > 1 {
			v.Changes, v.Severity, v.Kinds = []byte(`{"changes":[{"kind":"sentence_changed"}]}`), "medium", []string{"sentence_changed"}
			// From version 2 the page has a summary under its headline,
			// read afresh from a new container.
			v.Dek, v.Reread = fmt.Sprintf("Summary «%d».", i), i == 2
		}
		c := &snapshots.Check{ArticleID: a.ID, At: base.Add(time.Duration(i) * time.Hour), Status: 200, FinalURL: finalURL}
		if err := s.Save(t.Context(), c, v); err != nil {
			t.Fatalf("Save: %v", err)
		}
		vs = append(vs, *v)
	}
	return vs
}

type record struct {
	typ     gowarc.RecordType
	header  *gowarc.WarcFields
	payload []byte
	status  int
	httpHdr []byte
}

// readWARC reads every record back with gowarc, strictly, validating each
// record's digests with the library and the payload digest by hand.
func readWARC(t *testing.T, data []byte) []record {
	t.Helper()
	r, err := gowarc.NewWarcFileReaderFromStream(bytes.NewReader(data), 0, gowarc.WithStrictValidation())
	if err != nil {
		t.Fatalf("NewWarcFileReaderFromStream: %v", err)
	}
	defer r.Close()
	var out []record
	for rec, err := range r.Records() {
		if err != nil {
			t.Fatalf("record %d: %v", len(out)+1, err)
		}
		wr := rec.WarcRecord
		if len(rec.Validation) > 0 {
			t.Errorf("record %d (%s): validation %v", len(out)+1, wr.Type(), rec.Validation)
		}
		if v, err := wr.ValidateDigest(); err != nil || len(v) > 0 {
			t.Errorf("record %d (%s): ValidateDigest = %v, %v", len(out)+1, wr.Type(), v, err)
		}
		got := record{typ: wr.Type(), header: wr.WarcHeader()}
		switch b := wr.Block().(type) {
		case gowarc.HttpResponseBlock:
			got.status, got.httpHdr = b.HttpStatusCode(), b.ProtocolHeaderBytes()
			got.payload = readAll(t, b.PayloadBytes)
		case gowarc.HttpRequestBlock:
			got.httpHdr = b.ProtocolHeaderBytes()
			got.payload = readAll(t, b.PayloadBytes)
		default:
			got.payload = readAll(t, wr.Block().RawBytes)
		}
		if d := got.header.Get(gowarc.WarcPayloadDigest); d != "" {
			sum := sha256.Sum256(got.payload)
			if want := "sha256:" + hex.EncodeToString(sum[:]); d != want {
				t.Errorf("record %d: WARC-Payload-Digest %s, recomputed %s", len(out)+1, d, want)
			}
		}
		out = append(out, got)
		rec.Close()
	}
	return out
}

func readAll(t *testing.T, f func() (io.Reader, error)) []byte {
	t.Helper()
	r, err := f()
	if err != nil {
		t.Fatalf("read block: %v", err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read block: %v", err)
	}
	return b
}

func TestWriteWARC(t *testing.T) {
	s := openStore(t)
	const header = "HTTP 200\nContent-Length: 3\nContent-Type: text/html; charset=utf-8\nEtag: \"x\"\nTransfer-Encoding: chunked\n"
	a := addVersions(t, s, "https://news.example/a", 3, header, "https://news.example/a?amp=0")
	b := addVersions(t, s, "https://news.example/b", 2, "HTTP 404\nContent-Type: text/html\n", "")

	var buf bytes.Buffer
	created := base.Add(48 * time.Hour)
	if err := export.WriteWARC(t.Context(), &buf, s, export.Filter{Created: created, UserAgent: "redline-test/1"}); err != nil {
		t.Fatalf("WriteWARC: %v", err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte{0x1f, 0x8b}) {
		t.Fatal("WARC is not gzip-compressed")
	}
	recs := readWARC(t, buf.Bytes())
	if len(recs) != 1+3*5 {
		t.Fatalf("%d records, want 1 warcinfo + 3 per version × 5 versions", len(recs))
	}
	if recs[0].typ != gowarc.Warcinfo {
		t.Errorf("first record is %s, want warcinfo", recs[0].typ)
	}
	infoID := recs[0].header.Get(gowarc.WarcRecordID)
	all := append(append([]snapshots.Version{}, a...), b...)
	for i, v := range all {
		req, resp, meta := recs[1+3*i], recs[2+3*i], recs[3+3*i]
		name := fmt.Sprintf("version %d (#%d)", v.Number, i)
		if req.typ != gowarc.Request || resp.typ != gowarc.Response || meta.typ != gowarc.Metadata {
			t.Fatalf("%s: records %s, %s, %s; want request, response, metadata", name, req.typ, resp.typ, meta.typ)
		}
		if !bytes.Equal(resp.payload, v.Raw) {
			t.Errorf("%s: response payload %q, want the stored body %q", name, resp.payload, v.Raw)
		}
		if d := resp.header.Get(gowarc.WarcPayloadDigest); d != "sha256:"+v.RawSHA256 {
			t.Errorf("%s: payload digest %s, want the store's raw_sha256 %s", name, d, v.RawSHA256)
		}
		if resp.header.Get(gowarc.WarcBlockDigest) == "" || req.header.Get(gowarc.WarcBlockDigest) == "" {
			t.Errorf("%s: no WARC-Block-Digest", name)
		}
		if got, want := resp.header.Get(gowarc.WarcDate), v.At.UTC().Format(time.RFC3339Nano); got != want {
			t.Errorf("%s: WARC-Date %s, want %s", name, got, want)
		}
		if req.header.Get(gowarc.WarcConcurrentTo) != resp.header.Get(gowarc.WarcRecordID) ||
			resp.header.Get(gowarc.WarcConcurrentTo) != req.header.Get(gowarc.WarcRecordID) ||
			meta.header.Get(gowarc.WarcRefersTo) != resp.header.Get(gowarc.WarcRecordID) {
			t.Errorf("%s: records do not link: request %v, response %v, metadata %v", name, req.header, resp.header, meta.header)
		}
		for _, r := range []record{req, resp, meta} {
			if r.header.Get(gowarc.WarcWarcinfoID) != infoID {
				t.Errorf("%s: %s record's WARC-Warcinfo-ID %q, want %q", name, r.typ, r.header.Get(gowarc.WarcWarcinfoID), infoID)
			}
		}
		var md export.Metadata
		if err := json.Unmarshal(meta.payload, &md); err != nil {
			t.Fatalf("%s: metadata: %v", name, err)
		}
		// The metadata alone recomputes the chain hash.
		re := snapshots.Version{ArticleID: md.ArticleID, Number: md.Version, TextSHA256: md.TextSHA256, RawSHA256: md.RawSHA256,
			Byline: md.Byline, Published: md.Published, Modified: md.Modified, Header: md.Header, PrevHash: md.PrevHash, Changes: v.Changes}
		re.At, _ = time.Parse(time.RFC3339Nano, md.At)
		if md.Version != v.Number || md.ChainHash != v.ChainHash || md.PrevHash != v.PrevHash || snapshots.ChainHash(re) != v.ChainHash ||
			md.TextSHA256 != v.TextSHA256 || md.ChangesSHA256 == "" != (v.Changes == nil) {
			t.Errorf("%s: metadata %+v does not carry the version's chain", name, md)
		}
		if md.Dek != v.Dek || md.Reread != v.Reread {
			t.Errorf("%s: metadata dek %q, reread %v; want %q, %v", name, md.Dek, md.Reread, v.Dek, v.Reread)
		}
	}
	// Version 1 of a: the final URL, the reconstructed GET, the cleaned headers.
	req, resp := recs[1], recs[2]
	if got := resp.header.Get(gowarc.WarcTargetURI); got != "https://news.example/a?amp=0" {
		t.Errorf("WARC-Target-URI %q, want the final URL", got)
	}
	if got, want := string(req.httpHdr), "GET /a?amp=0 HTTP/1.1\r\nHost: news.example\r\nUser-Agent: redline-test/1\r\n\r\n"; got != want {
		t.Errorf("request = %q, want %q", got, want)
	}
	h := string(resp.httpHdr)
	if !strings.HasPrefix(h, "HTTP/1.1 200 OK\r\n") || !strings.Contains(h, "Etag: \"x\"\r\n") ||
		strings.Contains(h, "Transfer-Encoding") || !strings.Contains(h, fmt.Sprintf("Content-Length: %d\r\n", len(a[0].Raw))) ||
		strings.Contains(h, "Content-Length: 3") {
		t.Errorf("response header block = %q", h)
	}
	if resp := recs[1+3*3+1]; resp.status != 404 || resp.header.Get(gowarc.WarcTargetURI) != "https://news.example/b" {
		t.Errorf("b version 1: status %d, target %q; want 404 and the article URL", resp.status, resp.header.Get(gowarc.WarcTargetURI))
	}

	// The same store exports to the same bytes: record IDs are derived.
	var again bytes.Buffer
	if err := export.WriteWARC(t.Context(), &again, s, export.Filter{Created: created, UserAgent: "redline-test/1"}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("a second export differs from the first")
	}

	t.Run("filters", func(t *testing.T) {
		var buf bytes.Buffer
		f := export.Filter{URL: "https://news.example/a", Since: base.Add(2 * time.Hour)}
		if err := export.WriteWARC(t.Context(), &buf, s, f); err != nil {
			t.Fatal(err)
		}
		recs := readWARC(t, buf.Bytes())
		if len(recs) != 2*3 || recs[0].typ != gowarc.Request {
			t.Fatalf("%d records, want 6 (versions 2 and 3 of a, no warcinfo)", len(recs))
		}
		if !bytes.Equal(recs[1].payload, a[1].Raw) {
			t.Errorf("first response is not version 2 of a")
		}
		err := export.WriteWARC(t.Context(), io.Discard, s, export.Filter{URL: "https://news.example/none"})
		if !errors.Is(err, snapshots.ErrNotFound) || !strings.Contains(err.Error(), "news.example/none") {
			t.Errorf("unknown URL: err = %v, want ErrNotFound naming it", err)
		}
	})
}

func TestWriteWARC_Hostile(t *testing.T) {
	big := "HTTP 200\nX-Big: " + strings.Repeat("a", 200<<10) + "\n"
	for _, tc := range []struct {
		name, url, header string
		target            string // "" when the export must fail
		wantErr           []string
	}{
		{name: "spaces_encoded", url: "https://news.example/a b?q=x y&z=\"<>\"", header: "HTTP 200\n",
			target: "https://news.example/a%20b?q=x%20y&z=%22%3C%3E%22"},
		{name: "unicode_path_encoded", url: "https://news.example/café", header: "HTTP 200\n",
			target: "https://news.example/caf%C3%A9"},
		{name: "injected_headers_dropped", url: "https://news.example/h",
			header: "HTTP 200\nX-A: 1\n\nInjected: body\nnot a header\nBad Name: x\nX-Ctl: a\x01b\rc\n", target: "https://news.example/h"},
		{name: "large_header", url: "https://news.example/big", header: big, target: "https://news.example/big"},
		{name: "newline_in_url", url: "https://news.example/x\nWARC-Type: resource", header: "HTTP 200\n",
			wantErr: []string{`"https://news.example/x\nWARC-Type: resource"`, "control character"}},
		{name: "not_http", url: "ftp://news.example/x", header: "HTTP 200\n", wantErr: []string{"ftp://news.example/x", "scheme"}},
		{name: "header_too_large", url: "https://news.example/huge", header: "HTTP 200\nX-Big: " + strings.Repeat("a", 2<<20) + "\n",
			wantErr: []string{"https://news.example/huge version 1", "limit"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openStore(t)
			vs := addVersions(t, s, tc.url, 1, tc.header, "")
			var buf bytes.Buffer
			err := export.WriteWARC(t.Context(), &buf, s, export.Filter{})
			if tc.target == "" {
				if err == nil {
					t.Fatal("WriteWARC: err = nil, want an error")
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("err = %v, want it to mention %s", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("WriteWARC: %v", err)
			}
			recs := readWARC(t, buf.Bytes())
			if len(recs) != 3 {
				t.Fatalf("%d records, want 3", len(recs))
			}
			if got := recs[1].header.Get(gowarc.WarcTargetURI); got != tc.target {
				t.Errorf("WARC-Target-URI %q, want %q", got, tc.target)
			}
			if !bytes.Equal(recs[1].payload, vs[0].Raw) {
				t.Errorf("payload %q, want the stored body %q", recs[1].payload, vs[0].Raw)
			}
			// One blank line, at the end: nothing stored ended the block early.
			if h := string(recs[1].httpHdr); strings.Index(h, "\r\n\r\n") != len(h)-4 || strings.Contains(h, "not a header") ||
				strings.Contains(h, "Bad Name") || strings.ContainsAny(h, "\x01") {
				t.Errorf("header block kept hostile lines: %q", h)
			}
		})
	}
}

func TestWriteWARC_RefusesAlteredBody(t *testing.T) {
	s := openStore(t)
	addVersions(t, s, "https://news.example/a", 2, "HTTP 200\n", "")
	alt := altered{Store: s}
	err := export.WriteWARC(t.Context(), io.Discard, alt, export.Filter{})
	var he *export.HashError
	if !errors.As(err, &he) || he.URL != "https://news.example/a" || he.Version != 2 || he.What != "raw body" {
		t.Errorf("WriteWARC of an altered body: err = %v, want a HashError for version 2's raw body", err)
	}
}

// altered returns version 2 with a body that is not the one stored.
type altered struct{ snapshots.Store }

func (a altered) Versions(ctx context.Context, f snapshots.VersionFilter) ([]snapshots.Version, error) {
	vs, err := a.Store.Versions(ctx, f)
	for i := range vs {
		if vs[i].Number == 2 && f.WithRaw {
			vs[i].Raw = []byte("forged")
		}
	}
	return vs, err
}

func TestWriteJSONL(t *testing.T) {
	s := openStore(t)
	a := addVersions(t, s, "https://news.example/a", 2, "HTTP 200\n", "")
	addVersions(t, s, "https://news.example/b", 1, "HTTP 200\n", "")
	var buf bytes.Buffer
	if err := export.WriteJSONL(t.Context(), &buf, s, export.Filter{}); err != nil {
		t.Fatalf("WriteJSONL: %v", err)
	}
	sc := bufio.NewScanner(&buf)
	var lines []map[string]json.RawMessage
	for sc.Scan() {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %d: %v: %s", len(lines)+1, err, sc.Bytes())
		}
		lines = append(lines, m)
	}
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3", len(lines))
	}
	for _, k := range []string{"url", "source", "version", "at", "title", "byline", "published", "modified", "dek", "text",
		"text_sha256", "raw_sha256", "chain_hash", "prev_hash", "severity", "kinds", "notes", "reread", "changes"} {
		if _, ok := lines[0][k]; !ok {
			t.Errorf("line 1 lacks %q", k)
		}
	}
	if string(lines[0]["changes"]) != "null" || string(lines[0]["kinds"]) != "[]" {
		t.Errorf("version 1: changes %s, kinds %s; want null and []", lines[0]["changes"], lines[0]["kinds"])
	}
	if string(lines[1]["changes"]) != string(a[1].Changes) || string(lines[1]["chain_hash"]) != `"`+a[1].ChainHash+`"` ||
		string(lines[1]["prev_hash"]) != `"`+a[0].ChainHash+`"` || string(lines[1]["version"]) != "2" {
		t.Errorf("version 2 line: %v", lines[1])
	}
	var text string
	if err := json.Unmarshal(lines[1]["text"], &text); err != nil || text != a[1].Text {
		t.Errorf("text %q, want %q", text, a[1].Text)
	}
	var dek string
	if err := json.Unmarshal(lines[1]["dek"], &dek); err != nil || dek != a[1].Dek || string(lines[1]["reread"]) != "true" {
		t.Errorf("version 2: dek %s, reread %s; want %q, true", lines[1]["dek"], lines[1]["reread"], a[1].Dek)
	}
	buf.Reset()
	if err := export.WriteJSONL(t.Context(), &buf, s, export.Filter{URL: "https://news.example/b"}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "\n"); n != 1 || !strings.Contains(buf.String(), `"url":"https://news.example/b"`) {
		t.Errorf("--url b: %d lines:\n%s", n, buf.String())
	}
}

// hostileJSON is scraped text whose bidi overrides, C1 controls, U+FFFD and
// line separators every JSON redline writes holds as \u escapes.
const hostileJSON = "quote \u202eevil\u202c, c1 \u009b2J \u0085, broken \ufffd, isolate \u2066x\u2069, line\u2028sep"

// hostileEscaped is hostileJSON inside a JSON string as written.
const hostileEscaped = `quote \u202eevil\u202c, c1 \u009b2J \u0085, broken \ufffd, isolate \u2066x\u2069, line\u2028sep`

// addHostile stores two versions of an article whose URL, source, title,
// byline, dek, text, notes and stored change set hold hostileJSON.
func addHostile(t *testing.T, s snapshots.Store) snapshots.Article {
	t.Helper()
	a, err := s.AddArticle(t.Context(), snapshots.Article{URL: "https://news.example/\u202ehostile", Source: "ex\u009bample", FirstSeen: base})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 2; i++ {
		v := &snapshots.Version{Title: "Title " + hostileJSON, Byline: "By " + hostileJSON, Dek: "Dek " + hostileJSON,
			Text: fmt.Sprintf("Paragraph %d: %s", i, hostileJSON), Raw: fmt.Appendf(nil, "<p>%d</p>", i), Header: "HTTP 200\n"}
		if i > 1 {
			// Stored change sets hold the page's text as diffing wrote it.
			v.Changes, v.Severity = []byte(`{"changes":[{"kind":"sentence_changed","after":"`+hostileJSON+`"}]}`), "medium"
			v.Kinds, v.Notes = []string{"sentence_changed"}, []string{"note " + hostileJSON}
		}
		c := &snapshots.Check{ArticleID: a.ID, At: base.Add(time.Duration(i) * time.Hour), Status: 200}
		if err := s.Save(t.Context(), c, v); err != nil {
			t.Fatalf("Save: %v", err)
		}
	}
	return a
}

// noRawHidden fails t when b holds a character hostileJSON plants raw.
func noRawHidden(t *testing.T, what string, b []byte) {
	t.Helper()
	if k := bytes.IndexFunc(b, func(r rune) bool {
		return r == '\u202e' || r == '\u202c' || r == '\u2066' || r == '\u2069' || r == '\u2028' || r == '\ufffd' || (r >= 0x80 && r < 0xa0)
	}); k >= 0 {
		t.Errorf("%s: raw control at byte %d: %q", what, k, b[max(0, k-20):min(len(b), k+20)])
	}
	if !bytes.Contains(b, []byte(hostileEscaped)) {
		t.Errorf("%s: hidden characters not written as \\u escapes:\n%s", what, b)
	}
}

// TestWriteJSONL_Hostile: a line holds no raw bidi override, C1 control
// or U+FFFD (a terminal or an editor shown the file acts on them), as
// report.WriteJSON writes none: they are \u escapes, and every value
// decodes to what is stored.
func TestWriteJSONL_Hostile(t *testing.T) {
	s := openStore(t)
	a := addHostile(t, s)
	var buf bytes.Buffer
	if err := export.WriteJSONL(t.Context(), &buf, s, export.Filter{}); err != nil {
		t.Fatalf("WriteJSONL: %v", err)
	}
	noRawHidden(t, "JSON lines", buf.Bytes())
	stored, err := s.Versions(t.Context(), snapshots.VersionFilter{ArticleID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&buf)
	n := 0
	for ; sc.Scan(); n++ {
		var got struct {
			URL, Source, Title, Byline, Dek, Text string
			Notes                                 []string
			Changes                               json.RawMessage
		}
		if err := json.Unmarshal(sc.Bytes(), &got); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		v := stored[n]
		if got.URL != a.URL || got.Source != a.Source || got.Title != v.Title || got.Byline != v.Byline || got.Dek != v.Dek || got.Text != v.Text {
			t.Errorf("line %d decodes to %+v, want the stored values", n+1, got)
		}
		if n == 1 {
			var gotCS, wantCS any
			if err := json.Unmarshal(got.Changes, &gotCS); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(v.Changes, &wantCS); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(gotCS) != fmt.Sprint(wantCS) || len(got.Notes) != 1 || got.Notes[0] != v.Notes[0] {
				t.Errorf("version 2: changes %v, notes %q; want %v, %q", gotCS, got.Notes, wantCS, v.Notes)
			}
		}
	}
	if n != 2 {
		t.Errorf("%d lines, want 2", n)
	}
}

// TestWriteWARC_HostileMetadata: the WARC's metadata records, JSON of the
// version's title, byline and dek, escape what the JSON lines escape and
// decode to what is stored.
func TestWriteWARC_HostileMetadata(t *testing.T) {
	s := openStore(t)
	a := addHostile(t, s)
	var buf bytes.Buffer
	if err := export.WriteWARC(t.Context(), &buf, s, export.Filter{}); err != nil {
		t.Fatalf("WriteWARC: %v", err)
	}
	n := 0
	for _, rec := range readWARC(t, buf.Bytes()) {
		if rec.typ != gowarc.Metadata {
			continue
		}
		n++
		noRawHidden(t, "metadata", rec.payload)
		var md export.Metadata
		if err := json.Unmarshal(rec.payload, &md); err != nil {
			t.Fatal(err)
		}
		if md.Title != "Title "+hostileJSON || md.Dek != "Dek "+hostileJSON || md.URL != a.URL {
			t.Errorf("metadata %d decodes to title %q, dek %q, url %q", n, md.Title, md.Dek, md.URL)
		}
	}
	if n != 2 {
		t.Errorf("%d metadata records, want 2", n)
	}
}

// jsonKeys returns the keys of the JSON object b, in order.
func jsonKeys(t *testing.T, b []byte) []string {
	t.Helper()
	var m []string
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil { // {
		t.Fatal(err)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		m = append(m, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// TestFieldOrder: the JSON Lines objects and the WARC metadata records
// keep their documented keys, in their documented order.
func TestFieldOrder(t *testing.T) {
	s := openStore(t)
	addVersions(t, s, "https://news.example/a", 1, "HTTP 200\n", "https://news.example/a")
	var out bytes.Buffer
	if err := export.WriteJSONL(t.Context(), &out, s, export.Filter{}); err != nil {
		t.Fatal(err)
	}
	want := "url source version at title byline published modified dek text text_sha256 raw_sha256 chain_hash prev_hash severity kinds notes reread changes"
	if got := strings.Join(jsonKeys(t, out.Bytes()), " "); got != want {
		t.Errorf("JSON Lines keys:\n%s\nwant\n%s", got, want)
	}
	md, err := json.Marshal(export.Metadata{})
	if err != nil {
		t.Fatal(err)
	}
	want = "chain url source article_id version at title byline published modified dek text_sha256 raw_sha256 header changes_sha256 severity kinds notes reread prev_hash chain_hash"
	if got := strings.Join(jsonKeys(t, md), " "); got != want {
		t.Errorf("metadata keys:\n%s\nwant\n%s", got, want)
	}
}
