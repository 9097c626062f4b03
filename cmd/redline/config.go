package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"gopkg.in/yaml.v3"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/extract"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/monitor/notify"
	"github.com/redline-news/redline/report"
	"github.com/redline-news/redline/snapshots"
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

// fileConfig is config.yaml as written. Keep it plain: see STYLE §8.
type fileConfig struct {
	Store        at[string] `yaml:"store"`
	UserAgent    at[string] `yaml:"user_agent"`
	Concurrency  at[int]    `yaml:"concurrency"`
	Schedule     at[string] `yaml:"schedule"`
	Timezone     at[string] `yaml:"timezone"`
	Timeout      at[string] `yaml:"timeout"`
	MaxBodyBytes at[int64]  `yaml:"max_body_bytes"`
	MaxHeaders   at[int64]  `yaml:"max_header_bytes"`
	MaxRedirects at[int]    `yaml:"max_redirects"`
	ExtractLimit at[string] `yaml:"extraction_timeout"`
	MaxDepth     at[int]    `yaml:"max_nesting_depth"`
	MaxSentences at[int]    `yaml:"max_sentences"`
	MinInterval  at[string] `yaml:"min_interval"`
	hostLimits   `yaml:",inline"`
	Reports      reportsConfig   `yaml:"reports"`
	Cadence      []stepConfig    `yaml:"cadence"`
	Recheck      at[bool]        `yaml:"recheck_after_change"`
	AllowAddrs   []at[string]    `yaml:"allow_addresses"`
	Notify       []notifyConfig  `yaml:"notify"`
	Sources      []*sourceConfig `yaml:"sources"`
}

// hostLimits are the politeness keys, global and per source, and
// allow_private, which says where a source may connect.
type hostLimits struct {
	HostConcurrency at[int]     `yaml:"host_concurrency"`
	HostRate        at[float64] `yaml:"host_rate"`
	RespectRobots   at[bool]    `yaml:"respect_robots"`
	AllowPrivate    at[bool]    `yaml:"allow_private"`
}

// compile fills the fetch limits: a key left out keeps the default (0),
// 0 written in the file means unlimited.
func (h hostLimits) compile(v *validator, field func(string) string) (conc int, rate float64, robots fetch.RobotsPolicy) {
	if a := h.HostConcurrency; a.Line > 0 {
		switch {
		case a.V < 0 || a.V > 10000:
			v.add(a.Line, field("host_concurrency"), "must be between 0 (unlimited) and 10000, got %d", a.V)
		case a.V == 0:
			conc = fetch.Unlimited
		default:
			conc = a.V
		}
	}
	if a := h.HostRate; a.Line > 0 {
		switch {
		case a.V < 0 || a.V > 1e6:
			v.add(a.Line, field("host_rate"), "must be between 0 (unlimited) and 1000000 requests per second, got %g", a.V)
		case a.V == 0:
			rate = fetch.Unlimited
		default:
			rate = a.V
		}
	}
	if a := h.RespectRobots; a.Line > 0 {
		robots = fetch.RobotsIgnore
		if a.V {
			robots = fetch.RobotsObey
		}
	}
	return conc, rate, robots
}

// stepConfig is one stage of a cadence: check every Every while the
// article is younger than Until.
type stepConfig struct {
	Until at[string] `yaml:"until"`
	Every at[string] `yaml:"every"`
}

// notifyConfig is one notifier. Secrets can come from the environment
// (secret_env, password_env) so config.yaml can be shared.
type notifyConfig struct {
	Name          at[string]   `yaml:"name"`
	Kind          at[string]   `yaml:"kind"`
	MinSeverity   at[string]   `yaml:"min_severity"`
	Sources       []at[string] `yaml:"sources"`
	URL           at[string]   `yaml:"url"`
	Secret        at[string]   `yaml:"secret"`
	SecretEnv     at[string]   `yaml:"secret_env"`
	Addr          at[string]   `yaml:"addr"`
	Username      at[string]   `yaml:"username"`
	Password      at[string]   `yaml:"password"`
	PasswordEnv   at[string]   `yaml:"password_env"`
	From          at[string]   `yaml:"from"`
	To            []at[string] `yaml:"to"`
	AllowInsecure at[bool]     `yaml:"allow_insecure"`
	AllowPrivate  at[bool]     `yaml:"allow_private"`
	Path          at[string]   `yaml:"path"`
	MaxEntries    at[int]      `yaml:"max_entries"`
}

