package plural_test

import (
	"testing"

	"github.com/redline-news/redline/internal/plural"
)

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n    int
		one  string
		want string
	}{
		{0, "change", "0 changes"},
		{1, "change", "1 change"},
		{2, "change", "2 changes"},
		{-1, "change", "-1 changes"},
		{1000, "article", "1000 articles"},
		{1, "more failed check", "1 more failed check"},
		{3, "more failed check", "3 more failed checks"},
	} {
		if got := plural.Count(tc.n, tc.one); got != tc.want {
			t.Errorf("Count(%d, %q) = %q, want %q", tc.n, tc.one, got, tc.want)
		}
	}
}
