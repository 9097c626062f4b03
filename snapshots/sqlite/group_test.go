package sqlite

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/storetest"
)

func openInternal(t *testing.T) *Store {
	t.Helper()
	return storetest.Open(t, New(filepath.Join(t.TempDir(), "redline.db"), slog.New(slog.DiscardHandler)))
}

func addArticles(t *testing.T, s *Store, n int) []snapshots.Article {
	t.Helper()
	var out []snapshots.Article
	for i := range n {
		a := storetest.AddArticle(t, s, fmt.Sprintf("https://news.example/%d", i))
		out = append(out, a)
	}
	return out
}

func job(t *testing.T, s *Store, ctx context.Context, article int64, i int) *saveJob {
	t.Helper()
	c := &snapshots.Check{ArticleID: article, At: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute), Status: 200}
	v := &snapshots.Version{Title: "Story", Text: fmt.Sprintf("text %d", i), Raw: fmt.Appendf(nil, "<p>page %d</p>", i)}
	j, err := s.prepareSave(t.Context(), c, v)
	if err != nil {
		t.Fatal(err)
	}
	j.ctx = ctx // the caller's, as it is when the batch is written
	j.done = make(chan struct{})
	return j
}

// TestGroupCommit_OneFailureSparesTheBatch: in one batch, a save for an
// article that does not exist and one whose caller gave up fail alone; the
// saves around them, two of them versions of one article, are stored and
// chained in order.
func TestGroupCommit_OneFailureSparesTheBatch(t *testing.T) {
	s := openInternal(t)
	arts := addArticles(t, s, 2)
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	batch := []*saveJob{
		job(t, s, t.Context(), arts[0].ID, 1),
		job(t, s, t.Context(), 999999, 2),
		job(t, s, t.Context(), arts[0].ID, 3),
		job(t, s, cancelled, arts[1].ID, 4),
		job(t, s, t.Context(), arts[1].ID, 5),
	}
	s.commitBatch(s.db, batch)
	for i, want := range []error{nil, snapshots.ErrNotFound, nil, context.Canceled, nil} {
		if got := batch[i].err; !errors.Is(got, want) || (want == nil && got != nil) {
			t.Errorf("job %d: err = %v, want %v", i, got, want)
		}
	}
	if batch[0].Version.Number != 1 || batch[2].Version.Number != 2 || batch[4].Version.Number != 1 {
		t.Errorf("numbers %d, %d, %d; want 1, 2, 1", batch[0].Version.Number, batch[2].Version.Number, batch[4].Version.Number)
	}
	if batch[2].Version.PrevHash != batch[0].Version.ChainHash {
		t.Error("the second version in the batch is not chained to the first")
	}
	vs, err := s.Versions(t.Context(), snapshots.VersionFilter{ArticleID: arts[0].ID, WithRaw: true})
	if err != nil || len(vs) != 2 {
		t.Fatalf("article 1 has %d versions (%v), want 2", len(vs), err)
	}
	if rep, err := snapshots.Verify(t.Context(), s, snapshots.VerifyFilter{}); err != nil || !rep.OK() {
		t.Fatalf("verify: %+v %v", rep.Problems, err)
	}
}

// TestGroupCommit_ConcurrentSaves: many workers saving at once share
// commits, and every version is stored, numbered without gaps and chained.
func TestGroupCommit_ConcurrentSaves(t *testing.T) {
	s := openInternal(t)
	arts := addArticles(t, s, 4)
	const workers, each = 8, 40
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for k := range each {
				i := w*each + k
				c := &snapshots.Check{ArticleID: arts[i%len(arts)].ID, At: time.Now(), Status: 200}
				v := &snapshots.Version{Title: "Story", Text: fmt.Sprintf("text %d", i), Raw: fmt.Appendf(nil, "<p>page %d</p>", i)}
				if err := s.Save(t.Context(), c, v); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	total := 0
	for _, a := range arts {
		vs, err := s.Versions(t.Context(), snapshots.VersionFilter{ArticleID: a.ID})
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range vs {
			if v.Number != k+1 {
				t.Fatalf("article %d: version %d numbered %d", a.ID, k+1, v.Number)
			}
		}
		total += len(vs)
	}
	if total != workers*each {
		t.Fatalf("%d versions stored, want %d", total, workers*each)
	}
	if rep, err := snapshots.Verify(t.Context(), s, snapshots.VerifyFilter{}); err != nil || !rep.OK() {
		t.Fatalf("verify: %+v %v", rep.Problems, err)
	}
	batches, saves := s.group.batches.Load(), s.group.saves.Load()
	t.Logf("%d saves in %d commits", saves, batches)
	if batches >= saves {
		t.Errorf("no commit was shared: %d saves in %d commits", saves, batches)
	}
}

// TestGroupCommit_SaveAfterClose is refused, never left waiting.
func TestGroupCommit_SaveAfterClose(t *testing.T) {
	s := openInternal(t)
	arts := addArticles(t, s, 1)
	s.Close()
	c := &snapshots.Check{ArticleID: arts[0].ID, At: time.Now(), Status: 200, Outcome: snapshots.OutcomeUnchanged}
	if err := s.Save(t.Context(), c, nil); err == nil {
		t.Fatal("Save after Close succeeded")
	}
}

// TestBattery_S06_networkFS: a store on a network file system is opened
// with a warning naming the file system; a local one without.
func TestBattery_S06_networkFS(t *testing.T) {
	for magic, want := range map[int64]string{0x6969: "NFS", 0xfe534d42: "SMB/CIFS", 0xff534d42: "SMB/CIFS", 0x65735546: "FUSE", 0x1021997: "9P",
		0xef53: "", 0x58465342: "", 0x01021994: ""} { // ext4, xfs, tmpfs
		if got := fsName(magic); (want == "") != (got == "") || !strings.HasPrefix(got, want) {
			t.Errorf("fsName(%#x) = %q, want %q", magic, got, want)
		}
	}
	// A store on a share opens, with a warning naming the file and the
	// file system.
	var logs strings.Builder
	s := New(filepath.Join(t.TempDir(), "redline.db"), slog.New(slog.NewTextHandler(&logs, nil)))
	s.networkFS = func(string) string { return "NFS" }
	if err := s.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if out := logs.String(); !strings.Contains(out, "network file system") || !strings.Contains(out, "redline.db") || !strings.Contains(out, "NFS") {
		t.Errorf("no warning naming the file and NFS: %s", out)
	}
	// This test's temporary directory is local: no warning.
	logs.Reset()
	s = New(filepath.Join(t.TempDir(), "redline.db"), slog.New(slog.NewTextHandler(&logs, nil)))
	if err := s.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if networkFS(t.TempDir()) == "" && strings.Contains(logs.String(), "network file system") {
		t.Errorf("warning on a local file system: %s", logs.String())
	}
}
