package sqlite_test

import (
	"bytes"
	"compress/gzip"
	"database/sql"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/centrifugal/fdelta"
	"github.com/klauspost/compress/zstd"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/sqlite"
	"github.com/redline-news/redline/snapshots/storetest"
)

// newsPage returns a realistic 60 KB news page: markup, scripts and ads
// around paragraphs of varied sentences. edition changes one paragraph, a
// rotating ad and a timestamp, as successive fetches of a live story do.
func newsPage(edition int) []byte {
	rng := rand.New(rand.NewPCG(7, 11))
	words := strings.Fields(`the minister said council river authority vote budget percent residents
		flood barrier spokesperson according to reported Tuesday officials million contract hearing
		statement agency water levels emergency plan local business owners afternoon governor
		confirmed denied questions investigation cartel border troops soil capable confronting`)
	var b strings.Builder
	fmt.Fprintf(&b, `<!doctype html><html><head><title>Story</title><script>var ts=%d;var ab="%x";</script>`, 1772478300+edition*61, edition*7919)
	for i := range 120 {
		fmt.Fprintf(&b, `<script>dataLayer.push({"slot":"ad-%d","pos":%d});</script>`, i, i)
	}
	b.WriteString(`</head><body><article>`)
	p := 0
	for b.Len() < 60<<10 {
		b.WriteString("<p>")
		for range 40 + rng.IntN(30) {
			b.WriteString(words[rng.IntN(len(words))])
			b.WriteByte(' ')
		}
		if p == edition%20 {
			fmt.Fprintf(&b, "Updated figure: %d.", 1000+edition)
		}
		b.WriteString("</p>\n")
		if p%6 == 0 {
			fmt.Fprintf(&b, `<div class="ad">Sponsored: offer %d</div>`, (edition*31+p)%997)
		}
		p++
	}
	b.WriteString(`</article></body></html>`)
	return []byte(b.String())
}

func saveEdition(t testing.TB, s *sqlite.Store, a snapshots.Article, i int, raw []byte) {
	t.Helper()
	c := &snapshots.Check{ArticleID: a.ID, At: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute),
		Status: 200, Outcome: snapshots.OutcomeNew}
	v := &snapshots.Version{Title: "Story", Text: fmt.Sprintf("text %d", i), Raw: raw, Header: "Content-Type: text/html"}
	if err := s.Save(t.Context(), c, v); err != nil {
		t.Fatalf("Save %d: %v", i, err)
	}
}

