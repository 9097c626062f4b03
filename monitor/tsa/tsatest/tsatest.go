// Package tsatest runs a real Time-Stamp Authority (RFC 3161) on
// 127.0.0.1 for tests: a throwaway CA, a TSA certificate it issued with
// the timeStamping extended key usage, and an httptest server answering
// application/timestamp-query with tokens signed by
// github.com/digitorus/timestamp. It can be taken down and brought back.
package tsatest

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/digitorus/timestamp"

	"github.com/redline-news/redline/internal/nettest"
)

// TSA is a running authority.
type TSA struct {
	URL string
	// RootsFile is a PEM file holding the CA: the config's timestamp.roots.
	RootsFile string
	Roots     *x509.CertPool

	cert *x509.Certificate // the TSA's signing certificate
	key  crypto.Signer

	mu       sync.Mutex
	down     bool
	requests int
}

// CA is a throwaway certificate authority and a TSA certificate it issued.
type CA struct {
	Cert    *x509.Certificate
	PEMFile string // the CA certificate as PEM, in a test's temporary directory
	Pool    *x509.CertPool
	TSACert *x509.Certificate
	TSAKey  crypto.Signer
}

// NewCA makes a CA named name and a TSA certificate signed by it, valid
// for a day either side of now.
func NewCA(t testing.TB, name string) CA {
	t.Helper()
	return newCA(t, name, true)
}

// NewLaxCA is NewCA with a TSA certificate whose timeStamping key usage is
// not marked critical, which RFC 3161 forbids.
func NewLaxCA(t testing.TB, name string) CA {
	t.Helper()
	return newCA(t, name, false)
}

func newCA(t testing.TB, name string, critical bool) CA {
	t.Helper()
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name + " root"},
		NotBefore: now.Add(-24 * time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true,
	}
	caDER, ca, caKey := nettest.Issue(t, caTmpl, nil, nil)
	tsaTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: name + " TSA"},
		NotBefore: now.Add(-24 * time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature,
		// RFC 3161 2.3: the timeStamping key usage alone, in a critical
		// extension (OpenSSL refuses a TSA certificate without it).
		ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: critical, Value: timeStampingEKU}},
	}
	_, tsaCert, tsaKey := nettest.Issue(t, tsaTmpl, ca, caKey)
	file := filepath.Join(t.TempDir(), name+"-root.pem")
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o644); err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return CA{Cert: ca, PEMFile: file, Pool: pool, TSACert: tsaCert, TSAKey: tsaKey}
}

// timeStampingEKU is the DER extended key usage extension's value: the
// sequence of the one purpose id-kp-timeStamping.
var timeStampingEKU, _ = asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 8}})

// Start runs a TSA on 127.0.0.1 with a CA of its own, until the test ends.
func Start(t testing.TB) *TSA {
	t.Helper()
	return StartWith(t, NewCA(t, "test"))
}

// StartWith runs a TSA on 127.0.0.1 signing with ca's TSA certificate.
func StartWith(t testing.TB, ca CA) *TSA {
	t.Helper()
	a := &TSA{RootsFile: ca.PEMFile, Roots: ca.Pool, cert: ca.TSACert, key: ca.TSAKey}
	srv := httptest.NewServer(http.HandlerFunc(a.serve))
	t.Cleanup(srv.Close)
	a.URL = srv.URL + "/tsa"
	return a
}

// SetDown makes the TSA answer 503 (down) or tokens again (up).
func (a *TSA) SetDown(down bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.down = down
}

// Requests counts the queries received, answered or not.
func (a *TSA) Requests() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.requests
}

func (a *TSA) serve(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	a.requests++
	down := a.down
	a.mu.Unlock()
	if down {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
		return
	}
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/timestamp-query" {
		http.Error(w, "want a POST of application/timestamp-query", http.StatusBadRequest)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req, err := timestamp.ParseRequest(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	resp, err := a.respond(req.HashAlgorithm, req.HashedMessage, req.Nonce, req.Certificates, time.Now())
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/timestamp-reply")
	_, _ = w.Write(resp) // the client sees a short answer as an error
}

func (a *TSA) respond(h crypto.Hash, digest []byte, nonce *big.Int, certs bool, at time.Time) ([]byte, error) {
	ts := timestamp.Timestamp{
		HashAlgorithm: h, HashedMessage: digest, Time: at, Nonce: nonce,
		Policy:            asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1},
		AddTSACertificate: certs, Accuracy: time.Second,
	}
	return ts.CreateResponseWithOpts(a.cert, a.key, crypto.SHA256)
}

// Token signs a token over digest (SHA-256) dated at, as the TSA would,
// for tests that forge a store's tokens.
func (a *TSA) Token(t testing.TB, digest []byte, at time.Time) []byte {
	t.Helper()
	resp, err := a.respond(crypto.SHA256, digest, big.NewInt(1), true, at)
	if err != nil {
		t.Fatal(err)
	}
	ts, err := timestamp.ParseResponse(resp)
	if err != nil {
		t.Fatal(err)
	}
	return ts.RawToken
}
