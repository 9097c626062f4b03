package extract

import (
	"fmt"
	"strings"

	"github.com/andybalholm/cascadia"
)

// Selector is a compiled CSS selector (or comma-separated group). Compile it
// once, when a config is loaded, so a typo is reported there: goquery's string
// selectors turn an invalid selector into one that silently matches nothing.
// The zero Selector is unset and matches nothing.
type Selector struct {
	text string
	m    cascadia.Selector
}

// ParseSelector compiles s. An empty or blank s gives the zero Selector.
func ParseSelector(s string) (Selector, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Selector{}, nil
	}
	m, err := cascadia.Compile(s)
	if err != nil {
		return Selector{}, fmt.Errorf("invalid CSS selector %q: %w", s, err)
	}
	return Selector{text: s, m: m}, nil
}

// String returns the selector's source text.
func (s Selector) String() string { return s.text }

// IsZero reports whether s is unset.
func (s Selector) IsZero() bool { return s.m == nil }

// MarshalText returns the selector's source text.
func (s Selector) MarshalText() ([]byte, error) { return []byte(s.text), nil }

// UnmarshalText compiles text, so a Selector can be a config or JSON field.
func (s *Selector) UnmarshalText(text []byte) error {
	sel, err := ParseSelector(string(text))
	if err != nil {
		return err
	}
	*s = sel
	return nil
}
