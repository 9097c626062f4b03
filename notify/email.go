package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"

	"github.com/redline-news/redline/internal/plural"
	"github.com/redline-news/redline/report"
)

// email sends a digest as one multipart/alternative message (text/plain
// and text/html, from report's Text and HTML formats) over SMTP, always
// upgraded with STARTTLS unless AllowInsecure allowed a loopback relay.
type email struct {
	addr, host         string
	username, password string
	from               *mail.Address
	to                 []*mail.Address
	allowInsecure      bool
	tls                *tls.Config
	now                func() time.Time
	dial               func(ctx context.Context, network, addr string) (net.Conn, error)
}

// newEmail builds an email notifier from a validated config.
func newEmail(c Config, opts Options) *email {
	host, _, _ := net.SplitHostPort(c.Addr) // validate checked it
	e := &email{addr: c.Addr, host: host, username: c.Username, password: c.Password,
		allowInsecure: c.AllowInsecure, tls: opts.TLSConfig, now: opts.Now, dial: opts.Dial}
	if e.dial == nil {
		e.dial = (&net.Dialer{}).DialContext
	}
	e.from, _ = mail.ParseAddress(c.From) // validate checked it
	for _, t := range c.To {
		a, _ := mail.ParseAddress(t) // validate checked it
		e.to = append(e.to, a)
	}
	return e
}

func (e *email) send(ctx context.Context, d Digest, id string) error {
	msg, err := e.message(d, id)
	if err != nil {
		return permanent(err)
	}
	if err := e.deliver(ctx, msg); err != nil {
		return fmt.Errorf("smtp %s: %w", e.addr, err)
	}
	return nil
}

func (e *email) deliver(ctx context.Context, msg []byte) error {
	conn, err := e.dial(ctx, "tcp", e.addr)
	if err != nil {
		return err
	}
	// net/smtp takes no context: the deadline bounds every read and
	// write, and cancelling ctx expires it at once.
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl) // Fails only on a closed conn, which the next read reports.
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	c, err := smtp.NewClient(conn, e.host)
	if err != nil {
		conn.Close() // The greeting error is the one worth reporting.
		return classifySMTP(err)
	}
	defer c.Close() // After Quit it only closes the conn again.
	if err := e.session(c, msg); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%w (%v)", ctx.Err(), err)
		}
		return classifySMTP(err)
	}
	return nil
}

