// Package spntest is a local stand-in of the Wayback Machine's Save Page
// Now 2 API on 127.0.0.1, for tests: it checks every request as the
// archive would (method, Authorization, Accept, form) and answers job IDs,
// pending, then success, or what a test scripts.
package spntest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

const (
	AccessKey = "ACCESSKEY"
	SecretKey = "s3cr3t"
	// Stamp is the time the stand-in says each capture was made.
	Stamp = "20251207153000"
)

// Server is a local SPN2: POST /save answers a job ID (or what the
// page's script says), GET /save/status/<job> answers pending, then
// success. It checks every request the way the archive would, and keeps
// what it saw.
type Server struct {
	*httptest.Server
	t *testing.T

	mu      sync.Mutex
	posts   []string       // the url form values submitted, in order
	polls   map[string]int // status reads per job
	bad     []string       // requests that broke the protocol
	jobs    map[string]string
	answers map[string][]func(w http.ResponseWriter) // per page: scripted answers to its POSTs, used up in order
	status  map[string]func(w http.ResponseWriter)   // per page: its job's status answer after the first poll (SetStatus)
}

func New(t *testing.T) *Server {
	s := &Server{t: t, polls: map[string]int{}, jobs: map[string]string{},
		answers: map[string][]func(http.ResponseWriter){}, status: map[string]func(http.ResponseWriter){}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	t.Cleanup(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, b := range s.bad {
			t.Errorf("stand-in: %s", b)
		}
	})
	return s
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if got, want := r.Header.Get("Authorization"), "LOW "+AccessKey+":"+SecretKey; got != want {
		s.bad = append(s.bad, fmt.Sprintf("%s %s: Authorization %q, want %q", r.Method, r.URL.Path, got, want))
	}
	if got := r.Header.Get("Accept"); got != "application/json" {
		s.bad = append(s.bad, fmt.Sprintf("%s %s: Accept %q, want application/json", r.Method, r.URL.Path, got))
	}
	switch {
	case r.URL.Path == "/save":
		if r.Method != http.MethodPost {
			s.bad = append(s.bad, "/save: method "+r.Method+", want POST")
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
			s.bad = append(s.bad, "/save: Content-Type "+ct)
		}
		if err := r.ParseForm(); err != nil {
			s.bad = append(s.bad, "/save: form: "+err.Error())
		}
		page := r.PostForm.Get("url")
		s.posts = append(s.posts, page)
		if as := s.answers[page]; len(as) > 0 {
			s.answers[page] = as[1:]
			as[0](w)
			return
		}
		job := fmt.Sprintf("spn2-%d", len(s.posts))
		s.jobs[job] = page
		WriteJSON(w, map[string]string{"url": page, "job_id": job})
	case strings.HasPrefix(r.URL.Path, "/save/status/"):
		if r.Method != http.MethodGet {
			s.bad = append(s.bad, "status: method "+r.Method+", want GET")
		}
		job := strings.TrimPrefix(r.URL.Path, "/save/status/")
		page, ok := s.jobs[job]
		if !ok {
			http.Error(w, `{"status":"error","message":"no such job"}`, http.StatusNotFound)
			return
		}
		s.polls[job]++
		if s.polls[job] == 1 {
			WriteJSON(w, map[string]string{"status": "pending", "job_id": job})
			return
		}
		if f := s.status[page]; f != nil {
			f(w)
			return
		}
		WriteJSON(w, map[string]any{"status": "success", "job_id": job, "timestamp": Stamp, "original_url": page, "duration_sec": 6.2})
	default:
		http.NotFound(w, r)
	}
}

// WriteJSON writes v as a JSON answer.
func WriteJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v) // the client sees any failure
}

// Script makes the page's next POSTs answer as fs say, in order.
func (s *Server) Script(page string, fs ...func(w http.ResponseWriter)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answers[page] = append(s.answers[page], fs...)
}

// Seen returns the pages submitted, in order, and the status reads.
func (s *Server) Seen() (posts []string, polls int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range s.polls {
		polls += n
	}
	return append([]string(nil), s.posts...), polls
}

// Answer writes status with a Retry-After of after (none when "") and body.
func Answer(status int, after, body string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		if after != "" {
			w.Header().Set("Retry-After", after)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}
}

// SetStatus makes the status of page's job, after its first (pending)
// poll, answer as f says; nil restores success.
func (s *Server) SetStatus(page string, f func(w http.ResponseWriter)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status[page] = f
}
