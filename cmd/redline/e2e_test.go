package main

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/snapshots"
)

// storyVersions are three versions of a story from the seed article: the
// second rewords Sheinbaum's quote, the third corrects Trump's figure.
func storyVersions(t *testing.T) [3][]string {
	t.Helper()
	const (
		quoteOld = "'We are capable of confronting cartels without foreign boots on our soil,' she stated"
		quoteNew = "'We are capable of confronting the cartels ourselves, without foreign troops,' she stated"
		figOld   = "97 percent"
		figNew   = "90 percent"
	)
	v1 := []string{
		"President Donald Trump has reignited a contentious debate over U.S. military involvement in Mexico’s escalating war on drugs.",
		"In a press conference following a high-stakes phone call with Trump, Sheinbaum emphasized that 'the participation of U.S. forces is not necessary,' despite the president’s insistence. " + quoteOld + ", a sentiment echoed by many in Mexico’s political and civil society circles.",
		"Trump, in a fiery segment on Fox News, framed the crisis as a failure of previous administrations. 'We’ve knocked out " + figOld + " of the drugs coming in by water, and we are going to start now hitting land, with regard to the cartels,' he declared.",
		"Mexico has instead proposed expanding the role of U.S. advisers, who are already embedded in military posts to provide intelligence and logistical support.",
	}
	replace := func(ps []string, old, new string) []string {
		out := append([]string(nil), ps...)
		for i, p := range out {
			if strings.Contains(p, old) {
				out[i] = strings.Replace(p, old, new, 1)
				return out
			}
		}
		t.Fatalf("%q not in story", old)
		return nil
	}
	v2 := replace(v1, quoteOld, quoteNew)
	v3 := replace(v2, figOld, figNew)
	return [3][]string{v1, v2, v3}
}

