package sqlite

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/zstd"
)

// Response bodies are stored compressed in the blobs table, keyed by the
// SHA-256 of the uncompressed bytes, so identical bodies are stored once.
//
// A successive version of a page differs from the one before in a few
// sentences, an ad and a timestamp; compressed with an earlier body of the
// same article as a zstd dictionary it takes a few kilobytes instead of
// about fifteen. The dictionary body is always one compressed on its own (a
// keyframe), so every body decodes with at most one other, and a store
// damaged in one place loses at most the bodies keyed on that one.
//
// Keyframes are S2 (klauspost/compress/s2), not zstd: on the 181 real
// pages of the extraction benchmark S2 compresses 3.5× in a third of the
// time zstd's fastest level takes for 4.8×, and compressing first versions
// was what kept a store under a thousand versions a second. The bytes that
// keep growing, the successive versions, are still zstd against the
// keyframe: 20× smaller than the page.

// Blob codecs.
const (
	codecGzip     = "gzip"      // before migration 0005
	codecZstd     = "zstd"      // on its own: a keyframe (before S2 keyframes)
	codecS2       = "s2"        // on its own: a keyframe
	codecZstdDict = "zstd-dict" // against the keyframe named by dict_sha256
)

// dictID marks frames compressed against a dictionary; the dictionary
// itself is named by the row, not the frame.
const dictID = 1

// keyframeRatio: a body compressed against its dictionary to more than
// this share of its size is stored on its own and becomes the article's
// next dictionary, as the page has drifted from the old one.
const keyframeRatio = 0.10

// codecs holds the zstd encoders and decoders, which are safe for
// concurrent use and costly to build: a plain decoder, and a pair for each
// of the most recently used dictionaries.
type codecs struct {
	once  sync.Once
	dec   *zstd.Decoder // for zstd keyframes stored before S2 ones
	err   error
	mu    sync.Mutex
	dicts map[string]*dictCodec // by the dictionary's raw SHA-256
	order []string              // oldest first, for eviction
}

type dictCodec struct {
	raw []byte // the dictionary
	enc *zstd.Encoder
	dec *zstd.Decoder
}

// maxDicts bounds the dictionary codecs kept: an encoder at the default
// level holds about 3 MB of tables, and a monitor editing thousands of
// articles would keep 64 of them (200 MB) for little gain.
const maxDicts = 16

// errNoDict: the dictionary's codec is not cached and its bytes were not
// given.
var errNoDict = errors.New("dictionary not loaded")

func (c *codecs) plain() (*zstd.Decoder, error) {
	c.once.Do(func() {
		c.dec, c.err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(256<<20))
	})
	return c.dec, c.err
}

// encoderOptions keep a dictionary encoder small: pages are tens of
// kilobytes, so a 512 KB window holds the dictionary and the page, and an
// encoder for an article not seen for a while is cheap to build again.
//
// The default level, not SpeedFastest: on the 181 real pages of the
// extraction benchmark the two store a lightly edited republish 22× and
// 20× smaller, but on pages whose teasers change between fetches (the
// benchmark's) SpeedFastest's smaller tables lose the long matches and
// manage 9×, under the 10× a successive version must reach.
func encoderOptions(dict []byte) []zstd.EOption {
	return []zstd.EOption{zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1),
		zstd.WithWindowSize(512 << 10), zstd.WithLowerEncoderMem(true), zstd.WithEncoderDictRaw(dictID, dict)}
}

// withDict returns the codec for the dictionary whose raw SHA-256 is sum,
// building it from dict when it is not cached. Only the half asked for
// (encoder or decoder) is built.
func (c *codecs) withDict(sum string, dict []byte, encoder bool) (*dictCodec, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	dc, ok := c.dicts[sum]
	if !ok {
		if len(dict) == 0 {
			// Evicted since the caller looked: never build a codec on an
			// empty dictionary, whose output the real one could not read.
			return nil, errNoDict
		}
		dc = &dictCodec{raw: dict}
		if c.dicts == nil {
			c.dicts = map[string]*dictCodec{}
		}
		if len(c.order) == maxDicts {
			old := c.order[0]
			c.order = c.order[1:]
			c.dicts[old].close()
			delete(c.dicts, old)
		}
		c.dicts[sum] = dc
		c.order = append(c.order, sum)
	}
	var err error
	switch {
	case encoder && dc.enc == nil:
		dc.enc, err = zstd.NewWriter(nil, encoderOptions(dc.raw)...)
	case !encoder && dc.dec == nil:
		dc.dec, err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(256<<20),
			zstd.WithDecoderDictRaw(dictID, dc.raw))
	}
	if err != nil {
		return nil, err
	}
	return dc, nil
}

