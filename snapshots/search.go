package snapshots

import (
	"context"
	"fmt"
	"time"
	"unicode"
)

// SearchQuery asks which articles' versions contained a phrase.
type SearchQuery struct {
	// Phrase is searched for as plain text: its words, in order, ignoring
	// case, accents and punctuation (quotation marks, straight or curly,
	// included). Characters a full-text engine gives a meaning to (" * -
	// NEAR OR) are words or separators like any other. It must hold at
	// least one letter or digit.
	Phrase string
	URL    string    // only this article
	Source string    // only this source's articles
	Since  time.Time // only versions seen at or after it
	Limit  int       // at most this many articles; 0 means no limit
}

// PhraseSpan is a run of consecutive versions of one article whose text
// (title, dek or body) contained the phrase.
type PhraseSpan struct {
	// First is the version where the phrase appeared (or the first
	// version searched, when it was there from the start), Last the last
	// one of the run.
	First, Last     int
	FirstAt, LastAt time.Time
	// Gone is the version after Last, which no longer contains the
	// phrase: the edit that removed it. 0 when Last is the latest
	// version, the phrase still there.
	Gone   int
	GoneAt time.Time
}

// SearchHit is one article whose versions contained the phrase.
type SearchHit struct {
	Article Article
	// Title is the title of the latest version containing the phrase.
	Title string
	// Latest is the article's latest version number.
	Latest int
	// Spans are the runs of versions containing the phrase, oldest
	// first: more than one when the phrase was removed and came back.
	Spans []PhraseSpan
}

// Searcher searches every stored version's text. It is separate from
// Store so a reader (report/web, redline search) can ask for just this.
type Searcher interface {
	// Search returns the articles with a version matching q, the one
	// where the phrase first appeared earliest first (ties by article
	// ID), and never an engine's syntax error for what q.Phrase holds.
	// It returns no hits, not ErrNotFound, when nothing matches.
	Search(ctx context.Context, q SearchQuery) ([]SearchHit, error)
}

// CheckPhrase returns an error when phrase has no letter or digit: it
// holds no word to search for.
func CheckPhrase(phrase string) error {
	for _, r := range phrase {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return nil
		}
	}
	return fmt.Errorf("search phrase %q has no words to search for (letters or digits)", phrase)
}

// Indexer indexes saved versions for search. Save only queues a new
// version for the index (a row of its ID), so the words of a 60 KB text
// are not worked out on the save's path; IndexPending does that work, and
// Search first does what is still queued, so a search sees every version
// saved before it began.
type Indexer interface {
	// IndexPending indexes up to max queued versions (all of them when
	// max <= 0), in batches, each removed from the queue in the
	// transaction that indexes it, and returns how many it indexed.
	// Several callers at once never index one version twice.
	IndexPending(ctx context.Context, max int) (int, error)
}
