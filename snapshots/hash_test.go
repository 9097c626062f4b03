package snapshots_test

import (
	"testing"
	"time"

	"github.com/redline-news/redline/snapshots"
)

// chained is a version as Save would leave it, used by the ChainHash tests.
func chained() snapshots.Version {
	return snapshots.Version{
		ArticleID:  42,
		Number:     3,
		At:         time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.FixedZone("CET", 3600)),
		TextSHA256: snapshots.TextHash("Title", "", "Body"),
		RawSHA256:  snapshots.RawHash([]byte("<p>Body</p>")),
		PrevHash:   "00ff",
	}
}

// TestChainHash_KnownAnswer pins the encoding: a verifier written elsewhere
// (the sqlite3 shell, Python) must get the same hash. The want values were
// computed independently with Python's hashlib and struct.pack(">Q", len).
func TestChainHash_KnownAnswer(t *testing.T) {
	v := chained()
	for _, tt := range []struct{ name, got, want string }{
		{"TextHash", v.TextSHA256, "45777c14d90fa79dc6ce71ceb6f81cced62c929c472199547cfd939a54e954c6"},
		{"RawHash", v.RawSHA256, "0d8c591f83d87f2ef8438d024e65603b20294db555fc6e8c119bca4d263ad061"},
		{"ChainHash", snapshots.ChainHash(v), "96142e6eccebc140eba03fcbee6c35f238255219bb0897c6414a6cc2f9867244"},
		{"TextHash empty", snapshots.TextHash("", "", ""), "75a11da44c802486bc6f65640aa48a730f0f684c5c07a42ba3cd1735eb3fb070"},
		// A dek follows the text after "\x1e"; hashlib.sha256(b"Title\n\nBody\x1eThe dek").
		{"TextHash dek", snapshots.TextHash("Title", "The dek", "Body"), "945b6e080fd40abf9c12a1ae27a53c04a56208edd87200edcb356dd6d63bd91f"},
		{"RawHash empty", snapshots.RawHash(nil), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %s, want %s", tt.name, tt.got, tt.want)
		}
	}
}

func TestChainHash_CoversEachField(t *testing.T) {
	orig := snapshots.ChainHash(chained())
	for _, tt := range []struct {
		name string
		edit func(v *snapshots.Version)
	}{
		{"ArticleID", func(v *snapshots.Version) { v.ArticleID++ }},
		{"Number", func(v *snapshots.Version) { v.Number++ }},
		{"At", func(v *snapshots.Version) { v.At = v.At.Add(time.Nanosecond) }},
		{"TextSHA256", func(v *snapshots.Version) { v.TextSHA256 = snapshots.TextHash("Title", "", "Body.") }},
		{"RawSHA256", func(v *snapshots.Version) { v.RawSHA256 = snapshots.RawHash([]byte("<p>Body.</p>")) }},
		{"PrevHash", func(v *snapshots.Version) { v.PrevHash = "00fe" }},
		{"Byline", func(v *snapshots.Version) { v.Byline = "By Someone Else" }},
		{"Published", func(v *snapshots.Version) { v.Published = "2025-03-14" }},
		{"Modified", func(v *snapshots.Version) { v.Modified = "2025-03-15" }},
		{"Header", func(v *snapshots.Version) { v.Header = "HTTP 200\n" }},
		{"Changes", func(v *snapshots.Version) { v.Changes = []byte(`{"changes":[]}`) }},
		// Length prefixes: bytes moved across a field boundary change the hash.
		{"boundary", func(v *snapshots.Version) { v.RawSHA256, v.PrevHash = v.RawSHA256+"00", "ff" }},
	} {
		v := chained()
		tt.edit(&v)
		if got := snapshots.ChainHash(v); got == orig {
			t.Errorf("ChainHash after editing %s = %s, unchanged", tt.name, got)
		}
	}
}

func TestChainHash_Ignores(t *testing.T) {
	orig := snapshots.ChainHash(chained())
	for _, tt := range []struct {
		name string
		edit func(v *snapshots.Version)
	}{
		// The same instant in another zone is the same version time.
		{"time zone", func(v *snapshots.Version) { v.At = v.At.UTC() }},
		// IDs are the database's, and ChainHash is the output, not an input.
		{"ID", func(v *snapshots.Version) { v.ID = 7 }},
		{"ChainHash", func(v *snapshots.Version) { v.ChainHash = "abc" }},
	} {
		v := chained()
		tt.edit(&v)
		if got := snapshots.ChainHash(v); got != orig {
			t.Errorf("ChainHash after changing %s = %s, want %s", tt.name, got, orig)
		}
	}
}

// TestTextHash_Dek: an empty dek hashes as before deks existed (stores
// written then still verify), and a dek is covered without ambiguity: no
// moving of words between dek, text and title keeps the hash.
func TestTextHash_Dek(t *testing.T) {
	base := snapshots.TextHash("Title", "", "Body")
	for _, tt := range []struct{ name, title, dek, text string }{
		{"dek added", "Title", "A summary", "Body"},
		{"dek is the text's end", "Title", "Body", ""},
		{"dek moved into text", "Title", "", "Body\n\nA summary"},
		{"dek moved into title", "Title A summary", "", "Body"},
	} {
		if got := snapshots.TextHash(tt.title, tt.dek, tt.text); got == base {
			t.Errorf("%s: TextHash(%q, %q, %q) = the dek-less hash", tt.name, tt.title, tt.dek, tt.text)
		}
	}
	withDek := snapshots.TextHash("Title", "A summary", "Body")
	if got := snapshots.TextHash("Title", "A summary.", "Body"); got == withDek {
		t.Errorf("TextHash ignores an edit of the dek")
	}
}

func TestReadFrom(t *testing.T) {
	for _, tc := range []struct{ reading, want string }{
		{`{"method":"anchor","containers":["body > main","body > aside.box"]}`, "body > main, body > aside.box"},
		{`{"method":"generic","containers":null}`, ""},
		{``, ""},
		{`{"containers":`, ""},
	} {
		if got := snapshots.ReadFrom(snapshots.Version{Reading: []byte(tc.reading)}); got != tc.want {
			t.Errorf("ReadFrom(%s) = %q, want %q", tc.reading, got, tc.want)
		}
	}
}
