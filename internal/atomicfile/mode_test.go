//go:build unix

package atomicfile_test

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/redline-news/redline/internal/atomicfile"
)

// The file gets 0644 less the umask, as os.WriteFile would; not
// CreateTemp's 0600, which no feed reader or web server could read.
func TestWrite_Mode(t *testing.T) {
	tests := []struct {
		umask    int
		wantFile fs.FileMode
		wantDir  fs.FileMode
	}{
		{umask: 0o022, wantFile: 0o644, wantDir: 0o755},
		{umask: 0o027, wantFile: 0o640, wantDir: 0o750},
		{umask: 0o077, wantFile: 0o600, wantDir: 0o700},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("umask_%03o", tt.umask), func(t *testing.T) {
			// The umask is the process's: this test is not parallel.
			old := syscall.Umask(tt.umask)
			t.Cleanup(func() { syscall.Umask(old) })
			dir := filepath.Join(t.TempDir(), "new")
			path := filepath.Join(dir, "report.md")
			for range 2 { // created, then replaced
				if err := atomicfile.WriteFile(path, []byte("x")); err != nil {
					t.Fatal(err)
				}
				if got := mode(t, path); got != tt.wantFile {
					t.Errorf("umask %03o: file mode %v, want %v", tt.umask, got, tt.wantFile)
				}
			}
			if got := mode(t, dir); got != tt.wantDir {
				t.Errorf("umask %03o: directory mode %v, want %v", tt.umask, got, tt.wantDir)
			}
		})
	}
}
