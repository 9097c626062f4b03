package snapshots

import (
	"errors"
	"fmt"
	"time"
)

// The stores keep times as text in one fixed-width UTC form, so that they
// compare as text in time order (time.RFC3339Nano, which trims trailing
// zeros, would not) and read the same whatever the database's own clock
// types do.

// StoredTimeFormat is RFC 3339 with exactly nine fractional digits.
const StoredTimeFormat = "2006-01-02T15:04:05.000000000Z07:00"

// FormatTime returns t as the stores keep it. Years outside 0–9999 would
// break the fixed width, so they are refused.
func FormatTime(t time.Time) (string, error) {
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return "", fmt.Errorf("time %s: year out of range 0-9999", t)
	}
	return t.Format(StoredTimeFormat), nil
}

// FormatOptionalTime keeps the zero time as the empty string, which sorts
// first, so "never" does not read as the year 1.
func FormatOptionalTime(t time.Time) (string, error) {
	if t.IsZero() {
		return "", nil
	}
	return FormatTime(t)
}

// Valid reports whether s is one of the delivery statuses.
func (s DeliveryStatus) Valid() bool {
	switch s {
	case DeliveryPending, DeliverySent, DeliveryFailed:
		return true
	}
	return false
}

// DeliveryRow is a delivery's column values as every store keeps them.
type DeliveryRow struct {
	Status      DeliveryStatus // Pending when the Delivery left it empty
	CreatedAt   string
	LastAttempt string // "" until the first round of attempts ends
	Payload     []byte // never nil: the column is NOT NULL, and nil binds as NULL
}

// NewDeliveryRow checks a delivery about to be added and returns its
// column values.
func NewDeliveryRow(d Delivery) (DeliveryRow, error) {
	var r DeliveryRow
	if d.Notifier == "" {
		return r, errors.New("empty notifier name")
	}
	if d.CreatedAt.IsZero() {
		return r, errors.New("zero creation time")
	}
	r.Status = d.Status
	if r.Status == "" {
		r.Status = DeliveryPending
	}
	var err error
	if r.LastAttempt, err = updateColumns(r.Status, d.LastAttempt); err != nil {
		return r, err
	}
	if r.CreatedAt, err = FormatTime(d.CreatedAt); err != nil {
		return r, fmt.Errorf("created_at: %w", err)
	}
	r.Payload = d.Payload
	if r.Payload == nil {
		r.Payload = []byte{}
	}
	return r, nil
}

// UpdateDeliveryColumns checks a delivery's outcome about to be stored and
// returns its last attempt as kept.
func UpdateDeliveryColumns(d Delivery) (lastAttempt string, err error) {
	return updateColumns(d.Status, d.LastAttempt)
}

func updateColumns(st DeliveryStatus, last time.Time) (string, error) {
	if !st.Valid() {
		return "", fmt.Errorf("unknown status %q", st)
	}
	s, err := FormatOptionalTime(last)
	if err != nil {
		return "", fmt.Errorf("last_attempt: %w", err)
	}
	return s, nil
}
