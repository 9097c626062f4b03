package sqlite

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

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

// Blob codecs.
const (
	codecGzip     = "gzip"      // before migration 0005
	codecZstd     = "zstd"      // on its own: a keyframe
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
// concurrent use and costly to build: one plain pair, and a pair for each
// of the most recently used dictionaries.
type codecs struct {
	once  sync.Once
	enc   *zstd.Encoder
	dec   *zstd.Decoder
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

const maxDicts = 64

// errNoDict: the dictionary's codec is not cached and its bytes were not
// given.
var errNoDict = errors.New("dictionary not loaded")

func (c *codecs) plain() (*zstd.Encoder, *zstd.Decoder, error) {
	c.once.Do(func() {
		// Savers compress concurrently, outside the write lock: one
		// encoder each, up to the cores there are.
		c.enc, c.err = zstd.NewWriter(nil, append(encoderOptions(nil), zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)))...)
		if c.err == nil {
			c.dec, c.err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(256<<20))
		}
	})
	return c.enc, c.dec, c.err
}

// encoderOptions keep a dictionary encoder small: pages are tens of
// kilobytes, so a 512 KB window holds the dictionary and the page, and an
// encoder for an article not seen for a while is cheap to build again.
//
// Keyframes are compressed at SpeedFastest: as small within 5% as at the
// default level in half the time. Against a dictionary the default level
// finds the long matches that make a successive version 30 times smaller,
// where SpeedFastest manages 9.
func encoderOptions(dict []byte) []zstd.EOption {
	level := zstd.SpeedFastest
	if dict != nil {
		level = zstd.SpeedDefault
	}
	o := []zstd.EOption{zstd.WithEncoderLevel(level), zstd.WithEncoderConcurrency(1),
		zstd.WithWindowSize(512 << 10), zstd.WithLowerEncoderMem(true)}
	if dict != nil {
		o = append(o, zstd.WithEncoderDictRaw(dictID, dict))
	}
	return o
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
	if c.enc != nil {
		c.enc.Close()
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
// one is given and that pays.
func (c *codecs) encode(raw []byte, dictSum string, dict []byte) (encoded, error) {
	enc, _, err := c.plain()
	if err != nil {
		return encoded{}, err
	}
	if dictSum != "" {
		dc, err := c.withDict(dictSum, dict, true)
		if errors.Is(err, errNoDict) {
			// Evicted meanwhile: store this body on its own.
			return encoded{data: enc.EncodeAll(raw, make([]byte, 0, len(raw)/4)), codec: codecZstd}, nil
		}
		if err != nil {
			return encoded{}, err
		}
		out := dc.enc.EncodeAll(raw, make([]byte, 0, len(raw)/8))
		if float64(len(out)) <= keyframeRatio*float64(len(raw)) {
			return encoded{data: out, codec: codecZstdDict, dict: dictSum}, nil
		}
	}
	return encoded{data: enc.EncodeAll(raw, make([]byte, 0, len(raw)/4)), codec: codecZstd}, nil
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
	case codecZstd:
		var dec *zstd.Decoder
		if _, dec, err = c.plain(); err == nil {
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