type reportsConfig struct {
	Dir     at[string]   `yaml:"dir"`
	Formats []at[string] `yaml:"formats"`
}

type sourceConfig struct {
	Line       int        `yaml:"-"`
	Name       at[string] `yaml:"name"`
	URL        at[string] `yaml:"url"`
	Feed       at[string] `yaml:"feed"`
	Sitemap    at[string] `yaml:"sitemap"`
	Schedule   at[string] `yaml:"schedule"`
	hostLimits `yaml:",inline"`
	Cadence    []stepConfig    `yaml:"cadence"`
	Selectors  selectorsConfig `yaml:"selectors"`
	Ignore     []at[string]    `yaml:"ignore"`
	Tags       []at[string]    `yaml:"tags"`
}

type selectorsConfig struct {
	Title     at[string]   `yaml:"title"`
	Body      at[string]   `yaml:"body"`
	Byline    at[string]   `yaml:"byline"`
	Published at[string]   `yaml:"published"`
	Modified  at[string]   `yaml:"modified"`
	Remove    []at[string] `yaml:"remove"`
}

// Config is the validated configuration, compiled for use.
type Config struct {
	File         string
	Store        string
	UserAgent    string
	Concurrency  int
	Schedule     string
	Location     *time.Location
	Timeout      time.Duration
	MaxBodyBytes int64
	// MaxHeaderBytes, MaxRedirects and ExtractionTimeout are the other
	// limits a user may change; zero keeps fetch's and extract's defaults.
	MaxHeaderBytes    int64
	MaxRedirects      int
	ExtractionTimeout time.Duration
	MaxNestingDepth   int
	MaxSentences      int
	ReportDir         string
	Formats           []report.Format
	// Fetch politeness: zero values take fetch's defaults (2 requests at
	// once and 1 per second per host, robots.txt obeyed).
	HostConcurrency int
	HostRate        float64
	Robots          fetch.RobotsPolicy
	// AllowPrivate is the global allow_private: the default of every
	// source's and notifier's own, which is what the Guard honours.
	AllowPrivate bool
	// AllowAddrs are addresses the Guard allows although non-global. They
	// never come from config.yaml: `redline demo` puts its own local site
	// here, and nothing else.
	AllowAddrs []netip.AddrPort
	// AllowIPs and AllowHosts are allow_addresses: addresses and host
	// names any connection may reach although non-global, the only way
	// to a cloud metadata endpoint.
	AllowIPs   []netip.Addr
	AllowHosts []string
	Cadence    monitor.Cadence
	Notify     []notify.Config
	Sources    []monitor.Source

	// RecheckAfterChange sends an article that changed back to the first
	// stage of its cadence (recheck_after_change, default true).
	RecheckAfterChange bool

	// MinInterval is the shortest time a schedule may leave between two
	// checks of a source (min_interval); a schedule firing more often is
	// refused at load.
	MinInterval time.Duration
	// Warnings are problems that do not stop the config from loading,
	// such as secrets in a file others can read. Commands log them.
	Warnings []*FieldError
	// missingSecrets are the notifiers' secret_env and password_env
	// variables that are not set: see requireSecrets.
	missingSecrets []*FieldError
	// fileSecrets is set when a notifier's secret or password is written
	// in the file itself (not taken from the environment).
	fileSecrets bool
}

// requireSources refuses a config with no sources: run and check would
// start, check nothing and say nothing.
func (c Config) requireSources() error {
	if len(c.Sources) > 0 {
		return nil
	}
	return usagef("%s has no sources: add one under sources:, or run `redline init` to write one", c.File)
}

// requireSecrets returns, as one *ConfigError, every notifier secret that
// the environment does not give. Only the commands that deliver (run, and
// check without --dry-run) call it: the others read the config for its
// store or sources and never need a secret.
func (c Config) requireSecrets() error {
	if len(c.missingSecrets) == 0 {
		return nil
	}
	return &ConfigError{c.missingSecrets}
}

func defaultConfig() Config {
	return Config{
		Store:        "redline.db",
		Concurrency:  4,
		Schedule:     "@every 15m",
		Location:     time.UTC,
		Timeout:      30 * time.Second,
		MaxBodyBytes: 10 << 20,
		ReportDir:    "reports",
		Formats:      []report.Format{report.Markdown, report.JSON},
		Cadence:      monitor.DefaultCadence,
		MinInterval:  time.Minute,

		RecheckAfterChange: true,
	}
}

