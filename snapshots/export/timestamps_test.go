package export_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/nlnwa/gowarc/v3"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/export"
)

// TestWriteWARC_Timestamps: a version's stored RFC 3161 token goes into its
// metadata record, byte for byte, with its time and TSA, in a WARC and in
// a WACZ; a version without one has no timestamp key.
func TestWriteWARC_Timestamps(t *testing.T) {
	s := openStore(t)
	vs := addVersions(t, s, "https://news.example/a", 2, "HTTP 200\n", "https://news.example/a")
	token := []byte("\x30\x82\x01\x00 a DER token \xff")
	at := time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC)
	if err := s.SaveTimestamp(t.Context(), snapshots.Timestamp{VersionID: vs[1].ID, Token: token, Time: at, TSA: "https://tsa.example/"}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := export.WriteWARC(t.Context(), &out, s, export.Filter{}); err != nil {
		t.Fatal(err)
	}
	checkTimestamps(t, out.Bytes(), token)
	// A WACZ carries the same WARC, so the tokens travel with it.
	var wacz bytes.Buffer
	if err := export.WriteWACZ(t.Context(), &wacz, s, export.Filter{Created: at}); err != nil {
		t.Fatal(err)
	}
	checkTimestamps(t, readWACZ(t, wacz.Bytes()).files["archive/data.warc.gz"], token)
}

// checkTimestamps checks the metadata records of the two versions of
// TestWriteWARC_Timestamps in warc: none on version 1, token on version 2.
func checkTimestamps(t *testing.T, warc, token []byte) {
	t.Helper()
	var metas []export.Metadata
	var raw [][]byte
	for _, r := range readWARC(t, warc) {
		if r.typ != gowarc.Metadata {
			continue
		}
		var md export.Metadata
		if err := json.Unmarshal(r.payload, &md); err != nil {
			t.Fatal(err)
		}
		metas, raw = append(metas, md), append(raw, r.payload)
	}
	if len(metas) != 2 {
		t.Fatalf("%d metadata records, want 2", len(metas))
	}
	if metas[0].Timestamp != nil || bytes.Contains(raw[0], []byte(`"timestamp"`)) {
		t.Errorf("version 1 has no token, but its metadata says %s", raw[0])
	}
	got := metas[1].Timestamp
	if got == nil || !bytes.Equal(got.Token, token) || got.TSA != "https://tsa.example/" || got.Time != "2026-12-07T15:00:00Z" {
		t.Fatalf("version 2's metadata timestamp = %+v, want the stored token", got)
	}
}
