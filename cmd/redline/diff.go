package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/internal/plural"
	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/extract"
	"github.com/redline-news/redline/report"
	"github.com/redline-news/redline/snapshots"
)

func runDiff(ctx context.Context, a *app, args []string) error {
	var cf commonFlags
	fs := newFlagSet(a, "diff", "OLD NEW | URL --from N --to M", `Compare two files and report how the story changed.
A file is HTML when it looks like HTML (it is then extracted as a fetched page
is); otherwise it is plain text, one paragraph per line.

With --from and --to, compare two stored versions of the article at URL,
read from the store named by --store or the config.`, &cf, true)
	format := fs.String("format", "text", "report `FORMAT`: text, markdown, json (the change set) or html")
	exitCode := fs.Bool("exit-code", false, "exit with status 1 when the files differ in substance")
	titleLine := fs.Bool("title-line", false, "treat the first line of a plain-text file as the headline")
	from := fs.Int("from", 0, "stored version `N` to compare from")
	to := fs.Int("to", 0, "stored version `M` to compare to (default: the latest)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	stored := false
	fs.Visit(func(f *flag.Flag) { stored = stored || f.Name == "from" || f.Name == "to" })
	if stored {
		if len(pos) != 1 {
			return usagef("diff --from/--to needs one URL (got %s)", plural.Count(len(pos), "argument"))
		}
		f, err := formatFlag(*format)
		if err != nil {
			return err
		}
		return diffStored(ctx, a, &cf, pos[0], *from, *to, f, *exitCode)
	}
	if len(pos) != 2 {
		return usagef("diff needs two files, OLD and NEW, or a URL with --from and --to (got %s)", plural.Count(len(pos), "argument"))
	}
	f, err := formatFlag(*format)
	if err != nil {
		return err
	}
	oldPath, newPath := pos[0], pos[1]
	if oldPath == "-" && newPath == "-" {
		return usagef("diff: only one of OLD and NEW can be standard input")
	}
	// The two files are read (and, for HTML, extracted) at once.
	var (
		oldDoc, newDoc diffing.Document
		oldErr, newErr error
		wg             sync.WaitGroup
	)
	wg.Go(func() { oldDoc, oldErr = readDocument(a, oldPath, *titleLine) })
	newDoc, newErr = readDocument(a, newPath, *titleLine)
	wg.Wait()
	if oldErr != nil {
		return oldErr
	}
	if newErr != nil {
		return newErr
	}
	if a.ownsProcess {
		oneShotGC(docSize(oldDoc)+docSize(newDoc), os.Getenv)
	}
	cs := diffing.Compare(oldDoc, newDoc)
	title := newDoc.Title
	if title == "" {
		title = filepath.Base(newPath)
	}
	item := report.Item{URL: newPath, Source: oldPath, Title: title, FromVersion: 1, ToVersion: 2, Changes: cs}
	return renderDiff(a, f, item, *exitCode)
}

// oneShotMaxBytes is the size of two documents up to which a one-shot diff
// runs without the garbage collector, and oneShotMemLimit the heap at which
// it collects anyway: the ×70 pair (1.4 MB) allocates about 25 MB, and
// comparing documents allocates at most ~45 times their size (every
// sentence changed), so 8 MB of text stays far below the limit.
const (
	oneShotMaxBytes = 8 << 20
	oneShotMemLimit = 512 << 20
)

// oneShotGC turns the garbage collector off for the rest of a process that
// compares two documents of size bytes together and exits: collecting
// frees nothing the process will reuse, and costs it about a tenth of its
// time on the ×70 pair. cmd/compile raises its starting heap for the same
// reason. A memory limit keeps the collector as a backstop, and GOGC or
// GOMEMLIMIT set in the environment (getenv) rule instead. It reports
// whether it changed anything.
func oneShotGC(size int, getenv func(string) string) bool {
	if size > oneShotMaxBytes || getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return false
	}
	debug.SetMemoryLimit(oneShotMemLimit)
	debug.SetGCPercent(-1)
	return true
}

func docSize(d diffing.Document) int {
	n := len(d.Title) + len(d.Byline)
	for _, p := range d.Paragraphs {
		n += len(p)
	}
	return n
}

