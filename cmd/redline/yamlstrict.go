// Strict YAML: the machinery that reads config.yaml as redline wants it
// read — every value with its line (at[T]), unknown keys refused with the
// nearest known one suggested, wrong types named, alias bombs bounded, a
// syntax error placed on the line at fault — and the errors that name
// file, line and field.

package main

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// FieldError is one problem in a config file, located by file, line and
// field path.
type FieldError struct {
	File  string
	Line  int
	Field string
	Err   error
}

func (e *FieldError) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Field == "" {
		return fmt.Sprintf("%s: %v", loc, e.Err)
	}
	return fmt.Sprintf("%s: %s: %v", loc, e.Field, e.Err)
}

func (e *FieldError) Unwrap() error { return e.Err }

// ConfigError lists every problem found in a config file.
type ConfigError struct{ Problems []*FieldError }

func (e *ConfigError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Error()
	}
	return strings.Join(msgs, "\n")
}

// at holds a scalar from config.yaml and the line it was on.
type at[T any] struct {
	V    T
	Line int
}

func (a *at[T]) UnmarshalYAML(n *yaml.Node) error {
	a.Line = n.Line
	return n.Decode(&a.V)
}

// expandedNodes counts the nodes n stands for with every alias expanded,
// stopping early once the count passes maxConfigNodes. seen memoizes
// anchored nodes, so the walk itself is linear in the file; depth guards
// against an alias cycle.
func expandedNodes(n *yaml.Node, seen map[*yaml.Node]int, depth int) int {
	if n == nil {
		return 0
	}
	if n.Kind == yaml.AliasNode {
		if depth > 100 {
			return maxConfigNodes + 1
		}
		if c, ok := seen[n.Alias]; ok {
			return c
		}
		c := expandedNodes(n.Alias, seen, depth+1)
		seen[n.Alias] = c
		return c
	}
	total := 1
	for _, c := range n.Content {
		total += expandedNodes(c, seen, depth)
		if total > maxConfigNodes {
			return total
		}
	}
	return total
}

func yamlError(file string, err error) *FieldError {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		var line int
		fmt.Sscan(m[1], &line)
		return &FieldError{File: file, Line: line, Err: errors.New(m[2])}
	}
	return &FieldError{File: file, Err: errors.New(msg)}
}

// yamlSyntaxError locates a YAML syntax error. For an error inside a
// block, yaml.v3 gives the line the block starts on, not the line at
// fault: a list item indented one space short on line 5 of a list begun
// on line 2 reads "line 2". The line at fault ends the shortest run of
// whole lines from the top that fails with the same error, found by a
// binary search (a dozen parses of the file, on error only).
func yamlSyntaxError(file string, data []byte, err error) *FieldError {
	fe := yamlError(file, err)
	if fe.Line == 0 {
		return fe
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	fails := func(n int) bool {
		var root yaml.Node
		e := yaml.Unmarshal(bytes.Join(lines[:n], nil), &root)
		return e != nil && e.Error() == err.Error()
	}
	lo, hi := 1, len(lines) // the whole file fails: find the first n that does
	for lo < hi {
		if mid := (lo + hi) / 2; fails(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	if lo > fe.Line && fails(lo) {
		fe.Err = fmt.Errorf("%v (check the indentation of this line: the block it is in starts on line %d)", fe.Err, fe.Line)
		fe.Line = lo
	}
	return fe
}

type validator struct {
	file     string
	problems []*FieldError
	// missing are the notifier secrets the environment does not give;
	// fileSecrets is set when a secret or password is written in the file.
	missing     []*FieldError
	fileSecrets bool
}

// inRange sets *dst to a numeric setting written in the file (a key left
// out keeps the default in *dst) and reports one outside [lo, hi]; note
// follows the range in the message.
func inRange[T int | int64](v *validator, dst *T, f at[T], field string, lo, hi T, note string) {
	if f.Line == 0 {
		return
	}
	if f.V < lo || f.V > hi {
		v.add(f.Line, field, "must be between %d and %d%s, got %d", lo, hi, note, f.V)
	}
	*dst = f.V
}

func (v *validator) add(line int, field string, format string, args ...any) {
	v.problems = append(v.problems, &FieldError{File: v.file, Line: line, Field: field, Err: fmt.Errorf(format, args...)})
}

// yamlFields lists the keys a struct declares, those of inline structs
// included.
func yamlFields(t reflect.Type, fields map[string]reflect.Type) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch {
		case opts == "inline" && f.Type.Kind() == reflect.Struct:
			yamlFields(f.Type, fields)
		case name != "" && name != "-":
			fields[name] = f.Type
		}
	}
}

// checkKeys reports every mapping key that t does not declare.
func (v *validator) checkKeys(n *yaml.Node, t reflect.Type, path string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(atType) {
		// A scalar leaf: decode it alone so a wrong type is named by its path.
		if err := n.Decode(reflect.New(t).Interface()); err != nil {
			v.add(n.Line, path, "want %s, got %s", kindName(t.Field(0).Type), nodeText(n))
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if !v.isKind(n, yaml.MappingNode, path, "a mapping") {
			return
		}
		fields := map[string]reflect.Type{}
		yamlFields(t, fields)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			ft, ok := fields[k.Value]
			if !ok {
				if near := nearest(k.Value, fields); near != "" {
					v.add(k.Line, join(path, k.Value), "unknown key, did you mean %s? (allowed: %s)", near, allowed(fields))
				} else {
					v.add(k.Line, join(path, k.Value), "unknown key (allowed: %s)", allowed(fields))
				}
				continue
			}
			v.checkKeys(n.Content[i+1], ft, join(path, k.Value))
		}
	case reflect.Slice:
		if !v.isKind(n, yaml.SequenceNode, path, "a list") {
			return
		}
		for i, c := range n.Content {
			v.checkKeys(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	}
}

// isKind reports whether n is of kind. A null (the key written with no
// value) is not, but is no error either: it leaves the setting unset.
// Anything else is reported as a problem at path.
func (v *validator) isKind(n *yaml.Node, kind yaml.Kind, path, want string) bool {
	if n.Kind == kind {
		return true
	}
	if n.Kind != yaml.ScalarNode || n.Tag != "!!null" {
		v.add(n.Line, path, "want %s", want)
	}
	return false
}

// nearest returns the allowed key closest to a mistyped one (selecter,
// schedlue), or "" when none is within two edits.
func nearest(key string, fields map[string]reflect.Type) string {
	best, bestD := "", 3
	for name := range fields {
		if d := editDistance(key, name); d < bestD || (d == bestD && name < best) {
			best, bestD = name, d
		}
	}
	return best
}

// editDistance is the Damerau–Levenshtein distance (adjacent swaps count
// as one edit) between two short keys.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 1 << 30
	}
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Uint, reflect.Uint64:
		return "a whole number"
	case reflect.Float64, reflect.Float32:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Slice:
		return "a list"
	}
	return "a " + t.String()
}

// nodeText says what a YAML node holds, for a message: a scalar quoted,
// otherwise its kind (host_rate: [1] is "a list", not "").
func nodeText(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.AliasNode:
		return "an alias (*" + n.Value + ")"
	}
	return strconv.Quote(n.Value)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func allowed(fields map[string]reflect.Type) string {
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
