package main

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCardCommand(t *testing.T) {
	path := seedStore(t, storyA)
	dir := t.TempDir()
	out := filepath.Join(dir, "raid.png")
	code, stdout, errOut := runCmd(t, context.Background(), "card", "--store", path, storyA, "--version", "2", "-o", out, "--size", "800x450")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(stdout, "wrote "+out+" (800×450, version 1 → 2") {
		t.Errorf("stdout: %s", stdout)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("card is no PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 800 || b.Dy() != 450 {
		t.Errorf("card is %v, want 800×450", b)
	}
	alt, err := os.ReadFile(filepath.Join(dir, "raid.txt"))
	if err != nil {
		t.Fatalf("alt text: %v", err)
	}
	for _, want := range []string{"news.example", "Raid seizes shipment", "version 1 (2025-03-14 09:00:00 UTC) → version 2", "97 percent", "90 percent"} {
		if !strings.Contains(string(alt), want) {
			t.Errorf("alt text lacks %q:\n%s", want, alt)
		}
	}

	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"first_version", []string{storyA, "--version", "1"}, exitUsage, "version 1 is the first"},
		{"no_version", []string{storyA, "--version", "9"}, exitRuntime, "has no version 9"},
		{"bad_size", []string{storyA, "--size", "big"}, exitUsage, "--size"},
		{"tiny_size", []string{storyA, "--size", "10x10"}, exitUsage, "--size"},
		{"txt_output", []string{storyA, "-o", filepath.Join(dir, "a.txt")}, exitUsage, "would overwrite"},
		{"unknown_url", []string{"https://news.example/none"}, exitUsage, "no article https://news.example/none"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"card", "--store", path, "-o", filepath.Join(dir, tc.name+".png")}, tc.args...)
			code, _, errOut := runCmd(t, context.Background(), args...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d mentioning %q", code, errOut, tc.code, tc.want)
			}
		})
	}
}
