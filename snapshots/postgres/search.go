package postgres

import (
	"context"
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"golang.org/x/text/unicode/norm"

	"github.com/redline-news/redline/snapshots"
	"github.com/redline-news/redline/snapshots/internal/sqlstore"
)

var (
	_ snapshots.Searcher = (*Store)(nil)
	_ snapshots.Indexer  = (*Store)(nil)
)

// searchIndex asks version_search for the versions whose words hold the
// phrase: a tsquery of its words joined by <-> (followed by), written by
// the store, so nothing in it is syntax. Its index on article and number
// (migration 0012) reads them in that order.
var searchIndex = sqlstore.SearchIndex{
	From:   `version_search v`,
	Match:  `v.words @@ %s::tsquery`,
	Encode: func(p string) any { return phraseQuery(p) },
	Order:  `v.article_id, v.number`,
	After: func(q *sqlstore.Query, article int64, number int) {
		q.Add("(v.article_id, v.number) > (%s, %s)", article, number)
	},
	Only: func(q *sqlstore.Query, article int64) {
		q.Add("v.article_id = %s", article)
	},
	Index: indexVersions,
	// The plan for a phrase depends on how common its words are: in every
	// version, read by article until enough are found; in a few, read from
	// the GIN index and sorted. A prepared statement's generic plan, which
	// PostgreSQL switches to after five searches, takes one plan for both
	// (BenchmarkSearch100k/common: 9 ms, then 100 to 250).
	Setup: `SET LOCAL plan_cache_mode = force_custom_plan`,
}

// indexVersions writes the search index's rows of the versions where
// selects: their words (searchWords), with their article, number and time.
func indexVersions(ctx context.Context, tx sqlstore.Tx, where string, args []any) error {
	rows, err := tx.Query(ctx, `SELECT id, article_id, number, at, title, dek, text FROM versions`+where, args...)
	if err != nil {
		return err
	}
	var ids, articles []int64
	var numbers []int32
	var ats, vectors []string
	for rows.Next() {
		var id, article int64
		var number int32
		var at, title, dek, text string
		if err := rows.Scan(&id, &article, &number, &at, &title, &dek, &text); err != nil {
			rows.Close()
			return err
		}
		ids, articles, numbers = append(ids, id), append(articles, article), append(numbers, number)
		ats, vectors = append(ats, at), append(vectors, searchWords(title, dek, text))
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO version_search (version_id, article_id, number, at, words)
		SELECT i, a, n, t, w::tsvector FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::text[], $5::text[]) AS u (i, a, n, t, w)`,
		ids, articles, numbers, ats, vectors)
	return err
}

// searchStep is the migration that made the search index.
const searchStep = 9

// indexSearch indexes, in the migration's transaction tx, the versions
// stored before the search index was made, when this migration made it:
// their words are the store's to write (searchWords), which SQL cannot.
// applied steps of ms were applied, up to version current.
func indexSearch(ctx context.Context, tx pgx.Tx, ms []sqlstore.Migration, applied, current int) error {
	before := 0 // the schema version before these steps
	if applied < len(ms) {
		before = ms[len(ms)-1-applied].Version
	}
	if before >= searchStep || current < searchStep {
		return nil
	}
	// The versions in ranges of 1,000 IDs: a few tens of MB of text
	// read at once at most.
	var last int64
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM versions`).Scan(&last); err != nil {
		return fmt.Errorf("index versions for search: %w", err)
	}
	const batch = 1000
	db := pgTx{pgDB{tx}, tx}
	for after := int64(0); after < last; after += batch {
		if err := indexVersions(ctx, db, ` WHERE id > $1 AND id <= $2`, []any{after, after + batch}); err != nil {
			return fmt.Errorf("index versions for search: %w", err)
		}
	}
	return nil
}

// The limits of a tsvector: positions run from 1 to 16,383, a lexeme
// holds at most 255 of them and 2,047 bytes, and all the lexemes of one
// vector at most 1 MB.
const (
	maxPosition     = 16383
	maxPositions    = 255
	maxLexemeBytes  = 2046
	maxLexemesBytes = 1<<20 - 4096
)

