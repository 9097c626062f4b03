package nettest

import (
	"net/netip"
	"testing"
)

// recorder is a testing.TB that records Errorf instead of failing.
type recorder struct {
	testing.TB
	errors int
}

func (r *recorder) Errorf(string, ...any) { r.errors++ }

func TestTripwire(t *testing.T) {
	rec := &recorder{TB: t}
	w := NewTripwire(rec)
	if _, err := w.Dial(t.Context(), "tcp", "169.254.169.254:80"); err == nil || rec.errors != 1 {
		t.Errorf("dial of a forbidden address: err %v, %d test errors; want a refusal and one", err, rec.errors)
	}
	w.NoConnect = true
	if _, err := w.Dial(t.Context(), "tcp", "127.0.0.1:9"); err == nil {
		t.Error("NoConnect dialled")
	}
	if got := w.Dialled(); len(got) != 2 || w.DialledTo("127.0.0.1:9") != 1 {
		t.Errorf("recorded %v", got)
	}
}

func TestResolver_Rebinds(t *testing.T) {
	r := NewResolver(map[string][]string{"rebind.test": {"127.0.0.1", "169.254.169.254,10.0.0.1"}})
	for i, want := range []string{"127.0.0.1", "169.254.169.254", "169.254.169.254"} {
		got, err := r.LookupNetIP(t.Context(), "ip", "rebind.test")
		if err != nil || got[0] != netip.MustParseAddr(want) {
			t.Errorf("call %d: %v, %v; want %s first", i, got, err, want)
		}
	}
	if _, err := r.LookupNetIP(t.Context(), "ip", "unknown.test"); err == nil {
		t.Error("an unknown name resolved")
	}
}
