package sqlite

import (
	"errors"
	"testing"
)

// TestClassify_Success: every save and write passes its result through
// classify; a success must cost no allocation, and an error that is not
// SQLite's comes back as it was.
func TestClassify_Success(t *testing.T) {
	s := New("redline.db", nil)
	if allocs := testing.AllocsPerRun(100, func() {
		if err := s.classify("save version", nil); err != nil {
			t.Fatal(err)
		}
	}); allocs != 0 {
		t.Errorf("classify of a success allocated %v times, want 0", allocs)
	}
	other := errors.New("article 3: not found")
	if err := s.classify("save version", other); err != other {
		t.Errorf("classify(%v) = %v, want it unchanged", other, err)
	}
}
