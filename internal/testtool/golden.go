package testtool

import (
	"os"
	"testing"
)

// Golden compares got, a test's output, with the golden file at path
// (STYLE §9). With update set (the package's -update flag) it first
// rewrites the file with got, so the change shows in the commit's diff for
// review. A missing file or a difference fails t.
func Golden(t testing.TB, path, got string, update bool) {
	t.Helper()
	if update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
		return // for a t whose Fatalf returns
	}
	if got != string(want) {
		t.Errorf("output differs from %s; review, then rerun with -update to accept it\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}
