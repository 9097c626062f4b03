//go:build !linux

package sqlite

// networkFS cannot tell the file system type here; see netfs_linux.go.
func networkFS(dir string) string { return "" }
