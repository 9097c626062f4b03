package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha1" // the CDX digest is SHA-1, by the Wayback Machine's choice, not ours
	"encoding/base32"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/redline-news/redline/internal/plural"
	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/export"
)

func runImport(ctx context.Context, a *app, args []string) error {
	var cf commonFlags
	f, err := parseImportFlags(a, &cf, args)
	if err != nil {
		return err
	}
	if err := a.setLogger(&cf); err != nil {
		return err
	}
	cfg := defaultConfig()
	if cf.store == "" || f.configGiven {
		if cfg, err = loadConfig(cf.config); err != nil {
			return err
		}
	}
	dsn := cmp.Or(cf.store, cfg.Store)
	client := newClient(a, cfg)

	// Read the whole archive through first: a malformed one imports
	// nothing. What is kept of each capture is where to read it again.
	caps, other, closeArchive, err := readCaptures(ctx, a, cfg, client, f)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer closeArchive()

	st, err := openStore(ctx, dsn, a.log)
	if err != nil {
		return err
	}
	defer st.Close()
	// An article is read with its source's rules: the configured source
	// it is watched under, or --source's for a new one.
	sources := map[string]monitor.Source{f.source: {Name: f.source}}
	for _, s := range cfg.Sources {
		sources[s.Name] = s
	}
	m := monitor.New(monitor.Options{Store: st, Client: client, Logger: a.log, MaxSentences: cfg.MaxSentences})
	sum := importCaptures(ctx, st, m, sources, f.source, caps)
	m.SaveSites(ctx)
	if sum.versions > 0 {
		// Indexed now, as a cycle's are, so that a reader which cannot
		// write the store (one opened read-only) finds them too.
		indexForSearch(ctx, a, st)
	}
	sum.other = other
	return sum.print(a)
}

// importFlags are what `redline import` was asked to read.
type importFlags struct {
	warc, wacz, wayback string
	from, to            time.Time // with wayback; zero: no bound
	source              string
	// configGiven: --config was named, so it is read even with --store.
	configGiven bool
}

// parseImportFlags parses import's command line into cf and the flags it
// returns, refusing a combination that names no single archive.
func parseImportFlags(a *app, cf *commonFlags, args []string) (importFlags, error) {
	fs := newFlagSet(a, "import", "", `Import what web archives already hold: every HTML 200 response of a WARC
(--warc FILE.warc[.gz]) or of the WARCs inside a WACZ (--wacz FILE.wacz), or
every distinct capture the Wayback Machine's CDX API lists for a URL
(--wayback URL, between --from and --to), becomes a version of its URL at its
capture time, oldest first, read, diffed and chained as a fetched page is.
A capture whose text did not change is skipped; so is one captured before the
article's latest stored version (the chain cannot take it in the middle), and
a record imported before. A WARC or WACZ is read through and checked before
anything is saved, so a malformed one imports nothing; each capture's body is
then read again as it is imported, so memory holds one body at a time, not
the archive. An archive changed between the two readings stops the import.`, cf, true)
	var f importFlags
	fs.StringVar(&f.warc, "warc", "", "import the WARC `FILE` (.warc or .warc.gz)")
	fs.StringVar(&f.wacz, "wacz", "", "import the WARCs of the WACZ `FILE`")
	fs.StringVar(&f.wayback, "wayback", "", "import the Wayback Machine's captures of `URL` (wayback.cdx_url)")
	from := fs.String("from", "", "with --wayback: captures at or after `TIME`: "+timeForms)
	to := fs.String("to", "", "with --wayback: captures at or before `TIME`")
	fs.StringVar(&f.source, "source", "import", "the source `NAME` of new articles; a configured source's extraction rules apply")
	if err := parseNoArgs(fs, args, ""); err != nil {
		return f, err
	}
	if countSet(f.warc, f.wacz, f.wayback) != 1 {
		return f, usagef("import needs one of --warc FILE, --wacz FILE or --wayback URL")
	}
	if (*from != "" || *to != "") && f.wayback == "" {
		return f, usagef("--from and --to select Wayback captures: give them with --wayback")
	}
	for _, b := range []struct {
		name, val string
		t         *time.Time
	}{{"--from", *from, &f.from}, {"--to", *to, &f.to}} {
		if b.val != "" {
			t, err := parseTimeFlag(b.val)
			if err != nil {
				return f, usagef("%s: %v", b.name, err)
			}
			*b.t = t
		}
	}
	fs.Visit(func(fl *flag.Flag) { f.configGiven = f.configGiven || fl.Name == "config" })
	return f, nil
}