// searchWords returns the tsvector, as text, of a version's fields (title,
// dek, text): the words of each (see eachWord), numbered in order, the
// next field's first word two positions after the previous one's last, so
// that no phrase spans two fields. Words past position 16,383 are not
// indexed.
func searchWords(fields ...string) string {
	type lexeme struct {
		word      string
		positions []int
	}
	index := map[string]int{}
	var lexemes []lexeme
	pos, size := 0, 0
	for i, f := range fields {
		if i > 0 && pos > 0 {
			pos++ // a gap between fields
		}
		eachWord(f, func(w []byte) bool {
			pos++
			if pos > maxPosition {
				return false
			}
			if len(w) > maxLexemeBytes {
				return true // too long to index; it breaks a phrase, as it should
			}
			k, seen := index[string(w)] // no copy of w to look it up
			if !seen {
				if size+len(w) > maxLexemesBytes {
					return true
				}
				size += len(w)
				k = len(lexemes)
				lexemes = append(lexemes, lexeme{word: string(w)})
				index[lexemes[k].word] = k
			}
			if l := &lexemes[k]; len(l.positions) < maxPositions {
				l.positions = append(l.positions, pos)
			}
			return true
		})
	}
	b := make([]byte, 0, size+8*len(lexemes)+6*min(pos, maxPosition))
	for i, l := range lexemes {
		if i > 0 {
			b = append(b, ' ')
		}
		b = appendLexeme(b, l.word)
		for j, p := range l.positions {
			if j == 0 {
				b = append(b, ':')
			} else {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, int64(p), 10)
		}
	}
	return string(b)
}

// phraseQuery returns the tsquery, as text, of a phrase: its words joined
// by <->. A word too long to be indexed becomes one no vector holds (two
// words with a space, which no indexed word has), so the phrase matches
// nothing, as it holds a word no version was indexed with.
func phraseQuery(phrase string) string {
	var b []byte
	eachWord(phrase, func(w []byte) bool {
		if len(b) > 0 {
			b = append(b, " <-> "...)
		}
		if len(w) > maxLexemeBytes {
			w = []byte("never indexed")
		}
		b = appendLexeme(b, string(w))
		return true
	})
	return string(b)
}

// appendLexeme appends w as a quoted lexeme of a tsvector or tsquery.
// Words hold only letters and digits, but quoting is cheaper than proving
// it.
func appendLexeme(b []byte, w string) []byte {
	b = append(b, '\'')
	for i := 0; i < len(w); i++ {
		switch c := w[i]; c {
		case '\'', '\\':
			b = append(b, c, c)
		default:
			b = append(b, c)
		}
	}
	return append(b, '\'')
}

// eachWord calls f with each word of s, as the search sees them, until f
// returns false; f must not keep the slice. Like SQLite's unicode61
// tokenizer with remove_diacritics, a word is a run of letters, digits and
// private-use characters, lower-cased, its accents dropped (the nonspacing
// marks of the NFD form: "É" is "e"); every other character separates
// words.
func eachWord(s string, f func(w []byte) bool) {
	var w []byte
	var buf [utf8.UTFMax * 4]byte
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf { // ASCII, most of most texts
			i++
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				w = append(w, c)
			case 'A' <= c && c <= 'Z':
				w = append(w, c+'a'-'A')
			case len(w) > 0:
				if !f(w) {
					return
				}
				w = w[:0]
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		d := norm.NFD.AppendString(buf[:0], s[i:i+n])
		i += n
		sep := r == utf8.RuneError && n == 1 // a byte that is not UTF-8
		if !sep {
			for _, r := range string(d) {
				switch {
				case unicode.Is(unicode.Mn, r): // an accent: dropped
				case unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r):
					w = utf8.AppendRune(w, unicode.ToLower(r))
				default:
					sep = true
				}
			}
		}
		if sep && len(w) > 0 {
			if !f(w) {
				return
			}
			w = w[:0]
		}
	}
	if len(w) > 0 {
		f(w)
	}
}
