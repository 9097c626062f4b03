package sqlite_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
)

func TestStore_Deliveries(t *testing.T) {
	s, _ := openTemp(t)
	ctx := t.Context()

	add := func(notifier string, i int, payload string) *snapshots.Delivery {
		t.Helper()
		d := &snapshots.Delivery{Notifier: notifier, CreatedAt: base.Add(time.Duration(i) * time.Minute), Payload: []byte(payload)}
		if err := s.AddDelivery(ctx, d); err != nil {
			t.Fatalf("AddDelivery(%s): %v", notifier, err)
		}
		return d
	}
	a := add("hook", 0, `{"a":1}`)
	b := add("slack", 1, "\x00binary\xff")
	c := add("hook", 2, "")

	t.Run("add_sets_id_and_pending", func(t *testing.T) {
		if a.ID == 0 || b.ID <= a.ID || c.ID <= b.ID {
			t.Errorf("IDs = %d, %d, %d; want increasing and non-zero", a.ID, b.ID, c.ID)
		}
		if a.Status != snapshots.DeliveryPending {
			t.Errorf("Status = %q, want pending", a.Status)
		}
	})

	t.Run("pending_oldest_first_round_trip", func(t *testing.T) {
		got, err := s.Deliveries(ctx, snapshots.DeliveryFilter{Status: snapshots.DeliveryPending})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || got[0].ID != a.ID || got[1].ID != b.ID || got[2].ID != c.ID {
			t.Fatalf("Deliveries(pending) = %+v, want a, b, c", got)
		}
		g := got[1]
		if g.Notifier != "slack" || !g.CreatedAt.Equal(b.CreatedAt) || !g.LastAttempt.IsZero() ||
			g.Attempts != 0 || g.Error != "" || !bytes.Equal(g.Payload, b.Payload) {
			t.Errorf("round trip = %+v, want %+v", g, *b)
		}
		if g.CreatedAt.Location() != time.UTC {
			t.Errorf("CreatedAt in %v, want UTC", g.CreatedAt.Location())
		}
		if len(got[2].Payload) != 0 {
			t.Errorf("empty payload read back as %q, want empty", got[2].Payload)
		}
	})

	t.Run("update_keeps_reason_and_filters", func(t *testing.T) {
		a.Attempts, a.LastAttempt, a.Status, a.Error = 2, base.Add(time.Hour), snapshots.DeliveryFailed, "hook: HTTP 500"
		if err := s.UpdateDelivery(ctx, a); err != nil {
			t.Fatal(err)
		}
		c.Attempts, c.LastAttempt, c.Status = 1, base.Add(time.Hour), snapshots.DeliverySent
		if err := s.UpdateDelivery(ctx, c); err != nil {
			t.Fatal(err)
		}
		pending, err := s.Deliveries(ctx, snapshots.DeliveryFilter{Status: snapshots.DeliveryPending})
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) != 1 || pending[0].ID != b.ID {
			t.Errorf("pending after update = %+v, want only b", pending)
		}
		failed, err := s.Deliveries(ctx, snapshots.DeliveryFilter{Status: snapshots.DeliveryFailed, Notifier: "hook"})
		if err != nil {
			t.Fatal(err)
		}
		if len(failed) != 1 || failed[0].Error != "hook: HTTP 500" || failed[0].Attempts != 2 ||
			!failed[0].LastAttempt.Equal(a.LastAttempt) || string(failed[0].Payload) != `{"a":1}` {
			t.Errorf("failed = %+v, want a with its reason kept", failed)
		}
	})

	t.Run("limit", func(t *testing.T) {
		got, err := s.Deliveries(ctx, snapshots.DeliveryFilter{Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != a.ID || got[1].ID != b.ID {
			t.Errorf("Deliveries(limit 2) = %d rows, want a and b", len(got))
		}
	})

	t.Run("update_missing_is_not_found", func(t *testing.T) {
		d := &snapshots.Delivery{ID: 999, Notifier: "x", Status: snapshots.DeliverySent}
		if err := s.UpdateDelivery(ctx, d); !errors.Is(err, snapshots.ErrNotFound) {
			t.Errorf("UpdateDelivery(999) = %v, want ErrNotFound", err)
		}
	})
}

func TestStore_DeliveriesRefused(t *testing.T) {
	s, _ := openTemp(t)
	ctx := t.Context()
	for _, tc := range []struct {
		name string
		d    snapshots.Delivery
	}{
		{"no_notifier", snapshots.Delivery{CreatedAt: base}},
		{"no_time", snapshots.Delivery{Notifier: "hook"}},
		{"bad_status", snapshots.Delivery{Notifier: "hook", CreatedAt: base, Status: "lost"}},
		{"year_out_of_range", snapshots.Delivery{Notifier: "hook", CreatedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.d
			if err := s.AddDelivery(ctx, &d); err == nil {
				t.Errorf("AddDelivery(%+v) = nil, want an error", tc.d)
			}
		})
	}
	if got := harness.Count(t, s, "deliveries"); got != 0 {
		t.Errorf("deliveries: %d rows after refusals, want 0", got)
	}
	d := &snapshots.Delivery{Notifier: "hook", CreatedAt: base}
	if err := s.AddDelivery(ctx, d); err != nil {
		t.Fatal(err)
	}
	d.Status = "lost"
	if err := s.UpdateDelivery(ctx, d); err == nil {
		t.Error("UpdateDelivery with status lost = nil, want an error")
	}
}

// TestStore_DeliveriesSurviveReopen checks that a pending delivery is still
// there for the next process to retry.
func TestStore_DeliveriesSurviveReopen(t *testing.T) {
	s, path := openTemp(t)
	if err := s.AddDelivery(t.Context(), &snapshots.Delivery{Notifier: "hook", CreatedAt: base, Payload: []byte("p")}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, path)
	got, err := s.Deliveries(t.Context(), snapshots.DeliveryFilter{Status: snapshots.DeliveryPending})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || string(got[0].Payload) != "p" {
		t.Errorf("pending after reopen = %+v, want the one delivery", got)
	}
}