// renderDiff prints one change set in format f: the change set itself for
// JSON, a one-item report otherwise. It returns errChanges when exitCode is
// set and the change set is not empty.
func renderDiff(a *app, f report.Format, item report.Item, exitCode bool) error {
	cs := item.Changes
	if f == report.JSON {
		if err := report.WriteChangeSet(a.stdout, cs); err != nil {
			return err
		}
	} else {
		rep := report.Report{Generated: a.now().UTC()}
		if !cs.Empty() {
			rep.Items = []report.Item{item}
		}
		if err := a.printReport(f, rep); err != nil {
			return err
		}
	}
	if exitCode && !cs.Empty() {
		return errChanges
	}
	return nil
}

// diffStored compares versions from and to (0: the latest) of the stored
// article at url. The change set is computed afresh from the two stored
// texts, so any two versions can be compared, not only neighbours.
func diffStored(ctx context.Context, a *app, cf *commonFlags, url string, from, to int, f report.Format, exitCode bool) error {
	if from < 1 {
		return usagef("--from: must be 1 or more, got %d", from)
	}
	if to < 0 {
		return usagef("--to: must be 1 or more, got %d", to)
	}
	st, err := openForRead(ctx, a, cf)
	if err != nil {
		return err
	}
	defer st.Close()
	art, err := findArticle(ctx, st, url)
	if err != nil {
		return err
	}
	get := func(n int) (snapshots.Version, error) {
		var v snapshots.Version
		var err error
		if n == 0 {
			v, err = st.Latest(ctx, art.ID)
		} else {
			v, err = st.Version(ctx, art.ID, n)
		}
		if errors.Is(err, snapshots.ErrNotFound) {
			if n == 0 {
				return v, fmt.Errorf("%s has no stored version", sanitize.Line(art.URL))
			}
			return v, fmt.Errorf("%s has no version %d", sanitize.Line(art.URL), n)
		}
		return v, err
	}
	oldV, err := get(from)
	if err != nil {
		return err
	}
	newV, err := get(to)
	if err != nil {
		return err
	}
	cs := diffing.Compare(monitor.Document(oldV), monitor.Document(newV))
	item := report.Item{URL: art.URL, Source: art.Source, Title: newV.Title, FromVersion: oldV.Number,
		ToVersion: newV.Number, At: newV.At, Changes: cs}
	if newV.Reread && newV.Number == oldV.Number+1 {
		// The later version was read from another part of the page.
		item.Reread, item.Reading = true, snapshots.ReadFrom(newV)
	}
	return renderDiff(a, f, item, exitCode)
}

// readDocument reads a file (or - for stdin) as HTML or plain text.
func readDocument(a *app, path string, titleLine bool) (diffing.Document, error) {
	text, err := readText(a, path)
	if err != nil {
		return diffing.Document{}, usagef("read %s: %v", path, err)
	}
	if err := refuseBinary(path, text); err != nil {
		return diffing.Document{}, err
	}
	if looksLikeHTML(path, text) {
		art, err := extract.Extract(extract.Page{URL: "file://" + path, Body: []byte(text)}, extract.Rules{})
		if err != nil {
			return diffing.Document{}, fmt.Errorf("extract %s: %w", path, err)
		}
		return diffing.Document{Title: art.Title, Byline: art.Byline, Modified: art.Modified, Paragraphs: art.Paragraphs}, nil
	}
	return plainDocument(text, titleLine), nil
}

// readText reads a file, or standard input for -, into a string without
// a second copy: a long text's paragraphs are slices of it.
func readText(a *app, path string) (string, error) {
	var b strings.Builder
	var r io.Reader
	if path == "-" {
		r = io.LimitReader(a.stdin, 256<<20)
	} else {
		f, err := os.Open(path)
		if err != nil {
			return "", err
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			b.Grow(int(min(st.Size(), 256<<20)) + 1)
		}
		r = f
	}
	if _, err := io.Copy(&b, r); err != nil {
		return "", err
	}
	return b.String(), nil
}

// plainDocument reads plain text: each non-blank line is a paragraph. The
// body is given to Compare whole, which splits it at line breaks as it
// normalizes: a text already in normal form is then compared in place
// rather than copied.
func plainDocument(s string, titleLine bool) diffing.Document {
	var doc diffing.Document
	for titleLine && doc.Title == "" && s != "" {
		var line string
		line, s, _ = strings.Cut(s, "\n")
		doc.Title = strings.TrimSpace(line)
	}
	if strings.TrimSpace(s) != "" {
		doc.Paragraphs = []string{s}
	}
	return doc
}

