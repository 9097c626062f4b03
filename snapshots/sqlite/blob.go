package sqlite

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
)

// Response bodies are stored gzip-compressed in the blobs table, keyed by the
// SHA-256 of the uncompressed bytes. gzip rather than zlib so that an auditor
// can extract a body with the sqlite3 shell and gunzip.

// compress returns b gzip-compressed.
func compress(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decompress returns the body stored as data; size is its recorded length.
func decompress(data []byte, size int64) ([]byte, error) {
	if size < 0 {
		return nil, fmt.Errorf("decompress body: negative size %d", size)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decompress body: %w", err)
	}
	out := make([]byte, 0, size)
	buf := bytes.NewBuffer(out)
	if _, err := io.Copy(buf, zr); err != nil {
		return nil, fmt.Errorf("decompress body: %w", err)
	}
	if err := zr.Close(); err != nil {
		return nil, fmt.Errorf("decompress body: %w", err)
	}
	if int64(buf.Len()) != size {
		return nil, fmt.Errorf("decompress body: got %d bytes, want %d", buf.Len(), size)
	}
	return buf.Bytes(), nil
}
