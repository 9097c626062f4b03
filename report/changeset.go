package report

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/redline-news/redline/diffing"
)

// WriteChangeSet writes one change set as indented JSON: the stable
// contract of `redline diff --format json`, documented in the README.
func WriteChangeSet(w io.Writer, cs *diffing.ChangeSet) error {
	data, err := json.MarshalIndent(cs, "", "  ")
	if err != nil {
		return fmt.Errorf("encode change set: %w", err)
	}
	data = append(jsonSafe(data), '\n')
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("write change set: %w", err)
	}
	return nil
}
