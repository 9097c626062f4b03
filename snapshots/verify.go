package snapshots

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// VerifyFilter selects what Verify walks. Zero fields do not filter.
type VerifyFilter struct {
	URL string // one article
}

// VerifyReport is what Verify found.
type VerifyReport struct {
	Articles int // articles walked
	Versions int // versions whose hashes were recomputed
	Checks   int // checks whose version reference was followed
	Problems []Problem
}

// OK reports whether nothing was wrong.
func (r VerifyReport) OK() bool { return len(r.Problems) == 0 }

// Problem kinds, in Problem.What.
const (
	ProblemTextHash     = "text hash"     // TextHash(Title, Dek, Text) differs from TextSHA256
	ProblemRawHash      = "raw hash"      // RawHash(Raw) differs from RawSHA256
	ProblemRawBody      = "raw body"      // the body could not be read back
	ProblemChainHash    = "chain hash"    // ChainHash(v) differs from the stored ChainHash
	ProblemPrevHash     = "prev hash"     // PrevHash is not the previous version's ChainHash
	ProblemNumbering    = "numbering"     // versions are not numbered 1..n without gaps
	ProblemCheckVersion = "check version" // a check names a version that does not exist
	ProblemCheckText    = "check text"    // a check's text hash differs from its version's
	// ProblemOrigin: a chain a merged article's versions had before the
	// merge does not verify (see Merger).
	ProblemOrigin = "origin chain"
)

// Problem is one thing Verify found wrong.
type Problem struct {
	URL       string
	ArticleID int64
	Version   int   // the version concerned; 0 when none
	CheckID   int64 // the check concerned; 0 when none
	What      string
	// Stored and Computed are the values that disagree, when there are two;
	// Detail says more when there are not.
	Stored, Computed string
	Detail           string
}

// String returns the problem on one line: URL, version, check, what is
// wrong and the two values.
func (p Problem) String() string {
	s := p.URL
	if p.Version > 0 {
		s += " version " + strconv.Itoa(p.Version)
	}
	if p.CheckID > 0 {
		s += " check " + strconv.FormatInt(p.CheckID, 10)
	}
	s += ": " + p.What
	if p.Stored != "" || p.Computed != "" {
		s += fmt.Sprintf(": stored %s, recomputed %s", orNone(p.Stored), orNone(p.Computed))
	}
	if p.Detail != "" {
		s += ": " + p.Detail
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return `""`
	}
	return s
}

// Verify recomputes every stored hash and link of the articles f selects:
// for each version, TextHash against TextSHA256, RawHash of the body against
// RawSHA256, ChainHash against the stored one, PrevHash against the previous
// version's ChainHash and numbering 1..n without gaps; for each check, that
// the version it names exists and, for a new or unchanged text, has the
// check's text hash.
//
// It walks one article at a time, so memory grows with the largest article's
// versions, not with the store. Problems found in the data go in the report;
// the error is for a store that cannot be read (or ctx ending), and then the
// report holds what was verified so far.
func Verify(ctx context.Context, st Store, f VerifyFilter) (VerifyReport, error) {
	var rep VerifyReport
	arts, err := st.Articles(ctx, ArticleFilter{URL: f.URL})
	if err != nil {
		return rep, fmt.Errorf("verify: %w", err)
	}
	if f.URL != "" && len(arts) == 0 {
		// An alias (Merger) names the article keyed by its canonical URL.
		a, err := st.Article(ctx, f.URL)
		if errors.Is(err, ErrNotFound) {
			return rep, fmt.Errorf("verify %s: %w", f.URL, ErrNotFound)
		}
		if err != nil {
			return rep, fmt.Errorf("verify %s: %w", f.URL, err)
		}
		arts = []Article{a}
	}
	for _, a := range arts {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		if err := verifyArticle(ctx, st, a, &rep); err != nil {
			return rep, fmt.Errorf("verify %s: %w", a.URL, err)
		}
		rep.Articles++
	}
	return rep, nil
}

