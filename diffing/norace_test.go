//go:build !race

package diffing

// raceEnabled is true under -race; see scaled.
const raceEnabled = false