func (dc *dictCodec) close() {
	if dc.enc != nil {
		dc.enc.Close()
	}
	if dc.dec != nil {
		dc.dec.Close()
	}
}

// has reports whether the codec for dictionary sum is at hand.
func (c *codecs) has(sum string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.dicts[sum]
	return ok
}

func (c *codecs) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, dc := range c.dicts {
		dc.close()
	}
	c.dicts, c.order = nil, nil
	if c.dec != nil {
		c.dec.Close()
	}
}

// encoded is a body ready for the blobs table.
type encoded struct {
	data  []byte
	codec string
	dict  string // raw SHA-256 of the dictionary, for codecZstdDict
}

// encode compresses raw, against dict (whose raw SHA-256 is dictSum) when
// one is given and that pays; otherwise on its own, as a keyframe.
func (c *codecs) encode(raw []byte, dictSum string, dict []byte) (encoded, error) {
	if dictSum != "" {
		dc, err := c.withDict(dictSum, dict, true)
		switch {
		case errors.Is(err, errNoDict):
			// Evicted meanwhile: store this body on its own.
		case err != nil:
			return encoded{}, err
		default:
			out := dc.enc.EncodeAll(raw, make([]byte, 0, len(raw)/8))
			if float64(len(out)) <= keyframeRatio*float64(len(raw)) {
				return encoded{data: out, codec: codecZstdDict, dict: dictSum}, nil
			}
		}
	}
	return encoded{data: s2.Encode(nil, raw), codec: codecS2}, nil
}

// decode returns the body stored as data with codec; size is its recorded
// length. For codecZstdDict, dict is the decoded dictionary body.
func (c *codecs) decode(data []byte, size int64, codec, dictSum string, dict []byte) ([]byte, error) {
	if size < 0 {
		return nil, fmt.Errorf("decompress body: negative size %d", size)
	}
	var out []byte
	var err error
	switch codec {
	case codecGzip:
		out, err = gunzip(data, size)
	case codecS2:
		// The length S2 records must be the one stored: never allocate
		// what a damaged row claims.
		if n, derr := s2.DecodedLen(data); derr != nil || int64(n) != size {
			return nil, fmt.Errorf("decompress body (s2): decoded length %d, want %d (%v)", n, size, derr)
		}
		out, err = s2.Decode(make([]byte, size), data)
	case codecZstd:
		var dec *zstd.Decoder
		if dec, err = c.plain(); err == nil {
			out, err = dec.DecodeAll(data, make([]byte, 0, size))
		}
	case codecZstdDict:
		var dc *dictCodec
		if dc, err = c.withDict(dictSum, dict, false); err != nil {
			return nil, err // errNoDict: the caller loads the dictionary and retries
		}
		out, err = dc.dec.DecodeAll(data, make([]byte, 0, size))
	default:
		return nil, fmt.Errorf("decompress body: unknown codec %q", codec)
	}
	if err != nil {
		return nil, fmt.Errorf("decompress body (%s): %w", codec, err)
	}
	if int64(len(out)) != size {
		return nil, fmt.Errorf("decompress body: got %d bytes, want %d", len(out), size)
	}
	return out, nil
}

func gunzip(data []byte, size int64) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	// One byte past the size: a body longer than recorded is an error, not
	// a memory bomb.
	if _, err := io.Copy(buf, io.LimitReader(zr, size+1)); err != nil {
		return nil, err
	}
	if err := zr.Close(); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return buf.Bytes(), nil
}