func verifyArticle(ctx context.Context, st Store, a Article, rep *VerifyReport) error {
	add := func(p Problem) {
		p.URL, p.ArticleID = a.URL, a.ID
		rep.Problems = append(rep.Problems, p)
	}
	vs, unread, err := articleVersions(ctx, st, a.ID)
	if err != nil {
		return err
	}
	for n, e := range unread {
		add(Problem{Version: n, What: ProblemRawBody, Detail: e})
	}
	numbers := make(map[int]string, len(vs)) // number → TextSHA256
	prev := Version{}
	for i, v := range vs {
		numbers[v.Number] = v.TextSHA256
		switch {
		case i == 0 && v.Number != 1:
			add(Problem{Version: v.Number, What: ProblemNumbering, Detail: fmt.Sprintf("first stored version is %d, want 1", v.Number)})
		case i > 0 && v.Number != prev.Number+1:
			add(Problem{Version: v.Number, What: ProblemNumbering, Detail: fmt.Sprintf("follows version %d", prev.Number)})
		}
		if got := TextHash(v.Title, v.Dek, v.Text); got != v.TextSHA256 {
			add(Problem{Version: v.Number, What: ProblemTextHash, Stored: v.TextSHA256, Computed: got})
		} else if strings.ContainsRune(v.Title+v.Dek+v.Text, dekSeparator) {
			// The hash matches, but only because a dek was moved into the
			// text (or the reverse): extraction never keeps the separator.
			add(Problem{Version: v.Number, What: ProblemTextHash,
				Detail: `the text holds the dek separator \x1e, which extraction never keeps`})
		}
		_, missing := unread[v.Number]
		if !missing {
			if got := RawHash(v.Raw); got != v.RawSHA256 {
				add(Problem{Version: v.Number, What: ProblemRawHash, Stored: v.RawSHA256, Computed: got})
			}
			// ChainHash covers Header, which only comes with the body.
			if got := ChainHash(v); got != v.ChainHash {
				add(Problem{Version: v.Number, What: ProblemChainHash, Stored: v.ChainHash, Computed: got})
			}
		}
		if i == 0 {
			// Version 1 starts the chain; a later first version means the
			// ones before it are gone, and its link points at one of them.
			if v.Number == 1 && v.PrevHash != "" {
				add(Problem{Version: v.Number, What: ProblemPrevHash, Stored: v.PrevHash, Computed: "", Detail: "version 1 must start the chain"})
			}
		} else if v.PrevHash != prev.ChainHash {
			add(Problem{Version: v.Number, What: ProblemPrevHash, Stored: v.PrevHash, Computed: prev.ChainHash,
				Detail: fmt.Sprintf("does not link to version %d", prev.Number)})
		}
		prev = v
		rep.Versions++
	}

	if err := verifyOrigins(ctx, st, a, vs, unread, add); err != nil {
		return err
	}

	cs, err := st.Checks(ctx, CheckFilter{ArticleID: a.ID})
	if err != nil {
		return err
	}
	for _, c := range cs {
		rep.Checks++
		if c.Version == 0 {
			continue
		}
		text, ok := numbers[c.Version]
		if !ok {
			add(Problem{Version: c.Version, CheckID: c.ID, What: ProblemCheckVersion,
				Detail: fmt.Sprintf("check at %s names version %d, which is not stored", c.At.UTC().Format("2006-01-02T15:04:05Z"), c.Version)})
			continue
		}
		if (c.Outcome == OutcomeNew || c.Outcome == OutcomeUnchanged || c.Outcome == OutcomeNotModified) && c.TextSHA256 != "" && c.TextSHA256 != text {
			add(Problem{Version: c.Version, CheckID: c.ID, What: ProblemCheckText, Stored: c.TextSHA256, Computed: text})
		}
	}
	return nil
}

