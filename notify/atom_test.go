package notify_test

import (
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/notify"
	"github.com/redline-news/redline/snapshots"
)

// feed is what a reader parses out of the Atom file.
type feed struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Author  string   `xml:"author>name"`
	Entries []entry  `xml:"entry"`
}

type entry struct {
	ID      string `xml:"id"`
	Title   string `xml:"title"`
	Updated string `xml:"updated"`
	Link    []struct {
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Categories []struct {
		Term string `xml:"term,attr"`
	} `xml:"category"`
	Content struct {
		Type string `xml:"type,attr"`
		Body string `xml:",chardata"`
	} `xml:"content"`
}

func readFeed(t *testing.T, path string) feed {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f feed
	dec := xml.NewDecoder(strings.NewReader(string(b)))
	dec.Strict = true
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("feed is not valid XML: %v\n%s", err, b)
	}
	return f
}

// onlyEntry is the one entry of the feed file at path.
func onlyEntry(t *testing.T, path string) entry {
	t.Helper()
	f := readFeed(t, path)
	if len(f.Entries) != 1 {
		t.Fatalf("entries = %d, want 1", len(f.Entries))
	}
	return f.Entries[0]
}

func atomDispatcher(t *testing.T, path string, max int, st snapshots.DeliveryStore) *notify.Dispatcher {
	t.Helper()
	opts := notify.Options{Logger: discard(), Now: func() time.Time { return t0 }, Store: st}
	d, err := notify.New([]notify.Config{{Name: "feed", Kind: notify.KindAtom, AtomPath: path, MaxEntries: max}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// at returns an item of article n seen h hours after t0.
func at(n, h int) notify.Digest {
	it := item(fmt.Sprintf("https://news.example/%d", n), "example", fmt.Sprintf("Story %d", n), diffing.SeverityMedium, diffing.SentenceChanged)
	it.At = t0.Add(time.Duration(h) * time.Hour)
	return digest(it)
}

func TestAtom_NewestFirstCappedStable(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "changes.xml")
	d := atomDispatcher(t, path, 3, nil)
	ctx := t.Context()
	for i, dg := range []notify.Digest{at(1, 1), at(2, 3), at(3, 2)} {
		if err := d.Send(ctx, dg); err != nil {
			t.Fatalf("Send #%d: %v", i, err)
		}
	}
	f := readFeed(t, path)
	var titles []string
	for _, e := range f.Entries {
		titles = append(titles, e.Title)
	}
	if got, want := strings.Join(titles, " | "), "[medium] Story 2 (v1 → v2) | [medium] Story 3 (v1 → v2) | [medium] Story 1 (v1 → v2)"; got != want {
		t.Errorf("titles = %s\nwant %s", got, want)
	}
	uuid := regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	for _, id := range []string{f.ID, f.Entries[0].ID} {
		if !uuid.MatchString(id) {
			t.Errorf("id %q is not a version 5 urn:uuid", id)
		}
	}
	if f.Updated != "2025-03-14T12:30:00Z" || f.Author != "redline" {
		t.Errorf("feed updated %q, author %q; want the newest entry's time and an author", f.Updated, f.Author)
	}
	e := f.Entries[0]
	if e.Updated != "2025-03-14T12:30:00Z" || len(e.Link) != 1 || e.Link[0].Href != "https://news.example/2" ||
		len(e.Categories) != 1 || e.Categories[0].Term != "sentence_changed" ||
		e.Content.Type != "text" || !strings.Contains(e.Content.Body, "90 percent") {
		t.Errorf("entry = %+v", e)
	}
	story1 := f.Entries[2].ID

	// The same change again keeps its id and does not add an entry; a
	// fourth article pushes the oldest out.
	if err := d.Send(ctx, at(1, 1)); err != nil {
		t.Fatal(err)
	}
	if f = readFeed(t, path); len(f.Entries) != 3 || f.Entries[2].ID != story1 {
		t.Errorf("resend: %d entries, last id %s; want 3, %s", len(f.Entries), f.Entries[2].ID, story1)
	}
	if err := d.Send(ctx, at(4, 4)); err != nil {
		t.Fatal(err)
	}
	f = readFeed(t, path)
	if len(f.Entries) != 3 || f.Entries[0].Title != "[medium] Story 4 (v1 → v2)" || f.Entries[2].Title != "[medium] Story 3 (v1 → v2)" {
		t.Errorf("after a fourth: %d entries, %q … %q; want 3, Story 4 … Story 3", len(f.Entries), f.Entries[0].Title, f.Entries[2].Title)
	}
	if names, _ := filepath.Glob(filepath.Join(dir, ".*")); len(names) != 0 {
		t.Errorf("temporary files left behind: %v", names)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("feed mode = %v, %v; want 0644", fi.Mode(), err)
	}
}

func TestAtom_HostileTitleStaysValidXML(t *testing.T) {
	path := filepath.Join(t.TempDir(), "changes.xml")
	d := atomDispatcher(t, path, 0, nil)
	it := item(`https://news.example/a?x="><script>`, "<b>wire</b> & co\x00", hostile, diffing.SeverityHigh, diffing.QuoteChanged)
	it.Changes.Changes[0].After = "Ends here ]]> \x01\x02 </content><entry>"
	if err := d.Send(t.Context(), digest(it)); err != nil {
		t.Fatal(err)
	}
	e := onlyEntry(t, path)
	if !strings.Contains(e.Title, "<script>alert(1)</script> & <!channel>") || strings.ContainsAny(e.Title, "\r\n\x00\x1b") {
		t.Errorf("title = %q, want the scraped text as text, controls removed", e.Title)
	}
	if !strings.Contains(e.Content.Body, "</content><entry>") {
		t.Errorf("content lost the text it should show: %q", e.Content.Body)
	}
}

func TestAtom_RefusesToReplaceOtherFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index.html")
	if err := os.WriteFile(path, []byte("<html>not a feed</html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	st := openStore(t)
	d := atomDispatcher(t, path, 0, st)
	if err := d.Send(t.Context(), at(1, 1)); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "<html>not a feed</html>" {
		t.Errorf("file replaced: %s", b)
	}
	ds := deliveries(t, st)
	if len(ds) != 1 || ds[0].Status != snapshots.DeliveryPending || !strings.Contains(ds[0].Error, "not an Atom feed") || !strings.Contains(ds[0].Error, path) {
		t.Errorf("delivery = %+v, want pending with a reason naming the file", ds)
	}
}

// A config names the feed file, not its directory: the first delivery
// into reports/feeds/ must make the directories, not wait for a user to.
func TestAtom_FirstDeliveryCreatesDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "reports", "feeds", "changes.atom")
	st := openStore(t)
	d := atomDispatcher(t, path, 0, st)
	if err := d.Send(t.Context(), at(1, 1)); err != nil {
		t.Fatal(err)
	}
	ds := deliveries(t, st)
	if len(ds) != 1 {
		t.Fatalf("%d deliveries, want 1", len(ds))
	}
	if ds[0].Status != snapshots.DeliverySent {
		t.Fatalf("delivery %s (%s), want sent on the first try", ds[0].Status, ds[0].Error)
	}
	if f := readFeed(t, path); len(f.Entries) != 1 {
		t.Errorf("feed has %d entries, want 1", len(f.Entries))
	}
}
