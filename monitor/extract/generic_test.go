package extract

import (
	"slices"
	"strings"
	"testing"
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
