package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"os"
	"reflect"
	"regexp"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/notify"
	"github.com/redline-news/redline/report"
)

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
	Timestamp    timestampConfig `yaml:"timestamp"`
	Archive      archiveConfig   `yaml:"archive"`
	Sources      []*sourceConfig `yaml:"sources"`
	Wayback      waybackConfig   `yaml:"wayback"`
	Browser      browserConfig   `yaml:"browser"`
}

// hostLimits are the politeness keys, global and per source, and
// allow_private, which says where a source may connect.
type hostLimits struct {
	HostConcurrency at[int]     `yaml:"host_concurrency"`
	HostRate        at[float64] `yaml:"host_rate"`
	RespectRobots   at[bool]    `yaml:"respect_robots"`
	AllowPrivate    at[bool]    `yaml:"allow_private"`
}

// stepConfig is one stage of a cadence: check every Every while the
// article is younger than Until.
type stepConfig struct {
	Until at[string] `yaml:"until"`
	Every at[string] `yaml:"every"`
}

// notifyConfig is one notifier. Secrets can come from the environment
// (secret_env, password_env, token_env; and handle_env and url_env for
// the thread notifiers) so config.yaml can be shared.
type notifyConfig struct {
	Name          at[string]   `yaml:"name"`
	Kind          at[string]   `yaml:"kind"`
	MinSeverity   at[string]   `yaml:"min_severity"`
	Sources       []at[string] `yaml:"sources"`
	URL           at[string]   `yaml:"url"`
	URLEnv        at[string]   `yaml:"url_env"`
	Token         at[string]   `yaml:"token"`
	TokenEnv      at[string]   `yaml:"token_env"`
	Handle        at[string]   `yaml:"handle"`
	HandleEnv     at[string]   `yaml:"handle_env"`
	Visibility    at[string]   `yaml:"visibility"`
	PostsPerHour  at[int]      `yaml:"posts_per_hour"`
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
	Links      at[string] `yaml:"links"`    // a section page (config_links.go)
	Match      at[string] `yaml:"match"`    // with links: which links are articles
	Selector   at[string] `yaml:"selector"` // with links: where they are read
	Schedule   at[string] `yaml:"schedule"`
	hostLimits `yaml:",inline"`
	Cadence    []stepConfig        `yaml:"cadence"`
	Selectors  selectorsConfig     `yaml:"selectors"`
	Ignore     []at[string]        `yaml:"ignore"`
	Tags       []at[string]        `yaml:"tags"`
	Archive    sourceArchiveConfig `yaml:"archive"`
	Render     at[string]          `yaml:"render"`
	WaitFor    at[string]          `yaml:"wait_for"`
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
	Archive    ArchiveConfig
	Sources    []monitor.Source
	Timestamp  *TimestampConfig // nil: versions are not timestamped

	// RecheckAfterChange sends an article that changed back to the first
	// stage of its cadence (recheck_after_change, default true).
	RecheckAfterChange bool

	// Wayback is where `import --wayback` reads captures (wayback).
	Wayback Wayback

	// Browser renders the sources with render: browser (browser).
	Browser BrowserConfig

	// MinInterval is the shortest time a schedule may leave between two
	// checks of a source (min_interval); a schedule firing more often is
	// refused at load.
	MinInterval time.Duration
	// Warnings are problems that do not stop the config from loading,
	// such as secrets in a file others can read. Commands log them.
	Warnings []*FieldError
	// missingSecrets are the notifiers' secret_env, password_env,
	// token_env, handle_env and url_env variables that are not set: see
	// requireSecrets.
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
			Err: fmt.Errorf("holds notifier secrets but is readable by group or others (mode %v): chmod 600 it, or use secret_env, password_env and token_env", info.Mode().Perm())})
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

var yamlLine = regexp.MustCompile(`line (\d+): (.*)`)

var atType = reflect.TypeOf((*yaml.Unmarshaler)(nil)).Elem()

// maxSelectorBytes bounds a selector: real ones are tens of bytes, and a
// huge one costs time on every element of every page.
const maxSelectorBytes = 1024
