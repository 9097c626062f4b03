package card

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/redline-news/redline/diffing"
	"github.com/redline-news/redline/report"
)

var update = flag.Bool("update", false, "rewrite the golden images in testdata")

// story is a real comparison: a figure revised, a quote reworded and
// re-attributed, a sentence added.
func story(oldParas, newParas []string, title string) Card {
	cs := diffing.Compare(
		diffing.Document{Title: "Flood toll rises in river town", Paragraphs: oldParas},
		diffing.Document{Title: title, Paragraphs: newParas})
	return Card{
		Item: report.Item{URL: "https://www.example-news.org/2026/12/07/flood", Title: title,
			FromVersion: 3, ToVersion: 4, At: time.Date(2026, 12, 7, 18, 5, 0, 0, time.UTC), Changes: cs},
		FromAt: time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC),
	}
}

func plainStory() Card {
	return story(
		[]string{
			"At least 12 people died when the river burst its banks on Sunday, officials said.",
			"\"We were warned and we did nothing,\" said Mayor Ann Hale.",
			"Rescue teams worked through the night.",
		},
		[]string{
			"At least 31 people died when the river burst its banks on Sunday, officials said.",
			"\"We were warned too late,\" said council spokesman Tom Reed.",
			"Rescue teams worked through the night. The army was called in on Monday.",
		},
		"Flood toll rises to 31 in river town")
}

func decode(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decode card: %v", err)
	}
	return img
}

// TestGolden compares the rendered card with testdata/*.png pixel by
// pixel: a pixel counts as different when a channel differs by more than
// 24 of 255, and at most 0.05% of pixels may (font rasterisation may move
// an edge by a step between versions of x/image). go test -update
// rewrites the goldens.
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		card Card
		opt  Options
	}{
		{"story", plainStory(), Options{}},
		{"story-small", plainStory(), Options{Width: 600, Height: 338}},
		// Markers for emoji, Arabic and Devanagari, broken long words and
		// ellipses are part of the picture too.
		{"hostile", hostileCard(), Options{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, _, err := Render(tc.card, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tc.name+".png")
			if *update {
				if err := os.WriteFile(path, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			got, exp := decode(t, data), decode(t, want)
			if got.Bounds() != exp.Bounds() {
				t.Fatalf("card is %v, golden %v", got.Bounds(), exp.Bounds())
			}
			differ, total := 0, 0
			b := got.Bounds()
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					total++
					if !near(got.At(x, y), exp.At(x, y), 24) {
						differ++
					}
				}
			}
			if differ*2000 > total {
				os.WriteFile(filepath.Join(t.TempDir(), "got.png"), data, 0o644)
				t.Errorf("%d of %d pixels differ from %s (more than 0.05%%)", differ, total, path)
			}
		})
	}
}

func near(a, b color.Color, tol uint32) bool {
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	d := func(x, y uint32) uint32 {
		if x > y {
			return (x - y) >> 8
		}
		return (y - x) >> 8
	}
	return d(r1, r2) <= tol && d(g1, g2) <= tol && d(b1, b2) <= tol && d(a1, a2) <= tol
}
