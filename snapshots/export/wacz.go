package export

import (
	"archive/zip"
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/snapshots"
)

// The paths inside a WACZ file (WACZ 1.1.1, §"Directory Layout").
const (
	WACZWARCPath   = "archive/data.warc.gz"
	WACZIndexPath  = "indexes/index.cdxj"
	WACZPagesPath  = "pages/pages.jsonl"
	WACZPackage    = "datapackage.json"
	WACZDigestPath = "datapackage-digest.json"
)

// WACZVersion is the version of the WACZ specification WriteWACZ follows.
const WACZVersion = "1.1.1"

// WriteWACZ writes the versions f selects as a WACZ 1.1.1 file
// (https://specs.webrecorder.net/wacz/1.1.1/), a zip that ReplayWeb.page
// and other web archive players open:
//
//   - archive/data.warc.gz: the WARC WriteWARC writes for f, byte for byte;
//   - indexes/index.cdxj: one CDXJ line per response record, sorted by SURT
//     key and timestamp, giving its offset and length in the WARC;
//   - pages/pages.jsonl: one page per version, titled with its headline and
//     number, at its capture time;
//   - datapackage.json: every file above with its SHA-256 and size, the
//     WACZ version, f.Created and the software;
//   - datapackage-digest.json: the SHA-256 of datapackage.json.
//
// The WARC and the index are stored uncompressed, as the specification
// asks, so a player reads a record with one range request; the JSON files
// are deflated. f.Created must be set: it dates the package and its
// warcinfo record. The WARC is staged in a temporary file (os.TempDir)
// that is removed before WriteWACZ returns.
func WriteWACZ(ctx context.Context, w io.Writer, st snapshots.Store, f Filter) error {
	if f.Created.IsZero() {
		return errors.New("export WACZ: no creation time")
	}
	tmp, err := os.CreateTemp("", "redline-wacz-*.warc.gz")
	if err != nil {
		return fmt.Errorf("export WACZ: %w", err)
	}
	defer func() {
		tmp.Close()           // already read or failed; nothing more to report
		os.Remove(tmp.Name()) // a scratch file: its removal cannot change the result
	}()
	var caps []capture
	warcSum := newSummer(tmp)
	if err := writeWARC(ctx, warcSum, st, f, func(c capture) { caps = append(caps, c) }); err != nil {
		return fmt.Errorf("export WACZ: %w", err)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("export WACZ: %s: %w", tmp.Name(), err)
	}

	z := &waczZip{zw: zip.NewWriter(w), mod: f.Created.UTC(), pkg: waczPackage{Profile: "data-package",
		WACZVersion: WACZVersion, Title: "redline export", Created: f.Created.UTC().Format(time.RFC3339), Software: "redline"}}
	if err := z.add(WACZWARCPath, tmp, warcSum, false); err != nil {
		return err
	}
	index, err := cdxj(caps)
	if err != nil {
		return fmt.Errorf("export WACZ: %s: %w", WACZIndexPath, err)
	}
	if err := z.addBytes(WACZIndexPath, index, false); err != nil {
		return err
	}
	pages, err := pagesJSONL(caps)
	if err != nil {
		return fmt.Errorf("export WACZ: %s: %w", WACZPagesPath, err)
	}
	if err := z.addBytes(WACZPagesPath, pages, true); err != nil {
		return err
	}
	// The package lists the files above; the digest covers the package.
	pkgJSON, err := json.MarshalIndent(z.pkg, "", "  ")
	if err != nil {
		return fmt.Errorf("export WACZ: %s: %w", WACZPackage, err)
	}
	if err := z.addBytes(WACZPackage, pkgJSON, true); err != nil {
		return err
	}
	sum := sha256.Sum256(pkgJSON)
	digest, err := json.MarshalIndent(waczDigest{Path: WACZPackage, Hash: "sha256:" + hex.EncodeToString(sum[:])}, "", "  ")
	if err != nil {
		return fmt.Errorf("export WACZ: %s: %w", WACZDigestPath, err)
	}
	if err := z.addBytes(WACZDigestPath, digest, true); err != nil {
		return err
	}
	if err := z.zw.Close(); err != nil {
		return fmt.Errorf("export WACZ: %w", err)
	}
	return nil
}

// waczZip writes a WACZ's entries and lists them in its datapackage.json.
type waczZip struct {
	zw  *zip.Writer
	mod time.Time
	pkg waczPackage
}

