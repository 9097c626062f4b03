package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redline-news/redline/monitor/sitetest"
	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/sqlite"
)

// largeCaptures writes a WARC (or, with wacz, a WACZ holding it stored,
// as the spec advises) of n captures of size bytes each, every one a
// different article, and returns its path and size. The pages are mostly
// an HTML comment, which the extractor passes over at little cost.
func largeCaptures(tb testing.TB, dir string, n, size int, wacz bool) (string, int64) {
	tb.Helper()
	name := filepath.Join(dir, "large.warc")
	if wacz {
		name = filepath.Join(dir, "large.wacz")
	}
	f, err := os.Create(name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	bw := bufio.NewWriter(f)
	var zw *zip.Writer
	w := any(bw).(interface{ Write([]byte) (int, error) })
	if wacz {
		zw = zip.NewWriter(bw)
		if w, err = zw.CreateHeader(&zip.FileHeader{Name: "archive/data.warc", Method: zip.Store}); err != nil {
			tb.Fatal(err)
		}
	}
	for i := range n {
		page := sitetest.NewsPage(fmt.Sprintf("Harbour report %d", i),
			fmt.Sprintf("The harbour master counted %d ships at anchor on the morning of the report.", i+1),
			"Dock workers said the queue would last another week.")
		pad := max(size-len(page)-9, 0)
		body := strings.Replace(page, "</body>", "<!--"+strings.Repeat("x", pad)+"--></body>", 1)
		rec := warcRecord{id: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), uri: fmt.Sprintf("https://ledger.example/harbour/%d", i),
			date: fmt.Sprintf("2024-05-01T09:%02d:%02dZ", i/60%60, i%60), body: body}
		if _, err := w.Write(rec.bytes()); err != nil {
			tb.Fatal(err)
		}
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			tb.Fatal(err)
		}
	}
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}
	fi, err := f.Stat()
	if err != nil {
		tb.Fatal(err)
	}
	return name, fi.Size()
}

// onLogLine is a writer for run's stderr that calls fn, once, on the
// first log line containing match, and otherwise keeps the lines.
type onLogLine struct {
	match string
	fn    func()
	once  sync.Once
	mu    sync.Mutex
	buf   bytes.Buffer
}

func (w *onLogLine) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte(w.match)) {
		w.once.Do(w.fn)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

// liveHeap returns the bytes of heap objects still reachable: what a
// program holds, after a full collection, not what garbage it has yet to
// collect. It is a measure of what is kept, not of timing.
func liveHeap() uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestImportCommand_BoundedMemory: while an import saves its first
// version, it holds that capture's body and small facts about the others,
// not the archive: the live heap is far below the archive's size. (Read
// whole, as imports were, the archive's 16 MB of bodies were all live
// then.)
func TestImportCommand_BoundedMemory(t *testing.T) {
	const n, size = 16, 1 << 20
	for _, wacz := range []bool{false, true} {
		t.Run(map[bool]string{false: "warc", true: "wacz"}[wacz], func(t *testing.T) {
			dir := t.TempDir()
			archive, archiveSize := largeCaptures(t, dir, n, size, wacz)
			flag := map[bool]string{false: "--warc", true: "--wacz"}[wacz]
			base := liveHeap()
			var live atomic.Uint64
			stderr := &onLogLine{match: "new version", fn: func() { live.Store(liveHeap()) }}
			var stdout bytes.Buffer
			code := run(t.Context(), []string{"import", "--store", filepath.Join(dir, "r.db"), flag, archive}, strings.NewReader(""), &stdout, stderr)
			if code != exitOK {
				t.Fatalf("import: exit %d\n%s%s", code, stdout.String(), stderr.buf.String())
			}
			if want := fmt.Sprintf("imported %d versions of %d articles", n, n); !strings.HasPrefix(stdout.String(), want) {
				t.Errorf("import said %q, want %q", stdout.String(), want)
			}
			if live.Load() == 0 {
				t.Fatalf("no \"new version\" line logged:\n%s", stderr.buf.String())
			}
			held := int64(live.Load()) - int64(base)
			t.Logf("archive %d bytes; live heap while saving the first version %d bytes above the test's own", archiveSize, held)
			// The body read, the store's copy of it (the article's
			// keyframe, for deltas), and room: three bodies, where the
			// archive is sixteen.
			if bound := int64(3 * size); held > bound {
				t.Errorf("the import held %d bytes of live heap while saving its first version, want under %d (three bodies; the archive is %d bytes)",
					held, bound, archiveSize)
			}
		})
	}
}

// TestImportCommand_IndexesForSearch: an import indexes the versions it
// saved, so that a reader which cannot index them (a store opened
// read-only) finds them, and none is left queued.
func TestImportCommand_IndexesForSearch(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "r.db")
	importOK(t, "--store", store, "--warc", writeWARC(t, dir, "ledger.warc", archiveRecords...))

	ro := sqlite.New(store, slog.New(slog.DiscardHandler))
	if err := ro.OpenReadOnly(t.Context()); err != nil {
		t.Fatal(err)
	}
	hits, err := ro.Search(t.Context(), snapshots.SearchQuery{Phrase: "65 ships"})
	ro.Close()
	if err != nil || len(hits) != 1 || hits[0].Article.URL != importURL || len(hits[0].Spans) != 1 || hits[0].Spans[0].First != 3 {
		t.Errorf("Search of the read-only store = %+v, %v; want version 3 of %s", hits, err, importURL)
	}
	st := openSQLite(t, store)
	if n, err := st.IndexPending(t.Context(), 0); err != nil || n != 0 {
		t.Errorf("IndexPending after the import = %d, %v; want 0 left", n, err)
	}
}

