// Compiling a parsed config file into a Config: every key checked and
// given its default, sources, cadences, notifiers and extraction rules.

package main

import (
	"cmp"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/monitor"
	"github.com/redline-news/redline/monitor/extract"
	"github.com/redline-news/redline/monitor/fetch"
	"github.com/redline-news/redline/notify"
	"github.com/redline-news/redline/report"
	"github.com/redline-news/redline/snapshots"
	"github.com/robfig/cron/v3"
	"gopkg.in/yaml.v3"
)

// compile fills the fetch limits: a key left out keeps the default (0),
// 0 written in the file means unlimited.
func (h hostLimits) compile(v *validator, field func(string) string) (conc int, rate float64, robots fetch.RobotsPolicy) {
	conc = hostLimit(v, h.HostConcurrency, field("host_concurrency"), 10000, "")
	rate = hostLimit(v, h.HostRate, field("host_rate"), 1e6, " requests per second")
	if a := h.RespectRobots; a.Line > 0 {
		robots = fetch.RobotsIgnore
		if a.V {
			robots = fetch.RobotsObey
		}
	}
	return conc, rate, robots
}

// hostLimit compiles one fetch limit: a key left out is 0 (the default),
// 0 written in the file is fetch.Unlimited, and a value outside [0, hi]
// is refused with unit after hi in the message.
func hostLimit[T int | float64](v *validator, a at[T], field string, hi T, unit string) T {
	switch {
	case a.Line == 0:
		return 0
	case a.V < 0 || a.V > hi:
		v.add(a.Line, field, "must be between 0 (unlimited) and %s%s, got %v", strconv.FormatFloat(float64(hi), 'f', -1, 64), unit, a.V)
		return 0
	case a.V == 0:
		return fetch.Unlimited
	}
	return a.V
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
	inRange(v, &cfg.Concurrency, fc.Concurrency, "concurrency", 1, 1000, "")
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
	cfg.Timestamp = v.timestamp(fc.Timestamp, cfg.AllowPrivate)
	cfg.Archive = v.archive(fc)
	cfg.Sources = v.sources(fc.Sources, cfg)
	cfg.Wayback = v.wayback(fc.Wayback, cfg.AllowPrivate)
	cfg.Browser = v.browser(fc.Browser, fc.Sources)
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
	inRange(v, &cfg.MaxBodyBytes, fc.MaxBodyBytes, "max_body_bytes", 1024, snapshots.MaxBodyBytes, "")
	inRange(v, &cfg.MaxHeaderBytes, fc.MaxHeaders, "max_header_bytes", 4096, 16<<20, "")
	inRange(v, &cfg.MaxRedirects, fc.MaxRedirects, "max_redirects", 1, 30, "")
	if fc.ExtractLimit.V != "" {
		d, err := time.ParseDuration(fc.ExtractLimit.V)
		if err != nil || d <= 0 || d > 10*time.Minute {
			v.add(fc.ExtractLimit.Line, "extraction_timeout", "invalid duration %q (between 1ms and 10m, e.g. 10s)", fc.ExtractLimit.V)
		}
		cfg.ExtractionTimeout = d
	}
	inRange(v, &cfg.MaxNestingDepth, fc.MaxDepth, "max_nesting_depth", 16, extract.MaxParserDepth, " (the HTML parser's limit)")
	inRange(v, &cfg.MaxSentences, fc.MaxSentences, "max_sentences", 100, 10_000_000, "")
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
	}{{"url", sc.URL}, {"feed", sc.Feed}, {"sitemap", sc.Sitemap}, {"links", sc.Links}} {
		if k.a.V != "" {
			kinds = append(kinds, kind{k.name, k.a.Line})
		}
	}
	// The second key written is the one at fault, named at its line.
	slices.SortFunc(kinds, func(a, b kind) int { return a.line - b.line })
	switch len(kinds) {
	case 0:
		v.add(sc.Line, field("url"), "missing: give url (an article), feed (RSS, Atom or JSON Feed), sitemap or links (a section page)")
	case 1:
	default:
		v.add(kinds[1].line, field(kinds[1].name), "give one of url, feed, sitemap and links, not both %s (line %d) and %s", kinds[0].name, kinds[0].line, kinds[1].name)
	}
	src.LinkMatch, src.LinkArea = v.links(sc, field)
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
	}{{"url", sc.URL, &src.URL}, {"feed", sc.Feed, &src.Feed}, {"sitemap", sc.Sitemap, &src.Sitemap}, {"links", sc.Links, &src.Links}} {
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
	v.render(sc, &src, field)
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
		c, stand := v.notifier(i, nc, allowPrivate)
		out = append(out, c)
		tested = append(tested, stand)
	}
	if len(out) == 0 {
		return nil
	}
	_, err := notify.New(tested, notify.Options{HTTPClient: &http.Client{}})
	v.notifyErrors(ncs, err)
	return out
}

