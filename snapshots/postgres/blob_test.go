package postgres

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"
)

// A damaged blob row is an error, never an allocation of what it claims:
// a recorded size past what a store keeps, a body longer than recorded (a
// gzip bomb), or one shorter.
func TestDecompress_DamagedRows(t *testing.T) {
	gz := func(b []byte) []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(b)
		zw.Close()
		return buf.Bytes()
	}
	page := []byte(strings.Repeat("<p>The minister said.</p>\n", 100))
	if got, err := decompress(gz(page), int64(len(page))); err != nil || !bytes.Equal(got, page) {
		t.Fatalf("a sound row: %v", err)
	}
	bomb := gz(make([]byte, 64<<20))
	for name, tc := range map[string]struct {
		data []byte
		size int64
	}{
		"claims a terabyte":   {gz(page), 1 << 40},
		"negative size":       {gz(page), -1},
		"bomb, small record":  {bomb, 1024},
		"shorter than record": {gz(page), int64(len(page)) + 1},
		"not gzip":            {[]byte("not gzip"), 10},
	} {
		if _, err := decompress(tc.data, tc.size); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
