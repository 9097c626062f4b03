package snapshots

import (
	"context"
	"time"
)

// DeliveryStatus says where a notification delivery stands.
type DeliveryStatus string

// Delivery statuses.
const (
	DeliveryPending DeliveryStatus = "pending" // not delivered yet; retried next cycle
	DeliverySent    DeliveryStatus = "sent"    // the notifier accepted it
	DeliveryFailed  DeliveryStatus = "failed"  // given up; Error says why
)

// Delivery is one digest on its way to one notifier. It is recorded before
// the first attempt and updated after each round of attempts, so a failure,
// even a crash, leaves a row an operator can see and a later cycle can retry.
type Delivery struct {
	ID          int64
	Notifier    string // the notifier's configured name
	CreatedAt   time.Time
	LastAttempt time.Time // zero until the first round of attempts ends
	// Attempts counts rounds of delivery (the first send, then each retry
	// cycle), not the individual tries inside a round.
	Attempts int
	Status   DeliveryStatus
	Error    string // the last round's error, "" once sent
	Payload  []byte // what to send again: the digest, encoded by the notifier package
}

// DeliveryFilter selects deliveries, oldest first. Zero fields do not filter.
type DeliveryFilter struct {
	Status   DeliveryStatus
	Notifier string
	Limit    int // the oldest Limit deliveries that match
}

// DeliveryStore records notification deliveries.
type DeliveryStore interface {
	// AddDelivery records d and sets d.ID. An empty Status is stored as
	// DeliveryPending. It returns an error if Notifier is empty or
	// CreatedAt is zero.
	AddDelivery(ctx context.Context, d *Delivery) error
	// UpdateDelivery stores d's LastAttempt, Attempts, Status and Error;
	// the other fields never change. It returns ErrNotFound if no
	// delivery has d.ID.
	UpdateDelivery(ctx context.Context, d *Delivery) error
	// Deliveries lists the deliveries that match f, oldest first.
	Deliveries(ctx context.Context, f DeliveryFilter) ([]Delivery, error)
}