// maxConfigBytes caps config.yaml before it is parsed, so a huge file (or
// /dev/zero given by mistake) is refused without reading it into memory.
// A config for thousands of sources stays far below it.
const maxConfigBytes = 1 << 20

// maxConfigNodes caps the YAML nodes a config expands to, aliases
// followed: a "billion laughs" alias bomb is refused before anything
// decodes it. A 1 MiB file without aliases has fewer nodes than this.
const maxConfigNodes = 1 << 20

// loadConfig reads and validates a config file. Every problem found is
// returned in one *ConfigError.
func loadConfig(path string) (Config, error) {
	fail := func(err error) (Config, error) {
		// The message names the file once: drop the *PathError's own copy.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return Config{}, &ConfigError{[]*FieldError{{File: path, Err: err}}}
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Config{}, usagef("config %s not found: give --config FILE, or run `redline init` to start one", path)
	}
	if err != nil {
		return fail(err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fail(err)
	}
	if info.IsDir() {
		return Config{}, usagef("config %s is a directory, not a file", path)
	}
	if info.Mode().IsRegular() && info.Size() > maxConfigBytes {
		return fail(fmt.Errorf("file is %d bytes, more than the %d a config may have", info.Size(), maxConfigBytes))
	}
	// The size is checked again while reading: the file may be a pipe,
	// or growing.
	data, err := io.ReadAll(io.LimitReader(f, maxConfigBytes+1))
	if err != nil {
		return fail(err)
	}
	cfg, err := parseConfig(path, data)
	if err != nil {
		return cfg, err
	}
	if info.Mode().Perm()&0o077 != 0 && cfg.fileSecrets {
		cfg.Warnings = append(cfg.Warnings, &FieldError{File: path,
			Err: fmt.Errorf("holds notifier secrets but is readable by group or others (mode %v): chmod 600 it, or use secret_env and password_env", info.Mode().Perm())})
	}
	return cfg, nil
}

func parseConfig(file string, data []byte) (Config, error) {
	if len(data) > maxConfigBytes {
		return Config{}, &ConfigError{[]*FieldError{{File: file,
			Err: fmt.Errorf("file is more than the %d bytes a config may have", maxConfigBytes)}}}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return Config{}, &ConfigError{[]*FieldError{yamlSyntaxError(file, data, err)}}
	}
	// Decoding into a yaml.Node keeps aliases unexpanded; count what they
	// expand to before anything decodes the tree into structs.
	if n := expandedNodes(&root, map[*yaml.Node]int{}, 0); n > maxConfigNodes {
		return Config{}, &ConfigError{[]*FieldError{{File: file,
			Err: fmt.Errorf("document contains excessive aliasing (expands to more than %d nodes)", maxConfigNodes)}}}
	}
	v := &validator{file: file}
	if len(root.Content) > 0 {
		// Unknown keys are found by walking the node tree against the
		// struct, so each one is named by its full path.
		v.checkKeys(root.Content[0], reflect.TypeOf(fileConfig{}), "")
	}
	if len(v.problems) > 0 {
		return Config{}, &ConfigError{v.problems}
	}
	var fc fileConfig
	if len(root.Content) > 0 { // an empty file means all defaults
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&fc); err != nil {
			return Config{}, &ConfigError{[]*FieldError{yamlError(file, err)}}
		}
		recordSourceLines(root.Content[0], fc.Sources)
	}
	cfg := v.compile(fc)
	if len(v.problems) > 0 {
		return Config{}, &ConfigError{v.problems}
	}
	cfg.missingSecrets, cfg.fileSecrets = v.missing, v.fileSecrets
	return cfg, nil
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

var yamlLine = regexp.MustCompile(`line (\d+): (.*)`)

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

// inRange reports a numeric setting outside [lo, hi]; note follows the
// range in the message.
func inRange[T int | int64](v *validator, f at[T], field string, lo, hi T, note string) {
	if f.V < lo || f.V > hi {
		v.add(f.Line, field, "must be between %d and %d%s, got %d", lo, hi, note, f.V)
	}
}

func (v *validator) add(line int, field string, format string, args ...any) {
	v.problems = append(v.problems, &FieldError{File: v.file, Line: line, Field: field, Err: fmt.Errorf(format, args...)})
}

var atType = reflect.TypeOf((*yaml.Unmarshaler)(nil)).Elem()

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
		if n.Kind != yaml.MappingNode {
			if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
				return
			}
			v.add(n.Line, path, "want a mapping")
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
		if n.Kind != yaml.SequenceNode {
			if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
				return
			}
			v.add(n.Line, path, "want a list")
			return
		}
		for i, c := range n.Content {
			v.checkKeys(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	}
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

func recordSourceLines(root *yaml.Node, srcs []*sourceConfig) {
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "sources" {
			for j, n := range root.Content[i+1].Content {
				if j < len(srcs) && srcs[j] != nil {
					srcs[j].Line = n.Line
				}
			}
		}
	}
}

