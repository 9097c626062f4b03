package fetch_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"testing"

	"github.com/redline-news/redline/monitor/sitetest"

	"github.com/redline-news/redline/monitor/fetch"
)

// BenchmarkHugePage (battery H02) fetches a 200 MB page with the default
// 10 MiB body cap and reports what the refused fetch cost in memory:
// bytes allocated per fetch, and the process's peak resident set (which
// includes the test server and the test binary, so it bounds the fetch's
// share from above). Both must stay well below twice the cap.
func BenchmarkHugePage(b *testing.B) {
	for _, chunked := range []bool{false, true} {
		name := "content-length"
		if chunked {
			name = "chunked"
		}
		b.Run(name, func(b *testing.B) { benchHugePage(b, chunked) })
	}
}

func benchHugePage(b *testing.B, chunked bool) {
	const huge = 200 << 20
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		if chunked {
			w.(http.Flusher).Flush()
		} else {
			w.Header().Set("Content-Length", strconv.Itoa(huge))
		}
		io.Copy(w, io.LimitReader(&repeatReader{b: []byte("<p>lorem ipsum dolor sit amet</p>\n")}, huge))
	}))
	defer srv.Close()
	opt := batteryOptions(b, addrOf(b, srv))
	opt.MaxBodyBytes = 10 << 20
	c := fetch.New(opt)
	b.ReportAllocs()
	for b.Loop() {
		_, err := c.Get(b.Context(), fetch.Request{URL: srv.URL + "/big"})
		if !errors.Is(err, fetch.ErrBodyTooLarge) {
			b.Fatalf("err = %v, want the body cap", err)
		}
	}
	b.StopTimer()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapSys)/(1<<20), "heap-sys-MiB")
	if hwm := sitetest.PeakRSSMiB(); hwm > 0 {
		b.ReportMetric(hwm, "peak-RSS-MiB")
	}
}