// readCaptures reads the captures f names: those of a WARC or WACZ
// (closeArchive closes it once they are imported) or the Wayback
// Machine's, with how many other responses the archive held.
func readCaptures(ctx context.Context, a *app, cfg Config, client *fetch.Client, f importFlags) (caps []capture, other int, closeArchive func(), err error) {
	closeArchive = func() {}
	if f.wayback != "" {
		wb := cfg.Wayback
		if wb.CDXURL == "" {
			wb.CDXURL = defaultCDXURL
		}
		caps, other, err = waybackCaptures(ctx, a.log, client, wb, f.wayback, f.from, f.to)
		return caps, other, closeArchive, err
	}
	var ar *export.Archive
	if f.warc != "" {
		ar, err = export.OpenWARC(f.warc, cfg.MaxBodyBytes)
	} else {
		ar, err = export.OpenWACZ(f.wacz, cfg.MaxBodyBytes)
	}
	if err != nil {
		return nil, 0, closeArchive, err
	}
	// Read-only: closing it has nothing to report.
	closeArchive = func() { ar.Close() }
	if caps, other, err = scanArchive(ar); err != nil {
		closeArchive()
		return nil, 0, func() {}, err
	}
	return caps, other, closeArchive, nil
}

// print says what the import did, each error on stderr, and returns an
// error when a capture was not imported.
func (sum importSummary) print(a *app) error {
	for _, err := range sum.errs {
		fmt.Fprintf(a.stderr, "redline: import: %s\n", sanitize.Terminal(err.Error()))
	}
	fmt.Fprintf(a.stdout, "imported %s of %s, skipped %d unchanged, %s\n",
		plural.Count(sum.versions, "version"), plural.Count(len(sum.articles), "article"), sum.unchanged, plural.Count(len(sum.errs), "error"))
	if sum.older+sum.already+sum.other > 0 {
		fmt.Fprintf(a.stdout, "also skipped: %d captured before the article's latest version, %d imported before, %d not an HTML 200 response\n",
			sum.older, sum.already, sum.other)
	}
	a.log.Info("imported", "versions", sum.versions, "articles", len(sum.articles), "unchanged", sum.unchanged,
		"older", sum.older, "already", sum.already, "other", sum.other, "errors", len(sum.errs))
	if len(sum.errs) > 0 {
		return fmt.Errorf("import: %s not imported", plural.Count(len(sum.errs)+sum.stopped, "capture"))
	}
	return nil
}

// capture is one archived response of an article's URL: what an import
// keeps of it until it is imported, its body excepted.
type capture struct {
	url string // the article URL it is a version of, normalized
	at  time.Time
	imp snapshots.Import
	// read returns the response: read from the archive again, or the one
	// a Wayback Machine sent. An error wrapping export.ErrChanged stops
	// the import.
	read func() (*fetch.Response, error)
}

// importSummary counts what an import did.
type importSummary struct {
	versions  int
	articles  map[string]bool // with a version imported
	unchanged int             // text as the latest version's
	older     int             // captured before the latest version
	already   int             // record imported before
	other     int             // not an HTML 200 response
	errs      []error         // each naming its record or URL
	stopped   int             // not read after the error that stopped the import
}