func (v *validator) compile(fc fileConfig) Config {
	cfg := defaultConfig()
	cfg.File = v.file
	if fc.Store.V != "" {
		cfg.Store = fc.Store.V
	}
	cfg.UserAgent = fc.UserAgent.V
	if fc.Concurrency.Line > 0 {
		if fc.Concurrency.V < 1 || fc.Concurrency.V > 1000 {
			v.add(fc.Concurrency.Line, "concurrency", "must be between 1 and 1000, got %d", fc.Concurrency.V)
		}
		cfg.Concurrency = fc.Concurrency.V
	}
	if fc.MinInterval.V != "" {
		d, err := time.ParseDuration(fc.MinInterval.V)
		if err != nil || d <= 0 {
			v.add(fc.MinInterval.Line, "min_interval", "want a positive duration such as 1m or 30s, got %q", fc.MinInterval.V)
		} else {
			cfg.MinInterval = d
		}
	}
	if fc.Schedule.V != "" {
		if sched, err := cron.ParseStandard(fc.Schedule.V); err != nil {
			v.add(fc.Schedule.Line, "schedule", "invalid cron spec %q: %v", fc.Schedule.V, err)
		} else {
			v.checkInterval(fc.Schedule.Line, "schedule", fc.Schedule.V, sched, cfg.MinInterval)
		}
		cfg.Schedule = fc.Schedule.V
	}
	if fc.Timezone.V != "" {
		loc, err := time.LoadLocation(fc.Timezone.V)
		if err != nil {
			v.add(fc.Timezone.Line, "timezone", "unknown time zone %q", fc.Timezone.V)
		} else {
			cfg.Location = loc
		}
	}
	v.fetchLimits(fc, &cfg)
	if fc.Reports.Dir.V != "" {
		cfg.ReportDir = fc.Reports.Dir.V
	}
	if fc.Reports.Formats != nil {
		cfg.Formats = nil
		for i, f := range fc.Reports.Formats {
			rf, err := report.ParseFormat(f.V)
			if err != nil {
				v.add(f.Line, fmt.Sprintf("reports.formats[%d]", i), "%v", err)
				continue
			}
			cfg.Formats = append(cfg.Formats, rf)
		}
	}
	if fc.Cadence != nil {
		cfg.Cadence = v.cadence("cadence", fc.Cadence)
	}
	if fc.Recheck.Line > 0 {
		cfg.RecheckAfterChange = fc.Recheck.V
	}
	cfg.HostConcurrency, cfg.HostRate, cfg.Robots = fc.hostLimits.compile(v, func(f string) string { return f })
	cfg.AllowPrivate = fc.AllowPrivate.V
	cfg.AllowIPs, cfg.AllowHosts = v.allowAddresses(fc.AllowAddrs)
	cfg.Notify = v.notifiers(fc.Notify, cfg.AllowPrivate)
	cfg.Sources = v.sources(fc.Sources, cfg)
	return cfg
}

// fetchLimits reads the limits of one fetch and one extraction: timeout,
// body, header and redirect caps, extraction time, nesting and sentences.
func (v *validator) fetchLimits(fc fileConfig, cfg *Config) {
	if fc.Timeout.V != "" {
		d, err := time.ParseDuration(fc.Timeout.V)
		if err != nil || d <= 0 {
			v.add(fc.Timeout.Line, "timeout", "invalid duration %q (e.g. 30s)", fc.Timeout.V)
		}
		cfg.Timeout = d
	}
	if fc.MaxBodyBytes.Line > 0 {
		inRange(v, fc.MaxBodyBytes, "max_body_bytes", 1024, snapshots.MaxBodyBytes, "")
		cfg.MaxBodyBytes = fc.MaxBodyBytes.V
	}
	if fc.MaxHeaders.Line > 0 {
		inRange(v, fc.MaxHeaders, "max_header_bytes", 4096, 16<<20, "")
		cfg.MaxHeaderBytes = fc.MaxHeaders.V
	}
	if fc.MaxRedirects.Line > 0 {
		inRange(v, fc.MaxRedirects, "max_redirects", 1, 30, "")
		cfg.MaxRedirects = fc.MaxRedirects.V
	}
	if fc.ExtractLimit.V != "" {
		d, err := time.ParseDuration(fc.ExtractLimit.V)
		if err != nil || d <= 0 || d > 10*time.Minute {
			v.add(fc.ExtractLimit.Line, "extraction_timeout", "invalid duration %q (between 1ms and 10m, e.g. 10s)", fc.ExtractLimit.V)
		}
		cfg.ExtractionTimeout = d
	}
	if fc.MaxDepth.Line > 0 {
		inRange(v, fc.MaxDepth, "max_nesting_depth", 16, extract.MaxParserDepth, " (the HTML parser's limit)")
		cfg.MaxNestingDepth = fc.MaxDepth.V
	}
	if fc.MaxSentences.Line > 0 {
		inRange(v, fc.MaxSentences, "max_sentences", 100, 10_000_000, "")
		cfg.MaxSentences = fc.MaxSentences.V
	}
}

