package export

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nlnwa/gowarc/v3"

	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/snapshots"
)

// MaxHeaderBytes bounds a response record's HTTP header block. The fetcher
// keeps at most 64 KB of headers, so more means the stored row was made some
// other way; such a version is refused rather than exported.
const MaxHeaderBytes = 1 << 20

// WriteWARC writes the versions f selects as WARC 1.1, each record in its
// own gzip member (a .warc.gz file): a warcinfo record first when f.Created
// is set, then for each version
//
//   - a request record: the GET redline made, reconstructed (method, path,
//     Host and User-Agent; redline does not store its requests);
//   - a response record: the stored status and headers and the body byte for
//     byte, with WARC-Payload-Digest and WARC-Block-Digest in SHA-256 (hex),
//     so the payload digest is the store's raw_sha256;
//   - a metadata record (application/json): redline's fields for the
//     version, with everything snapshots.ChainHash covers, so a reader can
//     recompute the chain from the WARC alone, and the version's trusted
//     timestamp (its RFC 3161 token) when it has one.
//
// The target URI is the URL the body came from (after redirects) when the
// check that stored the version recorded it, else the article URL. Record
// IDs are derived from the chain hash, so exporting the same versions again
// gives the same records. A URL that is not plain http(s) once
// percent-encoded, or headers over MaxHeaderBytes, stop the export with an
// error naming the URL and version; so does a body or text that does not
// match its stored hash (a HashError).
func WriteWARC(ctx context.Context, w io.Writer, st snapshots.Store, f Filter) error {
	return writeWARC(ctx, w, st, f, nil)
}

// capture is where a response record landed in the WARC and what an index
// or a page list says of it.
type capture struct {
	url            string // WARC-Target-URI
	at             time.Time
	status         int
	mime           string // media type of the stored Content-Type, "" when none
	digest         string // WARC-Payload-Digest
	offset, length int64  // of the record's gzip member
	title          string
	version        int
	id             string // the response record's ID
}

