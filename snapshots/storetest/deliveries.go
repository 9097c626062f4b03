package storetest

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
)

// addDelivery records a delivery to notifier created at base plus i
// minutes.
func addDelivery(t *testing.T, ds snapshots.DeliveryStore, notifier string, i int, payload []byte) *snapshots.Delivery {
	t.Helper()
	d := &snapshots.Delivery{Notifier: notifier, CreatedAt: base.Add(time.Duration(i) * time.Minute), Payload: payload}
	if err := ds.AddDelivery(t.Context(), d); err != nil {
		t.Fatalf("AddDelivery(%s): %v", notifier, err)
	}
	return d
}

func deliveries(t *testing.T, ds snapshots.DeliveryStore, f snapshots.DeliveryFilter) []snapshots.Delivery {
	t.Helper()
	return must(t, "Deliveries", ds.Deliveries, f)
}

// deliveryIDs lists the IDs of ds, for messages and comparisons.
func deliveryIDs(ds []snapshots.Delivery) []int64 {
	var ids []int64
	for _, d := range ds {
		ids = append(ids, d.ID)
	}
	return ids
}

func sameIDs(got []snapshots.Delivery, want ...*snapshots.Delivery) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i].ID != want[i].ID {
			return false
		}
	}
	return true
}

// equalDelivery reports a difference between got and want. Times are
// compared with time.Equal: a store need not keep the location.
func equalDelivery(t *testing.T, what string, got, want snapshots.Delivery) {
	t.Helper()
	if !got.CreatedAt.Equal(want.CreatedAt) || !got.LastAttempt.Equal(want.LastAttempt) {
		t.Errorf("%s: CreatedAt %v, LastAttempt %v; want %v, %v", what, got.CreatedAt, got.LastAttempt, want.CreatedAt, want.LastAttempt)
	}
	if got.ID != want.ID || got.Notifier != want.Notifier || got.Attempts != want.Attempts ||
		got.Status != want.Status || got.Error != want.Error || !bytes.Equal(got.Payload, want.Payload) {
		t.Errorf("%s:\ngot  %+v\nwant %+v", what, got, want)
	}
}

