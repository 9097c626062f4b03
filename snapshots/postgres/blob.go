package postgres

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"

	"github.com/redline-news/redline/snapshots"
)

// Response bodies are stored gzip-compressed in the blobs table, keyed by the
// SHA-256 of the uncompressed bytes. gzip so that an auditor can extract a
// body with psql and gunzip.

// compress returns b gzip-compressed. BestSpeed: HTML compresses about as
// well at level 1 (some 10% larger) in a fifth of the time. Writers are
// reused: a gzip.Writer allocates about 800 KB.
func (s *Store) compress(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(b)/4 + 64)
	zw, ok := s.gzips.Get().(*gzip.Writer)
	if !ok {
		// BestSpeed is a valid level: NewWriterLevel cannot fail.
		zw, _ = gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	}
	defer s.gzips.Put(zw)
	zw.Reset(&buf)
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decompress returns the body stored as data; size is its recorded length.
// A damaged row cannot make it allocate what it claims: the size must be
// one a store keeps, room is made as the bytes arrive, and decoding stops
// one byte past the recorded size.
func decompress(data []byte, size int64) ([]byte, error) {
	if size < 0 || size > snapshots.MaxBodyBytes {
		return nil, fmt.Errorf("decompress body: recorded size %d out of range (0 to %d)", size, snapshots.MaxBodyBytes)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decompress body: %w", err)
	}
	buf := bytes.NewBuffer(make([]byte, 0, min(size, 1<<20)))
	if _, err := io.Copy(buf, io.LimitReader(zr, size+1)); err != nil {
		return nil, fmt.Errorf("decompress body: %w", err)
	}
	if int64(buf.Len()) != size {
		return nil, fmt.Errorf("decompress body: got %d bytes or more, want %d", buf.Len(), size)
	}
	if err := zr.Close(); err != nil {
		return nil, fmt.Errorf("decompress body: %w", err)
	}
	return buf.Bytes(), nil
}
