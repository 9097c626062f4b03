package sqlite

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/redline-news/redline/snapshots"
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
	db, err := s.conn()
	if err != nil {
		return err
	}
	row, err := snapshots.NewDeliveryRow(*d)
	if err != nil {
		return err
	}
	created, last, st, payload := row.CreatedAt, row.LastAttempt, row.Status, row.Payload
	res, err := db.ExecContext(ctx, `INSERT INTO deliveries
		(notifier, created_at, last_attempt, attempts, status, error, payload)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		d.Notifier, created, last, d.Attempts, string(st), d.Error, payload)
	if err != nil {
		return err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	d.ID, d.Status = id, st
	return nil
}

// UpdateDelivery stores d's outcome; see snapshots.DeliveryStore.
func (s *Store) UpdateDelivery(ctx context.Context, d *snapshots.Delivery) error {
	if d == nil {
		return errors.New("update delivery: nil delivery")
	}
	if err := s.updateDelivery(ctx, d); err != nil {
		return fmt.Errorf("update delivery %d to %q: %w", d.ID, d.Notifier, err)
	}
	return nil
}

func (s *Store) updateDelivery(ctx context.Context, d *snapshots.Delivery) error {
	db, err := s.conn()
	if err != nil {
		return err
	}
	last, err := snapshots.UpdateDeliveryColumns(*d)
	if err != nil {
		return err
	}
	res, err := db.ExecContext(ctx, `UPDATE deliveries
		SET last_attempt = ?, attempts = ?, status = ?, error = ? WHERE id = ?`,
		last, d.Attempts, string(d.Status), d.Error, d.ID)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
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
	db, err := s.conn()
	if err != nil {
		return nil, err
	}
	var where []string
	var args []any
	if f.Status != "" {
		where = append(where, "status = ?")
		args = append(args, string(f.Status))
	}
	if f.Notifier != "" {
		where = append(where, "notifier = ?")
		args = append(args, f.Notifier)
	}
	q := `SELECT id, notifier, created_at, last_attempt, attempts, status, error, payload FROM deliveries`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	// IDs grow with insertion, so id order is creation order even when two
	// deliveries share a timestamp.
	q += " ORDER BY id"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []snapshots.Delivery
	for rows.Next() {
		var d snapshots.Delivery
		var created, last, status string
		if err := rows.Scan(&d.ID, &d.Notifier, &created, &last, &d.Attempts, &status, &d.Error, &d.Payload); err != nil {
			return nil, err
		}
		d.Status = snapshots.DeliveryStatus(status)
		if d.CreatedAt, err = parseTime(created); err != nil {
			return nil, fmt.Errorf("delivery %d: %w", d.ID, err)
		}
		if last != "" {
			if d.LastAttempt, err = parseTime(last); err != nil {
				return nil, fmt.Errorf("delivery %d: %w", d.ID, err)
			}
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
