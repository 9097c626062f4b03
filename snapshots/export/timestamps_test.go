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

// TestWriteWARC_MergedOrigins: a version that a merge of two articles
// re-chained carries, in its metadata record, the chain hash it had before
// (which a token taken then signs), with what recomputes it.
func TestWriteWARC_MergedOrigins(t *testing.T) {
	s := openStore(t)
	amp := addVersions(t, s, "https://news.example/amp/a", 2, "HTTP 200\n", "https://news.example/amp/a")
	story := addVersions(t, s, "https://news.example/a", 1, "HTTP 200\n", "https://news.example/a")
	before := map[string]snapshots.Version{} // chain hash before the merge → version
	for _, v := range append(amp, story...) {
		before[v.ChainHash] = v
	}
	if _, err := s.Canonicalize(t.Context(), amp[0].ArticleID, "https://news.example/a", base.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := export.WriteWARC(t.Context(), &out, s, export.Filter{}); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range readWARC(t, out.Bytes()) {
		if r.typ != gowarc.Metadata {
			continue
		}
		var md export.Metadata
		if err := json.Unmarshal(r.payload, &md); err != nil {
			t.Fatal(err)
		}
		n++
		if len(md.Origins) != 1 {
			t.Errorf("version %d: origins %+v, want one", md.Version, md.Origins)
			continue
		}
		o := md.Origins[0]
		v, ok := before[o.ChainHash]
		if !ok || v.ArticleID != o.ArticleID || v.Number != o.Number || v.PrevHash != o.PrevHash || md.ArticleID != story[0].ArticleID {
			t.Errorf("version %d: origin %+v, want one of the chains before the merge", md.Version, o)
		}
	}
	if n != 3 {
		t.Errorf("%d metadata records, want 3", n)
	}
}
