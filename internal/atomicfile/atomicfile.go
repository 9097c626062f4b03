// Package atomicfile replaces a file so that a reader sees the old content
// or the new, never half of either, and a crash leaves one of the two. It
// is the one way redline writes a file: reports, the Atom feed, exports.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// mode is the mode of the files Write makes, before the umask, which
// applies as it does for os.WriteFile. Everything redline writes is meant
// to be read by others: a feed served by a web server, a report or an
// archive that is shared.
const mode fs.FileMode = 0o644

// dirMode is the mode of directories Write creates, before the umask.
const dirMode fs.FileMode = 0o755

// Write replaces path with what write writes, mode 0644 less the umask.
// It creates path's directory if it is missing, writes a temporary file
// beside path, syncs it, renames it over path and syncs the directory, so
// the new name survives a crash. If anything fails, path is as it was and
// the temporary file is removed. Every error names path.
func Write(path string, write func(io.Writer) error) error {
	if err := replace(path, write); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// WriteFile is Write of data.
func WriteFile(path string, data []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

func replace(path string, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	// A first write into reports/ or feeds/ must not fail because nobody
	// made the directory: the config names the file, not its parent.
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return err
	}
	// A rename over a directory fails with "file exists", or replaces an
	// empty one; neither is what the user meant.
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return errors.New("is a directory")
	}
	f, err := createTemp(dir, filepath.Base(path))
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()           // Already failing; the first error is the one to report.
			os.Remove(f.Name()) // Best effort: a stray temporary file is harmless.
		}
	}()
	if err := write(f); err != nil {
		return err
	}
	// Sync before the rename, or a crash can leave the new name on
	// empty data.
	if err := f.Sync(); err != nil {
		return bare("sync temporary file", err)
	}
	if err := f.Close(); err != nil {
		return bare("close temporary file", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return bare("rename temporary file", err)
	}
	// The rename is an entry in the directory; sync it too, or a crash
	// can bring the old file back.
	return syncDir(dir)
}

// createTemp opens a new file in dir beside name. It is os.CreateTemp
// with a mode: CreateTemp makes the file 0600, and a chmod afterwards
// would have to guess the umask, which the kernel applies here.
func createTemp(dir, name string) (*os.File, error) {
	for range 100 {
		tmp := filepath.Join(dir, "."+name+"."+strconv.FormatUint(rand.Uint64(), 36)+".tmp")
		f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, mode)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, bare("create temporary file", err)
		}
		return f, nil
	}
	return nil, fmt.Errorf("create temporary file in %s: too many files named .%s.*.tmp", dir, name)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return bare("sync directory", err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return bare("sync directory", err)
	}
	return nil
}

// bare says what was being done and why it failed, without the
// temporary file's name that an *fs.PathError carries: the reader wants
// the file they asked for, which Write puts in front.
func bare(doing string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		err = le.Err
	}
	return fmt.Errorf("%s: %w", doing, err)
}