// storyPage renders a story as a news site would: navigation, a cookie
// banner, share counts, a related-links box and a footer around the text.
func storyPage(title string, paras []string, views int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>%s | The Border Ledger</title>
<meta property="og:title" content="%s"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/politics">Politics</a></nav>
<div class="cookie-banner">We use cookies to improve your experience. <button>Accept</button></div>
<main><article><h1>%s</h1><p class="byline">By Ana Ruiz</p><div class="share">%d shares</div>`,
		html.EscapeString(title), html.EscapeString(title), html.EscapeString(title), views)
	for _, p := range paras {
		fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(p))
	}
	b.WriteString(`</article><aside class="related"><h2>Related</h2><ul><li><a href="/a">Border wall funding stalls</a></li>
<li><a href="/b">Cartel violence in Sinaloa</a></li></ul></aside></main>
<footer>© 2026 The Border Ledger · <a href="/privacy">Privacy</a></footer></body></html>`)
	return b.String()
}

func TestEndToEndThreeVersions(t *testing.T) {
	versions := storyVersions(t)
	var current, served atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/world/mexico-drug-war" {
			http.NotFound(w, r)
			return
		}
		n := served.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		// The share count changes on every request: boilerplate that must
		// not become a version.
		fmt.Fprint(w, storyPage("Mexico Rejects U.S. Troops in Drug War", versions[current.Load()], int(n)*7))
	}))
	defer srv.Close()
	url := srv.URL + "/world/mexico-drug-war"

	dir := t.TempDir()
	storePath := filepath.Join(dir, "redline.db")
	reportDir := filepath.Join(dir, "reports")
	cfgPath := writeConfig(t, dir, fmt.Sprintf("store: %s\nallow_private: true\nreports:\n  dir: %s\n  formats: [markdown, json]\nsources:\n  - name: ledger\n    url: %s\n", storePath, reportDir, url))

	if rep := checkJSON(t, cfgPath, exitOK); len(rep.Items) != 0 {
		t.Fatalf("first check reported changes: %+v", rep.Items)
	}
	if rep := checkJSON(t, cfgPath, exitOK); len(rep.Items) != 0 {
		t.Fatalf("an unchanged page (only its share count moved) reported changes: %+v", rep.Items)
	}

	current.Store(1)
	rep := checkJSON(t, cfgPath, exitChanges)
	c := onlyChange(t, rep, 1, 2)
	if !c.Has(diffing.QuoteChanged) || c.Severity != diffing.SeverityHigh {
		t.Errorf("quote edit: kinds %v severity %v", c.Kinds, c.Severity)
	}
	if len(c.Quotes) != 1 || c.Quotes[0].AfterSpeaker != "Sheinbaum" ||
		c.Quotes[0].Before != "We are capable of confronting cartels without foreign boots on our soil," ||
		c.Quotes[0].After != "We are capable of confronting the cartels ourselves, without foreign troops," {
		t.Errorf("quote change = %+v", c.Quotes)
	}

	current.Store(2)
	rep = checkJSON(t, cfgPath, exitChanges)
	c = onlyChange(t, rep, 2, 3)
	if !c.Has(diffing.NumberChanged) || len(c.Figures) != 1 || c.Figures[0] != (diffing.FigureChange{Before: "97 percent", After: "90 percent"}) {
		t.Errorf("figure edit: kinds %v figures %+v", c.Kinds, c.Figures)
	}
	if c.Speaker != "Trump" {
		t.Errorf("figure edit speaker = %q, want Trump", c.Speaker)
	}

	// The store holds three versions and one check per fetch.
	st := openSQLite(t, storePath)
	ctx := context.Background()
	art, err := st.Article(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := st.Versions(ctx, snapshots.VersionFilter{ArticleID: art.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 3 {
		t.Fatalf("store holds %d versions, want 3", len(vs))
	}
	checks, err := st.Checks(ctx, snapshots.CheckFilter{ArticleID: art.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(checks) != 4 {
		t.Errorf("store holds %d checks, want 4", len(checks))
	}
	for _, ch := range checks {
		if ch.Status != http.StatusOK || ch.RawSHA256 == "" || ch.At.IsZero() {
			t.Errorf("check not fully recorded: %+v", ch)
		}
	}

	// history lists them; show prints a version's text.
	code, out, errOut := runCmd(t, ctx, "history", "--config", cfgPath, url)
	if code != exitOK {
		t.Fatalf("history: exit %d: %s", code, errOut)
	}
	for _, want := range []string{"3 versions", "first version", "quote_changed", "number_changed"} {
		if !strings.Contains(out, want) {
			t.Errorf("history output lacks %q:\n%s", want, out)
		}
	}
	code, out, errOut = runCmd(t, ctx, "show", "--config", cfgPath, "--version", "1", url)
	if code != exitOK {
		t.Fatalf("show: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "97 percent") || strings.Contains(out, "shares") || strings.Contains(out, "cookies") {
		t.Errorf("show --version 1 should print the clean first text:\n%s", out)
	}

	// Each change was also written as Markdown and JSON.
	md, _ := filepath.Glob(filepath.Join(reportDir, "*.md"))
	js, _ := filepath.Glob(filepath.Join(reportDir, "*.json"))
	if len(md) != 2 || len(js) != 2 {
		t.Fatalf("report files: %d markdown, %d json; want 2 of each", len(md), len(js))
	}
	var all strings.Builder
	for _, f := range md {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
	}
	for _, want := range []string{"quote_changed", "number_changed", "97 percent", "90 percent"} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("markdown reports lack %q", want)
		}
	}
}

// checkJSON runs `redline check --format json --exit-code` on cfg, stops
// the test unless it exits with want, and returns the report it printed.
func checkJSON(t *testing.T, cfg string, want int) jsonReport {
	t.Helper()
	code, stdout, stderr := runCmd(t, context.Background(), "check", "--config", cfg, "--format", "json", "--exit-code")
	if code != want {
		t.Fatalf("check: exit %d, want %d\nstdout: %s\nstderr: %s", code, want, stdout, stderr)
	}
	var rep jsonReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("check printed invalid JSON: %v\n%s", err, stdout)
	}
	return rep
}

type jsonReport struct {
	Items []struct {
		URL         string             `json:"url"`
		FromVersion int                `json:"from_version"`
		ToVersion   int                `json:"to_version"`
		Changes     *diffing.ChangeSet `json:"changes"`
	} `json:"items"`
}

func onlyChange(t *testing.T, rep jsonReport, from, to int) diffing.Change {
	t.Helper()
	if len(rep.Items) != 1 {
		t.Fatalf("want one article in the report, got %d", len(rep.Items))
	}
	it := rep.Items[0]
	if it.FromVersion != from || it.ToVersion != to {
		t.Errorf("report is v%d → v%d, want v%d → v%d", it.FromVersion, it.ToVersion, from, to)
	}
	if it.Changes == nil || len(it.Changes.Changes) != 1 {
		t.Fatalf("want exactly one change, got %+v", it.Changes)
	}
	return it.Changes.Changes[0]
}