// TestBodies_DeltaCompression: successive versions of a page are stored
// as deltas against an earlier body of the article, at least ten times
// smaller than the page, and every one decodes to its exact bytes with at
// most one other body; a page that drifted far becomes the new keyframe.
func TestBodies_DeltaCompression(t *testing.T) {
	s, path := openTemp(t)
	a := storetest.AddArticle(t, s, "https://news.example/a")
	var raws [][]byte
	for i := range 12 {
		raw := newsPage(i)
		if i == 8 { // a redesign: nothing like the pages before
			rng := rand.New(rand.NewPCG(99, 1))
			var b strings.Builder
			for b.Len() < 50<<10 {
				fmt.Fprintf(&b, "<span data-k=%x>%x</span>", rng.Uint64(), rng.Uint32())
			}
			raw = []byte(b.String())
		}
		raws = append(raws, raw)
		saveEdition(t, s, a, i, raw)
	}
	vs, err := s.Versions(t.Context(), snapshots.VersionFilter{ArticleID: a.ID, WithRaw: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vs {
		if string(v.Raw) != string(raws[i]) {
			t.Fatalf("version %d: body differs after decoding", v.Number)
		}
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT v.number, b.codec, b.dict_sha256, length(b.data), b.size,
		COALESCE((SELECT d.codec FROM blobs d WHERE d.sha256 = b.dict_sha256), '')
		FROM versions v JOIN blobs b ON b.sha256 = v.raw_sha256 ORDER BY v.number`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var n, stored, size int
		var codec, dict, dictCodec string
		if err := rows.Scan(&n, &codec, &dict, &stored, &size, &dictCodec); err != nil {
			t.Fatal(err)
		}
		switch {
		case n == 1 || n == 9 || n == 10:
			// The first page; the redesign; the page after it, which is
			// nothing like the redesign either.
			if codec != "s2" {
				t.Errorf("version %d: codec %s, want a keyframe (s2)", n, codec)
			}
		case codec != "fdelta+zstd":
			t.Errorf("version %d: codec %s (%d bytes for %d), want fdelta+zstd", n, codec, stored, size)
		case dictCodec != "s2":
			t.Errorf("version %d: its keyframe is %q, want one stored on its own (decoding depth 1)", n, dictCodec)
		case stored*10 > size:
			t.Errorf("version %d: %d bytes stored for a %d-byte page, want at least 10x smaller", n, stored, size)
		}
	}
	// A fresh store (no cached keyframes) still reads every body.
	s.Close()
	s2 := open(t, path)
	v, err := s2.Version(t.Context(), a.ID, 5)
	if err != nil || string(v.Raw) != string(raws[4]) {
		t.Errorf("version 5 from a reopened store: %v", err)
	}
	s2.Close()

	// Damaged deltas are errors naming the codec, never a wrong body, a
	// panic or an allocation of what the row claims.
	sum5 := snapshots.RawHash(raws[4])
	var good []byte
	if err := db.QueryRow(`SELECT data FROM blobs WHERE sha256 = ?`, sum5).Scan(&good); err != nil {
		t.Fatal(err)
	}
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	for name, data := range map[string][]byte{
		"not zstd":        {1, 2, 3, 4},
		"not a delta":     enc.EncodeAll([]byte("hello, world"), nil),
		"bomb":            enc.EncodeAll(make([]byte, 8<<20), nil),
		"other keyframe":  enc.EncodeAll(fdelta.Create(newsPage(40), raws[4]), nil),
		"truncated frame": good[:len(good)/2],
	} {
		if _, err := db.Exec(`UPDATE blobs SET data = ? WHERE sha256 = ?`, data, sum5); err != nil {
			t.Fatal(err)
		}
		s3 := open(t, path)
		_, err := s3.Version(t.Context(), a.ID, 5)
		t.Logf("%s: %v", name, err)
		if err == nil || !strings.Contains(err.Error(), "fdelta+zstd") {
			t.Errorf("%s: err = %v, want a decompress error naming fdelta+zstd", name, err)
		}
		s3.Close()
	}
}

// TestBodies_GzipRowsStillRead: bodies written before zstd (codec gzip)
// decode as before.
func TestBodies_GzipRowsStillRead(t *testing.T) {
	s, path := openTemp(t)
	a := storetest.AddArticle(t, s, "https://news.example/a")
	raw := newsPage(1)
	saveEdition(t, s, a, 1, raw)
	s.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	gz, err := gzipBytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE blobs SET data = ?, codec = 'gzip'`, gz); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s2 := sqlite.New(path, slog.New(slog.DiscardHandler))
	if err := s2.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	v, err := s2.Version(t.Context(), a.ID, 1)
	if err != nil || string(v.Raw) != string(raw) {
		t.Errorf("gzip body: %v", err)
	}
}

// TestBodies_ZstdKeyframesStillRead: keyframes written before S2 ones
// (codec zstd) decode, and so do bodies written before deltas, compressed
// with zstd against them (zstd-dict); a
// damaged S2 keyframe is an error naming the codec, never a panic or a
// huge allocation.
func TestBodies_ZstdKeyframesStillRead(t *testing.T) {
	s, path := openTemp(t)
	a := storetest.AddArticle(t, s, "https://news.example/a")
	raws := [][]byte{newsPage(1), newsPage(2)}
	for i, raw := range raws {
		saveEdition(t, s, a, i, raw)
	}
	s.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	keyframe := snapshots.RawHash(raws[0])
	res, err := db.Exec(`UPDATE blobs SET data = ?, codec = 'zstd' WHERE sha256 = ? AND codec = 's2'`, enc.EncodeAll(raws[0], nil), keyframe)
	if n, _ := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("rewrite the keyframe as zstd: %v (%d rows)", err, n)
	}
	// The second body as it was written before deltas: zstd with the
	// keyframe as its dictionary.
	denc, err := zstd.NewWriter(nil, zstd.WithEncoderDictRaw(1, raws[0]))
	if err != nil {
		t.Fatal(err)
	}
	res, err = db.Exec(`UPDATE blobs SET data = ?, codec = 'zstd-dict', dict_sha256 = ? WHERE sha256 = ?`,
		denc.EncodeAll(raws[1], nil), keyframe, snapshots.RawHash(raws[1]))
	if n, _ := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("rewrite the second body as zstd-dict: %v (%d rows)", err, n)
	}
	reopened := open(t, path)
	for i, raw := range raws {
		v, err := reopened.Version(t.Context(), a.ID, i+1)
		if err != nil || string(v.Raw) != string(raw) {
			t.Errorf("version %d: %v", i+1, err)
		}
	}
	reopened.Close()

	// A damaged S2 keyframe.
	if _, err := db.Exec(`UPDATE blobs SET data = ?, codec = 's2' WHERE sha256 = ?`, []byte{0xff, 0xff, 0xff, 0xff, 0x7f, 1, 2, 3}, keyframe); err != nil {
		t.Fatal(err)
	}
	reopened = open(t, path)
	defer reopened.Close()
	if _, err := reopened.Version(t.Context(), a.ID, 1); err == nil || !strings.Contains(err.Error(), "s2") {
		t.Errorf("damaged keyframe: err = %v, want a decompress error naming s2", err)
	}
}

