package main

import (
	"context"
	"runtime/debug"
	"strings"
	"testing"
)

// TestVersionFlag: --version and -version are `redline version`, not an
// unknown command.
func TestVersionFlag(t *testing.T) {
	_, want, _ := runCmd(t, context.Background(), "version")
	for _, arg := range []string{"--version", "-version"} {
		code, out, errOut := runCmd(t, context.Background(), arg)
		if code != exitOK {
			t.Errorf("redline %s: exit %d, stderr %q", arg, code, errOut)
		}
		if out != want || !strings.HasPrefix(out, "redline ") {
			t.Errorf("redline %s printed %q, want %q (as `redline version`)", arg, out, want)
		}
	}
}

// TestVersionOf: a build from a checkout names its commit, time and
// dirtiness; a tagged module its version; an unstamped build says why.
func TestVersionOf(t *testing.T) {
	vcs := func(version string, settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/redline-news/redline", Version: version}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	const rev = "16761c7164eb1c31426ef7bc0069c8fb3b544203"
	for _, tc := range []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"tagged", vcs("v1.2.0", "vcs.revision", rev), "v1.2.0"},
		{"pseudo-version", vcs("v0.0.0-20261207121644-16761c7164eb+dirty"), "v0.0.0-20261207121644-16761c7164eb+dirty"},
		{"devel clean", vcs("(devel)", "vcs.revision", rev, "vcs.time", "2026-12-07T12:16:44Z", "vcs.modified", "false"),
			"(devel) 16761c7164eb 2026-12-07T12:16:44Z"},
		{"devel dirty", vcs("(devel)", "vcs.revision", rev, "vcs.time", "2026-12-07T12:16:44Z", "vcs.modified", "true"),
			"(devel) 16761c7164eb+dirty 2026-12-07T12:16:44Z"},
		{"unstamped", vcs("(devel)"), "(devel): no version stamped (go run and -buildvcs=false builds carry none; go build in a git checkout does)"},
		{"no build info", nil, "(devel): no version stamped (go run and -buildvcs=false builds carry none; go build in a git checkout does)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := versionOf(tc.bi); got != tc.want {
				t.Errorf("versionOf = %q, want %q", got, tc.want)
			}
		})
	}
}
