package tsa

import (
	"context"
	"crypto/x509"
	"fmt"
	"time"

	"github.com/redline-news/redline/snapshots"
)

// MaxSkew is how much earlier than the version's own time a token may be
// dated: redline's clock and the TSA's may disagree a little, not more.
const MaxSkew = 5 * time.Minute

// AuditStore is what Audit reads.
type AuditStore interface {
	Articles(ctx context.Context, f snapshots.ArticleFilter) ([]snapshots.Article, error)
	Versions(ctx context.Context, f snapshots.VersionFilter) ([]snapshots.Version, error)
	snapshots.Timestamper
}

// Problem is a version whose token does not hold.
type Problem struct {
	URL     string
	Version int
	Err     error
}

func (p Problem) String() string { return fmt.Sprintf("%s version %d: %v", p.URL, p.Version, p.Err) }

// Report is what Audit found.
type Report struct {
	Verified  int // tokens that hold
	Unstamped int // versions without a token (a TSA down, or not yet asked)
	Problems  []Problem
}

// Audit checks every stored token offline with Verify against its
// version's stored chain hash and roots (or, for a version a merge of two
// articles re-chained, against a chain hash it had before: see
// snapshots.Merger; Verify of the store checks those hashes), and that token times follow the
// version order: no token dated before an earlier version's token, nor
// more than MaxSkew before its version was seen. A url other than ""
// audits that article alone.
func Audit(ctx context.Context, st AuditStore, roots *x509.CertPool, url string) (Report, error) {
	var rep Report
	arts, err := st.Articles(ctx, snapshots.ArticleFilter{URL: url})
	if err != nil {
		return rep, err
	}
	for _, a := range arts {
		vs, err := st.Versions(ctx, snapshots.VersionFilter{ArticleID: a.ID})
		if err != nil {
			return rep, err
		}
		if len(vs) == 0 {
			continue
		}
		ts, err := st.Timestamps(ctx, snapshots.TimestampFilter{ArticleID: a.ID})
		if err != nil {
			return rep, err
		}
		byNumber := make(map[int]snapshots.Timestamp, len(ts))
		for _, t := range ts {
			byNumber[t.Number] = t
		}
		earlier, err := earlierHashes(ctx, st, a.ID)
		if err != nil {
			return rep, err
		}
		var last time.Time // the latest verified token time of an earlier version
		lastN := 0
		for _, v := range vs {
			t, ok := byNumber[v.Number]
			if !ok {
				rep.Unstamped++
				continue
			}
			problem := func(err error) { rep.Problems = append(rep.Problems, Problem{URL: a.URL, Version: v.Number, Err: err}) }
			info, err := verifyAny(t.Token, append([]string{v.ChainHash}, earlier[v.ID]...), roots)
			switch {
			case err != nil:
				problem(err)
				continue
			case info.Time.Before(last):
				problem(fmt.Errorf("token dated %s, before version %d's token (%s)",
					info.Time.UTC().Format(time.RFC3339), lastN, last.UTC().Format(time.RFC3339)))
			case info.Time.Before(v.At.Add(-MaxSkew)):
				problem(fmt.Errorf("token dated %s, before the version was seen (%s)",
					info.Time.UTC().Format(time.RFC3339), v.At.UTC().Format(time.RFC3339)))
			default:
				rep.Verified++
			}
			last, lastN = info.Time, v.Number
		}
	}
	return rep, nil
}

// earlierHashes returns, by version ID, the chain hashes an article's
// versions had before merges re-chained them: a token taken before a
// merge signs one of those.
func earlierHashes(ctx context.Context, st AuditStore, articleID int64) (map[int64][]string, error) {
	mg, ok := st.(snapshots.Merger)
	if !ok {
		return nil, nil
	}
	origins, err := mg.Origins(ctx, articleID)
	if err != nil {
		return nil, err
	}
	out := map[int64][]string{}
	for _, o := range origins {
		out[o.VersionID] = append(out[o.VersionID], o.ChainHash)
	}
	return out, nil
}

// verifyAny verifies token against the first of hashes it signs, and
// returns the error for the first hash when it signs none.
func verifyAny(token []byte, hashes []string, roots *x509.CertPool) (Info, error) {
	var first error
	for _, h := range hashes {
		digest, err := Digest(h)
		if err == nil {
			var info Info
			if info, err = Verify(token, digest, roots); err == nil {
				return info, nil
			}
		}
		if first == nil {
			first = err
		}
	}
	return Info{}, first
}
