package sqlite

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/centrifugal/fdelta"

	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/zstd"

	"github.com/redline-news/redline/snapshots"
)

// Response bodies are stored compressed in the blobs table, keyed by the
// SHA-256 of the uncompressed bytes, so identical bodies are stored once.
//
// A successive version of a page differs from the one before in a few
// sentences, an ad and a timestamp. It is stored as a Fossil delta
// (github.com/centrifugal/fdelta) against an earlier body of the same
// article, compressed with zstd: a few hundred bytes instead of about
// fifteen kilobytes. The body a delta is taken against is always one
// compressed on its own (a keyframe), so every body decodes with at most
// one other, and a store damaged in one place loses at most the bodies
// keyed on that one.
//
// Keyframes are S2 (klauspost/compress/s2): on the 181 real pages of the
// extraction benchmark S2 compresses 3.5× in a third of the time zstd's
// fastest level takes for 4.8×.
//
// Deltas replaced zstd with the keyframe as its dictionary ("zstd-dict",
// still read): a zstd encoder has to build about 3 MB of match tables for
// each dictionary, 1.2 ms for a 60 KB page, so a monitor editing many
// articles spent most of a save building them. A Fossil delta needs no
// state at all: 0.1 ms cold for such a page, and its copies are four times
// smaller than zstd's matches were.

// Blob codecs.
const (
	codecGzip     = "gzip"        // before migration 0005
	codecZstd     = "zstd"        // on its own: a keyframe (before S2 keyframes)
	codecS2       = "s2"          // on its own: a keyframe
	codecZstdDict = "zstd-dict"   // zstd against the keyframe named by dict_sha256 (still read, no longer written)
	codecDelta    = "fdelta+zstd" // a Fossil delta against the keyframe named by dict_sha256, zstd-compressed
)

// dictID marks zstd-dict frames; the dictionary itself is named by the row.
const dictID = 1

// keyframeRatio: a body whose delta takes more than this share of its size
// is stored on its own and becomes the article's next keyframe, as the page
// has drifted from the old one.
const keyframeRatio = 0.10

// codecs holds what encoding and decoding bodies share: the zstd encoder
// and decoder for deltas and old zstd keyframes, the decoders of zstd-dict
// rows, and the most recently used keyframes, decoded. All of it is safe
// for concurrent use.
type codecs struct {
	once     sync.Once
	enc      *zstd.Encoder
	dec      *zstd.Decoder // zstd keyframes
	deltaDec *zstd.Decoder // deltas, with a tighter bound
	err      error

	mu        sync.Mutex
	keyframes map[string][]byte // decoded keyframes by raw SHA-256
	kfOrder   []string          // oldest first, for eviction
	kfBytes   int
	dicts     map[string]*zstd.Decoder // zstd-dict decoders by dictionary SHA-256
	dictOrder []string
}

// Bounds of the caches: keyframes are what every save of a live story
// reads; zstd-dict decoders only serve rows written before deltas.
const (
	maxKeyframeBytes = 32 << 20
	maxDictDecoders  = 8
)

// errNoDict: the keyframe a body needs is not cached and its bytes were
// not given.
var errNoDict = errors.New("keyframe not loaded")

// maxDeltaBytes bounds a decoded delta: a tenth of the largest body a
// fetch keeps, and then some.
const maxDeltaBytes = 64 << 20

func (c *codecs) shared() (*zstd.Encoder, *zstd.Decoder, error) {
	c.once.Do(func() {
		// Deltas are small: a small window, and as many encoders as cores.
		c.enc, c.err = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithWindowSize(256<<10),
			zstd.WithLowerEncoderMem(true), zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)))
		if c.err == nil {
			c.dec, c.err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(256<<20))
		}
		if c.err == nil {
			c.deltaDec, c.err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(maxDeltaBytes))
		}
	})
	return c.enc, c.dec, c.err
}

// keyframe returns the cached decoded keyframe sum, or nil.
func (c *codecs) keyframe(sum string) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.keyframes[sum]
}

// keep caches the decoded keyframe sum, evicting the oldest past the bound.
// The bytes are kept as given and must not be changed afterwards.
func (c *codecs) keep(sum string, raw []byte) {
	if len(raw) == 0 || len(raw) > maxKeyframeBytes/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.keyframes[sum]; ok {
		return
	}
	if c.keyframes == nil {
		c.keyframes = map[string][]byte{}
	}
	for c.kfBytes+len(raw) > maxKeyframeBytes && len(c.kfOrder) > 0 {
		old := c.kfOrder[0]
		c.kfOrder = c.kfOrder[1:]
		c.kfBytes -= len(c.keyframes[old])
		delete(c.keyframes, old)
	}
	c.keyframes[sum] = raw
	c.kfOrder = append(c.kfOrder, sum)
	c.kfBytes += len(raw)
}