// importCaptures ingests caps, URL by URL in byte order and each URL's
// captures oldest first (in archive order at equal times), through m. A
// new article is added under the source named newSource; each article is
// read as its source in sources says (zero rules for one not there).
func importCaptures(ctx context.Context, st snapshots.Store, m *monitor.Monitor, sources map[string]monitor.Source, newSource string, caps []capture) importSummary {
	sum := importSummary{articles: map[string]bool{}}
	slices.SortStableFunc(caps, func(x, y capture) int {
		if c := strings.Compare(x.url, y.url); c != 0 {
			return c
		}
		return x.at.Compare(y.at)
	})
	ir, _ := st.(snapshots.ImportReader) // both stores are; without it, records are not looked up
	var art snapshots.Article
	for i, c := range caps {
		if ctx.Err() != nil {
			sum.errs = append(sum.errs, fmt.Errorf("%s: record %s: %w", c.url, c.imp.Record, ctx.Err()))
			continue
		}
		if ir != nil {
			done, err := ir.Imported(ctx, c.imp.Record)
			if err != nil {
				sum.errs = append(sum.errs, err)
				continue
			}
			if done {
				sum.already++
				continue
			}
		}
		resp, err := c.read()
		if errors.Is(err, export.ErrChanged) {
			// What is left is not what was checked: none of it is read.
			sum.errs = append(sum.errs, fmt.Errorf("%w; import stopped, %s not imported", err, plural.Count(len(caps)-i, "capture")))
			sum.stopped = len(caps) - i - 1
			break
		}
		if err != nil {
			sum.errs = append(sum.errs, err)
			continue
		}
		if art.URL != c.url {
			art, err = st.AddArticle(ctx, snapshots.Article{URL: c.url, Source: newSource, FirstSeen: c.at})
			if err != nil {
				sum.errs = append(sum.errs, fmt.Errorf("record %s: %w", c.imp.Record, err))
				continue
			}
		}
		src, ok := sources[art.Source]
		if !ok {
			src = monitor.Source{Name: art.Source}
		}
		r := m.Ingest(ctx, src, art, monitor.Capture{At: c.at, Response: resp, Import: c.imp})
		switch {
		case errors.Is(r.Err, monitor.ErrBeforeLatest):
			sum.older++
		case r.Err != nil:
			sum.errs = append(sum.errs, r.Err)
		case r.Check.Outcome == snapshots.OutcomeUnchanged:
			sum.unchanged++
		default:
			sum.versions++
			sum.articles[c.url] = true
		}
	}
	return sum
}

