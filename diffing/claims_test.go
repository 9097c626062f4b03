package diffing_test

import (
	"reflect"
	"testing"

	"github.com/redline-news/redline/diffing"
)

func TestFigures(t *testing.T) {
	diffing.CheckLists(t, "Figures", diffing.Figures, []diffing.ListCase{
		{"Over 100,000 people died, 97 percent of them men.", []string{"Over 100,000", "97 percent"}},
		{"The deal is worth $4.2 billion, up 3.5% from last year.", []string{"$4.2 billion", "3.5%", "last year"}},
		{"It cost €50m, £3bn and ¥100.", []string{"€50m", "£3bn", "¥100"}},
		{"It rose 2 percentage points to 4.1 per cent.", []string{"2 percentage points", "4.1 per cent"}},
		{"In 2022, 608,000 people died; $1,250.75 was paid.", []string{"2022", "608,000", "$1,250.75"}},
		{"From one to twenty soldiers and three hundred troops.", []string{"one", "twenty", "three hundred"}},
		{"A dozen officers, dozens more and twenty-five soldiers.", []string{"A dozen", "dozens", "twenty-five"}},
		{"Half the troops left; a third stayed; a quarter fled twice.", []string{"Half", "a third", "a quarter", "twice"}},
		{"Fentanyl killed thousands of Americans and hundreds of Mexicans.", []string{"thousands", "hundreds"}},
		{"They met on Jan. 5, 2024, on 12 March 2023 and on March 3rd.", []string{"Jan. 5, 2024", "12 March 2023", "March 3rd"}},
		{"The transfers began in March 2021.", []string{"March 2021"}},
		{"It was the first time, the 2nd attempt and the 21st century.", []string{"first", "2nd", "21st"}},
		{"In the 1990s and the ’90s.", []string{"1990s", "’90s"}},
		{"No figures here.", nil},
	})
}

func TestNegations(t *testing.T) {
	diffing.CheckLists(t, "Negations", diffing.Negations, []diffing.ListCase{
		{"He has not decided and will never agree.", []string{"not", "never"}},
		{"He no longer supports it.", []string{"no longer"}},
		{"No one knows, and nobody asked.", []string{"no", "nobody"}},
		{"She isn’t sure and can't say; they cannot.", []string{"isn't", "can't", "cannot"}},
		{"Mexico denied it and refused to sign.", []string{"denied", "refused"}},
		{"Neither side moved, nor did the army.", []string{"neither", "nor"}},
		{"The notice was nothing new.", []string{"nothing"}},
		{"The troops crossed the border.", nil},
		// Phrases with a "no" or "not" that deny nothing.
		{"The launch is planned for no earlier than 25 December.", nil},
		{"Costs may include, but are not limited to, travel.", nil},
		{"Costs may include but not limited to travel.", nil},
		{"It is not only cheaper but also faster.", nil},
		{"It is not limited to travel.", []string{"not"}},
	})
}

func TestHedges(t *testing.T) {
	diffing.CheckLists(t, "Hedges", diffing.Hedges, []diffing.ListCase{
		{"The White House has reportedly intensified pressure.", []string{"reportedly"}},
		{"He allegedly stole and apparently fled.", []string{"allegedly", "apparently"}},
		{"According to officials, it may be true.", []string{"according to", "may"}},
		{"The alleged plot could fail.", []string{"alleged", "could"}},
		{"May we go? In May it rained.", nil},
		{"Sheinbaum opposed the proposal.", nil},
	})
}

func TestEntities(t *testing.T) {
	diffing.CheckLists(t, "Entities", diffing.Entities, []diffing.ListCase{
		{"Secretary of State Mike Pompeo met House Judiciary Chairman Jim Jordan in Washington.",
			[]string{"Secretary of State Mike Pompeo", "House Judiciary Chairman Jim Jordan", "Washington"}},
		{"The Central Intelligence Agency (CIA) briefed President Claudia Sheinbaum.",
			[]string{"Central Intelligence Agency", "CIA", "President Claudia Sheinbaum"}},
		{"Mexico’s President Claudia Sheinbaum spoke to the New York Times.",
			[]string{"Mexico", "President Claudia Sheinbaum", "New York Times"}},
		{"The capture of Venezuelan President Nicolás Maduro in Operation Absolute Resolve.",
			[]string{"Venezuelan President Nicolás Maduro", "Operation Absolute Resolve"}},
		{"Dr. Adrian Hill and John F. Kennedy Jr. visited the U.S. Army.",
			[]string{"Dr. Adrian Hill", "John F. Kennedy Jr.", "U.S. Army"}},
		{"A segment on Fox News angered House Foreign Affairs Committee Chairman Brian Mast.",
			[]string{"Fox News", "House Foreign Affairs Committee Chairman Brian Mast"}},
		{"He lives in the U.S. The plan changed.", []string{"U.S."}},
		{"Critics argue that Trump’s stance with Mexico mirrors his past.", []string{"Trump", "Mexico"}},
		{"Yesterday Trump spoke.", []string{"Trump"}},
		{"Sheinbaum took the podium.", nil},
		{"Talks began on Jan. 5 and resumed on Monday in March.", nil},
		{"the troops crossed the border.", nil},
	})
}

func TestClaimsOf(t *testing.T) {
	in := "Mexico’s President Claudia Sheinbaum reportedly said the army will no longer accept 100,000 troops from the U.S. Army."
	want := diffing.Claims{
		Figures:   []string{"100,000"},
		Entities:  []string{"Mexico", "President Claudia Sheinbaum", "U.S. Army"},
		Negations: []string{"no longer"},
		Hedges:    []string{"reportedly"},
		Sources:   []string{"reportedly", "Claudia Sheinbaum"},
	}
	if got := diffing.ClaimsOf(in); !reflect.DeepEqual(got, want) {
		t.Errorf("ClaimsOf(%q) = %+v, want %+v", in, got, want)
	}
}