// sources compiles the sources, each with the global defaults cfg holds:
// schedule, minimum interval, allow_private and extraction limits.
func (v *validator) sources(scs []*sourceConfig, cfg Config) []monitor.Source {
	var out []monitor.Source
	seenURL := map[string]string{}
	seenName := map[string]bool{}
	for i, sc := range scs {
		if sc == nil {
			v.add(0, fmt.Sprintf("sources[%d]", i), "empty source")
			continue
		}
		if src, ok := v.source(i, sc, cfg.Schedule, cfg.MinInterval, cfg.AllowPrivate, seenURL, seenName); ok {
			if src.Rules.Timeout == 0 {
				src.Rules.Timeout = cfg.ExtractionTimeout // 0 keeps extract's default
			}
			src.Rules.MaxDepth = cfg.MaxNestingDepth
			out = append(out, src)
		}
	}
	return out
}

func (v *validator) source(i int, sc *sourceConfig, defSchedule string, minInterval time.Duration, allowPrivate bool, seenURL map[string]string, seenName map[string]bool) (monitor.Source, bool) {
	before := len(v.problems)
	field := func(name string) string { return fmt.Sprintf("sources[%d].%s", i, name) }
	src := monitor.Source{Name: sc.Name.V}
	if src.Name == "" {
		v.add(sc.Line, field("name"), "missing (every source needs a name)")
	} else if seenName[src.Name] {
		v.add(sc.Name.Line, field("name"), "duplicate name %q", src.Name)
	}
	seenName[src.Name] = true
	type kind struct {
		name string
		line int
	}
	var kinds []kind
	for _, k := range []struct {
		name string
		a    at[string]
	}{{"url", sc.URL}, {"feed", sc.Feed}, {"sitemap", sc.Sitemap}} {
		if k.a.V != "" {
			kinds = append(kinds, kind{k.name, k.a.Line})
		}
	}
	// The second key written is the one at fault, named at its line.
	slices.SortFunc(kinds, func(a, b kind) int { return a.line - b.line })
	switch len(kinds) {
	case 0:
		v.add(sc.Line, field("url"), "missing: give url (an article), feed (RSS, Atom or JSON Feed) or sitemap")
	case 1:
	default:
		v.add(kinds[1].line, field(kinds[1].name), "give one of url, feed and sitemap, not both %s (line %d) and %s", kinds[0].name, kinds[0].line, kinds[1].name)
	}
	if sc.Cadence != nil {
		src.Cadence = v.cadence(field("cadence"), sc.Cadence)
	}
	src.HostConcurrency, src.HostRate, src.Robots = sc.hostLimits.compile(v, field)
	src.AllowPrivate = allowPrivate
	if sc.AllowPrivate.Line > 0 {
		src.AllowPrivate = sc.AllowPrivate.V
	}
	for _, u := range []struct {
		name string
		val  at[string]
		dst  *string
	}{{"url", sc.URL, &src.URL}, {"feed", sc.Feed, &src.Feed}, {"sitemap", sc.Sitemap, &src.Sitemap}} {
		if u.val.V == "" {
			continue
		}
		norm, err := checkURL(u.val.V)
		if err != nil {
			v.add(u.val.Line, field(u.name), "%v", err)
			continue
		}
		if !src.AllowPrivate {
			if err := checkPublicURL(norm, sourceHint); err != nil {
				v.add(u.val.Line, field(u.name), "%v", err)
				continue
			}
		}
		key := dedupKey(norm)
		if prev, dup := seenURL[key]; dup {
			v.add(u.val.Line, field(u.name), "duplicate URL %q (already in %s)", u.val.V, prev)
			continue
		}
		seenURL[key] = fmt.Sprintf("%s, line %d", field(u.name), u.val.Line)
		*u.dst = norm
	}
	src.Spec = defSchedule
	specLine := sc.Schedule.Line
	if sc.Schedule.V != "" {
		src.Spec = sc.Schedule.V
	}
	sched, err := cron.ParseStandard(src.Spec)
	if err != nil {
		if sc.Schedule.V != "" {
			v.add(specLine, field("schedule"), "invalid cron spec %q: %v", src.Spec, err)
		}
	} else {
		if sc.Schedule.V != "" {
			v.checkInterval(specLine, field("schedule"), src.Spec, sched, minInterval)
		}
		src.Schedule = sched
	}
	src.Rules = v.rules(sc.Selectors, sc.Ignore, field)
	for _, t := range sc.Tags {
		src.Tags = append(src.Tags, t.V)
	}
	return src, len(v.problems) == before
}