// add writes path with r's content, which s has already summed, and lists
// it in the package unless it is the package or its digest.
func (z *waczZip) add(path string, r io.Reader, s *summer, deflate bool) error {
	if err := writeEntry(z.zw, path, r, s, deflate, z.mod); err != nil {
		return fmt.Errorf("export WACZ: %s: %w", path, err)
	}
	if path != WACZPackage && path != WACZDigestPath {
		z.pkg.Resources = append(z.pkg.Resources, waczResource{Name: pathBase(path), Path: path, Hash: s.hash(), Bytes: s.n})
	}
	return nil
}

// addBytes is add of an entry held in memory.
func (z *waczZip) addBytes(path string, b []byte, deflate bool) error {
	s := newSummer(io.Discard)
	s.Write(b) // a summer over io.Discard does not fail
	return z.add(path, bytes.NewReader(b), s, deflate)
}

// waczPackage is datapackage.json (WACZ 1.1.1, §"datapackage.json").
type waczPackage struct {
	Profile     string         `json:"profile"`
	Resources   []waczResource `json:"resources"`
	WACZVersion string         `json:"wacz_version"`
	Title       string         `json:"title"`
	Created     string         `json:"created"`
	Software    string         `json:"software"`
}

type waczResource struct {
	Name  string `json:"name"`
	Path  string `json:"path"`
	Hash  string `json:"hash"` // "sha256:" and hex
	Bytes int64  `json:"bytes"`
}

// waczDigest is datapackage-digest.json.
type waczDigest struct {
	Path string `json:"path"`
	Hash string `json:"hash"`
}

// summer passes writes on to w and keeps their size, SHA-256 and CRC-32:
// what datapackage.json and a stored zip entry's header need.
type summer struct {
	w   io.Writer
	sha hash.Hash
	crc hash.Hash32
	n   int64
}

func newSummer(w io.Writer) *summer {
	return &summer{w: w, sha: sha256.New(), crc: crc32.NewIEEE()}
}

func (s *summer) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	s.sha.Write(p[:n]) // hashes never fail
	s.crc.Write(p[:n])
	s.n += int64(n)
	return n, err
}

func (s *summer) hash() string { return "sha256:" + hex.EncodeToString(s.sha.Sum(nil)) }

// writeEntry adds path to zw with r's content, which s has already summed.
// A stored entry is written raw with its CRC and sizes in the local header
// and no data descriptor: a reader that seeks to a record, or streams the
// zip, finds the sizes where it looks first.
func writeEntry(zw *zip.Writer, path string, r io.Reader, s *summer, deflate bool, mod time.Time) error {
	fh := &zip.FileHeader{Name: path, Modified: mod.UTC()}
	if deflate {
		fh.Method = zip.Deflate
		ew, err := zw.CreateHeader(fh)
		if err != nil {
			return err
		}
		_, err = io.Copy(ew, r)
		return err
	}
	fh.Method = zip.Store
	fh.CRC32 = s.crc.Sum32()
	fh.CompressedSize64, fh.UncompressedSize64 = uint64(s.n), uint64(s.n)
	// CreateRaw writes the MS-DOS time fields as given and derives nothing
	// from Modified (CreateHeader would, but then writes a data descriptor).
	//lint:ignore SA1019 these fields are what a raw entry's header holds
	fh.ModifiedDate, fh.ModifiedTime = msDosTime(mod.UTC())
	ew, err := zw.CreateRaw(fh)
	if err != nil {
		return err
	}
	n, err := io.Copy(ew, r)
	if err != nil {
		return err
	}
	if n != s.n {
		return fmt.Errorf("copied %d bytes, summed %d", n, s.n)
	}
	return nil
}

// msDosTime is t in the MS-DOS date and time fields of a zip header
// (two-second resolution, years 1980 to 2107).
func msDosTime(t time.Time) (date, tm uint16) {
	y := min(max(t.Year(), 1980), 2107)
	date = uint16(t.Day() + int(t.Month())<<5 + (y-1980)<<9)
	tm = uint16(t.Second()/2 + t.Minute()<<5 + t.Hour()<<11)
	return date, tm
}

