package atomicfile_test

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/redline-news/redline/internal/atomicfile"
)

func TestWrite(t *testing.T) {
	errBroken := errors.New("renderer broke")
	tests := []struct {
		name string
		// setup prepares dir and returns the path to write.
		setup   func(t *testing.T, dir string) string
		write   func(io.Writer) error
		want    string // the file's content afterwards
		wantErr error
	}{
		{
			name:  "new file",
			setup: func(t *testing.T, dir string) string { return filepath.Join(dir, "feed.atom") },
			write: text("new"),
			want:  "new",
		},
		{
			name:  "missing directories are created",
			setup: func(t *testing.T, dir string) string { return filepath.Join(dir, "reports", "2026", "feed.atom") },
			write: text("new"),
			want:  "new",
		},
		{
			name: "existing file replaced",
			setup: func(t *testing.T, dir string) string {
				return existing(t, filepath.Join(dir, "feed.atom"), "old content, longer than the new")
			},
			write: text("new"),
			want:  "new",
		},
		{
			name: "failed write leaves the old file",
			setup: func(t *testing.T, dir string) string {
				return existing(t, filepath.Join(dir, "feed.atom"), "old")
			},
			write: func(w io.Writer) error {
				io.WriteString(w, "half of the n")
				return errBroken
			},
			want:    "old",
			wantErr: errBroken,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := tt.setup(t, dir)
			err := atomicfile.Write(path, tt.write)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Write(%s) = %v, want %v", path, err, tt.wantErr)
			}
			got, rerr := os.ReadFile(path)
			if rerr != nil {
				t.Fatal(rerr)
			}
			if string(got) != tt.want {
				t.Errorf("after Write, %s holds %q, want %q", path, got, tt.want)
			}
			if left := temporaries(t, filepath.Dir(path)); len(left) > 0 {
				t.Errorf("temporary files left beside %s: %q", path, left)
			}
		})
	}
}

func TestWrite_ErrorNamesPath(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) string
		write func(io.Writer) error
		want  error  // wrapped in the error, for errors.Is
		says  string // the end of the message
	}{
		{
			name: "parent is a file",
			setup: func(t *testing.T, dir string) string {
				return filepath.Join(existing(t, filepath.Join(dir, "reports"), "x"), "feed.atom")
			},
			write: text("new"),
			want:  syscall.ENOTDIR,
			says:  "reports: not a directory",
		},
		{
			name: "path is a directory",
			setup: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "feed.atom")
				if err := os.Mkdir(p, 0o755); err != nil {
					t.Fatal(err)
				}
				// A non-empty directory, which rename cannot replace.
				existing(t, filepath.Join(p, "keep"), "x")
				return p
			},
			write: text("new"),
			says:  ": is a directory",
		},
		{
			name:  "writer fails",
			setup: func(t *testing.T, dir string) string { return filepath.Join(dir, "feed.atom") },
			write: func(io.Writer) error { return io.ErrShortWrite },
			want:  io.ErrShortWrite,
			says:  ": short write",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.setup(t, t.TempDir())
			err := atomicfile.Write(path, tt.write)
			if err == nil {
				t.Fatalf("Write(%s) = nil, want an error", path)
			}
			if !strings.HasPrefix(err.Error(), "write "+path+": ") {
				t.Errorf("Write(%s) = %q, want it to start with %q", path, err, "write "+path+": ")
			}
			if !strings.HasSuffix(err.Error(), tt.says) {
				t.Errorf("Write(%s) = %q, want it to end with %q", path, err, tt.says)
			}
			if strings.Contains(err.Error(), ".tmp") {
				t.Errorf("Write(%s) = %q names the temporary file; the user asked for %s", path, err, path)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("Write(%s) = %v, want it to wrap %v", path, err, tt.want)
			}
			if left := temporaries(t, filepath.Dir(path)); len(left) > 0 {
				t.Errorf("temporary files left beside %s: %q", path, left)
			}
		})
	}
}

func text(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}

func existing(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func mode(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// temporaries lists the files in dir that Write would have made.
func temporaries(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}
