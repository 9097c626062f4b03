package export

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"strings"
	"time"

	"github.com/nlnwa/gowarc/v3"

	"github.com/redline-news/redline/snapshots"
)

// Response is one HTTP response record of a WARC, as ReadWARC returns it.
type Response struct {
	RecordID  string // WARC-Record-ID, as written ("<urn:uuid:…>")
	Date      time.Time
	TargetURI string
	Status    int
	Header    http.Header
	// Body is the payload with the transfer and content codings the
	// archived bytes may still carry undone (crawlers archive bytes as
	// they were sent); Header no longer names them.
	Body []byte
	// SHA256 is the hex SHA-256 of Body: what a second reading of the
	// record must give again.
	SHA256 string
}

// ReadWARC reads the WARC (plain or gzip members) r record by record and
// calls fn with each HTTP response record, in file order, passing over
// the others (requests, metadata, revisits, DNS responses). A record that
// cannot be parsed, one whose block or payload digest or length does not
// match its block, or a body over maxBody is an error naming the record's
// number and byte offset; so is an error of fn.
func ReadWARC(r io.Reader, maxBody int64, fn func(Response) error) error {
	return scanWARC(r, maxBody, func(_ Ref, resp Response) error { return fn(resp) })
}

// scanWARC is ReadWARC passing each response's place in r along.
func scanWARC(r io.Reader, maxBody int64, fn func(Ref, Response) error) error {
	wr, err := gowarc.NewWarcFileReaderFromStream(r, 0)
	if err != nil {
		return err
	}
	defer wr.Close()
	for n := 1; ; n++ {
		rec, err := wr.Next()
		if errors.Is(err, io.EOF) && rec.WarcRecord == nil {
			return nil
		}
		if err == nil {
			var resp *Response
			if resp, err = response(rec.WarcRecord, maxBody); err == nil && resp != nil {
				err = fn(Ref{Record: n, Offset: rec.Offset, ID: resp.RecordID, SHA256: resp.SHA256}, *resp)
			}
		}
		rec.Close() // its block is read; this releases the buffer
		if err != nil {
			return fmt.Errorf("record %d (byte %d): %w", n, rec.Offset, err)
		}
	}
}

// response returns the response rec holds, nil when rec is no HTTP
// response.
func response(rec gowarc.WarcRecord, maxBody int64) (*Response, error) {
	if rec.Type() != gowarc.Response {
		return nil, nil
	}
	id := rec.WarcHeader().Get(gowarc.WarcRecordID)
	if id == "" {
		return nil, errors.New("response without a WARC-Record-ID")
	}
	// Digests and length are checked over the whole block, which the
	// library then keeps (in memory or a temporary file) to be read again.
	validation, err := rec.ValidateDigest()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", id, err)
	}
	for _, v := range validation {
		var de *gowarc.DigestError
		var le *gowarc.ContentLengthError
		if errors.As(v, &de) || errors.As(v, &le) {
			return nil, fmt.Errorf("%s: %w", id, v)
		}
	}
	block, isHTTP := rec.Block().(gowarc.HttpResponseBlock)
	if !isHTTP {
		return nil, nil // dns:, a screenshot: not a page
	}
	at, err := rec.Date()
	if err != nil {
		return nil, fmt.Errorf("%s: WARC-Date: %w", id, err)
	}
	payload, err := block.PayloadBytes()
	if err != nil {
		return nil, fmt.Errorf("%s: payload: %w", id, err)
	}
	body, err := io.ReadAll(io.LimitReader(payload, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("%s: payload: %w", id, err)
	}
	header := http.Header{}
	if h := block.HttpHeader(); h != nil {
		header = h.Clone()
	}
	if body, err = decodeBody(header, chunked(block.ProtocolHeaderBytes()), body, maxBody); err != nil {
		return nil, fmt.Errorf("%s: %w", id, err)
	}
	return &Response{RecordID: id, Date: at, TargetURI: rec.WarcHeader().Get(gowarc.WarcTargetURI),
		Status: block.HttpStatusCode(), Header: header, Body: body, SHA256: snapshots.RawHash(body)}, nil
}

// chunked reports whether an HTTP header block says the body is chunked.
// The parsed header cannot: net/http moves Transfer-Encoding out of it.
func chunked(head []byte) bool {
	for line := range strings.SplitSeq(string(head), "\n") {
		name, value, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(name), "Transfer-Encoding") &&
			strings.EqualFold(strings.TrimSpace(value), "chunked") {
			return true
		}
	}
	return false
}

// decodeBody undoes the chunked transfer coding (when isChunked) and a
// gzip content coding of an archived payload and drops the headers naming
// them.
func decodeBody(h http.Header, isChunked bool, body []byte, maxBody int64) ([]byte, error) {
	if int64(len(body)) > maxBody {
		return nil, fmt.Errorf("body over %d bytes", maxBody)
	}
	if isChunked {
		b, err := io.ReadAll(io.LimitReader(httputil.NewChunkedReader(bytes.NewReader(body)), maxBody+1))
		if err != nil {
			return nil, fmt.Errorf("chunked payload: %w", err)
		}
		body = b
		h.Del("Transfer-Encoding")
	}
	if ce := strings.ToLower(strings.TrimSpace(h.Get("Content-Encoding"))); ce == "gzip" || ce == "x-gzip" {
		// Some archivers store the body decoded and keep the header: only
		// a body that is gzip is decoded.
		if len(body) > 2 && body[0] == 0x1f && body[1] == 0x8b {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				return nil, fmt.Errorf("gzip payload: %w", err)
			}
			b, err := io.ReadAll(io.LimitReader(zr, maxBody+1))
			if err != nil {
				return nil, fmt.Errorf("gzip payload: %w", err)
			}
			body = b
		}
		h.Del("Content-Encoding")
	}
	if int64(len(body)) > maxBody {
		return nil, fmt.Errorf("body over %d bytes", maxBody)
	}
	return body, nil
}
