package snapshots

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"time"
)

// chainTag opens every ChainHash input. It names the encoding, so a future
// change to the field list can use a new tag instead of silently producing
// hashes that old verifiers compute differently.
const chainTag = "redline-chain-v2"

// ChainHash returns the hex SHA-256 that links v into its article's chain.
//
// The hash input is a sequence of fields, each written as its length in bytes
// (8 bytes, big-endian) followed by its bytes:
//
//	"redline-chain-v2"
//	ArticleID   decimal
//	Number      decimal
//	At          UTC, RFC 3339 with nanoseconds (time.RFC3339Nano)
//	TextSHA256  as stored (hex): covers Title, Dek and Text (TextHash)
//	RawSHA256   as stored (hex)
//	Byline, Published, Modified, Header   as stored
//	Changes     hex SHA-256 of the stored change-set JSON ("" when none)
//	PrevHash    as stored (hex, "" for version 1)
//
// The length prefixes make the encoding unambiguous: moving bytes from one
// field to the next changes the hash. Editing any of these fields, or the
// title, dek or text behind TextSHA256, or the body behind RawSHA256, breaks the
// link to the next version: nothing stored with a version can be altered
// unseen, including the change set a report was made from.
func ChainHash(v Version) string {
	h := sha256.New()
	var n [8]byte
	for _, f := range []string{
		chainTag,
		strconv.FormatInt(v.ArticleID, 10),
		strconv.Itoa(v.Number),
		v.At.UTC().Format(time.RFC3339Nano),
		v.TextSHA256,
		v.RawSHA256,
		v.Byline,
		v.Published,
		v.Modified,
		v.Header,
		changesHash(v.Changes),
		v.PrevHash,
	} {
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		h.Write(n[:])
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TextHash returns the hex SHA-256 of title + "\n\n" + text, followed,
// when dek is not empty, by the record separator "\x1e" and dek: the value
// Version.TextSHA256 and Check.TextSHA256 hold. Two fetches with the same
// TextHash have the same extracted article.
//
// A version without a dek hashes exactly as before deks were read, so
// stores written then still verify. Extraction drops control characters,
// so "\x1e" never occurs in a title, dek or text: a dek cannot be passed
// off as the end of the text, nor the reverse.
func TextHash(title, dek, text string) string {
	h := sha256.New()
	h.Write([]byte(title))
	h.Write([]byte("\n\n"))
	h.Write([]byte(text))
	if dek != "" {
		h.Write([]byte{dekSeparator})
		h.Write([]byte(dek))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// dekSeparator is ASCII's record separator, which extraction never keeps;
// Verify reports a stored title, dek or text that holds it.
const dekSeparator = 0x1e

// RawHash returns the hex SHA-256 of b, the value Version.RawSHA256 and
// Check.RawSHA256 hold.
func RawHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func changesHash(b []byte) string {
	if b == nil {
		return ""
	}
	return RawHash(b)
}
