package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/monitor/extract"
	"github.com/redline-news/redline/report"
)

func runDiff(ctx context.Context, a *app, args []string) error {
	fs := newFlagSet(a, "diff", "OLD NEW", `Compare two files and report how the story changed.
A file is HTML when it looks like HTML (it is then extracted as a fetched page
is); otherwise it is plain text, one paragraph per line.`, nil, false)
	format := fs.String("format", "text", "report `FORMAT`: text, markdown, json (the change set) or html")
	exitCode := fs.Bool("exit-code", false, "exit with status 1 when the files differ in substance")
	titleLine := fs.Bool("title-line", false, "treat the first line of a plain-text file as the headline")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usagef("diff needs two files, OLD and NEW (got %d arguments)", fs.NArg())
	}
	f, err := report.ParseFormat(*format)
	if err != nil {
		return usagef("--format: %v", err)
	}
	oldPath, newPath := fs.Arg(0), fs.Arg(1)
	if oldPath == "-" && newPath == "-" {
		return usagef("diff: only one of OLD and NEW can be standard input")
	}
	oldDoc, err := readDocument(a, oldPath, *titleLine)
	if err != nil {
		return err
	}
	newDoc, err := readDocument(a, newPath, *titleLine)
	if err != nil {
		return err
	}
	cs := diffing.Compare(oldDoc, newDoc)
	title := newDoc.Title
	if title == "" {
		title = filepath.Base(newPath)
	}
	if f == report.JSON {
		if err := report.WriteChangeSet(a.stdout, cs); err != nil {
			return err
		}
		if *exitCode && !cs.Empty() {
			return errChanges
		}
		return nil
	}
	rep := report.Report{Generated: a.now().UTC()}
	if !cs.Empty() {
		rep.Items = []report.Item{{URL: newPath, Source: oldPath, Title: title, FromVersion: 1, ToVersion: 2, Changes: cs}}
	}
	if err := report.Render(a.stdout, f, rep, report.Options{Color: f == report.Text && wantColor(a.stdout)}); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	if *exitCode && !cs.Empty() {
		return errChanges
	}
	return nil
}

// readDocument reads a file (or - for stdin) as HTML or plain text.
func readDocument(a *app, path string, titleLine bool) (diffing.Document, error) {
	var (
		data []byte
		err  error
	)
	if path == "-" {
		data, err = io.ReadAll(io.LimitReader(a.stdin, 256<<20))
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return diffing.Document{}, usagef("read %s: %v", path, err)
	}
	if looksLikeHTML(path, data) {
		art, err := extract.Extract(extract.Page{URL: "file://" + path, Body: data}, extract.Rules{})
		if err != nil {
			return diffing.Document{}, fmt.Errorf("extract %s: %w", path, err)
		}
		return diffing.Document{Title: art.Title, Byline: art.Byline, Modified: art.Modified, Paragraphs: art.Paragraphs}, nil
	}
	return plainDocument(string(data), titleLine), nil
}

// plainDocument reads plain text: each non-blank line is a paragraph.
func plainDocument(s string, titleLine bool) diffing.Document {
	var doc diffing.Document
	for line := range strings.Lines(strings.ReplaceAll(s, "\r\n", "\n")) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if titleLine && doc.Title == "" && len(doc.Paragraphs) == 0 {
			doc.Title = line
			continue
		}
		doc.Paragraphs = append(doc.Paragraphs, line)
	}
	return doc
}

func looksLikeHTML(path string, data []byte) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".html", ".htm", ".xhtml":
		return true
	case ".txt", ".text", ".md":
		return false
	}
	head := bytes.ToLower(data[:min(len(data), 1024)])
	for _, tag := range []string{"<!doctype html", "<html", "<head", "<body", "<article", "<p>"} {
		if bytes.Contains(head, []byte(tag)) {
			return true
		}
	}
	return false
}
