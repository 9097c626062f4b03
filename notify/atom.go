package notify

import (
	"bytes"
	"cmp"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/redline-news/redline/internal/atomicfile"
	"github.com/redline-news/redline/report"
)

// atom keeps an Atom 1.0 file of changes, newest first, capped at max
// entries. Each entry is one item (one article from one version to
// another) or one failed check; sending the same again replaces its entry.
type atom struct {
	name string
	path string
	max  int
	now  func() time.Time

	mu sync.Mutex // one read-modify-write of the file at a time
}

func (a *atom) send(ctx context.Context, d Digest, _ string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := a.update(d); err != nil {
		// A file error will not mend within seconds; the next cycle
		// retries it.
		return permanent(err)
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
		e, err := report.AtomEntryOf(it, d.Generated)
		if err != nil {
			return fmt.Errorf("entry for %s: %w", it.URL, err)
		}
		if i, ok := byID[e.ID]; ok {
			feed.Entries[i] = e
			continue
		}
		byID[e.ID] = len(feed.Entries)
		feed.Entries = append(feed.Entries, e)
	}
	for _, ev := range d.Events {
		e := report.AtomEventEntryOf(ev, d.Generated)
		if i, ok := byID[e.ID]; ok {
			feed.Entries[i] = e
			continue
		}
		byID[e.ID] = len(feed.Entries)
		feed.Entries = append(feed.Entries, e)
	}
	slices.SortStableFunc(feed.Entries, func(x, y report.AtomEntry) int {
		return cmp.Or(strings.Compare(y.Updated, x.Updated), strings.Compare(x.ID, y.ID))
	})
	if len(feed.Entries) > a.max {
		feed.Entries = feed.Entries[:a.max]
	}
	feed.ID = report.UUIDURN("redline atom feed\x00" + a.name)
	feed.Title = "redline: " + a.name
	feed.Author = report.AtomPerson{Name: "redline"}
	feed.Generator = "redline"
	feed.Updated = a.now().UTC().Format(report.AtomTime)
	if len(feed.Entries) > 0 {
		feed.Updated = max(feed.Updated, feed.Entries[0].Updated)
	}
	var b bytes.Buffer
	if err := feed.Encode(&b); err != nil {
		return err
	}
	// Atomic, so a reader (a web server, a feed reader) sees the old feed
	// or the new one, never half of one.
	return atomicfile.WriteFile(a.path, b.Bytes())
}

// read returns the feed in the file, or an empty one if there is none. A
// file that is not an Atom feed is an error: it is not ours to replace.
func (a *atom) read() (report.AtomFeed, error) {
	data, err := os.ReadFile(a.path)
	if errors.Is(err, fs.ErrNotExist) {
		return report.AtomFeed{}, nil
	}
	if err != nil {
		return report.AtomFeed{}, err
	}
	var f report.AtomFeed
	if err := xml.Unmarshal(data, &f); err != nil {
		return report.AtomFeed{}, fmt.Errorf("read %s: existing file is not an Atom feed, not replacing it: %w", a.path, err)
	}
	return f, nil
}
