package notify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/redline-news/redline/report"
)

// TestPayload_Events: a stored digest keeps its events, and a payload
// stored before events existed (version 1) still decodes.
func TestPayload_Events(t *testing.T) {
	at := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	d := Digest{Generated: at, Items: []report.Item{}, Events: []report.Event{
		{URL: "https://news.example/a", Source: "a", Title: "Levee vote", Event: "gone", Reason: "gone: 410", At: at},
	}}
	roundTrip(t, d)

	old := `{"v":1,"generated":"2025-03-14T09:30:00Z","items":[{"url":"https://news.example/b","source":"b","title":"Old",` +
		`"from_version":1,"to_version":2,"at":"2025-03-14T09:00:00Z","changes":null}]}`
	back, err := decodeDigest([]byte(old))
	if err != nil {
		t.Fatalf("version 1 payload: %v", err)
	}
	if len(back.Items) != 1 || back.Items[0].Title != "Old" || len(back.Events) != 0 {
		t.Errorf("version 1 payload decoded to %+v", back)
	}
	if _, err := decodeDigest([]byte(`{"v":3}`)); err == nil {
		t.Error("a payload from a newer program decoded")
	}
	// Without events the payload has no "events" key, as version 1 had.
	b, _ := encodeDigest(Digest{Generated: at})
	if bytes.Contains(b, []byte(`"events"`)) {
		t.Errorf("payload without events = %s", b)
	}
}

// TestFit_Events: events count towards a message's size limit. Many long
// events are cut and, past the limit, left out with a count, never
// overflowing it.
func TestFit_Events(t *testing.T) {
	// Five times maxFieldBytes: enough that the cut events still pass the
	// limit. 100 KB made a 200 MB digest, 4 GiB under the race detector.
	long := strings.Repeat("x", 10_000)
	var d Digest
	for i := range 500 {
		d.Events = append(d.Events, report.Event{URL: fmt.Sprintf("https://news.example/%d/%s", i, long),
			Source: long, Title: long, Event: "gone", Reason: "gone: 410 " + long})
	}
	const limit = 256 << 10
	msg, err := fit(d, limit, func(r report.Report) ([]byte, error) {
		var b bytes.Buffer
		err := report.Render(&b, report.JSON, r, report.Options{})
		return b.Bytes(), err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(msg) > limit {
		t.Fatalf("message of %d bytes passes the %d limit", len(msg), limit)
	}
	var got struct {
		Events        []json.RawMessage `json:"events"`
		OmittedEvents int               `json:"omitted_events"`
	}
	if err := json.Unmarshal(msg, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Events) == 0 || got.OmittedEvents == 0 || len(got.Events)+got.OmittedEvents != 500 {
		t.Errorf("kept %d events, omitted %d; want some kept, some left out and all counted", len(got.Events), got.OmittedEvents)
	}
}

// roundTrip checks that d, stored as a delivery's payload, reads back the
// same.
func roundTrip(t *testing.T, d Digest) {
	t.Helper()
	b, err := encodeDigest(d)
	if err != nil {
		t.Fatal(err)
	}
	back, err := decodeDigest(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, d) {
		t.Errorf("round trip = %+v, want %+v", back, d)
	}
}
