package storetest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// PageSize is the page size of the database files Corruptions damages.
const PageSize = 4096

// Corruption is one way a database file gets damaged (a bad disk, a torn
// copy): Corrupt returns the damaged bytes of a file of whole pages.
type Corruption struct {
	Name    string
	Corrupt func([]byte) []byte
}

// Corruptions are the damages the reliability battery's S05 (corrupt
// database) inflicts on a store's file, for the store's tests and the
// commands' alike. A file needs a few dozen pages for the damage to land
// mid-file.
func Corruptions() []Corruption {
	return []Corruption{
		{"flipped_bytes", func(b []byte) []byte {
			// Every byte of two pages in the middle inverted: b-tree page
			// headers and cell pointers become nonsense.
			mid := len(b) / PageSize / 2 * PageSize
			for i := mid; i < mid+2*PageSize; i++ {
				b[i] ^= 0xff
			}
			return b
		}},
		{"truncated_half", func(b []byte) []byte { return b[:len(b)/PageSize/2*PageSize] }},
		{"header_zeroed", func(b []byte) []byte {
			clear(b[:100])
			return b
		}},
	}
}

// EachCorruption runs check in a subtest for each of Corruptions, with
// orig (a store's file of at least pages pages) damaged that way and
// written to path, a file of the subtest's own. Afterwards the damaged
// file must be there as it was: whatever opened it must leave it as
// evidence, never repair or recreate it.
func EachCorruption(t *testing.T, orig []byte, pages int, check func(t *testing.T, path string)) {
	t.Helper()
	if len(orig) < pages*PageSize {
		t.Fatalf("store is only %d bytes: too small to corrupt mid-file", len(orig))
	}
	for _, tc := range Corruptions() {
		t.Run(tc.Name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "redline.db")
			bad := tc.Corrupt(bytes.Clone(orig))
			if err := os.WriteFile(path, bad, 0o600); err != nil {
				t.Fatal(err)
			}
			check(t, path)
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("the corrupt file is gone: %v", err)
			}
			if !bytes.Equal(after, bad) {
				t.Errorf("the corrupt file was rewritten (%d bytes, was %d): it must be left as evidence", len(after), len(bad))
			}
		})
	}
}
