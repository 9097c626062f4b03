package fetch

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestReadCapped: every size around the cap, with the length declared,
// unknown, or wrong, read whole or in dribbles, gives the body when it
// fits and "over" when it does not, cut to the cap only when kept.
func TestReadCapped(t *testing.T) {
	const max = 200 << 10
	for _, size := range []int{0, 1, 100, 64 << 10, max - 1, max, max + 1, 3 * max} {
		src := bytes.Repeat([]byte("abcdefghij"), size/10+1)[:size]
		for _, declared := range []int64{-1, int64(size), int64(size) - 1, int64(size) + 5} {
			for _, keep := range []bool{false, true} {
				for _, dribble := range []bool{false, true} {
					var r io.Reader = bytes.NewReader(src)
					if dribble {
						r = iotest.OneByteReader(r)
					}
					body, over, err := readCapped(r, max, declared, keep)
					if err != nil {
						t.Fatalf("size %d declared %d: %v", size, declared, err)
					}
					if want := size > max; over != want {
						t.Fatalf("size %d declared %d: over = %v", size, declared, over)
					}
					switch {
					case !over && !bytes.Equal(body, src):
						t.Fatalf("size %d declared %d: got %d bytes", size, declared, len(body))
					case over && keep && !bytes.Equal(body, src[:max]):
						t.Fatalf("size %d declared %d keep: got %d bytes, want the first %d", size, declared, len(body), max)
					case over && !keep && body != nil:
						t.Fatalf("size %d declared %d: kept %d bytes of a refused body", size, declared, len(body))
					}
				}
			}
		}
	}
	// A failure mid-body returns what came before it.
	body, _, err := readCapped(io.MultiReader(strings.NewReader("hello"), iotest.ErrReader(io.ErrUnexpectedEOF)), max, 100, false)
	if !errors.Is(err, io.ErrUnexpectedEOF) || string(body) != "hello" {
		t.Fatalf("got %q, %v", body, err)
	}
	body, _, err = readCapped(io.MultiReader(strings.NewReader("hello"), iotest.ErrReader(io.ErrUnexpectedEOF)), max, -1, false)
	if !errors.Is(err, io.ErrUnexpectedEOF) || string(body) != "hello" {
		t.Fatalf("unknown length: got %q, %v", body, err)
	}
}
