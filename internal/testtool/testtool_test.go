package testtool

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestUnderCI(t *testing.T) {
	for _, tc := range []struct {
		env  string
		want bool
	}{{"", false}, {"false", false}, {"0", false}, {"true", true}, {"1", true}} {
		t.Setenv("CI", tc.env)
		if got := UnderCI(); got != tc.want {
			t.Errorf("CI=%q: UnderCI() = %v, want %v", tc.env, got, tc.want)
		}
	}
}

func TestChromium(t *testing.T) {
	t.Setenv("REDLINE_TEST_CHROMIUM", "/opt/chromium")
	if got := Chromium(t); got != "/opt/chromium" {
		t.Errorf("Chromium() = %q, want /opt/chromium", got)
	}
}

// recorder is a testing.TB whose failures are kept, not reported.
type recorder struct {
	testing.TB
	failed []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.failed = append(r.failed, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...) }
func (r *recorder) Fatal(args ...any)                 { r.failed = append(r.failed, fmt.Sprint(args...)) }

func TestGolden(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.golden")

	r := &recorder{TB: t}
	Golden(r, path, "new\n", false)
	if len(r.failed) != 1 || !strings.Contains(r.failed[0], "-update to create it") {
		t.Errorf("missing golden file: failures %q, want one saying to run -update", r.failed)
	}

	r = &recorder{TB: t}
	Golden(r, path, "new\n", true)
	if b, err := os.ReadFile(path); err != nil || string(b) != "new\n" || len(r.failed) != 0 {
		t.Errorf("-update: file %q (%v), failures %q; want the output written and no failure", b, err, r.failed)
	}

	r = &recorder{TB: t}
	Golden(r, path, "new\n", false)
	if len(r.failed) != 0 {
		t.Errorf("same output: failures %q, want none", r.failed)
	}

	r = &recorder{TB: t}
	Golden(r, path, "changed\n", false)
	if len(r.failed) != 1 || !strings.Contains(r.failed[0], "differs from "+path) || !strings.Contains(r.failed[0], "changed") {
		t.Errorf("other output: failures %q, want one naming %s and showing the output", r.failed, path)
	}
	if b, _ := os.ReadFile(path); string(b) != "new\n" {
		t.Errorf("without -update the golden file became %q", b)
	}
}
