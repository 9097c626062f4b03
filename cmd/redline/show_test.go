package main

import (
	"context"
	"strings"
	"testing"
)

func TestShowCommand(t *testing.T) {
	path := seedStore(t, storyA)
	for _, tc := range []struct {
		name    string
		args    []string
		version string
		text    string
	}{
		{"latest", []string{storyA}, "3", "We are opposed"},
		{"version_after_url", []string{storyA, "--version", "2"}, "2", "90 percent"},
		{"version_before_url", []string{"--version", "1", storyA}, "1", "97 percent"},
		{"at_between", []string{storyA, "--at", "2025-03-14 10:30"}, "2", "90 percent"},
		{"at_exactly", []string{storyA, "--at", "2025-03-14T11:00:00Z"}, "3", "We are opposed"},
		{"at_rfc3339_zone", []string{storyA, "--at", "2025-03-14T10:59:59+01:00"}, "1", "97 percent"},
		{"at_later", []string{storyA, "--at", "2030-01-01 00:00"}, "3", "We are opposed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"show", "--store", path}, tc.args...)
			code, out, errOut := runCmd(t, context.Background(), args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if !strings.Contains(out, "Version:    "+tc.version+"\n") || !strings.Contains(out, tc.text) {
				t.Errorf("want version %s with %q:\n%s", tc.version, tc.text, out)
			}
			if !strings.Contains(out, "Chain:") || (tc.version != "1" && !strings.Contains(out, "Prev:")) {
				t.Errorf("hashes missing:\n%s", out)
			}
		})
	}

	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"before_first", []string{storyA, "--at", "2025-03-14 08:59"}, exitRuntime, "first was seen at 2025-03-14 09:00:00 UTC"},
		{"bad_time", []string{storyA, "--at", "noon"}, exitUsage, "--at"},
		{"both", []string{storyA, "--at", "2025-03-14 10:30", "--version", "2"}, exitUsage, "not both"},
		{"no_version", []string{storyA, "--version", "9"}, exitRuntime, "has no version 9"},
		{"unknown_url", []string{"https://news.example/none"}, exitUsage, "no article https://news.example/none"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"show", "--store", path}, tc.args...)
			code, _, errOut := runCmd(t, context.Background(), args...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d mentioning %q", code, errOut, tc.code, tc.want)
			}
		})
	}
}

// TestShowCommand_Notes: a version's provenance notes are shown, one
// "Read:" line each, cleaned of terminal controls; they are not part of
// the hash chain, so verify still passes.
func TestShowCommand_Notes(t *testing.T) {
	path := seedStore(t, storyA)
	tamper(t, path, `UPDATE versions SET notes = '["unknown charset \"x-nonexistent\" in Content-Type ignored\u001b[31m"]' WHERE number = 2`)
	code, out, errOut := runCmd(t, context.Background(), "show", "--store", path, storyA, "--version", "2")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "Read:       unknown charset \"x-nonexistent\" in Content-Type ignored") || strings.ContainsRune(out, 0x1b) {
		t.Fatalf("notes not shown, or not cleaned:\n%q", out)
	}
	if code, out, errOut := runCmd(t, context.Background(), "verify", "--store", path); code != exitOK {
		t.Fatalf("verify after notes: exit %d\n%s%s", code, out, errOut)
	}
}
