package storetest

import (
	"maps"
	"testing"

	"github.com/redline-news/redline/snapshots"
)

var importCases = []testCase{
	{"kept_with_the_version", func(t *testing.T, s snapshots.Store) {
		r := storeAs[snapshots.ImportReader](t, s)
		a := AddArticle(t, s, "https://news.example/imported")
		b := AddArticle(t, s, "https://news.example/other")
		save(t, s, newCheck(a, 1), newVersion(1)) // fetched: no provenance
		v2 := newVersion(2)
		v2.Import = &snapshots.Import{Archive: "news.warc.gz", Record: "<urn:uuid:2>"}
		save(t, s, newCheck(a, 2), v2)
		vb := newVersion(1)
		vb.Import = &snapshots.Import{Archive: "b.wacz (archive/data.warc.gz)", Record: "<urn:uuid:b>"}
		save(t, s, newCheck(b, 1), vb)

		got, err := r.Imports(t.Context(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[int]snapshots.Import{2: *v2.Import}
		if !maps.Equal(got, want) {
			t.Errorf("Imports(a) = %v, want %v", got, want)
		}
		for rec, want := range map[string]bool{"<urn:uuid:2>": true, "<urn:uuid:b>": true, "<urn:uuid:1>": false, "": false} {
			if got, err := r.Imported(t.Context(), rec); err != nil || got != want {
				t.Errorf("Imported(%q) = %v, %v, want %v", rec, got, err, want)
			}
		}
		// Provenance is not the page: the chain still verifies.
		verifyChain(t, versions(t, s, snapshots.VersionFilter{ArticleID: a.ID, WithRaw: true}))
	}},
	{"unchanged_text_records_no_import", func(t *testing.T, s snapshots.Store) {
		r := storeAs[snapshots.ImportReader](t, s)
		a, _ := withVersion(t, s, "https://news.example/imported")
		// The same text again: Save turns it into a check confirming
		// version 1, and the record it came from is not marked stored.
		same := newVersion(1)
		same.Import = &snapshots.Import{Archive: "news.warc.gz", Record: "<urn:uuid:same>"}
		save(t, s, newCheck(a, 2), same)
		if got, err := r.Imported(t.Context(), "<urn:uuid:same>"); err != nil || got {
			t.Errorf("Imported(same text) = %v, %v, want false", got, err)
		}
		if got, err := r.Imports(t.Context(), a.ID); err != nil || len(got) != 0 {
			t.Errorf("Imports = %v, %v, want none", got, err)
		}
	}},
}