// scanArchive reads ar through and returns the captures its HTML 200
// responses hold, without their bodies, and how many other responses it
// has.
func scanArchive(ar *export.Archive) ([]capture, int, error) {
	var (
		caps    []capture
		notPage int
	)
	err := ar.Scan(func(warc string, ref export.Ref, resp export.Response) error {
		if resp.Status != http.StatusOK || !isHTML(resp.Header.Get("Content-Type"), resp.Body) {
			notPage++
			return nil
		}
		u, err := monitor.NormalizeURL(resp.TargetURI)
		if err != nil || !strings.HasPrefix(u, "http") {
			return fmt.Errorf("%s: WARC-Target-URI %q is not an http(s) URL", resp.RecordID, resp.TargetURI)
		}
		caps = append(caps, capture{url: u, at: resp.Date, imp: snapshots.Import{Archive: warc, Record: resp.RecordID},
			read: func() (*fetch.Response, error) {
				r, err := ar.Read(ref)
				if err != nil {
					return nil, err
				}
				return &fetch.Response{Status: r.Status, FinalURL: u, Header: r.Header, Body: r.Body, SHA256: r.SHA256}, nil
			}})
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return caps, notPage, nil
}

// isHTML reports whether a response of this Content-Type (and, when it
// has none, these bytes) is an HTML page.
func isHTML(contentType string, body []byte) bool {
	if contentType == "" {
		contentType = http.DetectContentType(body)
	}
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "text/html" || mt == "application/xhtml+xml")
}

// cdxTime is the layout of CDX timestamps and of --from and --to in CDX
// queries.
const cdxTime = "20060102150405"

// waybackCaptures lists the captures of pageURL from wb's CDX API,
// between from and to (zero: no bound), one per distinct digest, and
// fetches each one's archived body (the id_ URL) through client. It
// returns them with how many listed captures were not HTML 200 responses.
// Nothing is returned unless every capture was fetched and matches its
// listed digest: an archive that lies is not half imported. A capture the
// archive sends gzip-encoded is the exception: its digest is of the gzip,
// which the transport undid, so it is logged as not checked.
func waybackCaptures(ctx context.Context, log *slog.Logger, client *fetch.Client, wb Wayback, pageURL string, from, to time.Time) ([]capture, int, error) {
	article, err := monitor.NormalizeURL(pageURL)
	if err != nil {
		return nil, 0, err
	}
	base, err := url.Parse(wb.CDXURL)
	if err != nil {
		return nil, 0, fmt.Errorf("wayback.cdx_url %q: %w", wb.CDXURL, err)
	}
	q := base.Query()
	q.Set("url", pageURL)
	q.Set("output", "json")
	q.Set("fl", "timestamp,original,digest,statuscode,mimetype")
	q.Set("collapse", "digest")
	if !from.IsZero() {
		q.Set("from", from.UTC().Format(cdxTime))
	}
	if !to.IsZero() {
		q.Set("to", to.UTC().Format(cdxTime))
	}
	list := *base
	list.RawQuery = q.Encode()
	resp, err := client.Get(ctx, fetch.Request{URL: list.String(), AllowPrivate: wb.AllowPrivate})
	if err != nil {
		return nil, 0, fmt.Errorf("wayback: list captures: %w", err)
	}
	rows, err := parseCDX(resp.Body)
	if err != nil {
		return nil, 0, fmt.Errorf("wayback: CDX answer of %s: %w", list.String(), err)
	}
	var (
		caps  []capture
		other int
		seen  = map[string]bool{}
	)
	for _, r := range rows {
		if r.status != "200" || !isHTML(r.mimetype, nil) {
			other++
			continue
		}
		if seen[r.digest] {
			continue // the same bytes again: collapse=digest, where the API did not
		}
		seen[r.digest] = true
		// The id_ URL serves the capture's bytes as archived, not the
		// replay with the Wayback Machine's toolbar and rewritten links.
		replay := base.Scheme + "://" + base.Host + "/web/" + r.timestamp + "id_/" + r.original
		got, err := client.Get(ctx, fetch.Request{URL: replay, AllowPrivate: wb.AllowPrivate})
		if err != nil {
			return nil, 0, fmt.Errorf("wayback: capture %s: %w", replay, err)
		}
		sum := sha1.Sum(got.Body)
		if d := base32.StdEncoding.EncodeToString(sum[:]); d != strings.TrimPrefix(r.digest, "sha1:") {
			if !got.Decoded {
				return nil, 0, fmt.Errorf("wayback: capture %s: body's digest is %s, the CDX API listed %s", replay, d, r.digest)
			}
			// The archive's digest is of the bytes it stored, which for a
			// page served compressed are the gzip the transport undid:
			// there is nothing to check them against.
			log.Warn("wayback: capture sent compressed; its listed digest cannot be checked", "capture", replay, "digest", r.digest)
		}
		// The capture is of the article, whichever URL variant the
		// archive filed it under. Its body is kept: the Wayback Machine
		// is not asked for it twice.
		resp := &fetch.Response{Status: http.StatusOK, FinalURL: article, Header: got.Header.Clone(), Body: got.Body, SHA256: got.SHA256}
		caps = append(caps, capture{url: article, at: r.at, imp: snapshots.Import{Archive: wb.CDXURL, Record: replay},
			read: func() (*fetch.Response, error) { return resp, nil }})
	}
	return caps, other, nil
}

// cdxRow is one capture a CDX API listed.
type cdxRow struct {
	timestamp, original, digest, status, mimetype string
	at                                            time.Time
}

// parseCDX reads a CDX API's JSON answer: an array of rows of strings, the
// first naming the fields. An empty answer lists no captures.
func parseCDX(body []byte) ([]cdxRow, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, nil
	}
	var rows [][]string
	if err := json.Unmarshal(body, &rows); err != nil {
		return nil, fmt.Errorf("not JSON rows of strings: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	for _, f := range []string{"timestamp", "original", "digest", "statuscode", "mimetype"} {
		if _, ok := col[f]; !ok {
			return nil, fmt.Errorf("no field %q in the header row %q", f, rows[0])
		}
	}
	out := make([]cdxRow, 0, len(rows)-1)
	for i, r := range rows[1:] {
		if len(r) != len(rows[0]) {
			return nil, fmt.Errorf("row %d: %d fields, the header names %d", i+1, len(r), len(rows[0]))
		}
		c := cdxRow{timestamp: r[col["timestamp"]], original: r[col["original"]], digest: r[col["digest"]],
			status: r[col["statuscode"]], mimetype: r[col["mimetype"]]}
		at, err := time.ParseInLocation(cdxTime, c.timestamp, time.UTC)
		if err != nil {
			return nil, fmt.Errorf("row %d: timestamp %q is not yyyyMMddhhmmss", i+1, c.timestamp)
		}
		c.at = at
		if _, err := checkURL(c.original); err != nil {
			return nil, fmt.Errorf("row %d: original: %w", i+1, err)
		}
		if c.digest == "" {
			return nil, fmt.Errorf("row %d: no digest", i+1)
		}
		out = append(out, c)
	}
	return out, nil
}

// importsOf returns the provenance of art's imported versions, none when
// the store keeps none.
func importsOf(ctx context.Context, st snapshots.Store, art snapshots.Article) (map[int]snapshots.Import, error) {
	ir, ok := st.(snapshots.ImportReader)
	if !ok {
		return nil, nil
	}
	imps, err := ir.Imports(ctx, art.ID)
	if err != nil {
		return nil, fmt.Errorf("imports of %s: %w", sanitize.Line(art.URL), err)
	}
	return imps, nil
}
