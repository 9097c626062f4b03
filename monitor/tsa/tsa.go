// Package tsa gets and checks trusted timestamps (RFC 3161) of versions'
// chain hashes: Client asks a Time-Stamp Authority for a token over HTTP,
// through the address Guard; Verify checks a stored token offline; Stamper
// stamps, after each cycle, every version the store holds without a token.
// It is the one package that uses github.com/digitorus/timestamp.
package tsa

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/digitorus/pkcs7"
	"github.com/digitorus/timestamp"

	"github.com/redline-news/redline/internal/sanitize"
	"github.com/redline-news/redline/monitor/fetch"
)

// maxResponse bounds a TSA's answer: a token with its certificates is a few
// kilobytes; more is not a timestamp response.
const maxResponse = 1 << 20

// Options configure a Client.
type Options struct {
	URL string // the TSA, http or https
	// Dial connects through the address policy (fetch.Guard.DialContext).
	// Required: every request of redline goes through the Guard.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// AllowPrivate lets the TSA be on a loopback or private address.
	AllowPrivate bool
	// Timeout bounds one request (default 30s).
	Timeout time.Duration
	// Roots, when set, are the CAs a token's signer must chain to: a token
	// that does not is refused when it arrives, not only at verify.
	Roots *x509.CertPool
	// UserAgent names redline to the TSA.
	UserAgent string
}

// Client asks one TSA for tokens. It is safe for concurrent use.
type Client struct {
	opt  Options
	http *http.Client
}

// New returns a Client. It does no I/O. It refuses a URL that is not
// absolute http(s) and a missing Dial.
func New(opt Options) (*Client, error) {
	u, err := url.Parse(opt.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("timestamp url %q: not an absolute http(s) URL", opt.URL)
	}
	if opt.Dial == nil {
		return nil, errors.New("timestamp: no guarded dialer")
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 30 * time.Second
	}
	dial := opt.Dial
	if opt.AllowPrivate {
		dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
			return opt.Dial(fetch.WithAllowPrivate(ctx), network, addr)
		}
	}
	client := fetch.NewServiceClient(dial, opt.Timeout)
	// A TSA answers where it was asked; a redirect would resend the query
	// to a host the config did not name.
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Client{opt: opt, http: client}, nil
}

// URL is the TSA's address, as configured.
func (c *Client) URL() string { return c.opt.URL }

// Token is a TSA's answer, checked: its DER TimeStampToken and genTime.
type Token struct {
	DER  []byte
	Time time.Time
}

// Stamp asks the TSA for a token over digest, a SHA-256 hash (a version's
// chain hash): the token's message imprint is digest itself. The answer is
// checked before it is returned: granted, the same imprint and nonce,
// signed, and chained to Options.Roots when set. Errors name the URL.
func (c *Client) Stamp(ctx context.Context, digest []byte) (Token, error) {
	tok, err := c.stamp(ctx, digest)
	if err != nil {
		return Token{}, fmt.Errorf("timestamp %s: %w", c.opt.URL, err)
	}
	return tok, nil
}

