package export

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"github.com/nlnwa/gowarc/v3"
)

// ErrChanged is why a record cannot be read again: the archive is not
// what Scan read (its size or modification time, or the record at that
// place, differ).
var ErrChanged = errors.New("archive changed since it was first read")

// Ref is where Scan found a response, for Archive.Read to read it again:
// a few dozen bytes, where the response's body may be megabytes.
type Ref struct {
	Part   int    // which WARC of the archive (0 for a WARC file)
	Record int    // its number in that WARC, from 1
	Offset int64  // its byte offset there (of its gzip member, when compressed)
	ID     string // its WARC-Record-ID
	SHA256 string // of its body, as Response.SHA256
}

// Archive is a WARC file or a WACZ opened to be read twice: Scan reads
// and checks every record, handing each HTTP response over with its Ref,
// and Read reads one response again by its Ref. A caller that keeps only
// the Refs between the two holds one body at a time, however large the
// archive: a WARC file is seeked in (each gzip member is a record), and
// so is a WARC stored uncompressed in a WACZ, as the WACZ spec advises;
// a compressed one is read forward again. An Archive is for one
// goroutine at a time.
type Archive struct {
	name    string
	f       *os.File
	size    int64
	mod     time.Time
	maxBody int64
	parts   []*part
}

// part is one WARC of an archive.
type part struct {
	name string    // in errors and provenance: the file, or "file (archive/x.warc)"
	zf   *zip.File // its zip entry; nil for a WARC file
	// cur reads a compressed entry forward; it has read n records.
	cur *gowarc.WarcFileReader
	n   int
}

// OpenWARC opens the WARC (plain or gzip members) at name, whose bodies
// are read up to maxBody bytes.
func OpenWARC(name string, maxBody int64) (*Archive, error) {
	a, err := open(name, maxBody)
	if err != nil {
		return nil, err
	}
	a.parts = []*part{{name: name}}
	return a, nil
}

// OpenWACZ opens the WACZ at name: a zip whose archive/*.warc and
// archive/*.warc.gz entries are read, in zip order.
func OpenWACZ(name string, maxBody int64) (*Archive, error) {
	a, err := open(name, maxBody)
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(a.f, a.size)
	if err != nil {
		a.f.Close()
		return nil, fmt.Errorf("%s: not a WACZ (zip): %w", name, err)
	}
	for _, zf := range zr.File {
		if dir, base := path.Split(zf.Name); dir == "archive/" && (strings.HasSuffix(base, ".warc") || strings.HasSuffix(base, ".warc.gz")) {
			a.parts = append(a.parts, &part{name: name + " (" + zf.Name + ")", zf: zf})
		}
	}
	if len(a.parts) == 0 {
		a.f.Close()
		return nil, fmt.Errorf("%s: no archive/*.warc or archive/*.warc.gz in it: not a WACZ", name)
	}
	return a, nil
}

// open opens the regular file at name: an archive read twice cannot be a
// pipe.
func open(name string, maxBody int64) (*Archive, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s: not a regular file", name)
	}
	return &Archive{name: name, f: f, size: fi.Size(), mod: fi.ModTime(), maxBody: maxBody}, nil
}

// Close closes the archive's file.
func (a *Archive) Close() error {
	for _, p := range a.parts {
		p.closeCursor()
	}
	return a.f.Close()
}

// Scan reads every record of every WARC of the archive, in order, and
// calls fn with each HTTP response record, its Ref and the name of the
// WARC it is in, as ReadWARC does; an error names that WARC, the record's
// number and byte offset. It fails with ErrChanged when the file changed
// while it was read.
func (a *Archive) Scan(fn func(warc string, ref Ref, r Response) error) error {
	for i, p := range a.parts {
		r, closer, err := p.stream(a)
		if err != nil {
			return err
		}
		err = scanWARC(r, a.maxBody, func(ref Ref, resp Response) error {
			ref.Part = i
			return fn(p.name, ref, resp)
		})
		if closer != nil {
			closer.Close() // read to the end or failed; the error worth reporting is scanWARC's
		}
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
	}
	return a.Unchanged()
}

// Unchanged returns an error wrapping ErrChanged when the archive's size
// or modification time is no longer what it was when it was opened.
func (a *Archive) Unchanged() error {
	fi, err := a.f.Stat()
	if err != nil {
		return fmt.Errorf("%s: %w", a.name, err)
	}
	if fi.Size() != a.size || !fi.ModTime().Equal(a.mod) {
		return fmt.Errorf("%s: %w (size %d, modified %s; it was %d, %s)", a.name, ErrChanged,
			fi.Size(), fi.ModTime().UTC().Format(time.RFC3339Nano), a.size, a.mod.UTC().Format(time.RFC3339Nano))
	}
	return nil
}

