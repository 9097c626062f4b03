package main

import (
	"net/url"
	"strings"
	"time"

	"github.com/redline-news/redline/monitor/spn"
)

// archiveConfig is the global archive: block of config.yaml: whether each
// new version is saved to the Wayback Machine, and how.
type archiveConfig struct {
	Wayback      at[bool]   `yaml:"wayback"`
	SaveURL      at[string] `yaml:"save_url"`
	AccessKeyEnv at[string] `yaml:"access_key_env"`
	SecretKeyEnv at[string] `yaml:"secret_key_env"`
	Interval     at[string] `yaml:"interval"`
	PollInterval at[string] `yaml:"poll_interval"`
	MaxAttempts  at[int]    `yaml:"max_attempts"`
	Batch        at[int]    `yaml:"batch"`
	Budget       at[string] `yaml:"budget"`
}

// sourceArchiveConfig is a source's archive: block: it turns the Wayback
// Machine on or off for that source alone.
type sourceArchiveConfig struct {
	Wayback at[bool] `yaml:"wayback"`
}

// Environment variables that hold the archive.org keys unless
// access_key_env and secret_key_env name others.
const (
	waybackAccessEnv = "REDLINE_WAYBACK_ACCESS_KEY"
	waybackSecretEnv = "REDLINE_WAYBACK_SECRET_KEY"
)

// ArchiveConfig is the compiled archive: block.
type ArchiveConfig struct {
	// Sources names the sources whose new versions are saved to the
	// Wayback Machine; none means archiving is off.
	Sources              map[string]bool
	SaveURL              string
	AccessKey, SecretKey string
	Interval             time.Duration // 0: spn's default
	PollInterval         time.Duration // 0: spn's default
	MaxAttempts, Batch   int           // 0: spn's defaults
	Budget               time.Duration // 0: spn's default
}

// archive compiles the archive: blocks, the global one and the sources'.
// The keys are read from the environment now, but, like notifier secrets,
// required only by the commands that deliver (Config.requireSecrets).
func (v *validator) archive(fc fileConfig) ArchiveConfig {
	ac := fc.Archive
	out := ArchiveConfig{Sources: map[string]bool{}, SaveURL: spn.DefaultSaveURL, MaxAttempts: ac.MaxAttempts.V, Batch: ac.Batch.V}
	for _, sc := range fc.Sources {
		if sc == nil {
			continue
		}
		on := ac.Wayback.V
		if sc.Archive.Wayback.Line > 0 {
			on = sc.Archive.Wayback.V
		}
		if on && sc.Name.V != "" {
			out.Sources[sc.Name.V] = true
		}
	}
	if ac.SaveURL.V != "" {
		u, err := url.Parse(ac.SaveURL.V)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			v.add(ac.SaveURL.Line, "archive.save_url", "want an http or https URL with a host, got %q", ac.SaveURL.V)
		}
		out.SaveURL = ac.SaveURL.V
	}
	for _, d := range []struct {
		a     at[string]
		field string
		dst   *time.Duration
	}{{ac.Interval, "archive.interval", &out.Interval}, {ac.PollInterval, "archive.poll_interval", &out.PollInterval},
		{ac.Budget, "archive.budget", &out.Budget}} {
		if d.a.V == "" {
			continue
		}
		dur, err := time.ParseDuration(d.a.V)
		if err != nil || dur <= 0 {
			v.add(d.a.Line, d.field, "want a positive duration such as 10s or 5m, got %q", d.a.V)
			continue
		}
		*d.dst = dur
	}
	inRange(v, &out.MaxAttempts, ac.MaxAttempts, "archive.max_attempts", 1, 100, "")
	inRange(v, &out.Batch, ac.Batch, "archive.batch", 1, 1000, "")
	if len(out.Sources) == 0 {
		return out
	}
	for _, k := range []struct {
		a     at[string]
		def   string
		field string
		dst   *string
	}{{ac.AccessKeyEnv, waybackAccessEnv, "archive.access_key_env", &out.AccessKey}, {ac.SecretKeyEnv, waybackSecretEnv, "archive.secret_key_env", &out.SecretKey}} {
		name := k.a.V
		if name == "" {
			name = k.def
		}
		line := max(k.a.Line, ac.Wayback.Line)
		val := v.secretEnv(name, line, k.field, "saving to the Wayback Machine")
		if strings.ContainsAny(val, ": \t\r\n") {
			// The header is "LOW key:secret": such a key would change
			// its meaning. The value itself is not shown.
			v.add(line, k.field, "the environment variable %s holds a colon, a space or a line break", name)
			continue
		}
		*k.dst = val
	}
	return out
}
