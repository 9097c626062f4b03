package storetest

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
