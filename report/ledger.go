package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/internal/plural"
	"github.com/redline-news/redline/internal/sanitize"
)

// Ledger is the claim ledger of one article (diffing.BuildLedger) with
// what a reader needs to place it.
type Ledger struct {
	URL      string          `json:"url"`
	Source   string          `json:"source,omitempty"`
	Title    string          `json:"title"`
	Versions int             `json:"versions"`
	Ledger   *diffing.Ledger `json:"ledger"`
}

// RenderLedger writes the ledger as text, markdown or json. Scraped text
// is cleaned of terminal controls (text) or escaped (markdown).
func RenderLedger(w io.Writer, f Format, l Ledger) error {
	var b bytes.Buffer
	switch f {
	case JSON:
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		if err := enc.Encode(l); err != nil {
			return err
		}
	case Text:
		ledgerDoc(&b, l, sanitize.Line, "", "")
	case Markdown:
		ledgerDoc(&b, l, func(s string) string { return mdEscape(sanitize.Line(s)) }, "## ", "- ")
	default:
		return fmt.Errorf("claim ledger: format %q: %w (want text, markdown or json)", f, ErrUnknownFormat)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// ledgerDoc writes the text and markdown forms, which differ only in how
// text is made safe and in the heading and item marks.
func ledgerDoc(b *bytes.Buffer, l Ledger, clean func(string) string, head, item string) {
	quotes, figures := 0, 0
	for _, x := range l.Ledger.Lines {
		if x.Type == diffing.ClaimQuote {
			quotes++
		} else {
			figures++
		}
	}
	if head != "" {
		fmt.Fprintf(b, "# Claim ledger: %s\n\n", clean(l.Title))
	} else {
		fmt.Fprintf(b, "Claim ledger: %s\n", clean(l.Title))
	}
	fmt.Fprintf(b, "%s\n", clean(l.URL))
	if head != "" {
		b.WriteString("\n") // a paragraph of its own in Markdown
	}
	if l.Source != "" {
		fmt.Fprintf(b, "source %s · ", clean(l.Source))
	}
	fmt.Fprintf(b, "%s · %s, %s\n", plural.Count(l.Versions, "version"), plural.Count(quotes, "quotation"), plural.Count(figures, "figure"))
	for _, x := range l.Ledger.Lines {
		fmt.Fprintf(b, "\n%s%s\n", head, ledgerHeading(x, clean))
		if head != "" {
			b.WriteString("\n")
		}
		for _, e := range x.Events {
			fmt.Fprintf(b, "%s%s\n", itemOr(item, "  "), ledgerEvent(x.Type, e, clean))
		}
		if head == "" && x.Context != "" {
			fmt.Fprintf(b, "  first seen in: %s\n", clean(x.Context))
		} else if x.Context != "" {
			fmt.Fprintf(b, "\nFirst seen in: %s\n", clean(x.Context))
		}
	}
}

func itemOr(item, def string) string {
	if item != "" {
		return item
	}
	return def
}

// ledgerHeading names a line: its type, its words now, its speaker, and
// its fate (present, removed, back).
func ledgerHeading(x diffing.LedgerLine, clean func(string) string) string {
	var s strings.Builder
	if x.Type == diffing.ClaimQuote {
		fmt.Fprintf(&s, "QUOTE “%s”", clean(x.Current))
		if x.SpeakerNow != "" {
			fmt.Fprintf(&s, " (%s)", clean(x.SpeakerNow))
		}
	} else {
		fmt.Fprintf(&s, "FIGURE %s", clean(x.Current))
	}
	fate := "present"
	if !x.Present {
		fate = "removed"
	}
	if x.Returned {
		fate += ", came back"
	}
	changes := 0
	for _, e := range x.Events {
		if e.Event == "changed" {
			changes++
		}
	}
	fmt.Fprintf(&s, " · first in version %d · %s · %s", x.First, plural.Count(changes, "change"), fate)
	return s.String()
}

// ledgerEvent writes one event: its version and time, then what happened.
func ledgerEvent(t diffing.ClaimType, e diffing.LedgerEvent, clean func(string) string) string {
	var s strings.Builder
	fmt.Fprintf(&s, "version %d, %s: %s", e.Version, e.Time.UTC().Format(time.DateTime+" UTC"), e.Event)
	if len(e.Kinds) > 0 {
		ks := make([]string, len(e.Kinds))
		for i, k := range e.Kinds {
			ks[i] = string(k)
		}
		fmt.Fprintf(&s, " (%s)", strings.Join(ks, ", "))
	}
	switch {
	case e.Event == "changed" && e.Before != e.After:
		fmt.Fprintf(&s, ": “%s” → “%s”", clean(e.Before), clean(e.After))
	case e.Event == "removed":
		fmt.Fprintf(&s, ": “%s”", clean(e.Before))
	case e.After != "" && e.Event != "changed":
		fmt.Fprintf(&s, ": “%s”", clean(e.After))
	}
	if t != diffing.ClaimQuote {
		return s.String()
	}
	switch {
	case e.SpeakerBefore != "" && e.SpeakerAfter != "" && e.SpeakerBefore != e.SpeakerAfter:
		fmt.Fprintf(&s, "; speaker %s → %s", clean(e.SpeakerBefore), clean(e.SpeakerAfter))
	case e.SpeakerAfter != "":
		fmt.Fprintf(&s, "; speaker %s", clean(e.SpeakerAfter))
	case e.SpeakerBefore != "":
		fmt.Fprintf(&s, "; speaker %s", clean(e.SpeakerBefore))
	}
	return s.String()
}