// notifier compiles the i-th notifier: c, with the secrets the environment
// holds, and stand, c with stand-ins for the ones it lacks, for notify.New
// to check the rest.
func (v *validator) notifier(i int, nc notifyConfig, allowPrivate bool) (c, stand notify.Config) {
	field := func(name string) string { return fmt.Sprintf("notify[%d].%s", i, name) }
	c = notify.Config{
		Name: nc.Name.V, Kind: nc.Kind.V, URL: nc.URL.V, Secret: nc.Secret.V,
		Addr: nc.Addr.V, Username: nc.Username.V, Password: nc.Password.V, From: nc.From.V,
		AllowInsecure: nc.AllowInsecure.V, AtomPath: nc.Path.V, MaxEntries: nc.MaxEntries.V,
		Token: nc.Token.V, Handle: nc.Handle.V, Visibility: nc.Visibility.V, PostsPerHour: nc.PostsPerHour.V,
		AllowPrivate: allowPrivate,
	}
	if nc.AllowPrivate.Line > 0 {
		c.AllowPrivate = nc.AllowPrivate.V
	}
	for _, pair := range []struct {
		key, env string
		a, b     at[string]
	}{{"url", "url_env", nc.URL, nc.URLEnv}, {"token", "token_env", nc.Token, nc.TokenEnv}, {"handle", "handle_env", nc.Handle, nc.HandleEnv},
		{"secret", "secret_env", nc.Secret, nc.SecretEnv}, {"password", "password_env", nc.Password, nc.PasswordEnv}} {
		if pair.a.V != "" && pair.b.V != "" {
			v.add(pair.b.Line, field(pair.env), "give %s or %s, not both", pair.key, pair.env)
		}
	}
	if !c.AllowPrivate {
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
	stand = c
	for _, e := range []struct {
		name      string
		a         at[string]
		dst, test *string
		unset     string // what notify.New checks while the variable is missing
	}{{"url_env", nc.URLEnv, &c.URL, &stand.URL, "https://unset.invalid/"}, {"token_env", nc.TokenEnv, &c.Token, &stand.Token, "unset"},
		{"handle_env", nc.HandleEnv, &c.Handle, &stand.Handle, "unset"},
		{"secret_env", nc.SecretEnv, &c.Secret, &stand.Secret, "unset"}, {"password_env", nc.PasswordEnv, &c.Password, &stand.Password, "unset"}} {
		if e.a.V == "" {
			continue
		}
		if val := v.secretEnv(e.a.V, e.a.Line, field(e.name), fmt.Sprintf("notifier %q", nc.Name.V)); val != "" {
			*e.dst, *e.test = val, val
			continue
		}
		*e.test = e.unset
	}
	// The URL is checked once known, from the file or the environment;
	// it is not shown: a webhook's path is often the token.
	if !c.AllowPrivate && c.URL != "" {
		if err := checkPublicURL(c.URL, notifierHint); err != nil {
			key, line := "url", nc.URL.Line
			if nc.URL.V == "" {
				key, line = "url_env", nc.URLEnv.Line
			}
			v.add(line, field(key), "%v", err)
		}
	}
	if nc.Secret.V != "" || nc.Password.V != "" || nc.Token.V != "" {
		v.fileSecrets = true
	}
	for _, s := range nc.Sources {
		c.Sources = append(c.Sources, s.V)
	}
	for _, t := range nc.To {
		c.To = append(c.To, t.V)
	}
	stand.Sources, stand.To = c.Sources, c.To
	return c, stand
}

// notifyErrors records what notify.New refused, each at the line of the
// key it names.
func (v *validator) notifyErrors(ncs []notifyConfig, err error) {
	for _, e := range unjoin(err) {
		var ce *notify.ConfigError
		if !errors.As(e, &ce) {
			v.add(0, "notify", "%v", e)
			continue
		}
		nc := ncs[ce.Index]
		line := max(nc.Name.Line, nc.Kind.Line)
		name, _, _ := strings.Cut(ce.Field, "[")
		if a, ok := map[string]at[string]{"name": nc.Name, "kind": nc.Kind, "url": cmp.Or(nc.URL, nc.URLEnv), "secret": cmp.Or(nc.Secret, nc.SecretEnv),
			"addr": nc.Addr, "username": nc.Username, "password": cmp.Or(nc.Password, nc.PasswordEnv), "from": nc.From, "path": nc.Path,
			"token": cmp.Or(nc.Token, nc.TokenEnv), "handle": cmp.Or(nc.Handle, nc.HandleEnv), "visibility": nc.Visibility}[name]; ok && a.Line > 0 {
			line = a.Line
		} else if name == "posts_per_hour" && nc.PostsPerHour.Line > 0 {
			line = nc.PostsPerHour.Line
		} else if name == "to" && len(nc.To) > 0 {
			line = nc.To[0].Line
		}
		v.add(line, fmt.Sprintf("notify[%d].%s", ce.Index, ce.Field), "%v", ce.Err)
	}
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

// secretEnv reads a secret from the environment variable name, which the
// config named at line, under field. One not set or empty gives "" and is
// recorded in v.missing, saying that who needs it: only the commands that
// deliver or save require it (Config.requireSecrets). Every secret the
// config names by variable is read here, so all are refused alike.
func (v *validator) secretEnv(name string, line int, field, who string) string {
	val, set := os.LookupEnv(name)
	if val != "" {
		return val
	}
	state := "not set"
	if set {
		state = "empty"
	}
	v.missing = append(v.missing, &FieldError{File: v.file, Line: line, Field: field,
		Err: fmt.Errorf("%s needs the environment variable %s, which is %s", who, name, state)})
	return ""
}