// checkInterval refuses a schedule that never fires or reads otherwise
// than it fires (scheduleMistake), or that fires more often than min (battery
// C02): `@every 1s` would hammer a newsroom's server. 6-field specs with a
// seconds field are refused earlier by cron.ParseStandard.
func (v *validator) checkInterval(line int, field, spec string, sched cron.Schedule, min time.Duration) {
	if msg := scheduleMistake(spec, sched); msg != "" {
		v.add(line, field, "schedule %q%s", spec, msg)
		return
	}
	if gap := shortestGap(sched); gap < min {
		v.add(line, field, "schedule %q runs every %v, more often than min_interval (%v): lower min_interval to allow it", spec, gap, min)
	}
}

// shortestGap returns the shortest time between two runs of sched over
// its next few hundred runs from a fixed instant (two days of a
// once-a-minute spec), which finds the gap of every spec used in practice.
func shortestGap(sched cron.Schedule) time.Duration {
	if c, ok := sched.(cron.ConstantDelaySchedule); ok {
		return c.Delay
	}
	t := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	gap := time.Duration(1<<63 - 1)
	for range 3000 {
		next := sched.Next(t)
		if next.IsZero() {
			break
		}
		if d := next.Sub(t); d < gap {
			gap = d
		}
		t = next
	}
	return gap
}

// cadence compiles a list of {until, every} stages.
func (v *validator) cadence(path string, steps []stepConfig) monitor.Cadence {
	var c monitor.Cadence
	ok := true
	for i, st := range steps {
		dur := func(name string, a at[string]) time.Duration {
			d, err := time.ParseDuration(a.V)
			if err != nil || d <= 0 {
				v.add(a.Line, fmt.Sprintf("%s[%d].%s", path, i, name), "want a positive duration such as 15m or 48h, got %q", a.V)
				ok = false
			}
			return d
		}
		c = append(c, monitor.Step{Until: dur("until", st.Until), Every: dur("every", st.Every)})
	}
	if ok {
		if err := c.Validate(); err != nil {
			v.add(steps[0].Until.Line, path, "%v", err)
		}
	}
	return c
}

