package main

import (
	"reflect"
	"strings"
	"testing"
)

// TestStrictYAML checks the strict reader on its own: every refusal names
// the file, the line and the field, an unknown key gets the nearest known
// one suggested, a wrong type says what was found, and a syntax error is
// placed on the line at fault. (The battery's C cases test the same
// machinery through whole config files.)
func TestStrictYAML(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"unknown key, near one", "concurency: 4\n", "f.yaml:1: concurency: unknown key, did you mean concurrency? (allowed: allow_addresses,"},
		{"unknown nested key", "sources:\n  - name: a\n    url: https://news.example/a\n    schedul: \"@hourly\"\n", "f.yaml:4: sources[0].schedul: unknown key, did you mean schedule?"},
		{"list for a number", "host_rate: [1]\n", "f.yaml:1: host_rate: want a number, got a list"},
		{"mapping for a string", "store: {a: 1}\n", "f.yaml:1: store:"},
		{"bad indentation", "sources:\n  - name: a\n    url: https://news.example/a\n   feed: x\n", "f.yaml:4:"},
		{"string for a mapping", "reports: daily\nsources:\n  - {name: a, url: https://news.example/a}\n", "f.yaml:1: reports: want a mapping"},
		{"string for a list", "sources:\n  - name: a\n    url: https://news.example/a\n    tags: local\n", "f.yaml:4: sources[0].tags: want a list"},
		// A key written with no value is unset, not wrong.
		{"null mapping and list", "reports:\nnotify:\nsources:\n  - {name: a, url: https://news.example/a}\n", ""},
	}
	for _, tt := range tests {
		_, err := parseConfig("f.yaml", []byte(tt.yaml))
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: %v, want no error", tt.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestNearestKey(t *testing.T) {
	fields := map[string]reflect.Type{}
	yamlFields(reflect.TypeFor[fileConfig](), fields)
	for key, want := range map[string]string{
		"concurency": "concurrency", "user-agent": "user_agent", "timezone": "timezone", "zzzzzz": "",
	} {
		if got := nearest(key, fields); got != want {
			t.Errorf("nearest(%q) = %q, want %q", key, got, want)
		}
	}
	if d := editDistance("kitten", "sitting"); d != 3 {
		t.Errorf("editDistance = %d, want 3", d)
	}
	if d := editDistance(strings.Repeat("a", 65), "a"); d < 1<<20 {
		t.Errorf("editDistance of a long key = %d, want it given up", d)
	}
}
