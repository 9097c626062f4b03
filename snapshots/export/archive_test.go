package export_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots/export"
)

// pageRecords are a request and n HTML responses, each with its own body,
// as separate WARC records.
func pageRecords(n int) []string {
	recs := []string{rawRecord("request", "00000000-0000-4000-8000-0000000000ff", "GET /story HTTP/1.1\r\nHost: ledger.example\r\n\r\n")}
	for i := range n {
		body := fmt.Sprintf("<html><body><p>Edition %d: the harbour held %d ships.</p></body></html>", i, 10*i)
		recs = append(recs, rawRecord("response", fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
			fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s", len(body), body)))
	}
	return recs
}

// gzipMembers compresses each record as its own gzip member, as WARC
// writers do.
func gzipMembers(t *testing.T, recs []string) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, r := range recs {
		zw := gzip.NewWriter(&b)
		zw.Write([]byte(r))
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

// waczOf is a WACZ holding warc as archive/data.warc, compressed or
// stored.
func waczOf(t *testing.T, warc []byte, method uint16) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "archive/data.warc", Method: method})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(warc)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// scanned is what Scan handed over of a response.
type scanned struct {
	warc string
	ref  export.Ref
	body string
}

// scanAll opens the archive at name (a WACZ when wacz) and scans it.
func scanAll(t *testing.T, name string, wacz bool) (*export.Archive, []scanned) {
	t.Helper()
	open := export.OpenWARC
	if wacz {
		open = export.OpenWACZ
	}
	a, err := open(name, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	var got []scanned
	err = a.Scan(func(warc string, ref export.Ref, r export.Response) error {
		got = append(got, scanned{warc, ref, string(r.Body)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return a, got
}

// TestArchive_ReadAgain: every response Scan found is read again by its
// Ref, in any order, from a plain WARC, one of gzip members, and a WACZ
// whose WARC is stored (seeked in) or compressed (read forward again).
func TestArchive_ReadAgain(t *testing.T) {
	recs := pageRecords(5)
	plain := []byte(strings.Join(recs, ""))
	for _, tc := range []struct {
		name string
		data []byte
		wacz bool
	}{
		{"warc", plain, false},
		{"warc.gz", gzipMembers(t, recs), false},
		{"wacz_stored", waczOf(t, plain, zip.Store), true},
		{"wacz_deflated", waczOf(t, gzipMembers(t, recs), zip.Deflate), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := filepath.Join(t.TempDir(), "a."+tc.name)
			if err := os.WriteFile(name, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			a, got := scanAll(t, name, tc.wacz)
			if len(got) != 5 {
				t.Fatalf("Scan handed over %d responses, want 5", len(got))
			}
			wantWARC := name
			if tc.wacz {
				wantWARC = name + " (archive/data.warc)"
			}
			// Backwards, then the middle again, then forwards: a reader
			// that only goes forward must start over.
			order := []int{4, 3, 2, 1, 0, 2, 2, 3, 0, 4}
			for _, i := range order {
				s := got[i]
				if s.warc != wantWARC || s.ref.Record != i+2 {
					t.Errorf("response %d: in %q as record %d, want %q, record %d", i, s.warc, s.ref.Record, wantWARC, i+2)
				}
				r, err := a.Read(s.ref)
				if err != nil {
					t.Fatalf("Read(%+v): %v", s.ref, err)
				}
				if string(r.Body) != s.body || r.RecordID != s.ref.ID || r.SHA256 != s.ref.SHA256 {
					t.Errorf("Read(%+v) = %s %q, want the body Scan saw, %q", s.ref, r.RecordID, r.Body, s.body)
				}
			}
		})
	}
}

// TestArchive_Changed: an archive changed after Scan is not read as if it
// were the same: a changed size or modification time, or a record whose
// body is no longer what Scan read, is ErrChanged, naming the file and the
// record.
func TestArchive_Changed(t *testing.T) {
	recs := pageRecords(3)
	plain := []byte(strings.Join(recs, ""))
	for _, tc := range []struct {
		name   string
		wacz   bool
		data   []byte
		change func(t *testing.T, name string)
		want   []string
	}{
		{"appended", false, plain, func(t *testing.T, name string) {
			f, err := os.OpenFile(name, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.Write([]byte(recs[1]))
			f.Close()
		}, []string{"a.warc: archive changed since it was first read (size "}},
		{"touched", false, plain, func(t *testing.T, name string) {
			later := time.Now().Add(time.Hour)
			if err := os.Chtimes(name, later, later); err != nil {
				t.Fatal(err)
			}
		}, []string{"a.warc: archive changed", "modified"}},
		// The same size and time, a body edited in place: only the
		// record's own check can tell.
		{"edited_in_place", false, plain, editInPlace, []string{
			"a.warc: record 3 (byte ", "archive changed since it was first read",
			"record <urn:uuid:00000000-0000-4000-8000-000000000001>'s body has SHA-256 "}},
		{"edited_in_place_wacz", true, waczOf(t, plain, zip.Store), editInPlace, []string{
			"a.warc (archive/data.warc): record 3 (byte ", "archive changed since it was first read"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := filepath.Join(t.TempDir(), "a.warc")
			if err := os.WriteFile(name, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			a, got := scanAll(t, name, tc.wacz)
			tc.change(t, name)
			_, err := a.Read(got[1].ref)
			if !errors.Is(err, export.ErrChanged) {
				t.Fatalf("Read after the change = %v, want ErrChanged", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// editInPlace changes "Edition 1" to "Edition 7" in the file at name,
// keeping its size and modification time.
func editInPlace(t *testing.T, name string) {
	t.Helper()
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b, []byte("Edition 1"))
	if i < 0 {
		t.Fatal("no Edition 1 in the file")
	}
	b = slices.Clone(b)
	b[i+len("Edition ")] = '7'
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(name, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
}

// TestArchive_NotAFile: an archive is read twice, so it must be a file;
// a directory is refused by name.
func TestArchive_NotAFile(t *testing.T) {
	dir := t.TempDir()
	for _, open := range []func(string, int64) (*export.Archive, error){export.OpenWARC, export.OpenWACZ} {
		if _, err := open(dir, 1<<20); err == nil || !strings.Contains(err.Error(), dir+": not a regular file") {
			t.Errorf("opening the directory %s = %v, want it named as not a regular file", dir, err)
		}
	}
}
