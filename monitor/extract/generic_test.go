package extract

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

func TestCombine(t *testing.T) {
	story := []string{
		"The council voted 5-2 on Monday to spend $4.2 million on the levee.",
		"“We watched the water come up the wall,” said Denise Okafor.",
		"Work begins in April and should end before the summer storms.",
		"Two members, Carol Fisk and Hector Amaya, objected to awarding the contract without competitive bidding, though both said they supported the repairs themselves.",
		"Engineers recorded seepage at three sections of the east levee during the February crest, the worst since records began in 1911.",
		"Residents of the Lower Mill neighborhood, where about 1,800 homes sit behind the earthen barrier, spoke for more than two hours.",
		"The authority will hold a public briefing on March 12 at the community center.",
	}
	about := "The Riverside Courier is an independent newspaper serving the river valley since 1911."
	related := "More from Local"
	tests := []struct {
		name                  string
		primary, second, want []string
	}{
		{"trailing_boilerplate_cut", append(slices.Clone(story), related, about), story, story},
		{"leading_boilerplate_cut", append([]string{"By Maria Delgado - 11/18/19 11:04 PM EST"}, story...), story, story},
		{"inner_paragraph_kept", story, []string{story[0], story[6]}, story},
		{"spacing_and_punctuation_agree", append(slices.Clone(story), about),
			[]string{story[0], story[1], story[2], strings.ReplaceAll(story[6], " ", "  ") + " "}, story},
		// The container pick found only a fragment: the span it agrees on
		// is too small a share of the story to trust, so Readability stands.
		{"fragment_disagrees", append(slices.Clone(story), about), []string{story[0]}, append(slices.Clone(story), about)},
		{"nothing_shared", story, []string{about}, story},
		{"primary_empty", nil, story, story},
		{"second_empty", story, nil, story},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := combine(tt.primary, tt.second); !slices.Equal(got, tt.want) {
				t.Errorf("combine =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

// storyParas are the story's paragraphs of testdata/split-parts.html: a
// story in six sibling containers between ads, a related-coverage box and
// a newsletter promo, the first holding six of its sixteen paragraphs.
func storyParas(t *testing.T) (page []byte, paras []string) {
	t.Helper()
	page, err := os.ReadFile("testdata/split-parts.html")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.DataAtom == atom.P && strings.Contains(attr(n, "class"), "evys1bk0") {
			paras = append(paras, collapse(nodeText(n)))
		}
	}
	if len(paras) != 16 {
		t.Fatalf("split-parts.html: %d story paragraphs, want 16", len(paras))
	}
	return page, paras
}

// The page is of the shape that defeats a single-container choice:
// Readability alone keeps under half of its story. (If a new Readability
// read it whole, TestGeneric_StoryInSiblingContainers would prove nothing.)
func TestSplitParts_ReadabilityKeepsOnePart(t *testing.T) {
	page, paras := storyParas(t)
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	parser := readability.NewParser()
	art, err := parser.ParseDocument(doc, nil)
	if err != nil || art.Node == nil {
		t.Fatalf("readability: %v", err)
	}
	got := paragraphs(art.Node, nil)
	kept := 0
	for _, p := range paras {
		if slices.Contains(got, p) {
			kept++
		}
	}
	if 2*kept >= len(paras) {
		t.Errorf("Readability alone keeps %d of %d story paragraphs; the page must be one where it keeps under half", kept, len(paras))
	}
}