// dictDecoder returns the decoder of zstd-dict rows against dictionary
// sum, building it from dict when it is not cached.
func (c *codecs) dictDecoder(sum string, dict []byte) (*zstd.Decoder, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d, ok := c.dicts[sum]; ok {
		return d, nil
	}
	if len(dict) == 0 {
		// Never build a decoder on an empty dictionary.
		return nil, errNoDict
	}
	d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(256<<20),
		zstd.WithDecoderDictRaw(dictID, dict))
	if err != nil {
		return nil, err
	}
	if c.dicts == nil {
		c.dicts = map[string]*zstd.Decoder{}
	}
	if len(c.dictOrder) == maxDictDecoders {
		old := c.dictOrder[0]
		c.dictOrder = c.dictOrder[1:]
		c.dicts[old].Close()
		delete(c.dicts, old)
	}
	c.dicts[sum] = d
	c.dictOrder = append(c.dictOrder, sum)
	return d, nil
}

func (c *codecs) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, d := range c.dicts {
		d.Close()
	}
	c.dicts, c.dictOrder = nil, nil
	c.keyframes, c.kfOrder, c.kfBytes = nil, nil, 0
	if c.enc != nil {
		c.enc.Close()
	}
	if c.dec != nil {
		c.dec.Close()
	}
	if c.deltaDec != nil {
		c.deltaDec.Close()
	}
}

// encoded is a body ready for the blobs table.
type encoded struct {
	data  []byte
	codec string
	dict  string // raw SHA-256 of the keyframe, for codecDelta
}

// encode compresses raw: as a delta against keyframe (whose raw SHA-256 is
// keySum) when one is given and that pays; otherwise on its own, as a
// keyframe.
func (c *codecs) encode(raw []byte, keySum string, keyframe []byte) (encoded, error) {
	if keySum != "" && len(keyframe) > 0 {
		enc, _, err := c.shared()
		if err != nil {
			return encoded{}, err
		}
		delta := fdelta.Create(keyframe, raw)
		if float64(len(delta)) <= keyframeRatio*float64(len(raw)) {
			out := enc.EncodeAll(delta, make([]byte, 0, len(delta)))
			if float64(len(out)) <= keyframeRatio*float64(len(raw)) {
				return encoded{data: out, codec: codecDelta, dict: keySum}, nil
			}
		}
	}
	return encoded{data: s2.Encode(nil, raw), codec: codecS2}, nil
}

// decode returns the body stored as data with codec; size is its recorded
// length. For codecDelta and codecZstdDict, dict is the decoded keyframe
// (nil: the cached one, or errNoDict).
func (c *codecs) decode(data []byte, size int64, codec, dictSum string, dict []byte) ([]byte, error) {
	if size < 0 || size > snapshots.MaxBodyBytes {
		return nil, fmt.Errorf("decompress body: recorded size %d out of range (0 to %d)", size, snapshots.MaxBodyBytes)
	}
	// What a row claims is made room for only as the bytes arrive.
	prealloc := min(size, 1<<20)
	var out []byte
	var err error
	switch codec {
	case codecGzip:
		out, err = gunzip(data, size, prealloc)
	case codecS2:
		// The length S2 records must be the one stored: never allocate
		// what a damaged row claims.
		if n, derr := s2.DecodedLen(data); derr != nil || int64(n) != size {
			return nil, fmt.Errorf("decompress body (s2): decoded length %d, want %d (%v)", n, size, derr)
		}
		out, err = s2.Decode(make([]byte, size), data)
	case codecZstd:
		var dec *zstd.Decoder
		if _, dec, err = c.shared(); err == nil {
			out, err = dec.DecodeAll(data, make([]byte, 0, prealloc))
		}
	case codecDelta:
		if dict == nil {
			if dict = c.keyframe(dictSum); dict == nil {
				return nil, errNoDict // the caller loads the keyframe and retries
			}
		}
		out, err = c.applyDelta(data, size, dict)
	case codecZstdDict:
		var dec *zstd.Decoder
		if dec, err = c.dictDecoder(dictSum, dict); err != nil {
			return nil, err // errNoDict: the caller loads the dictionary and retries
		}
		out, err = dec.DecodeAll(data, make([]byte, 0, prealloc))
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

// applyDelta decodes a codecDelta body against its keyframe. The sizes a
// damaged row claims are checked before anything of that size is made.
func (c *codecs) applyDelta(data []byte, size int64, keyframe []byte) ([]byte, error) {
	if _, _, err := c.shared(); err != nil {
		return nil, err
	}
	dec := c.deltaDec
	// A delta is never longer than a tenth of its body (keyframeRatio)
	// plus its commands: a damaged row whose frame claims more is refused
	// before anything of that size is made. (Frames of deltas under 256
	// bytes carry no size; the decoder's own bound, maxDeltaBytes, holds.)
	var h zstd.Header
	if err := h.Decode(data); err != nil {
		return nil, err
	}
	if limit := uint64(size)/4 + 4096; h.HasFCS && h.FrameContentSize > limit {
		return nil, fmt.Errorf("delta frame claims %d bytes, at most %d expected", h.FrameContentSize, limit)
	}
	delta, err := dec.DecodeAll(data, nil)
	if err != nil {
		return nil, err
	}
	n, err := fdelta.OutputSize(delta)
	if err != nil {
		return nil, err
	}
	if int64(n) != size {
		return nil, fmt.Errorf("delta makes %d bytes, want %d", n, size)
	}
	return fdelta.AppendApply(make([]byte, 0, size), keyframe, delta)
}

func gunzip(data []byte, size, prealloc int64) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	buf := bytes.NewBuffer(make([]byte, 0, prealloc))
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
