package export_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http/httputil"
	"strings"
	"testing"

	"github.com/redline-news/redline/snapshots/export"
)

// rawRecord is one WARC record of type typ with the given HTTP block.
func rawRecord(typ, id, block string) string {
	return fmt.Sprintf("WARC/1.1\r\nWARC-Type: %s\r\nWARC-Record-ID: <urn:uuid:%s>\r\nWARC-Date: 2024-05-01T09:00:00Z\r\n"+
		"WARC-Target-URI: https://ledger.example/story\r\nContent-Type: application/http;msgtype=%s\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n",
		typ, id, typ, len(block), block)
}

// TestReadWARC_Codings: a payload archived as it was sent, chunked and
// gzip-encoded, is read as the page's bytes, and the headers naming the
// codings are dropped; a body that only claims gzip is kept as it is;
// records other than responses are passed over.
func TestReadWARC_Codings(t *testing.T) {
	page := "<html><body><article><p>Dock workers walked out.</p></article></body></html>"
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(page))
	zw.Close()
	var chunked bytes.Buffer
	cw := httputil.NewChunkedWriter(&chunked)
	cw.Write(gz.Bytes()[:10])
	cw.Write(gz.Bytes()[10:])
	cw.Close()
	chunked.WriteString("\r\n")

	warc := rawRecord("request", "00000000-0000-4000-8000-000000000000", "GET /story HTTP/1.1\r\nHost: ledger.example\r\n\r\n") +
		rawRecord("response", "00000000-0000-4000-8000-000000000001",
			"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n"+chunked.String()) +
		rawRecord("response", "00000000-0000-4000-8000-000000000002",
			fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n%s", len(page), page))
	var got []export.Response
	err := export.ReadWARC(strings.NewReader(warc), 1<<20, func(r export.Response) error {
		got = append(got, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d responses, want 2", len(got))
	}
	for i, r := range got {
		if string(r.Body) != page {
			t.Errorf("response %d: body %q, want the page", i+1, r.Body)
		}
		if r.Header.Get("Transfer-Encoding") != "" || r.Header.Get("Content-Encoding") != "" || r.Header.Get("Content-Type") != "text/html" {
			t.Errorf("response %d: header %v, want the codings dropped and Content-Type kept", i+1, r.Header)
		}
		if r.Status != 200 || r.TargetURI != "https://ledger.example/story" || r.RecordID != fmt.Sprintf("<urn:uuid:00000000-0000-4000-8000-00000000000%d>", i+1) {
			t.Errorf("response %d: status %d, target %q, ID %q", i+1, r.Status, r.TargetURI, r.RecordID)
		}
	}

	// A body over the limit is an error naming the record.
	err = export.ReadWARC(strings.NewReader(warc), 16, func(export.Response) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "record 2 (byte ") || !strings.Contains(err.Error(), "over 16 bytes") {
		t.Errorf("ReadWARC with a 16-byte limit = %v, want an error naming record 2 and the limit", err)
	}
}
