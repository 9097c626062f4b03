-- 0005: bodies compressed with zstd. A body may be compressed against
-- another body of the same article (a dictionary), which stores a
-- successive version of a page in a few kilobytes. The dictionary is always
-- a blob compressed on its own, so any body decodes with at most one other.
--
-- codec: 'gzip' (rows before 0005), 'zstd', or 'zstd-dict' (dict_sha256
-- names the dictionary blob, by the SHA-256 of its uncompressed bytes).

ALTER TABLE blobs ADD COLUMN codec       TEXT NOT NULL DEFAULT 'gzip';
ALTER TABLE blobs ADD COLUMN dict_sha256 TEXT NOT NULL DEFAULT '';
