package testtool

import "testing"

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