func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// dbBytes is the size of the store's files: the database and its WAL.
func dbBytes(path string) int64 {
	var size int64
	for _, suffix := range []string{"", "-wal"} {
		if st, err := os.Stat(path + suffix); err == nil {
			size += st.Size()
		}
	}
	return size
}

// BenchmarkSave60KB stores versions of realistic 60 KB pages, one
// transaction each, with synchronous=FULL, and reports versions stored per
// second and bytes on disk per version (the body, the text, the check and
// their indexes):
//
//   - first: the first version of many articles (each a keyframe);
//
//   - edited: successive editions of a few live stories (each stored as a
//     delta against its article's keyframe, which is at hand);
//
//   - edited-cold: successive editions of 1,000 articles in turn, more
//     than the keyframe cache holds (32 MB, about 540 such pages), so each
//     keyframe is read from the store and decoded again.
//
// The articles of the edited cases have their first version stored before
// the clock starts.
//
//	go test ./snapshots/sqlite -run '^$' -bench Save60KB -benchtime 2000x
func BenchmarkSave60KB(b *testing.B) {
	for _, bc := range saveCases {
		b.Run(bc.name, func(b *testing.B) {
			sb := newSaveBench(b, bc, bc.articles)
			i := 0
			for b.Loop() {
				var a snapshots.Article
				if bc.first {
					b.StopTimer()
					a = sb.add(i)
					b.StartTimer()
				} else {
					a = sb.arts[i%len(sb.arts)]
				}
				saveEdition(b, sb.s, a, i, sb.page(a, i))
				i++
			}
			sb.report(i)
		})
	}
}

// BenchmarkSave60KBWorkers is BenchmarkSave60KB with saves from four
// goroutines at once, as the monitor's workers (four by default) make
// them: compression runs outside the write lock, and saves that arrive
// while a commit is on its way to disk share the next one.
func BenchmarkSave60KBWorkers(b *testing.B) {
	const workers = 4
	for _, bc := range saveCases {
		b.Run(bc.name, func(b *testing.B) {
			n := bc.articles
			if bc.first {
				n = b.N // each save is an article's first version
			}
			sb := newSaveBench(b, bc, n)
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			for range workers {
				wg.Go(func() {
					for {
						i := int(next.Add(1)) - 1
						if i >= b.N {
							return
						}
						// Each article's saves in order: worker w saves
						// i, i+workers, … so one article's editions may
						// be saved concurrently, as after a lease expiry.
						a := sb.arts[i%len(sb.arts)]
						saveEdition(b, sb.s, a, i, sb.page(a, i))
					}
				})
			}
			wg.Wait()
			sb.report(b.N)
		})
	}
}

