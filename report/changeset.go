package report

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/internal/sanitize"
)

// WriteChangeSet writes one change set as indented JSON: the stable
// contract of `redline diff --format json`, documented in the README.
func WriteChangeSet(w io.Writer, cs *diffing.ChangeSet) error {
	if err := WriteJSON(w, cs); err != nil {
		return fmt.Errorf("change set: %w", err)
	}
	return nil
}

// WriteJSON writes v as indented JSON and a newline, with what
// encoding/json leaves raw and a terminal or an editor would act on
// escaped (sanitize.JSON). It is the one JSON writer for what redline prints
// or serves: reports, change sets, the commands' --format json and the
// web API. Nothing is written when v cannot be encoded.
func WriteJSON(w io.Writer, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode json: %w", err)
	}
	if _, err := w.Write(append(sanitize.JSON(data), '\n')); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}
