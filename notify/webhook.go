package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/redline-news/redline/report"
)

// ErrSignature is returned by Verify for a missing, malformed or wrong
// signature.
var ErrSignature = errors.New("webhook signature does not match")

// webhook POSTs a signed JSON digest; the package doc gives its shape.
type webhook struct {
	name   string
	url    string
	secret string
	client *http.Client
	now    func() time.Time
}

type webhookBody struct {
	ID       string `json:"id"`
	Notifier string `json:"notifier"`
	SentAt   string `json:"sent_at"`
	Severity string `json:"severity"`
	Changes  int    `json:"changes"`
	Articles int    `json:"articles"`
	// Events counts the digest's failed checks, all of them even when
	// the report had to leave some out; omitted when there are none.
	FailedChecks int             `json:"failed_checks,omitempty"`
	Report       json.RawMessage `json:"report"`
}

func (w *webhook) send(ctx context.Context, d Digest, id string) error {
	now := w.now().UTC()
	body, err := w.body(d, id, now)
	if err != nil {
		return permanent(err)
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-Redline-Delivery", id)
	h.Set("X-Redline-Timestamp", strconv.FormatInt(now.Unix(), 10))
	h.Set("X-Redline-Signature", Sign(w.secret, body))
	return post(ctx, w.client, w.url, body, h, now)
}

// body is the signed JSON body, at most maxWebhookBytes: over it, the
// report keeps the most severe changes and says how many it left out
// (report.omitted_changes); changes and articles still count them all.
// Failed checks are in report.events, and counted in events.
func (w *webhook) body(d Digest, id string, now time.Time) ([]byte, error) {
	changes, articles := d.counts()
	return fit(d, maxWebhookBytes, func(r report.Report) ([]byte, error) {
		var rep bytes.Buffer
		if err := report.Render(&rep, report.JSON, r, report.Options{}); err != nil {
			return nil, err
		}
		b, err := json.Marshal(webhookBody{
			ID:           id,
			Notifier:     w.name,
			SentAt:       now.Format(time.RFC3339),
			Severity:     d.maxSeverity().String(),
			Changes:      changes,
			Articles:     articles,
			FailedChecks: len(d.Events),
			Report:       rep.Bytes(),
		})
		if err != nil {
			return nil, fmt.Errorf("encode webhook body: %w", err)
		}
		return b, nil
	})
}

// Sign returns the X-Redline-Signature value for body:
// "sha256=" and the hex HMAC-SHA256 of body keyed with secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks an X-Redline-Signature header against the exact body
// received, in constant time. It returns an error wrapping ErrSignature if
// the header is missing, malformed or does not match.
func Verify(secret string, body []byte, header string) error {
	hexSig, ok := strings.CutPrefix(strings.TrimSpace(header), "sha256=")
	if !ok {
		return fmt.Errorf("%w: header %q does not start with sha256=", ErrSignature, plain(header, 20))
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha256.Size {
		return fmt.Errorf("%w: not 64 hex digits", ErrSignature)
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	if !hmac.Equal(got, m.Sum(nil)) {
		return ErrSignature
	}
	return nil
}
