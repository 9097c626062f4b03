package notify

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha1"
	"encoding/xml"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/redline-news/redline/report"
)

// atom keeps an Atom 1.0 file of changes, newest first, capped at max
// entries. Each entry is one item (one article from one version to
// another); sending the same item again replaces its entry.
type atom struct {
	name string
	path string
	max  int
	now  func() time.Time

	mu sync.Mutex // one read-modify-write of the file at a time
}

type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID        string      `xml:"id"`
	Title     string      `xml:"title"`
	Updated   string      `xml:"updated"`
	Author    atomPerson  `xml:"author"`
	Generator string      `xml:"generator,omitempty"`
	Entries   []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Updated    string         `xml:"updated"`
	Links      []atomLink     `xml:"link"`
	Author     *atomPerson    `xml:"author,omitempty"`
	Categories []atomCategory `xml:"category"`
	Summary    string         `xml:"summary,omitempty"`
	Content    *atomContent   `xml:"content,omitempty"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomContent struct {
	Type string `xml:"type,attr,omitempty"`
	Body string `xml:",chardata"`
}

// atomTime is RFC 3339 in UTC to the second: fixed width, so entries with
// the same instant compare equal as text.
const atomTime = "2006-01-02T15:04:05Z"

func (a *atom) send(ctx context.Context, d Digest, _ string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := a.update(d); err != nil {
		// A file error will not mend within seconds; the next cycle
		// retries it.
		return permanent(fmt.Errorf("atom %s: %w", a.path, err))
	}
	return nil
}

func (a *atom) update(d Digest) error {
	feed, err := a.read()
	if err != nil {
		return err
	}
	byID := map[string]int{}
	for i, e := range feed.Entries {
		byID[e.ID] = i
	}
	for _, it := range d.Items {
		e, err := a.entry(it, d.Generated)
		if err != nil {
			return err
		}
		if i, ok := byID[e.ID]; ok {
			feed.Entries[i] = e
			continue
		}
		byID[e.ID] = len(feed.Entries)
		feed.Entries = append(feed.Entries, e)
	}
	slices.SortStableFunc(feed.Entries, func(x, y atomEntry) int {
		return cmp.Or(strings.Compare(y.Updated, x.Updated), strings.Compare(x.ID, y.ID))
	})
	if len(feed.Entries) > a.max {
		feed.Entries = feed.Entries[:a.max]
	}
	feed.ID = uuidURN("redline atom feed\x00" + a.name)
	feed.Title = "redline: " + a.name
	feed.Author = atomPerson{Name: "redline"}
	feed.Generator = "redline"
	feed.Updated = a.now().UTC().Format(atomTime)
	if len(feed.Entries) > 0 {
		feed.Updated = max(feed.Updated, feed.Entries[0].Updated)
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(feed); err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	b.WriteByte('\n')
	return writeAtomically(a.path, b.Bytes())
}

// read returns the feed in the file, or an empty one if there is none. A
// file that is not an Atom feed is an error: it is not ours to replace.
func (a *atom) read() (atomFeed, error) {
	data, err := os.ReadFile(a.path)
	if errors.Is(err, fs.ErrNotExist) {
		return atomFeed{}, nil
	}
	if err != nil {
		return atomFeed{}, err
	}
	var f atomFeed
	if err := xml.Unmarshal(data, &f); err != nil {
		return atomFeed{}, fmt.Errorf("existing file is not an Atom feed, not replacing it: %w", err)
	}
	return f, nil
}

// entry is one item as an Atom entry. Its id depends only on the article
// URL and the versions, so the same change always has the same id.
func (a *atom) entry(it report.Item, generated time.Time) (atomEntry, error) {
	at := it.At
	if at.IsZero() {
		at = generated
	}
	var text bytes.Buffer
	if err := report.Render(&text, report.Text, report.Report{Items: []report.Item{it}}, report.Options{}); err != nil {
		return atomEntry{}, err
	}
	e := atomEntry{
		ID:      uuidURN(fmt.Sprintf("redline change\x00%s\x00%d\x00%d", it.URL, it.FromVersion, it.ToVersion)),
		Title:   fmt.Sprintf("[%s] %s (v%d → v%d)", severity(it), title(it), it.FromVersion, it.ToVersion),
		Updated: at.UTC().Format(atomTime),
		Summary: strings.Join(kinds(it), ", "),
		Content: &atomContent{Type: "text", Body: text.String()},
	}
	if u, err := url.Parse(it.URL); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		e.Links = []atomLink{{Rel: "alternate", Href: u.String()}}
	}
	if src := plain(it.Source, 200); src != "" {
		e.Author = &atomPerson{Name: src}
	}
	for _, k := range kinds(it) {
		e.Categories = append(e.Categories, atomCategory{Term: k})
	}
	return e, nil
}

// writeAtomically replaces path with data through a temporary file in the
// same directory and a rename, so a reader (a web server, a feed reader)
// sees the old file or the new one, never half of one.
func writeAtomically(path string, data []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()           // Already failed; its error adds nothing.
			os.Remove(f.Name()) // Best effort: a stray temp file is harmless.
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	// Sync before rename, or a crash can leave the new name on empty data.
	if err = f.Sync(); err != nil {
		return err
	}
	// CreateTemp makes the file 0600; a feed is meant to be served.
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// uuidURN returns a name-based (version 5) UUID URN for name in the URL
// namespace: a valid, stable Atom id without owning a domain for tag: URIs.
func uuidURN(name string) string {
	ns := [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
