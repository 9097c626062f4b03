package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestDiffStoredVersions(t *testing.T) {
	path := seedStore(t, storyA)
	ctx := context.Background()

	code, out, errOut := runCmd(t, ctx, "diff", storyA, "--from", "1", "--to", "3", "--format", "json", "--store", path)
	if code != exitOK {
		t.Fatalf("diff --from 1 --to 3: exit %d\n%s", code, errOut)
	}
	var cs struct {
		Summary struct {
			Counts map[string]int `json:"counts"`
		} `json:"summary"`
		Changes []struct {
			Kind string `json:"kind"`
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(out), &cs); err != nil {
		t.Fatalf("--format json is not a change set: %v\n%s", err, out)
	}
	if cs.Summary.Counts["number_changed"] != 1 || cs.Summary.Counts["negation_changed"] != 1 {
		t.Errorf("1 → 3 change counts %v, want a number and a negation change", cs.Summary.Counts)
	}

	// Neighbours: only the figure changed between 1 and 2.
	code, out, _ = runCmd(t, ctx, "diff", "--store", path, "--from", "1", "--to", "2", "--format", "markdown", storyA)
	if code != exitOK || !strings.Contains(out, "97 percent") || strings.Contains(out, "opposed") ||
		!strings.Contains(out, "1") || !strings.Contains(out, "2") {
		t.Errorf("diff 1 → 2 markdown: exit %d\n%s", code, out)
	}
	for _, f := range []string{"text", "html"} {
		code, out, errOut = runCmd(t, ctx, "diff", "--store", path, "--from", "2", storyA, "--format", f)
		if code != exitOK || !strings.Contains(out, "opposed") {
			t.Errorf("diff --from 2 (to the latest) --format %s: exit %d\n%s%s", f, code, out, errOut)
		}
	}

	code, _, _ = runCmd(t, ctx, "diff", "--store", path, "--from", "1", "--to", "2", "--exit-code", storyA)
	if code != exitChanges {
		t.Errorf("diff --exit-code of two different versions: exit %d, want %d", code, exitChanges)
	}
	code, out, _ = runCmd(t, ctx, "diff", "--store", path, "--from", "2", "--to", "2", "--exit-code", storyA)
	if code != exitOK || !strings.Contains(out, "No changes") {
		t.Errorf("diff of a version with itself: exit %d\n%s", code, out)
	}

	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--from", "1", "--to", "7", storyA}, exitRuntime, "has no version 7"},
		{[]string{"--from", "1", "--to", "2", "https://news.example/none"}, exitUsage, "no article https://news.example/none"},
		{[]string{"--from", "1", "--to", "2"}, exitUsage, "needs one URL"},
		{[]string{"--from", "1", "--to", "2", storyA, storyA}, exitUsage, "needs one URL"},
		{[]string{"--to", "2", storyA}, exitUsage, "--from"},
		{[]string{"--from", "1", "--format", "pdf", storyA}, exitUsage, "--format"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			args := append([]string{"diff", "--store", path}, tc.args...)
			code, _, errOut := runCmd(t, ctx, args...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d mentioning %q", code, errOut, tc.code, tc.want)
			}
		})
	}
}
