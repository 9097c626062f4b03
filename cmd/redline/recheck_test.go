package main

import (
	"strings"
	"testing"
)

// TestConfig_RecheckAfterChange: recheck_after_change is on unless the
// config turns it off, and a value that is not a boolean is refused naming
// the line and key.
func TestConfig_RecheckAfterChange(t *testing.T) {
	const src = "sources:\n  - {name: a, url: \"https://news.example/a\"}\n"
	for _, tc := range []struct {
		body string
		want bool
	}{
		{src, true},
		{"recheck_after_change: true\n" + src, true},
		{"recheck_after_change: false\n" + src, false},
	} {
		cfg, err := parseConfig("config.yaml", []byte(tc.body))
		if err != nil {
			t.Fatalf("%q: %v", tc.body, err)
		}
		if cfg.RecheckAfterChange != tc.want {
			t.Errorf("%q: RecheckAfterChange = %v, want %v", tc.body, cfg.RecheckAfterChange, tc.want)
		}
	}
	_, err := parseConfig("config.yaml", []byte("recheck_after_change: often\n"+src))
	if err == nil || !strings.Contains(err.Error(), "config.yaml:1") || !strings.Contains(err.Error(), "recheck_after_change") {
		t.Errorf("recheck_after_change: often: error %v, want one naming config.yaml:1 and the key", err)
	}
}