// writeWARC is WriteWARC that calls onResponse, when not nil, for every
// response record it wrote.
func writeWARC(ctx context.Context, w io.Writer, st snapshots.Store, f Filter, onResponse func(capture)) error {
	ww := &warcWriter{w: &countingWriter{w: w}, marshal: gowarc.NewMarshaler(), onResponse: onResponse}
	ua := f.UserAgent
	if ua == "" {
		ua = DefaultUserAgent
	}
	if err := checkFieldValue(ua); err != nil {
		return fmt.Errorf("export WARC: user agent %q: %w", ua, err)
	}
	if !f.Created.IsZero() {
		id, err := ww.warcinfo(f)
		if err != nil {
			return fmt.Errorf("export WARC: warcinfo: %w", err)
		}
		ww.infoID = id
	}
	err := each(ctx, st, f, true, func(a snapshots.Article, vs []snapshots.Version) error {
		final, err := finalURLs(ctx, st, a, f.Since)
		if err != nil {
			return fmt.Errorf("%s: %w", a.URL, err)
		}
		stamps, err := timestampsOf(ctx, st, a)
		if err != nil {
			return fmt.Errorf("%s: %w", a.URL, err)
		}
		origins, err := originsOf(ctx, st, a)
		if err != nil {
			return fmt.Errorf("%s: %w", a.URL, err)
		}
		for _, v := range vs {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := checkHashes(a, v, true); err != nil {
				return err
			}
			target := a.URL
			if u := final[v.Number]; u != "" {
				target = u
			}
			if err := ww.version(a, v, target, ua, stamps[v.Number], origins[v.ID]); err != nil {
				return fmt.Errorf("%s version %d: %w", a.URL, v.Number, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("export WARC: %w", err)
	}
	return nil
}

// finalURLs maps each version number to the final URL of the check that
// stored it.
func finalURLs(ctx context.Context, st snapshots.Store, a snapshots.Article, since time.Time) (map[int]string, error) {
	cs, err := st.Checks(ctx, snapshots.CheckFilter{ArticleID: a.ID, Since: since})
	if err != nil {
		return nil, err
	}
	m := map[int]string{}
	for _, c := range cs {
		if c.Outcome == snapshots.OutcomeNew && c.Version > 0 && c.FinalURL != "" {
			m[c.Version] = c.FinalURL
		}
	}
	return m, nil
}

// timestampsOf maps each version number of a to its trusted timestamp,
// when the store keeps them.
func timestampsOf(ctx context.Context, st snapshots.Store, a snapshots.Article) (map[int]*Timestamp, error) {
	ts, ok := st.(snapshots.Timestamper)
	if !ok {
		return nil, nil
	}
	all, err := ts.Timestamps(ctx, snapshots.TimestampFilter{ArticleID: a.ID})
	if err != nil {
		return nil, err
	}
	m := make(map[int]*Timestamp, len(all))
	for _, t := range all {
		m[t.Number] = &Timestamp{TSA: t.TSA, Time: t.Time.UTC().Format(time.RFC3339Nano), Token: t.Token}
	}
	return m, nil
}

type warcWriter struct {
	w          *countingWriter
	marshal    gowarc.Marshaler
	zw         *gzip.Writer
	infoID     string
	onResponse func(capture)
}

// countingWriter counts the bytes written through it: the offsets a CDXJ
// index gives for each record.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// write writes rec as one gzip member and closes it.
func (ww *warcWriter) write(rec gowarc.WarcRecord) error {
	defer rec.Close() // releases the builder's buffer; nothing to report
	if ww.zw == nil {
		ww.zw = gzip.NewWriter(ww.w)
	} else {
		ww.zw.Reset(ww.w)
	}
	if _, _, err := ww.marshal.Marshal(ww.zw, rec, 0); err != nil {
		return err
	}
	return ww.zw.Close()
}

// build makes a record of type t with the given fields and block; the
// library adds Content-Length and the digests, and validates the result.
func build(t gowarc.RecordType, fields [][2]string, block []byte) (gowarc.WarcRecord, error) {
	rb := gowarc.NewRecordBuilder(t,
		gowarc.WithStrictValidation(),
		gowarc.WithAddMissingDigest(true),
		gowarc.WithDefaultDigestAlgorithm("sha256"))
	for _, f := range fields {
		if err := checkFieldValue(f[1]); err != nil {
			rb.Close() // the builder error is the one worth reporting
			return nil, fmt.Errorf("%s %q: %w", f[0], f[1], err)
		}
		rb.AddWarcHeader(f[0], f[1])
	}
	if _, err := rb.Write(block); err != nil {
		rb.Close() // as above
		return nil, err
	}
	rec, _, err := rb.Build()
	if err != nil {
		return nil, fmt.Errorf("build %s record: %w", t, err)
	}
	return rec, nil
}

func (ww *warcWriter) warcinfo(f Filter) (string, error) {
	id := recordID("warcinfo", f.Created.UTC().Format(time.RFC3339Nano), f.URL, f.Since.String())
	var b strings.Builder
	b.WriteString("software: redline\r\n")
	b.WriteString("format: WARC File Format 1.1\r\n")
	b.WriteString("conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n")
	b.WriteString("description: versions exported from a redline store. Request records are reconstructed " +
		"(redline does not store its requests); response records hold the stored headers and body; " +
		"metadata records hold redline's hashes and chain link (application/json).\r\n")
	rec, err := build(gowarc.Warcinfo, [][2]string{
		{gowarc.WarcRecordID, "<" + id + ">"},
		{gowarc.WarcDate, f.Created.UTC().Format(time.RFC3339Nano)},
		{gowarc.ContentType, gowarc.ApplicationWarcFields},
	}, []byte(b.String()))
	if err != nil {
		return "", err
	}
	return id, ww.write(rec)
}

// version writes a version's request, response and metadata records.
func (ww *warcWriter) version(a snapshots.Article, v snapshots.Version, target, ua string, stamp *Timestamp, origins []Origin) error {
	u, err := targetURL(target)
	if err != nil {
		return err
	}
	date := v.At.UTC().Format(time.RFC3339Nano)
	reqID := recordID("request", v.ChainHash)
	respID := recordID("response", v.ChainHash)
	metaID := recordID("metadata", v.ChainHash)
	common := func(id string) [][2]string {
		fs := [][2]string{
			{gowarc.WarcRecordID, "<" + id + ">"},
			{gowarc.WarcDate, date},
			{gowarc.WarcTargetURI, u.String()},
		}
		if ww.infoID != "" {
			fs = append(fs, [2]string{gowarc.WarcWarcinfoID, "<" + ww.infoID + ">"})
		}
		return fs
	}

	// The request line and Host come from the parsed URL, which targetURL
	// has reduced to printable ASCII.
	req := fmt.Sprintf("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\n\r\n", u.RequestURI(), u.Host, ua)
	rec, err := build(gowarc.Request, append(common(reqID),
		[2]string{gowarc.ContentType, "application/http;msgtype=request"},
		[2]string{gowarc.WarcConcurrentTo, "<" + respID + ">"},
	), []byte(req))
	if err != nil {
		return err
	}
	if err := ww.write(rec); err != nil {
		return err
	}

	head, status, mime, err := responseHead(v.Header, len(v.Raw))
	if err != nil {
		return err
	}
	block := make([]byte, 0, len(head)+len(v.Raw))
	block = append(append(block, head...), v.Raw...)
	rec, err = build(gowarc.Response, append(common(respID),
		[2]string{gowarc.ContentType, "application/http;msgtype=response"},
		[2]string{gowarc.WarcConcurrentTo, "<" + reqID + ">"},
	), block)
	if err != nil {
		return err
	}
	// The library hashed the payload it found after the header block; it
	// must be the stored body, or the header block was not what we meant.
	if got, want := rec.WarcHeader().Get(gowarc.WarcPayloadDigest), "sha256:"+v.RawSHA256; got != want {
		rec.Close() // the mismatch is the error worth reporting
		return fmt.Errorf("payload digest %s, want %s", got, want)
	}
	offset := ww.w.n
	if err := ww.write(rec); err != nil {
		return err
	}
	if ww.onResponse != nil {
		ww.onResponse(capture{url: u.String(), at: v.At.UTC(), status: status, mime: mime,
			digest: "sha256:" + v.RawSHA256, offset: offset, length: ww.w.n - offset,
			title: v.Title, version: v.Number, id: respID})
	}

	md := newMetadata(a, v)
	md.Timestamp = stamp
	md.Origins = origins
	meta, err := json.Marshal(md)
	if err != nil {
		return err
	}
	meta = sanitize.JSON(meta) // as in the JSON lines: no raw bidi or C1 control
	rec, err = build(gowarc.Metadata, append(common(metaID),
		[2]string{gowarc.ContentType, "application/json"},
		[2]string{gowarc.WarcRefersTo, "<" + respID + ">"},
	), meta)
	if err != nil {
		return err
	}
	return ww.write(rec)
}

// Metadata is the JSON block of a version's metadata record. With ArticleID,
// Number (version), At, TextSHA256, RawSHA256, Byline, Published, Modified,
// Header, ChangesSHA256 and PrevHash it holds every input of
// snapshots.ChainHash.
type Metadata struct {
	Chain         string `json:"chain"` // the chain encoding, "redline-chain-v2"
	URL           string `json:"url"`
	Source        string `json:"source"`
	ArticleID     int64  `json:"article_id"`
	described            // version, at, title, byline, published, modified, dek
	TextSHA256    string `json:"text_sha256"`
	RawSHA256     string `json:"raw_sha256"`
	Header        string `json:"header"` // as stored, which the response record may have had to clean
	ChangesSHA256 string `json:"changes_sha256"`
	judged               // severity, kinds, notes, reread
	PrevHash      string `json:"prev_hash"`
	ChainHash     string `json:"chain_hash"`
	// Timestamp is the version's trusted timestamp, when it has one: a
	// reader checks the token's imprint against ChainHash, or against the
	// chain hash of one of Origins for a token taken before a merge.
	Timestamp *Timestamp `json:"timestamp,omitempty"`
	// Origins are the places the version had in chains before merges of
	// two articles of one story re-chained it (snapshots.Merger): each
	// chain hash is ChainHash of this record's fields with the origin's
	// article ID, number and previous hash.
	Origins []Origin `json:"origins,omitempty"`
}

// Origin is a version's place in a chain before a merge (snapshots.Origin).
type Origin struct {
	ArticleID int64  `json:"article_id"`
	Number    int    `json:"version"`
	PrevHash  string `json:"prev_hash"`
	ChainHash string `json:"chain_hash"`
}

// originsOf maps the version IDs of a to their origins, when the store
// merges articles.
func originsOf(ctx context.Context, st snapshots.Store, a snapshots.Article) (map[int64][]Origin, error) {
	mg, ok := st.(snapshots.Merger)
	if !ok {
		return nil, nil
	}
	all, err := mg.Origins(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	m := map[int64][]Origin{}
	for _, o := range all {
		m[o.VersionID] = append(m[o.VersionID], Origin{ArticleID: o.ArticleID, Number: o.Number, PrevHash: o.PrevHash, ChainHash: o.ChainHash})
	}
	return m, nil
}

// Timestamp is a version's RFC 3161 token in a metadata record.
type Timestamp struct {
	TSA   string `json:"tsa"`
	Time  string `json:"time"`  // the token's genTime, RFC 3339, UTC
	Token []byte `json:"token"` // the DER TimeStampToken, base64
}

func newMetadata(a snapshots.Article, v snapshots.Version) Metadata {
	changes := ""
	if v.Changes != nil {
		changes = snapshots.RawHash(v.Changes)
	}
	return Metadata{
		Chain: "redline-chain-v2", URL: a.URL, Source: a.Source, ArticleID: a.ID, described: describe(v),
		TextSHA256: v.TextSHA256, RawSHA256: v.RawSHA256, Header: v.Header,
		ChangesSHA256: changes, judged: judge(v), PrevHash: v.PrevHash, ChainHash: v.ChainHash,
	}
}

// recordID returns a urn:uuid derived from parts: the same version always
// gets the same record IDs. The UUID is version 8 (RFC 9562, custom).
func recordID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s;", len(p), p)
	}
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x80
	u[8] = u[8]&0x3f | 0x80
	x := hex.EncodeToString(u[:])
	return "urn:uuid:" + x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
}

// targetURL parses a stored URL for use as WARC-Target-URI and in the
// request line. Control characters are refused (they would end a header
// line); spaces and other bytes a URI may not hold are percent-encoded.
func targetURL(raw string) (*url.URL, error) {
	for i := 0; i < len(raw); i++ {
		if raw[i] < 0x20 || raw[i] == 0x7f {
			return nil, fmt.Errorf("URL %q: control character at byte %d", raw, i)
		}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("URL %q: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("URL %q: scheme %q is not http or https", raw, u.Scheme)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("URL %q: no host", raw)
	}
	for i := 0; i < len(u.Host); i++ {
		if c := u.Host[i]; c <= ' ' || c >= 0x7f {
			return nil, fmt.Errorf("URL %q: host must be ASCII (punycode) without spaces", raw)
		}
	}
	u.Fragment, u.RawFragment = "", ""
	// url.URL.String escapes the path but keeps the query as given.
	s := percentEncode(u.String())
	u, err = url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("URL %q: after encoding: %w", raw, err)
	}
	return u, nil
}

// percentEncode escapes the bytes RFC 3986 never allows in a URI.
func percentEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"<>\^`+"`"+`{|}`, c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// checkFieldValue refuses a value that would end or fold a header line.
func checkFieldValue(s string) error {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return fmt.Errorf("line break at byte %d", i)
	}
	return nil
}

// responseHead turns a stored header text ("HTTP 200" then "Name: value"
// lines, as the monitor stores it) into an HTTP/1.1 status line and header
// block whose Content-Length is the stored body's. The body was stored
// decoded and whole, so the framing headers the server sent
// (Content-Length, Transfer-Encoding) no longer describe it. A line that is
// not a valid header field is dropped and control characters in values are
// percent-encoded, so nothing stored can end the header block early; the
// metadata record keeps the stored text as it was. It also returns the
// status and the media type of the Content-Type, for an index.
func responseHead(stored string, bodyLen int) (head []byte, status int, mime string, err error) {
	status = http.StatusOK
	lines := strings.Split(strings.ReplaceAll(stored, "\r\n", "\n"), "\n")
	if len(lines) > 0 {
		if code, ok := strings.CutPrefix(lines[0], "HTTP "); ok {
			if n, err := strconv.Atoi(strings.TrimSpace(code)); err == nil && n >= 100 && n <= 999 {
				status = n
			}
			lines = lines[1:]
		}
	}
	text := http.StatusText(status)
	if text == "" {
		text = "Unknown"
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", status, text)
	for _, line := range lines {
		name, value, ok := strings.Cut(line, ":")
		if !ok || !validToken(name) {
			continue
		}
		switch http.CanonicalHeaderKey(name) {
		case "Content-Length", "Transfer-Encoding":
			continue
		case "Content-Type":
			if mime == "" {
				mime, _, _ = strings.Cut(strings.TrimSpace(value), ";")
				mime = strings.ToLower(strings.TrimSpace(mime))
			}
		}
		b.WriteString(name)
		b.WriteString(": ")
		writeValue(&b, strings.TrimSpace(value))
		b.WriteString("\r\n")
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", bodyLen)
	if b.Len() > MaxHeaderBytes {
		return nil, 0, "", fmt.Errorf("response headers are %d bytes, over the %d-byte limit", b.Len(), MaxHeaderBytes)
	}
	return b.Bytes(), status, mime, nil
}

func writeValue(b *bytes.Buffer, v string) {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if (c < 0x20 && c != '\t') || c == 0x7f {
			fmt.Fprintf(b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
}

// validToken reports whether s is an HTTP token (RFC 9110 §5.6.2).
func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