// Read reads the response at ref again, checking that it is the one Scan
// found there: the same record ID and body. When it is not, or the file
// changed, the error wraps ErrChanged; any error names the WARC and the
// record.
func (a *Archive) Read(ref Ref) (Response, error) {
	if ref.Part < 0 || ref.Part >= len(a.parts) {
		return Response{}, fmt.Errorf("%s: no WARC %d in it", a.name, ref.Part)
	}
	if err := a.Unchanged(); err != nil {
		return Response{}, err
	}
	p := a.parts[ref.Part]
	resp, err := p.read(a, ref)
	switch {
	case err != nil:
	case resp.RecordID != ref.ID:
		err = fmt.Errorf("%w: record %s there, first read as %s", ErrChanged, resp.RecordID, ref.ID)
	case resp.SHA256 != ref.SHA256:
		err = fmt.Errorf("%w: record %s's body has SHA-256 %s, first read as %s", ErrChanged, ref.ID, resp.SHA256, ref.SHA256)
	}
	if err != nil {
		return Response{}, fmt.Errorf("%s: record %d (byte %d): %w", p.name, ref.Record, ref.Offset, err)
	}
	return resp, nil
}

// stream opens the part to be read from its start, with what to close
// after (nil for a WARC file, whose *os.File the archive keeps).
func (p *part) stream(a *Archive) (io.Reader, io.Closer, error) {
	if p.zf == nil {
		return io.NewSectionReader(a.f, 0, a.size), nil, nil
	}
	rc, err := p.zf.Open()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", p.name, err)
	}
	return rc, rc, nil
}

// seeker returns the part as a reader that can seek, or nil when it is a
// compressed zip entry.
func (p *part) seeker(a *Archive) (io.ReadSeeker, error) {
	if p.zf == nil {
		return io.NewSectionReader(a.f, 0, a.size), nil
	}
	if p.zf.Method != zip.Store {
		return nil, nil
	}
	off, err := p.zf.DataOffset()
	if err != nil {
		return nil, err
	}
	return io.NewSectionReader(a.f, off, int64(p.zf.CompressedSize64)), nil
}

// read reads the response record at ref of the part: by seeking, or else
// forward from the cursor, started again from the part's beginning when
// ref is behind it.
func (p *part) read(a *Archive, ref Ref) (Response, error) {
	rs, err := p.seeker(a)
	if err != nil {
		return Response{}, err
	}
	if rs != nil {
		wr, err := gowarc.NewWarcFileReaderFromStream(rs, ref.Offset)
		if err != nil {
			return Response{}, err
		}
		defer wr.Close()
		return a.record(wr, ref)
	}
	if p.cur == nil || p.n >= ref.Record {
		p.closeCursor()
		rc, err := p.zf.Open()
		if err != nil {
			return Response{}, err
		}
		if p.cur, err = gowarc.NewWarcFileReaderFromStream(rc, 0); err != nil {
			rc.Close()
			return Response{}, err
		}
	}
	for p.n < ref.Record-1 {
		rec, err := p.cur.Next()
		p.n++
		rec.Close()
		if err != nil {
			p.closeCursor()
			return Response{}, fmt.Errorf("%w: record %d: %w", ErrChanged, p.n, err)
		}
	}
	p.n++
	resp, err := a.record(p.cur, ref)
	if err != nil {
		p.closeCursor()
	}
	return resp, err
}

// record reads the next record of wr, which must be the response at ref.
func (a *Archive) record(wr *gowarc.WarcFileReader, ref Ref) (Response, error) {
	rec, err := wr.Next()
	if err != nil {
		rec.Close() // a record read in part holds a buffer too
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return Response{}, fmt.Errorf("%w: %w", ErrChanged, err)
	}
	defer rec.Close()
	if rec.Offset != ref.Offset {
		return Response{}, fmt.Errorf("%w: the next record is at byte %d", ErrChanged, rec.Offset)
	}
	resp, err := response(rec.WarcRecord, a.maxBody)
	if err != nil {
		return Response{}, fmt.Errorf("%w: %w", ErrChanged, err)
	}
	if resp == nil {
		return Response{}, fmt.Errorf("%w: no HTTP response there", ErrChanged)
	}
	return *resp, nil
}

// closeCursor closes the part's forward reader, if open.
func (p *part) closeCursor() {
	if p.cur != nil {
		p.cur.Close() // also closes the zip entry; a read-only close has nothing to report
		p.cur, p.n = nil, 0
	}
}
