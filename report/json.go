package report

import (
	"bytes"
	"fmt"
	"time"

	"github.com/redline-news/redline/diffing"
)

// jsonReport is the JSON format. Its field names are a stable contract.
type jsonReport struct {
	Generated string     `json:"generated"`
	Items     []jsonItem `json:"items"`
	// Events are the failed checks, left out when there are none, so a
	// report without them reads as it always did.
	Events []jsonEvent `json:"events,omitempty"`
	// Omitted is Report.Omitted, left out when zero.
	Omitted int `json:"omitted_changes,omitempty"`
	// OmittedEvents is Report.OmittedEvents, left out when zero.
	OmittedEvents int `json:"omitted_events,omitempty"`
}

// jsonEvent is one failed check. Event is the stable name ("gone",
// "extraction collapsed"), Reason the sentence for a person.
type jsonEvent struct {
	URL    string `json:"url"`
	Source string `json:"source"`
	Title  string `json:"title"`
	Event  string `json:"event"`
	Reason string `json:"reason"`
	At     string `json:"at"`
}

type jsonItem struct {
	URL         string `json:"url"`
	Source      string `json:"source"`
	Title       string `json:"title"`
	FromVersion int    `json:"from_version"`
	ToVersion   int    `json:"to_version"`
	At          string `json:"at"`
	// Reread (left out when false) marks a version read afresh from
	// another part of the page: Note says so, and the changes are the
	// reading's as much as the publisher's. Reading names the new part.
	Reread  bool   `json:"reread,omitempty"`
	Reading string `json:"reading,omitempty"`
	Note    string `json:"note,omitempty"`
	// Wayback and WaybackDiff (left out when none) are the Wayback
	// Machine's capture of the new version and its diff with the old.
	Wayback     string             `json:"wayback,omitempty"`
	WaybackDiff string             `json:"wayback_diff,omitempty"`
	Changes     *diffing.ChangeSet `json:"changes"`
}

// renderJSON writes the JSON format: items in the same order as the other
// formats, each change set exactly as diffing marshals it, written by
// WriteJSON.
func renderJSON(b *bytes.Buffer, r Report) error {
	out := jsonReport{Generated: r.Generated.UTC().Format(time.RFC3339), Items: []jsonItem{}, Omitted: r.Omitted}
	for _, a := range groupArticles(r.Items) {
		for _, it := range a.items {
			ji := jsonItem{
				URL:         it.URL,
				Source:      it.Source,
				Title:       it.Title,
				FromVersion: it.FromVersion,
				ToVersion:   it.ToVersion,
				At:          it.At.UTC().Format(time.RFC3339),
				Changes:     it.Changes,
			}
			if it.Reread {
				ji.Reread, ji.Reading, ji.Note = true, it.Reading, RereadSentence
			}
			ji.Wayback, ji.WaybackDiff = waybackLinks(it)
			out.Items = append(out.Items, ji)
		}
	}
	out.OmittedEvents = r.OmittedEvents
	for _, e := range sortedEvents(r.Events) {
		out.Events = append(out.Events, jsonEvent{
			URL:    e.URL,
			Source: e.Source,
			Title:  e.Title,
			Event:  e.Event,
			Reason: e.Reason,
			At:     e.At.UTC().Format(time.RFC3339),
		})
	}
	if err := WriteJSON(b, out); err != nil {
		return fmt.Errorf("json report: %w", err)
	}
	return nil
}