// saveCase is a case of the Save60KB benchmarks.
type saveCase struct {
	name     string
	articles int
	first    bool // every save is an article's first version
}

var saveCases = []saveCase{{"first", 0, true}, {"edited", 4, false}, {"edited-cold", 1000, false}}

// saveBench is what a Save60KB benchmark case runs on: a fresh store, its
// articles (with their first versions stored, for the edited cases) and
// the pages to save.
type saveBench struct {
	b      *testing.B
	c      saveCase
	s      *sqlite.Store
	path   string
	pages  [][]byte
	arts   []snapshots.Article
	before int64 // bytes on disk before the clock starts
}

func newSaveBench(b *testing.B, c saveCase, articles int) *saveBench {
	sb := &saveBench{b: b, c: c, path: filepath.Join(b.TempDir(), "redline.db"), pages: make([][]byte, 64)}
	for i := range sb.pages {
		sb.pages[i] = newsPage(i)
	}
	sb.s = sqlite.New(sb.path, slog.New(slog.DiscardHandler))
	if err := sb.s.Open(b.Context()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sb.s.Close() })
	for i := range articles {
		a := sb.add(i)
		sb.arts = append(sb.arts, a)
		if !c.first {
			saveEdition(b, sb.s, a, -1, sb.withPrefix(a, sb.pages[len(sb.pages)-1]))
		}
	}
	sb.before = dbBytes(sb.path)
	b.SetBytes(int64(len(sb.pages[0])))
	b.ReportAllocs()
	return sb
}

func (sb *saveBench) add(i int) snapshots.Article {
	a, err := sb.s.AddArticle(sb.b.Context(), snapshots.Article{URL: fmt.Sprintf("https://news.example/%d", i), FirstSeen: time.Now()})
	if err != nil {
		sb.b.Fatal(err)
	}
	return a
}

// page is the body of save i, of article a: articles differ from one
// another by a prefix of their own, and go through the editions in turn.
func (sb *saveBench) page(a snapshots.Article, i int) []byte {
	if sb.c.first {
		return sb.withPrefix(a, sb.pages[i%len(sb.pages)])
	}
	return sb.withPrefix(a, sb.pages[(i/len(sb.arts))%len(sb.pages)])
}

func (sb *saveBench) withPrefix(a snapshots.Article, page []byte) []byte {
	return append(fmt.Appendf(nil, "<!-- article %d -->", a.ID), page...)
}

// report stops the clock and reports the n saves made.
func (sb *saveBench) report(n int) {
	sb.b.StopTimer()
	sb.b.ReportMetric(float64(n)/sb.b.Elapsed().Seconds(), "versions/s")
	sb.b.ReportMetric(float64(dbBytes(sb.path)-sb.before)/float64(n), "disk-B/version")
}

// BenchmarkRawInsert60KB is the yardstick the issue measured the store
// against ("raw inserts in WAL, one per transaction with synchronous=FULL"):
// the same 60 KB pages inserted uncompressed, nothing else, by one writer.
// Run it in the same run as Save60KB: this machine's speed varies.
func BenchmarkRawInsert60KB(b *testing.B) {
	path := filepath.Join(b.TempDir(), "raw.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE pages (id INTEGER PRIMARY KEY, body BLOB NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	pages := make([][]byte, 64)
	for i := range pages {
		pages[i] = newsPage(i)
	}
	b.SetBytes(int64(len(pages[0])))
	i := 0
	for b.Loop() {
		tx, err := db.Begin()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tx.Exec(`INSERT INTO pages (body) VALUES (?)`, pages[i%len(pages)]); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "inserts/s")
}