func pathBase(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// cdxTimestamp is the 14-digit timestamp of CDX indexes and replay URLs.
const cdxTimestamp = "20060102150405"

// cdxj writes one line per capture: the SURT key, the 14-digit
// timestamp and a JSON block with the fields and string values of
// warcio's and pywb's indexers, sorted by key and timestamp as the CDXJ
// format requires.
func cdxj(caps []capture) ([]byte, error) {
	type line struct {
		key, ts string
		offset  int64
		json    []byte
	}
	lines := make([]line, 0, len(caps))
	for _, c := range caps {
		key, err := SURT(c.url)
		if err != nil {
			return nil, err
		}
		// The payload digest's hex without its "sha256:", as warcio and
		// pywb write it.
		_, digest, _ := strings.Cut(c.digest, ":")
		block := struct {
			URL      string `json:"url"`
			Mime     string `json:"mime,omitempty"`
			Status   string `json:"status"`
			Digest   string `json:"digest"`
			Length   string `json:"length"`
			Offset   string `json:"offset"`
			Filename string `json:"filename"`
		}{c.url, c.mime, strconv.Itoa(c.status), digest, strconv.FormatInt(c.length, 10),
			strconv.FormatInt(c.offset, 10), pathBase(WACZWARCPath)}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false) // "&" in a query stays "&", as other indexers write it
		if err := enc.Encode(block); err != nil {
			return nil, err
		}
		lines = append(lines, line{key, c.at.Format(cdxTimestamp), c.offset, sanitize.JSON(bytes.TrimSuffix(b.Bytes(), []byte("\n")))})
	}
	slices.SortFunc(lines, func(a, b line) int {
		return cmp.Or(strings.Compare(a.key, b.key), strings.Compare(a.ts, b.ts), cmp.Compare(a.offset, b.offset))
	})
	var buf bytes.Buffer
	for _, l := range lines {
		buf.WriteString(l.key)
		buf.WriteByte(' ')
		buf.WriteString(l.ts)
		buf.WriteByte(' ')
		buf.Write(l.json)
		buf.WriteByte('\n')
	}
	return buf.Bytes(), nil
}

// pagesJSONL writes the pages list: a header line, then one page per
// version in export order, titled with the headline and version number.
func pagesJSONL(caps []capture) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // data, not HTML to embed
	if err := enc.Encode(struct {
		Format string `json:"format"`
		ID     string `json:"id"`
		Title  string `json:"title"`
	}{"json-pages-1.0", "pages", "Versions exported by redline"}); err != nil {
		return nil, err
	}
	for _, c := range caps {
		title := fmt.Sprintf("%s (version %d)", c.title, c.version)
		if strings.TrimSpace(c.title) == "" {
			title = fmt.Sprintf("%s (version %d)", c.url, c.version)
		}
		if err := enc.Encode(struct {
			ID    string `json:"id"`
			URL   string `json:"url"`
			TS    string `json:"ts"`
			Title string `json:"title"`
		}{strings.TrimPrefix(c.id, "urn:uuid:"), c.url, c.at.Format(time.RFC3339Nano), title}); err != nil {
			return nil, err
		}
	}
	return sanitize.JSON(buf.Bytes()), nil // titles are scraped text
}

// SURT returns the key a CDXJ index sorts raw by, as pywb and ReplayWeb.page
// (wabac.js) compute it: the scheme and a leading "www" label dropped, all
// lower case, the host's labels reversed and comma-joined, the port kept
// when not the scheme's default, ")" and the path, and the query's
// parameters sorted. https://example.com/a?b=1&a=2 → com,example)/a?a=2&b=1.
func SURT(raw string) (string, error) {
	u, err := url.Parse(strings.ToLower(raw))
	if err != nil {
		return "", fmt.Errorf("SURT of %q: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return "", fmt.Errorf("SURT of %q: not an http(s) URL with a host", raw)
	}
	host := u.Hostname()
	if label, rest, ok := strings.Cut(host, "."); ok && strings.HasPrefix(label, "www") &&
		strings.Trim(label[3:], "0123456789") == "" && rest != "" {
		host = rest
	}
	labels := strings.Split(host, ".")
	slices.Reverse(labels)
	var b strings.Builder
	b.WriteString(strings.Join(labels, ","))
	if p := u.Port(); p != "" && !(u.Scheme == "http" && p == "80") && !(u.Scheme == "https" && p == "443") {
		b.WriteString(":" + p)
	}
	b.WriteByte(')')
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	b.WriteString(path)
	if u.RawQuery != "" {
		params := strings.Split(u.RawQuery, "&")
		slices.Sort(params)
		b.WriteString("?" + strings.Join(params, "&"))
	}
	return b.String(), nil
}
