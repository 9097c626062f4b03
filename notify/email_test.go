package notify_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	smtp "github.com/emersion/go-smtp"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/internal/nettest"
	"github.com/redline-news/redline/notify"
)

// received is one message the test SMTP server accepted.
type received struct {
	from string
	to   []string
	data []byte
	tls  bool
	user string
}

// smtpServer is a go-smtp server on 127.0.0.1 that keeps what it receives.
type smtpServer struct {
	addr string
	pool *x509.CertPool // trusts the server's certificate
	mu   sync.Mutex
	msgs []received
}

func (s *smtpServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

// newSMTPServer starts a server; with withTLS it offers STARTTLS with a
// self-signed certificate for 127.0.0.1 made here.
func newSMTPServer(t *testing.T, withTLS bool) *smtpServer {
	t.Helper()
	s := &smtpServer{}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{srv: s, conn: c}, nil
	}))
	srv.Domain = "localhost"
	srv.ErrorLog = quiet{} // a client that hangs up is what some tests provoke
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	if withTLS {
		cert, pool := nettest.SelfSigned(t, "redline test", time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		s.pool = pool
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = l.Addr().String()
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(l) // Returns when Close is called; that error means nothing here.
	}()
	t.Cleanup(func() {
		srv.Close()
		// Close may run before Serve has registered the listener, and
		// then misses it: closing it here always ends Serve.
		l.Close()
		<-done
	})
	return s
}

type quiet struct{}

func (quiet) Printf(string, ...any) {}
func (quiet) Println(...any)        {}

type session struct {
	srv  *smtpServer
	conn *smtp.Conn
	msg  received
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "redline" || pass != "hunter2" {
			return errors.New("bad credentials")
		}
		s.msg.user = user
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error { s.msg.from = from; return nil }
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.msg.to = append(s.msg.to, to)
	return nil
}
func (s *session) Reset()        { s.msg = received{user: s.msg.user} }
func (s *session) Logout() error { return nil }

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.msg.data = b
	_, s.msg.tls = s.conn.TLSConnectionState()
	s.srv.mu.Lock()
	s.srv.msgs = append(s.srv.msgs, s.msg)
	s.srv.mu.Unlock()
	return nil
}

func mailConfig(addr string) notify.Config {
	return notify.Config{
		Name: "desk", Kind: notify.KindEmail, Addr: addr,
		Username: "redline", Password: "hunter2",
		From: "Redline <redline@example.com>",
		To:   []string{"Desk <desk@example.com>", "Zoë Ünal <zoe@example.com>"},
	}
}

