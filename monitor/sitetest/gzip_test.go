package sitetest

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadGzip(t *testing.T) {
	dir := t.TempDir()
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write([]byte("<p>the page</p>"))
	w.Close()
	good, plain, cut := filepath.Join(dir, "good.gz"), filepath.Join(dir, "plain.gz"), filepath.Join(dir, "cut.gz")
	for name, data := range map[string][]byte{good: z.Bytes(), plain: []byte("not gzip"), cut: z.Bytes()[:z.Len()-6]} {
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if b, err := ReadGzip(good); err != nil || string(b) != "<p>the page</p>" {
		t.Errorf("ReadGzip(good) = %q, %v", b, err)
	}
	for _, path := range []string{plain, cut, filepath.Join(dir, "missing.gz")} {
		if _, err := ReadGzip(path); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("ReadGzip(%s): err %v, want one naming the file", path, err)
		}
	}
}