// TestImportCommand_ArchiveChanged: an archive rewritten while it is
// imported (bodies are read again as they are imported) stops the import
// with an error naming the file, instead of importing what the first
// reading did not check.
func TestImportCommand_ArchiveChanged(t *testing.T) {
	dir := t.TempDir()
	warc := writeWARC(t, dir, "ledger.warc", archiveRecords...)
	store := filepath.Join(dir, "r.db")
	var rewrite error
	stderr := &onLogLine{match: "new version", fn: func() {
		// Another tool appends to the archive after the first version
		// is saved.
		f, err := os.OpenFile(warc, os.O_APPEND|os.O_WRONLY, 0)
		if err == nil {
			_, err = f.Write(archiveRecords[0].bytes())
			err = errors.Join(err, f.Close())
		}
		rewrite = err
	}}
	var stdout bytes.Buffer
	code := run(t.Context(), []string{"import", "--store", store, "--warc", warc}, strings.NewReader(""), &stdout, stderr)
	if rewrite != nil {
		t.Fatal(rewrite)
	}
	if code != exitRuntime {
		t.Errorf("exit %d, want %d; stdout %q", code, exitRuntime, stdout.String())
	}
	for _, w := range []string{"redline: import: " + warc + ": archive changed since it was first read", "import stopped, 3 captures not imported", "redline: import: 3 captures not imported"} {
		if !strings.Contains(stderr.buf.String(), w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr.buf.String())
		}
	}
	if want := "imported 1 version of 1 article, skipped 0 unchanged, 1 error\n"; !strings.HasPrefix(stdout.String(), want) {
		t.Errorf("import said %q, want %q", stdout.String(), want)
	}
	if vs := storedVersions(t, store); len(vs) != 1 {
		t.Errorf("%d versions stored, want the 1 saved before the change", len(vs))
	}
}

// BenchmarkImport_WARC imports WARCs of 50, 200 and 400 captures of 1 MB
// each, every one a new article, into an empty SQLite store, and reports
// the peak heap (the largest heap-object bytes a sampler saw, garbage
// included) and the live heap while the first version is saved (after a
// full collection). The peak includes the store's own bounded cache of
// keyframes (32 MB): it does not grow with the archive.
func BenchmarkImport_WARC(b *testing.B) {
	const size = 1 << 20
	for _, n := range []int{50, 200, 400} {
		b.Run(fmt.Sprintf("x%d", n), func(b *testing.B) {
			dir := b.TempDir()
			archive, archiveSize := largeCaptures(b, dir, n, size, false)
			b.SetBytes(archiveSize)
			var peak, live uint64
			i := 0
			for b.Loop() {
				i++
				stop := make(chan struct{})
				sampled := make(chan uint64)
				go func() {
					s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
					var high uint64
					t := time.NewTicker(time.Millisecond)
					defer t.Stop()
					for {
						metrics.Read(s)
						high = max(high, s[0].Value.Uint64())
						select {
						case <-stop:
							sampled <- high
							return
						case <-t.C:
						}
					}
				}()
				stderr := &onLogLine{match: "new version", fn: func() { live = max(live, liveHeap()) }}
				var stdout bytes.Buffer
				store := filepath.Join(b.TempDir(), "r.db")
				code := run(b.Context(), []string{"import", "--store", store, "--warc", archive}, strings.NewReader(""), &stdout, stderr)
				close(stop)
				peak = max(peak, <-sampled)
				if code != exitOK {
					b.Fatalf("import: exit %d\n%s%s", code, stdout.String(), stderr.buf.String())
				}
			}
			b.ReportMetric(float64(archiveSize)/(1<<20), "archive-MB")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(live)/(1<<20), "live-heap-MB")
		})
	}
}
