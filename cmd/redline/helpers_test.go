package main

import (
	"os"
	"path/filepath"
	"testing"
)

// writeFile writes body to path and returns path. The mode is 0600, the
// mode a config holding secrets must have, so every test file can use it.
func writeFile(t *testing.T, path, body string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeConfig writes body as dir/config.yaml and returns its path.
func writeConfig(t *testing.T, dir, body string) string {
	t.Helper()
	return writeFile(t, filepath.Join(dir, "config.yaml"), body)
}