func (c *Client) stamp(ctx context.Context, digest []byte) (Token, error) {
	if len(digest) != crypto.SHA256.Size() {
		return Token{}, fmt.Errorf("digest of %d bytes, want a SHA-256 hash", len(digest))
	}
	nonce, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		return Token{}, err
	}
	q := timestamp.Request{HashAlgorithm: crypto.SHA256, HashedMessage: digest, Certificates: true, Nonce: nonce}
	body, err := q.Marshal()
	if err != nil {
		return Token{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.opt.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.opt.URL, bytes.NewReader(body))
	if err != nil {
		return Token{}, err
	}
	req.Header.Set("Content-Type", "application/timestamp-query")
	req.Header.Set("Accept", "application/timestamp-reply")
	if c.opt.UserAgent != "" {
		req.Header.Set("User-Agent", c.opt.UserAgent)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its message repeats the URL
		}
		return Token{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return Token{}, fmt.Errorf("reading the answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return Token{}, fmt.Errorf("HTTP %d %s: %s", resp.StatusCode, http.StatusText(resp.StatusCode), strings.TrimSpace(sanitize.Line(string(raw[:min(len(raw), 200)]))))
	}
	if len(raw) > maxResponse {
		return Token{}, fmt.Errorf("answer over %d bytes", maxResponse)
	}
	ts, err := timestamp.ParseResponse(raw)
	if err != nil {
		return Token{}, fmt.Errorf("not a valid timestamp response: %w", err)
	}
	if ts.Nonce == nil || ts.Nonce.Cmp(nonce) != 0 {
		return Token{}, errors.New("the token's nonce is not the request's (a replayed answer)")
	}
	info, err := Verify(ts.RawToken, digest, c.opt.Roots)
	if err != nil {
		return Token{}, err
	}
	return Token{DER: ts.RawToken, Time: info.Time}, nil
}

// Info is what a verified token says.
type Info struct {
	Time   time.Time // genTime
	Signer string    // the signing certificate's subject
	Serial *big.Int
}

// Errors of Verify, for callers that sort failures.
var (
	ErrImprint   = errors.New("message imprint is not the stored chain hash")
	ErrSignature = errors.New("signature invalid")
	ErrChain     = errors.New("signer does not chain to the configured roots")
)

// Verify checks token offline: a TimeStampToken whose message imprint is
// digest (SHA-256), whose signature over its content is valid, and whose
// signer certificate, valid at the token's time and allowed to stamp
// time (the timeStamping extended key usage), chains to roots. A nil roots
// checks all but the chain. It returns what the token says.
func Verify(token, digest []byte, roots *x509.CertPool) (Info, error) {
	// Parse checks the signature over the content (and that the content
	// is the one signed, through the messageDigest attribute).
	ts, err := timestamp.Parse(token)
	if err != nil {
		return Info{}, fmt.Errorf("%w: %v", ErrSignature, err)
	}
	if !ts.AddTSACertificate {
		return Info{}, fmt.Errorf("%w: the token carries no certificate to check it with", ErrSignature)
	}
	if ts.HashAlgorithm != crypto.SHA256 || !bytes.Equal(ts.HashedMessage, digest) {
		return Info{}, fmt.Errorf("%w: token over %s %x, stored %x", ErrImprint, ts.HashAlgorithm, ts.HashedMessage, digest)
	}
	p7, err := pkcs7.Parse(token)
	if err != nil {
		return Info{}, fmt.Errorf("%w: %v", ErrSignature, err)
	}
	signer := p7.GetOnlySigner()
	if signer == nil {
		return Info{}, fmt.Errorf("%w: not exactly one signer", ErrSignature)
	}
	info := Info{Time: ts.Time, Signer: signer.Subject.String(), Serial: ts.SerialNumber}
	if roots == nil {
		return info, nil
	}
	if !criticalTimeStamping(signer) {
		return info, fmt.Errorf("%w: %s: no critical extended key usage of timeStamping alone (RFC 3161 2.3)", ErrChain, info.Signer)
	}
	inter := x509.NewCertPool()
	for _, c := range p7.Certificates {
		inter.AddCert(c)
	}
	if _, err := signer.Verify(x509.VerifyOptions{
		Roots: roots, Intermediates: inter, CurrentTime: ts.Time,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping},
	}); err != nil {
		return info, fmt.Errorf("%w: %s: %v", ErrChain, info.Signer, err)
	}
	return info, nil
}

// criticalTimeStamping reports whether c's extended key usage extension is
// critical and names timeStamping alone, as RFC 3161 2.3 requires of a
// TSA's certificate.
func criticalTimeStamping(c *x509.Certificate) bool {
	for _, e := range c.Extensions {
		if e.Id.Equal(asn1.ObjectIdentifier{2, 5, 29, 37}) {
			return e.Critical && len(c.ExtKeyUsage) == 1 && c.ExtKeyUsage[0] == x509.ExtKeyUsageTimeStamping && len(c.UnknownExtKeyUsage) == 0
		}
	}
	return false
}

// LoadRoots reads PEM files of CA certificates into a pool. An unreadable
// file, or one with no certificate, is an error naming it.
func LoadRoots(files []string) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("timestamp roots: %w", err)
		}
		n := 0
		for {
			var blk *pem.Block
			blk, b = pem.Decode(b)
			if blk == nil {
				break
			}
			if blk.Type != "CERTIFICATE" {
				continue
			}
			c, err := x509.ParseCertificate(blk.Bytes)
			if err != nil {
				return nil, fmt.Errorf("timestamp roots: %s: certificate %d: %w", f, n+1, err)
			}
			pool.AddCert(c)
			n++
		}
		if n == 0 {
			return nil, fmt.Errorf("timestamp roots: %s: no PEM certificate", f)
		}
	}
	return pool, nil
}

// Digest decodes a stored chain hash (hex SHA-256) into the bytes a token
// is over.
func Digest(chainHash string) ([]byte, error) {
	d, err := hex.DecodeString(chainHash)
	if err != nil || len(d) != crypto.SHA256.Size() {
		return nil, fmt.Errorf("chain hash %q is not hex SHA-256", chainHash)
	}
	return d, nil
}