// verifyOrigins checks the chains a merged article's versions formed
// before each merge (Merger): every old chain hash recomputed from the
// version as stored, and each old chain, per merge and old article,
// numbered 1..n with every link to the one before. A merge re-chains the
// versions it moves; these checks show that it changed nothing but their
// place, and keep the old hashes, which trusted timestamps may sign,
// checkable.
func verifyOrigins(ctx context.Context, st Store, a Article, vs []Version, unread map[int]string, add func(Problem)) error {
	mg, ok := st.(Merger)
	if !ok {
		return nil
	}
	origins, err := mg.Origins(ctx, a.ID)
	if err != nil {
		return err
	}
	byID := make(map[int64]Version, len(vs))
	for _, v := range vs {
		byID[v.ID] = v
	}
	var prev Origin
	for i, o := range origins {
		v, found := byID[o.VersionID]
		seg := fmt.Sprintf("merge %d: version %d of article %d", o.MergeID, o.Number, o.ArticleID)
		_, missing := unread[v.Number]
		switch {
		case !found:
			add(Problem{What: ProblemOrigin, Detail: seg + fmt.Sprintf(": version id %d is not in this article", o.VersionID)})
		case !missing:
			if got := OriginHash(v, o); got != o.ChainHash {
				add(Problem{Version: v.Number, What: ProblemOrigin, Stored: o.ChainHash, Computed: got, Detail: seg})
			}
		}
		sameChain := i > 0 && prev.MergeID == o.MergeID && prev.ArticleID == o.ArticleID
		switch {
		case !sameChain && o.Number != 1:
			add(Problem{Version: v.Number, What: ProblemOrigin, Detail: seg + ": its old chain starts at a later version"})
		case !sameChain && o.PrevHash != "":
			add(Problem{Version: v.Number, What: ProblemOrigin, Stored: o.PrevHash, Detail: seg + ": version 1 must start the chain"})
		case sameChain && o.Number != prev.Number+1:
			add(Problem{Version: v.Number, What: ProblemOrigin, Detail: seg + fmt.Sprintf(": follows version %d", prev.Number)})
		case sameChain && o.PrevHash != prev.ChainHash:
			add(Problem{Version: v.Number, What: ProblemOrigin, Stored: o.PrevHash, Computed: prev.ChainHash, Detail: seg + ": does not link to the version before it"})
		}
		prev = o
	}
	return nil
}

// articleVersions returns an article's versions with their bodies, and the
// numbers of those whose body could not be read, with why.
//
// The fast path is one query. A body that does not decode fails that whole
// query, and a missing body drops its version from it (the body is joined),
// so when the query fails or its numbering disagrees with the listing
// without bodies, each version is read on its own to tell a damaged body
// from a missing version.
func articleVersions(ctx context.Context, st Store, articleID int64) ([]Version, map[int]string, error) {
	vs, err := st.Versions(ctx, VersionFilter{ArticleID: articleID, WithRaw: true})
	if err == nil && contiguous(vs) {
		latest, lerr := st.Latest(ctx, articleID)
		switch {
		case errors.Is(lerr, ErrNotFound) && len(vs) == 0:
			return nil, nil, nil
		case lerr == nil && len(vs) > 0 && latest.Number == vs[len(vs)-1].Number:
			return vs, nil, nil
		case lerr != nil && !errors.Is(lerr, ErrNotFound):
			return nil, nil, lerr
		}
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return nil, nil, ctxErr
	}
	vs, err = st.Versions(ctx, VersionFilter{ArticleID: articleID})
	if err != nil {
		return nil, nil, err
	}
	unread := map[int]string{}
	for i, v := range vs {
		full, err := st.Version(ctx, articleID, v.Number)
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, nil, ctxErr
		}
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				unread[v.Number] = "body missing from the store"
			} else {
				unread[v.Number] = err.Error()
			}
			continue
		}
		vs[i] = full
	}
	return vs, unread, nil
}

// contiguous reports whether vs is numbered 1..n.
func contiguous(vs []Version) bool {
	for i, v := range vs {
		if v.Number != i+1 {
			return false
		}
	}
	return true
}