func (e *email) session(c *smtp.Client, msg []byte) error {
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := &tls.Config{}
		if e.tls != nil {
			cfg = e.tls.Clone()
		}
		cfg.ServerName = e.host
		cfg.MinVersion = max(cfg.MinVersion, tls.VersionTLS12)
		if err := c.StartTLS(cfg); err != nil {
			return fmt.Errorf("starttls: %w", err)
		}
	} else if !e.allowInsecure {
		// Never fall back to plain text: anyone on the path could read the
		// message and the password.
		return permanent(errors.New("server does not offer STARTTLS (allow_insecure is only for a loopback relay)"))
	}
	if e.username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return permanent(errors.New("server offers no AUTH but a username is configured"))
		}
		// PlainAuth itself refuses to send the password without TLS to
		// anything but localhost.
		if err := c.Auth(smtp.PlainAuth("", e.username, e.password, e.host)); err != nil {
			return fmt.Errorf("auth as %q: %w", e.username, err)
		}
	}
	if err := c.Mail(e.from.Address); err != nil {
		return fmt.Errorf("mail from %s: %w", e.from.Address, err)
	}
	for _, to := range e.to {
		if err := c.Rcpt(to.Address); err != nil {
			return fmt.Errorf("rcpt to %s: %w", to.Address, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("data: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	// The server accepted the message when Data closed; a failed QUIT
	// changes nothing, and retrying would send it twice.
	_ = c.Quit()
	return nil
}

// classifySMTP marks errors another try in this round cannot fix: a 5xx
// reply, an untrusted certificate.
func classifySMTP(err error) error {
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return permanent(err)
	}
	var ce *tls.CertificateVerificationError
	if errors.As(err, &ce) {
		return permanent(err)
	}
	return err
}

// message builds the RFC 5322 message, at most maxEmailBytes: over it,
// the body keeps the most severe changes and ends with a note of how many
// it left out. Every scraped string reaches a header only through
// subject, which makes it one line and encodes it; the subject always
// describes the whole digest.
func (e *email) message(d Digest, id string) ([]byte, error) {
	return fit(d, maxEmailBytes, func(r report.Report) ([]byte, error) { return e.build(d, r, id) })
}

// build is the message for d with r as its body.
func (e *email) build(d Digest, r report.Report, id string) ([]byte, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, part := range []struct {
		ctype  string
		format report.Format
	}{
		// Plain text first: multipart/alternative lists the richest last.
		{"text/plain; charset=utf-8", report.Text},
		{"text/html; charset=utf-8", report.HTML},
	} {
		pw, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.ctype},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		// Quoted-printable keeps lines under SMTP's 998-byte limit and
		// survives relays that are not 8-bit clean.
		qp := quotedprintable.NewWriter(pw)
		if err := report.Render(qp, part.format, r, report.Options{}); err != nil {
			return nil, fmt.Errorf("render %s part: %w", part.format, err)
		}
		if err := qp.Close(); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}

	to := make([]string, len(e.to))
	for i, a := range e.to {
		to[i] = a.String()
	}
	domain := "redline.invalid"
	if _, dom, ok := strings.Cut(e.from.Address, "@"); ok && dom != "" {
		domain = dom
	}
	var m bytes.Buffer
	header := func(name, value string) {
		m.WriteString(fold(name + ": " + value))
		m.WriteString("\r\n")
	}
	header("From", e.from.String())
	header("To", strings.Join(to, ", "))
	header("Subject", subject(d))
	header("Date", e.now().Format(time.RFC1123Z))
	// The same digest keeps its Message-ID on every retry, so a client
	// shows one message even if a timed-out try was in fact delivered.
	header("Message-ID", "<"+id+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()}))
	header("Auto-Submitted", "auto-generated")
	m.WriteString("\r\n")
	m.Write(body.Bytes())
	return m.Bytes(), nil
}

// subject is "[redline] high: <top title>", with how many more articles
// and how many could not be checked; with only failed checks it is
// "[redline] 2 articles could not be checked", or for one "[redline]
// could not check: gone: 410 — <title>". plain strips CR and LF, so a
// title cannot add a header, and Q-encoding carries any non-ASCII.
func subject(d Digest) string {
	if len(d.Items) == 0 {
		s := "[redline] " + report.CouldNotCheck(len(d.Events))
		if len(d.Events) == 1 {
			s = "[redline] could not check: " + eventReason(d.Events[0]) + " — " + eventTitle(d.Events[0])
		}
		return mime.QEncoding.Encode("utf-8", noEncodedWords(s))
	}
	top := d.Items[0]
	for _, it := range d.Items[1:] {
		if report.ItemSeverity(it) > report.ItemSeverity(top) {
			top = it
		}
	}
	s := fmt.Sprintf("[redline] %s: %s", d.maxSeverity(), title(top))
	if _, articles := d.counts(); articles > 1 {
		s += fmt.Sprintf(" (+%s)", plural.Count(articles-1, "article"))
	}
	if len(d.Events) > 0 {
		s += "; " + report.CouldNotCheck(len(d.Events))
	}
	return mime.QEncoding.Encode("utf-8", noEncodedWords(s))
}

// noEncodedWords breaks every "=?" in s: scraped text holding one could
// pose as an encoded word and show other text; a zero-width space breaks
// that and forces real encoding.
func noEncodedWords(s string) string { return strings.ReplaceAll(s, "=?", "=\u200b?") }

// fold breaks a header line at spaces so no line passes 78 characters
// where a space allows it (RFC 5322 §2.2.3); encoded words are separated
// by spaces, so a long encoded subject folds too.
func fold(line string) string {
	const limit = 78
	var b strings.Builder
	n := 0
	for i, w := range strings.Split(line, " ") {
		if i > 0 {
			if n+1+len(w) > limit {
				b.WriteString("\r\n ")
				n = 1
			} else {
				b.WriteByte(' ')
				n++
			}
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}
