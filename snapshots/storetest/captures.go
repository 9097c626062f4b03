package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/redline-news/redline/snapshots"
)

var captureCases = []testCase{
	{"queue_attempt_capture", func(t *testing.T, s snapshots.Store) {
		cs := storeAs[snapshots.Captures](t, s)
		a := AddArticle(t, s, "https://news.example/a")
		b := AddArticle(t, s, "https://news.example/b")
		var vs []*snapshots.Version
		for i, art := range []snapshots.Article{a, a, b} {
			v := newVersion(i + 1)
			if art.ID == b.ID {
				v = newVersion(1)
			}
			save(t, s, newCheck(art, i+1), v)
			vs = append(vs, v)
		}
		// b's version queued first, then a's two; queueing again keeps
		// the first time.
		queue := func(i int, ids ...int64) {
			t.Helper()
			if err := cs.QueueCaptures(t.Context(), ids, at(i)); err != nil {
				t.Fatalf("QueueCaptures(%v): %v", ids, err)
			}
		}
		queue(4, vs[2].ID)
		queue(5, vs[0].ID, vs[1].ID)
		queue(6, vs[2].ID, vs[0].ID)
		pending := func(f snapshots.CaptureFilter) []snapshots.Capture {
			t.Helper()
			return must(t, "PendingCaptures", cs.PendingCaptures, f)
		}
		got := pending(snapshots.CaptureFilter{})
		if len(got) != 3 {
			t.Fatalf("pending = %+v, want 3", got)
		}
		first := got[0]
		if first.VersionID != vs[2].ID || first.ArticleID != b.ID || first.Number != 1 || first.URL != b.URL ||
			first.Source != "example" || !first.QueuedAt.Equal(at(4)) || first.Archive != "" || first.Attempts != 0 {
			t.Errorf("first pending = %+v, want b's version 1 queued at %v", first, at(4))
		}
		if got[1].VersionID != vs[0].ID || got[2].VersionID != vs[1].ID || got[2].Number != 2 || !got[1].QueuedAt.Equal(at(5)) {
			t.Errorf("pending = %+v, want then a's versions 1 and 2 queued at %v", got, at(5))
		}
		if got := pending(snapshots.CaptureFilter{Limit: 1}); len(got) != 1 || got[0].VersionID != vs[2].ID {
			t.Errorf("pending, limit 1 = %+v, want b's version alone", got)
		}

		// A failed round keeps it pending, until MaxAttempts leaves it out.
		failed := got[1]
		failed.Attempts, failed.LastAttempt, failed.Error = 1, at(7), "HTTP 503 Service Unavailable"
		if err := cs.UpdateCapture(t.Context(), failed); err != nil {
			t.Fatal(err)
		}
		got = pending(snapshots.CaptureFilter{})
		if len(got) != 3 || got[1].Attempts != 1 || got[1].Error != "HTTP 503 Service Unavailable" || !got[1].LastAttempt.Equal(at(7)) {
			t.Errorf("after a failed round: %+v, want a's version 1 pending with 1 attempt and its error", got)
		}
		if got := pending(snapshots.CaptureFilter{MaxAttempts: 1}); len(got) != 2 || got[0].VersionID != vs[2].ID || got[1].VersionID != vs[1].ID {
			t.Errorf("pending under 1 attempt = %+v, want a's version 1 left out", got)
		}

		// A capture made leaves the queue and is listed with its article.
		made := got[2]
		made.Archive = "https://web.archive.org/web/20250314120000/" + a.URL
		made.CapturedAt, made.LastAttempt, made.Error = at(8), at(8), ""
		if err := cs.UpdateCapture(t.Context(), made); err != nil {
			t.Fatal(err)
		}
		if err := cs.UpdateCapture(t.Context(), made); err != nil { // again: no change
			t.Fatal(err)
		}
		if got := pending(snapshots.CaptureFilter{}); len(got) != 2 {
			t.Errorf("pending after a capture = %+v, want 2", got)
		}
		caps, err := cs.ArticleCaptures(t.Context(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(caps) != 1 || caps[0].Number != 2 || caps[0].Archive != made.Archive || !caps[0].CapturedAt.Equal(at(8)) {
			t.Errorf("ArticleCaptures(a) = %+v, want version 2 captured at %v", caps, at(8))
		}
		if caps, err := cs.ArticleCaptures(t.Context(), b.ID); err != nil || len(caps) != 0 {
			t.Errorf("ArticleCaptures(b) = %+v, %v, want none", caps, err)
		}
	}},
	{"claims_are_exclusive", func(t *testing.T, s snapshots.Store) {
		cs := storeAs[snapshots.Captures](t, s)
		var ids []int64
		for i := range 12 {
			_, v := withVersion(t, s, fmt.Sprintf("https://news.example/%d", i))
			ids = append(ids, v.ID)
		}
		if err := cs.QueueCaptures(t.Context(), ids, at(2)); err != nil {
			t.Fatal(err)
		}
		claim := func(f snapshots.CaptureFilter) []snapshots.Capture {
			t.Helper()
			return must(t, "PendingCaptures", cs.PendingCaptures, f)
		}
		// Four workers claim at once: each capture goes to one of them.
		var (
			mu    sync.Mutex
			owner = map[int64]int{}
			wg    sync.WaitGroup
		)
		for w := range 4 {
			wg.Go(func() {
				got, err := cs.PendingCaptures(t.Context(), snapshots.CaptureFilter{Claim: at(10), Now: at(3)})
				if err != nil {
					t.Errorf("worker %d: %v", w, err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				for _, cp := range got {
					if prev, dup := owner[cp.VersionID]; dup {
						t.Errorf("version %d claimed by workers %d and %d", cp.VersionID, prev, w)
					}
					owner[cp.VersionID] = w
				}
			})
		}
		wg.Wait()
		if len(owner) != len(ids) {
			t.Errorf("%d of %d captures claimed, want every one", len(owner), len(ids))
		}
		// Claimed, they are not listed to another claimer until the claim
		// passes; a plain listing still shows them.
		if got := claim(snapshots.CaptureFilter{Claim: at(10), Now: at(4)}); len(got) != 0 {
			t.Errorf("claimed again before the claim passed: %+v", got)
		}
		if got := claim(snapshots.CaptureFilter{}); len(got) != len(ids) {
			t.Errorf("plain listing = %d captures, want %d", len(got), len(ids))
		}
		// An outcome stored ends the claim: a failed round is claimable at
		// once by the next cycle; the others wait for their claim to pass.
		failed := claim(snapshots.CaptureFilter{Limit: 1})[0]
		failed.Attempts, failed.LastAttempt, failed.Error = 1, at(5), "HTTP 503"
		if err := cs.UpdateCapture(t.Context(), failed); err != nil {
			t.Fatal(err)
		}
		if got := claim(snapshots.CaptureFilter{Claim: at(20), Now: at(6)}); len(got) != 1 || got[0].VersionID != failed.VersionID {
			t.Errorf("after a failed round, claimable = %+v, want version %d alone", got, failed.VersionID)
		}
		if got := claim(snapshots.CaptureFilter{Claim: at(20), Now: at(11)}); len(got) != len(ids)-1 {
			t.Errorf("after the first claims passed, claimable = %d, want %d", len(got), len(ids)-1)
		}
	}},
	{"unknown_version", func(t *testing.T, s snapshots.Store) {
		cs := storeAs[snapshots.Captures](t, s)
		_, v := withVersion(t, s, "https://news.example/a")
		if err := cs.QueueCaptures(t.Context(), []int64{v.ID, v.ID + 1000}, at(2)); !errors.Is(err, snapshots.ErrNotFound) {
			t.Errorf("QueueCaptures of an unknown version: %v, want ErrNotFound", err)
		}
		if got, err := cs.PendingCaptures(t.Context(), snapshots.CaptureFilter{}); err != nil || len(got) != 0 {
			t.Errorf("pending after a refused queueing = %+v, %v, want nothing queued", got, err)
		}
		if err := cs.UpdateCapture(t.Context(), snapshots.Capture{VersionID: v.ID, Attempts: 1}); !errors.Is(err, snapshots.ErrNotFound) {
			t.Errorf("UpdateCapture of a version not queued: %v, want ErrNotFound", err)
		}
	}},
}