// mailDispatcher sends through one e-mail notifier, trusting pool.
func mailDispatcher(t *testing.T, cfg notify.Config, pool *x509.CertPool) *notify.Dispatcher {
	t.Helper()
	d, err := notify.New([]notify.Config{cfg}, notify.Options{
		Logger: discard(), Now: func() time.Time { return t0 }, Tries: 1, Timeout: 10 * time.Second,
		TLSConfig: &tls.Config{RootCAs: pool},
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestEmail_STARTTLSMultipart(t *testing.T) {
	srv := newSMTPServer(t, true)
	d := mailDispatcher(t, mailConfig(srv.addr), srv.pool)
	dg := digest(
		item("https://news.example/b", "example", "Quiet edit", diffing.SeverityLow, diffing.Cosmetic),
		item("https://news.example/a", "example", hostile, diffing.SeverityHigh, diffing.NumberChanged),
	)
	if err := d.Send(t.Context(), dg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	msgs := srv.messages()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages, want 1 digest", len(msgs))
	}
	got := msgs[0]
	if !got.tls || got.user != "redline" {
		t.Errorf("tls = %v, auth user = %q; want STARTTLS, then AUTH as redline", got.tls, got.user)
	}
	if got.from != "redline@example.com" || strings.Join(got.to, ",") != "desk@example.com,zoe@example.com" {
		t.Errorf("envelope from %q to %q", got.from, got.to)
	}

	m, err := mail.ReadMessage(strings.NewReader(string(got.data)))
	if err != nil {
		t.Fatalf("message does not parse: %v\n%s", err, got.data)
	}
	h := m.Header
	if len(h["Bcc"]) != 0 {
		t.Errorf("a scraped title added a header: Bcc %q", h["Bcc"])
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(subject, "[redline] high: Minister <script>") || !strings.HasSuffix(subject, "é (+1 article)") ||
		strings.ContainsAny(subject, "\r\n\x00\x1b") || strings.Contains(subject, "=?utf-8?q?fake?=") {
		t.Errorf("Subject = %q", subject)
	}
	if date, err := h.Date(); err != nil || !date.Equal(t0) {
		t.Errorf("Date = %v, %v; want %v", date, err, t0)
	}
	if id := h.Get("Message-ID"); !regexp.MustCompile(`^<[0-9a-f]{32}@example\.com>$`).MatchString(id) {
		t.Errorf("Message-ID = %q", id)
	}
	from, err := h.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Address != "redline@example.com" {
		t.Errorf("From = %v, %v", from, err)
	}
	to, err := h.AddressList("To")
	if err != nil || len(to) != 2 || to[1].Name != "Zoë Ünal" {
		t.Errorf("To = %v, %v", to, err)
	}
	for _, line := range strings.Split(string(got.data), "\r\n") {
		if len(line) > 998 {
			t.Errorf("line of %d bytes breaks SMTP's limit", len(line))
		}
	}

	if mt, _, err := mime.ParseMediaType(h.Get("Content-Type")); err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type = %q, %v", h.Get("Content-Type"), err)
	}
	parts := map[string]string{}
	var order []string
	for _, p := range mailParts(t, m) { // multipart decodes quoted-printable itself
		parts[p.contentType] = p.body
		order = append(order, p.contentType)
	}
	if strings.Join(order, ",") != "text/plain,text/html" {
		t.Fatalf("parts = %v, want text/plain then text/html", order)
	}
	if txt := parts["text/plain"]; !strings.Contains(txt, "97 percent") || !strings.Contains(txt, "Quiet edit") || strings.Contains(txt, "\x1b") {
		t.Errorf("text part:\n%s", txt)
	}
	html := parts["text/html"]
	if !strings.Contains(html, "&lt;script&gt;") || strings.Contains(html, "<script>") || !strings.Contains(html, "</html>") {
		t.Errorf("html part does not escape the title or is incomplete:\n%.500s", html)
	}
}

func TestEmail_RefusesPlainText(t *testing.T) {
	srv := newSMTPServer(t, false)
	cfg := mailConfig(srv.addr)
	cfg.Username, cfg.Password = "", ""
	err := mailDispatcher(t, cfg, nil).Send(t.Context(), digest(high))
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") || !strings.Contains(err.Error(), `email "desk"`) {
		t.Errorf("Send = %v, want a refusal naming STARTTLS and the notifier", err)
	}
	if n := len(srv.messages()); n != 0 {
		t.Errorf("server got %d messages in plain text", n)
	}

	t.Run("allowed_on_loopback", func(t *testing.T) {
		cfg.AllowInsecure = true
		if err := mailDispatcher(t, cfg, nil).Send(t.Context(), digest(high)); err != nil {
			t.Fatal(err)
		}
		if msgs := srv.messages(); len(msgs) != 1 || msgs[0].tls {
			t.Errorf("messages = %d, want 1 in plain text", len(msgs))
		}
	})
}

func TestEmail_UntrustedCertificate(t *testing.T) {
	srv := newSMTPServer(t, true)
	err := mailDispatcher(t, mailConfig(srv.addr), x509.NewCertPool()).Send(t.Context(), digest(high))
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("Send = %v, want a certificate error", err)
	}
	if n := len(srv.messages()); n != 0 {
		t.Errorf("server got %d messages over an unverified connection", n)
	}
}

// mailPart is one part of a multipart message: its media type and body.
type mailPart struct{ contentType, body string }

// mailParts reads the parts of the multipart message m.
func mailParts(t *testing.T, m *mail.Message) []mailPart {
	t.Helper()
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("Content-Type %q: %v", m.Header.Get("Content-Type"), err)
	}
	var parts []mailPart
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return parts
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		parts = append(parts, mailPart{ct, string(b)})
	}
}
