package diffing

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"
)

// The helpers in this file are exported so that the tests of package
// diffing_test use the same ones.

// SeedArticle returns testdata/seed-article.txt as written: its first line
// is the title, each other line a paragraph.
func SeedArticle(tb testing.TB) string {
	tb.Helper()
	b, err := os.ReadFile("testdata/seed-article.txt")
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// AddSeeds adds each seed to the corpus of a fuzz target of one string.
func AddSeeds(f *testing.F, seeds ...string) {
	f.Helper()
	for _, s := range seeds {
		f.Add(s)
	}
}

// RebuildOps concatenates the equal and delete runs of ops, and the equal
// and insert runs: the old and the new text the ops were made from.
func RebuildOps(ops []Op) (before, after string) {
	var b, a strings.Builder
	for _, op := range ops {
		if op.Op != OpInsert {
			b.WriteString(op.Text)
		}
		if op.Op != OpDelete {
			a.WriteString(op.Text)
		}
	}
	return b.String(), a.String()
}

// CheckInvariants checks what holds for every comparison: the diff of a
// version with itself is empty, the JSON is valid and the same on a second
// run, and each change's ops rebuild its Before and After.
func CheckInvariants(t *testing.T, old, cur Document) *ChangeSet {
	t.Helper()
	for _, d := range []Document{old, cur} {
		if cs := Compare(d, d); !cs.Empty() {
			t.Fatalf("Compare(d, d): %d changes, first %+v", len(cs.Changes), cs.Changes[0])
		}
	}
	cs := Compare(old, cur)
	j1 := mustJSON(t, cs)
	if j2 := mustJSON(t, Compare(old, cur)); !bytes.Equal(j1, j2) {
		t.Fatalf("Compare is not deterministic")
	}
	for _, c := range cs.Changes {
		if len(c.Ops) == 0 || c.Has(SentenceMoved) {
			continue
		}
		if b, a := RebuildOps(c.Ops); b != c.Before || a != c.After {
			t.Fatalf("change %v at %d.%d: ops rebuild %.80q / %.80q, want %.80q / %.80q",
				c.Kinds, c.Paragraph, c.Sentence, b, a, c.Before, c.After)
		}
	}
	return cs
}

// OneChange fails unless cs holds exactly one change, and returns it.
func OneChange(t *testing.T, cs *ChangeSet) Change {
	t.Helper()
	if len(cs.Changes) != 1 {
		for _, c := range cs.Changes {
			t.Logf("  %v %.100q → %.100q", c.Kinds, c.Before, c.After)
		}
		t.Fatalf("%d changes, want exactly 1", len(cs.Changes))
	}
	return cs.Changes[0]
}

// DocumentOf builds a document from fuzz input: the first line is the
// title, the other lines are paragraphs.
func DocumentOf(s string) Document {
	title, body, _ := strings.Cut(s, "\n")
	d := Document{Title: title}
	if body != "" {
		d.Paragraphs = strings.Split(body, "\n")
	}
	return d
}

// ListCase is a sentence and the list a finder (Figures, Negations,
// Sources…) must return for it, in order; nil for none.
type ListCase struct {
	In   string
	Want []string
}

// CheckLists fails for each case whose find(In) differs from Want; name is
// find's name in the messages.
func CheckLists(t *testing.T, name string, find func(string) []string, cases []ListCase) {
	t.Helper()
	for _, tc := range cases {
		if got := find(tc.In); !slices.Equal(got, tc.Want) {
			t.Errorf("%s(%q) = %q, want %q", name, tc.In, got, tc.Want)
		}
	}
}