// notifiers compiles the notify list and lets notify.New validate it, so
// a bad notifier is refused when the config loads, not at the first change.
func (v *validator) notifiers(ncs []notifyConfig, allowPrivate bool) []notify.Config {
	var out, tested []notify.Config
	for i, nc := range ncs {
		field := func(name string) string { return fmt.Sprintf("notify[%d].%s", i, name) }
		c := notify.Config{
			Name: nc.Name.V, Kind: nc.Kind.V, URL: nc.URL.V, Secret: nc.Secret.V,
			Addr: nc.Addr.V, Username: nc.Username.V, Password: nc.Password.V, From: nc.From.V,
			AllowInsecure: nc.AllowInsecure.V, AtomPath: nc.Path.V, MaxEntries: nc.MaxEntries.V,
			AllowPrivate: allowPrivate,
		}
		if nc.AllowPrivate.Line > 0 {
			c.AllowPrivate = nc.AllowPrivate.V
		}
		if !c.AllowPrivate {
			// The webhook URL is not shown: its path is often the token.
			if err := checkPublicURL(nc.URL.V, notifierHint); nc.URL.V != "" && err != nil {
				v.add(nc.URL.Line, field("url"), "%v", err)
			}
			if host, _, err := net.SplitHostPort(nc.Addr.V); err == nil {
				if err := checkPublicHost(host, notifierHint); err != nil {
					v.add(nc.Addr.Line, field("addr"), "%v", err)
				}
			}
		}
		if nc.MinSeverity.V != "" {
			sev, err := diffing.ParseSeverity(nc.MinSeverity.V)
			if err != nil {
				v.add(nc.MinSeverity.Line, field("min_severity"), "%v", err)
			}
			c.MinSeverity = sev
		}
		// A secret from the environment is read now but required only by
		// the commands that deliver (Config.requireSecrets): one that is
		// missing is recorded, and a stand-in lets notify.New check the
		// rest of the notifier.
		stand := c
		for _, e := range []struct {
			name      string
			a         at[string]
			dst, test *string
		}{{"secret_env", nc.SecretEnv, &c.Secret, &stand.Secret}, {"password_env", nc.PasswordEnv, &c.Password, &stand.Password}} {
			if e.a.V == "" {
				continue
			}
			val, set := os.LookupEnv(e.a.V)
			if val != "" {
				*e.dst, *e.test = val, val
				continue
			}
			state := "not set"
			if set {
				state = "empty"
			}
			*e.test = "unset"
			v.missing = append(v.missing, &FieldError{File: v.file, Line: e.a.Line, Field: field(e.name),
				Err: fmt.Errorf("notifier %q needs the environment variable %s, which is %s", nc.Name.V, e.a.V, state)})
		}
		if nc.Secret.V != "" || nc.Password.V != "" {
			v.fileSecrets = true
		}
		for _, s := range nc.Sources {
			c.Sources = append(c.Sources, s.V)
		}
		for _, t := range nc.To {
			c.To = append(c.To, t.V)
		}
		stand.Sources, stand.To = c.Sources, c.To
		out = append(out, c)
		tested = append(tested, stand)
	}
	if len(out) == 0 {
		return nil
	}
	_, err := notify.New(tested, notify.Options{HTTPClient: &http.Client{}})
	for _, e := range unjoin(err) {
		var ce *notify.ConfigError
		if !errors.As(e, &ce) {
			v.add(0, "notify", "%v", e)
			continue
		}
		nc := ncs[ce.Index]
		line := max(nc.Name.Line, nc.Kind.Line)
		name, _, _ := strings.Cut(ce.Field, "[")
		if a, ok := map[string]at[string]{"name": nc.Name, "kind": nc.Kind, "url": nc.URL, "secret": nc.Secret,
			"addr": nc.Addr, "username": nc.Username, "password": nc.Password, "from": nc.From, "path": nc.Path}[name]; ok && a.Line > 0 {
			line = a.Line
		} else if name == "to" && len(nc.To) > 0 {
			line = nc.To[0].Line
		}
		v.add(line, fmt.Sprintf("notify[%d].%s", ce.Index, ce.Field), "%v", ce.Err)
	}
	return out
}

// unjoin lists the errors inside an errors.Join result.
func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// rules compiles a source's selectors and ignore patterns, naming each
// bad one by its line and field (field turns "selectors.body" into the
// full path).
func (v *validator) rules(sc selectorsConfig, ignore []at[string], field func(string) string) extract.Rules {
	var r extract.Rules
	sel := func(name string, a at[string]) extract.Selector {
		if a.V == "" {
			return extract.Selector{}
		}
		if len(a.V) > maxSelectorBytes {
			v.add(a.Line, field("selectors."+name), "CSS selector is %d bytes, more than %d", len(a.V), maxSelectorBytes)
			return extract.Selector{}
		}
		s, err := extract.ParseSelector(a.V)
		if err != nil {
			v.add(a.Line, field("selectors."+name), "%v", err)
		}
		return s
	}
	r.Title = sel("title", sc.Title)
	r.Body = sel("body", sc.Body)
	r.Byline = sel("byline", sc.Byline)
	r.Published = sel("published", sc.Published)
	r.Modified = sel("modified", sc.Modified)
	for j, x := range sc.Remove {
		r.Remove = append(r.Remove, sel(fmt.Sprintf("remove[%d]", j), x))
	}
	for j, p := range ignore {
		re, err := regexp.Compile(p.V)
		if err != nil {
			v.add(p.Line, field(fmt.Sprintf("ignore[%d]", j)), "invalid regular expression %q: %v", p.V, err)
			continue
		}
		r.Ignore = append(r.Ignore, re)
	}
	return r
}

// maxSelectorBytes bounds a selector: real ones are tens of bytes, and a
// huge one costs time on every element of every page.
const maxSelectorBytes = 1024

