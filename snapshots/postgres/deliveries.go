package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

var _ snapshots.DeliveryStore = (*Store)(nil)

// AddDelivery records d and sets d.ID; see snapshots.DeliveryStore.
func (s *Store) AddDelivery(ctx context.Context, d *snapshots.Delivery) error {
	if d == nil {
		return errors.New("add delivery: nil delivery")
	}
	if err := s.addDelivery(ctx, d); err != nil {
		return fmt.Errorf("add delivery to %q: %w", d.Notifier, err)
	}
	return nil
}

func (s *Store) addDelivery(ctx context.Context, d *snapshots.Delivery) error {
	pool, err := s.conn()
	if err != nil {
		return err
	}
	row, err := sqlstore.NewDeliveryRow(*d)
	if err != nil {
		return err
	}
	created, last, st, payload := row.CreatedAt, row.LastAttempt, row.Status, row.Payload
	var id int64
	if err := pool.QueryRow(ctx, `INSERT INTO deliveries
		(notifier, created_at, last_attempt, attempts, status, error, payload)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		d.Notifier, created, last, d.Attempts, string(st), d.Error, payload).Scan(&id); err != nil {
		return err
	}
	d.ID, d.Status = id, st
	return nil
}

// UpdateDelivery stores d's outcome; see snapshots.DeliveryStore.
//
// It is tried again if the connection is lost (see retry): it sets
// columns to values, so a second run changes nothing the first one did.
func (s *Store) UpdateDelivery(ctx context.Context, d *snapshots.Delivery) error {
	if d == nil {
		return errors.New("update delivery: nil delivery")
	}
	err := s.retry(ctx, func() error { return s.updateDelivery(ctx, d) }, "delivery_id", d.ID)
	if err != nil {
		return fmt.Errorf("update delivery %d to %q: %w", d.ID, d.Notifier, err)
	}
	return nil
}

func (s *Store) updateDelivery(ctx context.Context, d *snapshots.Delivery) error {
	pool, err := s.conn()
	if err != nil {
		return err
	}
	last, err := sqlstore.UpdateDeliveryColumns(*d)
	if err != nil {
		return err
	}
	tag, err := pool.Exec(ctx, `UPDATE deliveries
		SET last_attempt = $1, attempts = $2, status = $3, error = $4 WHERE id = $5`,
		last, d.Attempts, string(d.Status), d.Error, d.ID)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return snapshots.ErrNotFound
	}
	return nil
}

// Deliveries lists deliveries oldest first; see snapshots.DeliveryStore.
func (s *Store) Deliveries(ctx context.Context, f snapshots.DeliveryFilter) ([]snapshots.Delivery, error) {
	ds, err := s.deliveries(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("list deliveries: %w", err)
	}
	return ds, nil
}

func (s *Store) deliveries(ctx context.Context, f snapshots.DeliveryFilter) ([]snapshots.Delivery, error) {
	pool, err := s.conn()
	if err != nil {
		return nil, err
	}
	q := sqlstore.NewQuery(sqlstore.PostgreSQL)
	q.Deliveries(f)
	// IDs grow with insertion, so id order is creation order even when two
	// deliveries share a timestamp.
	rows, err := pool.Query(ctx, `SELECT `+sqlstore.DeliveryColumns+` FROM deliveries`+
		q.Where()+` ORDER BY id`+q.Limit(f.Limit), q.Args...)
	if err != nil {
		return nil, err
	}
	return sqlstore.Collect(rows, sqlstore.ScanDelivery)
}
