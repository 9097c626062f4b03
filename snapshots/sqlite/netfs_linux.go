//go:build linux

package sqlite

import "golang.org/x/sys/unix"

// networkFS returns the name of the network or userspace file system the
// directory dir is on, or "" when it is a local one (or cannot be told).
// SQLite's locking is not reliable over these: two processes may both
// believe they hold the write lock, and a WAL needs shared memory that a
// network file system does not share (https://www.sqlite.org/howtocorrupt.html).
func networkFS(dir string) string {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return ""
	}
	return fsName(int64(st.Type))
}

// fsName names the network and userspace file systems by their statfs
// magic numbers.
func fsName(magic int64) string {
	switch uint32(magic) {
	case unix.NFS_SUPER_MAGIC:
		return "NFS"
	case unix.SMB_SUPER_MAGIC, unix.SMB2_SUPER_MAGIC, unix.CIFS_SUPER_MAGIC:
		return "SMB/CIFS"
	case unix.FUSE_SUPER_MAGIC:
		return "FUSE (sshfs, s3fs, gcsfuse…)"
	case unix.V9FS_MAGIC:
		return "9P (a VM or container share)"
	case unix.CEPH_SUPER_MAGIC:
		return "CephFS"
	case unix.AFS_SUPER_MAGIC, unix.AFS_FS_MAGIC:
		return "AFS"
	case unix.CODA_SUPER_MAGIC:
		return "Coda"
	case unix.OCFS2_SUPER_MAGIC:
		return "OCFS2"
	}
	return ""
}