func looksLikeHTML(path, text string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".html", ".htm", ".xhtml":
		return true
	case ".txt", ".text", ".md":
		return false
	}
	head := strings.ToLower(text[:min(len(text), 1024)])
	for _, tag := range []string{"<!doctype html", "<html", "<head", "<body", "<article", "<p>"} {
		if strings.Contains(head, tag) {
			return true
		}
	}
	return false
}

// sniffLen is how much of a file notText looks at: enough to see binary
// bytes past a text-like header, little enough to cost nothing next to a
// diff.
const sniffLen = 64 << 10

// magics name binary formats that http.DetectContentType calls
// application/octet-stream, so a user is told what the file is.
var magics = []struct{ prefix, kind string }{
	{"\x7fELF", "an ELF executable"},
	{"\xcf\xfa\xed\xfe", "a Mach-O executable"},
	{"\xce\xfa\xed\xfe", "a Mach-O executable"},
	{"\xca\xfe\xba\xbe", "a Mach-O universal binary or Java class"},
	{"MZ", "a Windows executable"},
	{"SQLite format 3\x00", "an SQLite database"},
	{"\xfd7zXZ\x00", "xz data"},
	{"\x28\xb5\x2f\xfd", "zstd data"},
	{"BZh", "bzip2 data"},
	{"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"},
}

// sniffedKinds name what http.DetectContentType recognizes.
var sniffedKinds = map[string]string{
	"application/x-gzip":            "gzip data",
	"application/zip":               "a zip archive",
	"application/pdf":               "a PDF document",
	"application/postscript":        "a PostScript document",
	"application/x-rar-compressed":  "a RAR archive",
	"application/wasm":              "a WebAssembly module",
	"application/ogg":               "Ogg media",
	"application/vnd.ms-fontobject": "a font",
}

// notText says what head (the start of a file) looks like when it is not
// text or HTML, such as "gzip data" or "an ELF executable", and returns ""
// when it is text. HTML and XML pass as http.DetectContentType sniffs them
// (their charset is extract's business); other text passes when it has no
// NUL byte and at most 1% control characters that text does not use, so a
// stray form feed or ESC in a text file is no reason to refuse it.
func notText(head string) string {
	head = head[:min(len(head), sniffLen)]
	ct := http.DetectContentType([]byte(head[:min(len(head), 512)]))
	mt, params, _ := strings.Cut(ct, ";")
	switch {
	case mt == "text/html" || mt == "text/xml":
		return ""
	case strings.Contains(params, "utf-16"):
		// Text, but in an encoding diff and extract do not read.
		return "UTF-16 text (convert it to UTF-8 first)"
	case mt == "text/plain" && !binaryBytes(head):
		return ""
	}
	for _, m := range magics {
		if strings.HasPrefix(head, m.prefix) {
			return m.kind
		}
	}
	if kind, ok := sniffedKinds[mt]; ok {
		return kind
	}
	if major, minor, ok := strings.Cut(mt, "/"); ok && (major == "image" || major == "audio" || major == "video" || major == "font") {
		return "a " + strings.ToUpper(strings.TrimPrefix(minor, "x-")) + " " + major
	}
	return "binary data"
}

// binaryBytes reports whether s has a NUL byte, or more than 1% of bytes
// that http.DetectContentType counts as binary (controls other than tab,
// line feed, form feed, carriage return and ESC).
func binaryBytes(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b == 0:
			return true
		case b <= 0x08, b == 0x0b, b >= 0x0e && b <= 0x1a, b >= 0x1c && b <= 0x1f:
			n++
		}
	}
	return n*100 > len(s)
}

// refuseBinary returns the usage error for a file (or standard input,
// name "-") that is not text or HTML, nil for text.
func refuseBinary(name, head string) error {
	kind := notText(head)
	if kind == "" {
		return nil
	}
	if name == "-" {
		name = "standard input"
	}
	return usagef("%s is not text or HTML (looks like %s)", name, kind)
}