// parseSelectors reads site rules given on the command line: a YAML
// mapping with the keys of a source's selectors block ({body: "div.story",
// remove: [".ad"]}), so rules tried with `redline extract` paste into
// config.yaml as they are.
func parseSelectors(selectors string) (extract.Rules, error) {
	const name = "--selectors"
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(selectors), &root); err != nil {
		return extract.Rules{}, &ConfigError{[]*FieldError{yamlError(name, err)}}
	}
	if len(root.Content) == 0 {
		return extract.Rules{}, nil
	}
	v := &validator{file: name}
	var sc selectorsConfig
	v.checkKeys(root.Content[0], reflect.TypeOf(sc), "selectors")
	if len(v.problems) > 0 {
		return extract.Rules{}, &ConfigError{v.problems}
	}
	dec := yaml.NewDecoder(strings.NewReader(selectors))
	dec.KnownFields(true)
	if err := dec.Decode(&sc); err != nil {
		return extract.Rules{}, &ConfigError{[]*FieldError{yamlError(name, err)}}
	}
	r := v.rules(sc, nil, func(f string) string { return f })
	if len(v.problems) > 0 {
		return extract.Rules{}, &ConfigError{v.problems}
	}
	return r, nil
}

// checkPublicURL refuses a URL whose host is written as a non-global IP
// address or a localhost name, which the Guard would refuse at every
// fetch (battery C07): better said once, at load. Names that resolve to
// such addresses are refused when dialled. hint says how to allow it
// anyway. A URL that does not parse is left to the other checks.
func checkPublicURL(raw, hint string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	return checkPublicHost(u.Hostname(), hint)
}

// The hints checkPublicURL gives in config files.
const (
	sourceHint   = "set allow_private: true on this source to allow it"
	notifierHint = "set allow_private: true on this notifier to allow it"
)

func checkPublicHost(host, hint string) error {
	switch reason := fetch.HostNonGlobal(host); reason {
	case "":
		return nil
	case "loopback name":
		return fmt.Errorf("%s is a loopback name: %s", host, hint)
	default:
		return fmt.Errorf("%s is not a public address (%s): %s", host, reason, hint)
	}
}

// dedupKey is the form in which two source URLs that name the same page
// compare equal (battery C06): the key the monitor stores an article by
// (monitor.NormalizeURL: case, default port, fragment and tracking
// parameters dropped), so a duplicate refused at load is exactly a URL
// that would have been the same article. It only finds duplicates; the
// URL fetched is the one written.
func dedupKey(norm string) string {
	key, err := monitor.NormalizeURL(norm)
	if err != nil {
		return norm
	}
	return key
}

// checkURL accepts absolute http(s) URLs only and returns them normalized
// (fragment dropped), so duplicates are found however they are written.
func checkURL(raw string) (string, error) {
	if strings.ContainsAny(raw, "\t\r\n\\ ") {
		return "", fmt.Errorf("invalid URL %q: contains whitespace or a backslash", raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("invalid URL %q: %v", raw, err)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "":
		return "", fmt.Errorf("URL %q has no scheme (want http:// or https://)", raw)
	default:
		return "", fmt.Errorf("scheme %q not allowed (want http or https)", u.Scheme)
	}
	if u.Host == "" {
		return "", fmt.Errorf("URL %q has no host", raw)
	}
	if u.User != nil {
		return "", fmt.Errorf("URL %q must not carry a user name or password", u.Redacted())
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	u.Fragment = ""
	return u.String(), nil
}

// allowAddresses reads allow_addresses: each entry an IP address (any
// port) or a host name.
func (v *validator) allowAddresses(as []at[string]) (ips []netip.Addr, hosts []string) {
	for i, a := range as {
		field := fmt.Sprintf("allow_addresses[%d]", i)
		s := strings.TrimSpace(a.V)
		if ip, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil {
			ips = append(ips, ip)
			continue
		}
		if !validHostName(s) {
			v.add(a.Line, field, "want an IP address (169.254.169.254, fd00:ec2::254) or a host name (metadata.google.internal), got %q", a.V)
			continue
		}
		hosts = append(hosts, strings.ToLower(strings.TrimSuffix(s, ".")))
	}
	return ips, hosts
}

// validHostName reports whether s is a DNS name: dot-separated labels of
// letters, digits and hyphens, none empty or over 63 bytes, not starting
// or ending with a hyphen.
func validHostName(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range []byte(label) {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}
