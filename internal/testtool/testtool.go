// Package testtool gives tests the programs and servers scripts/test
// provides (Chromium, PostgreSQL, the npm WACZ readers), and ends a test
// that lacks one the same way everywhere: a skip on a developer's machine,
// a failure under CI, where a skipped test would pass without testing.
// It also compares output with golden files (Golden).
package testtool

import (
	"os"
	"testing"
)

// UnderCI reports whether the tests run under CI (CI set, and not to
// "false" or "0"), which must run every test.
func UnderCI() bool {
	ci := os.Getenv("CI")
	return ci != "" && ci != "false" && ci != "0"
}

// Missing ends t, which lacks a tool scripts/test provides: with underCI
// as a failure under CI, with elsewhere as a skip otherwise.
func Missing(t testing.TB, underCI, elsewhere string) {
	t.Helper()
	if UnderCI() {
		t.Fatal(underCI)
	}
	t.Skip(elsewhere)
}

// Chromium returns the browser the browser tests drive,
// REDLINE_TEST_CHROMIUM (scripts/test finds or installs one), or ends t
// (Missing).
func Chromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("REDLINE_TEST_CHROMIUM"); p != "" {
		return p
	}
	Missing(t, "REDLINE_TEST_CHROMIUM is not set: CI must run the browser tests (scripts/test installs chromium)",
		"REDLINE_TEST_CHROMIUM is not set; ./scripts/test finds or installs Chromium")
	return ""
}
