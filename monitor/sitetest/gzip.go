package sitetest

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
)

// ReadGzip is the uncompressed content of the gzip file at path: the
// extraction benchmark's pages and ground truths are kept compressed, and
// the extractor's stability test and the monitor's cycle benchmark both
// read them. Errors name the file.
func ReadGzip(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	b, err := io.ReadAll(z)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}