var deliveryCases = []testCase{
	{"add_sets_increasing_ids_and_pending", func(t *testing.T, s snapshots.Store) {
		ds := storeAs[snapshots.DeliveryStore](t, s)
		a := addDelivery(t, ds, "hook", 0, []byte(`{"a":1}`))
		b := addDelivery(t, ds, "slack", 1, nil)
		if a.ID == 0 || b.ID <= a.ID {
			t.Errorf("IDs = %d, %d; want non-zero and increasing", a.ID, b.ID)
		}
		if a.Status != snapshots.DeliveryPending || b.Status != snapshots.DeliveryPending {
			t.Errorf("Status = %q, %q; want an empty status stored as pending", a.Status, b.Status)
		}
	}},
	{"round_trips_every_field", func(t *testing.T, s snapshots.Store) {
		ds := storeAs[snapshots.DeliveryStore](t, s)
		binary := make([]byte, 256)
		for i := range binary {
			binary[i] = byte(255 - i)
		}
		want := []*snapshots.Delivery{
			{Notifier: "hook", CreatedAt: base, Payload: []byte(`{"digest":"«ünïcode»"}`)},
			{Notifier: "slack", CreatedAt: at(1), Payload: binary},
			{Notifier: "mail", CreatedAt: at(2), LastAttempt: at(3), Attempts: 3,
				Status: snapshots.DeliveryFailed, Error: "smtp: 550 mailbox unavailable", Payload: []byte("x")},
		}
		for _, d := range want {
			if err := ds.AddDelivery(t.Context(), d); err != nil {
				t.Fatalf("AddDelivery(%s): %v", d.Notifier, err)
			}
		}
		got := deliveries(t, ds, snapshots.DeliveryFilter{})
		if !sameIDs(got, want...) {
			t.Fatalf("Deliveries = IDs %v, want the three in order added", deliveryIDs(got))
		}
		for i := range got {
			equalDelivery(t, "Deliveries["+want[i].Notifier+"]", got[i], *want[i])
		}
		if !got[0].LastAttempt.IsZero() {
			t.Errorf("LastAttempt of an untried delivery = %v, want zero", got[0].LastAttempt)
		}
	}},
	{"empty_payload", func(t *testing.T, s snapshots.Store) {
		ds := storeAs[snapshots.DeliveryStore](t, s)
		for i, p := range [][]byte{nil, {}} {
			addDelivery(t, ds, "hook", i, p)
		}
		for _, d := range deliveries(t, ds, snapshots.DeliveryFilter{}) {
			if len(d.Payload) != 0 {
				t.Errorf("delivery %d: empty payload read back as %q", d.ID, d.Payload)
			}
		}
	}},
	{"update_keeps_reason_and_filters", func(t *testing.T, s snapshots.Store) {
		ds := storeAs[snapshots.DeliveryStore](t, s)
		a := addDelivery(t, ds, "hook", 0, []byte(`{"a":1}`))
		b := addDelivery(t, ds, "slack", 1, []byte("b"))
		c := addDelivery(t, ds, "hook", 2, []byte("c"))
		a.Attempts, a.LastAttempt, a.Status, a.Error = 2, at(1), snapshots.DeliveryFailed, "hook: HTTP 500"
		if err := ds.UpdateDelivery(t.Context(), a); err != nil {
			t.Fatalf("UpdateDelivery(a): %v", err)
		}
		c.Attempts, c.LastAttempt, c.Status = 1, at(1), snapshots.DeliverySent
		if err := ds.UpdateDelivery(t.Context(), c); err != nil {
			t.Fatalf("UpdateDelivery(c): %v", err)
		}
		for _, tt := range []struct {
			name   string
			filter snapshots.DeliveryFilter
			want   []*snapshots.Delivery
		}{
			{"all", snapshots.DeliveryFilter{}, []*snapshots.Delivery{a, b, c}},
			{"pending", snapshots.DeliveryFilter{Status: snapshots.DeliveryPending}, []*snapshots.Delivery{b}},
			{"failed", snapshots.DeliveryFilter{Status: snapshots.DeliveryFailed}, []*snapshots.Delivery{a}},
			{"notifier", snapshots.DeliveryFilter{Notifier: "hook"}, []*snapshots.Delivery{a, c}},
			{"both", snapshots.DeliveryFilter{Notifier: "hook", Status: snapshots.DeliverySent}, []*snapshots.Delivery{c}},
			{"none", snapshots.DeliveryFilter{Notifier: "slack", Status: snapshots.DeliverySent}, nil},
			{"limit_keeps_oldest", snapshots.DeliveryFilter{Limit: 2}, []*snapshots.Delivery{a, b}},
			{"limit_after_filter", snapshots.DeliveryFilter{Notifier: "hook", Limit: 1}, []*snapshots.Delivery{a}},
		} {
			got := deliveries(t, ds, tt.filter)
			if !sameIDs(got, tt.want...) {
				var want []snapshots.Delivery
				for _, d := range tt.want {
					want = append(want, *d)
				}
				t.Errorf("Deliveries(%s) = IDs %v, want %v", tt.name, deliveryIDs(got), deliveryIDs(want))
				continue
			}
			for i := range got {
				equalDelivery(t, "Deliveries("+tt.name+")", got[i], *tt.want[i])
			}
		}
	}},
	{"update_changes_only_the_outcome", func(t *testing.T, s snapshots.Store) {
		ds := storeAs[snapshots.DeliveryStore](t, s)
		d := addDelivery(t, ds, "hook", 0, []byte("original"))
		want := *d
		changed := *d
		changed.Notifier, changed.CreatedAt, changed.Payload = "other", at(9), []byte("changed")
		changed.Attempts, changed.LastAttempt, changed.Status, changed.Error = 1, at(1), snapshots.DeliverySent, ""
		if err := ds.UpdateDelivery(t.Context(), &changed); err != nil {
			t.Fatalf("UpdateDelivery: %v", err)
		}
		want.Attempts, want.LastAttempt, want.Status = 1, at(1), snapshots.DeliverySent
		got := deliveries(t, ds, snapshots.DeliveryFilter{})
		if len(got) != 1 {
			t.Fatalf("Deliveries: got %d, want 1", len(got))
		}
		equalDelivery(t, "after UpdateDelivery", got[0], want)
	}},
	{"update_missing_is_not_found", func(t *testing.T, s snapshots.Store) {
		ds := storeAs[snapshots.DeliveryStore](t, s)
		d := addDelivery(t, ds, "hook", 0, nil)
		missing := &snapshots.Delivery{ID: d.ID + 1000, Notifier: "hook", Status: snapshots.DeliverySent}
		if err := ds.UpdateDelivery(t.Context(), missing); !errors.Is(err, snapshots.ErrNotFound) {
			t.Errorf("UpdateDelivery(%d) = %v, want ErrNotFound", missing.ID, err)
		}
	}},
	{"refused_adds_write_nothing", func(t *testing.T, s snapshots.Store) {
		ds := storeAs[snapshots.DeliveryStore](t, s)
		for _, tt := range []struct {
			name string
			d    snapshots.Delivery
		}{
			{"no notifier", snapshots.Delivery{CreatedAt: base}},
			{"no creation time", snapshots.Delivery{Notifier: "hook"}},
		} {
			d := tt.d
			if err := ds.AddDelivery(t.Context(), &d); err == nil {
				t.Errorf("AddDelivery(%s) = nil, want an error", tt.name)
			}
			if d.ID != 0 {
				t.Errorf("AddDelivery(%s) set ID %d", tt.name, d.ID)
			}
		}
		if got := deliveries(t, ds, snapshots.DeliveryFilter{}); len(got) != 0 {
			t.Errorf("Deliveries after refusals: IDs %v, want none", deliveryIDs(got))
		}
	}},
}
