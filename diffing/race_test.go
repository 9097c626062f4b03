//go:build race

package diffing

// raceEnabled is true under -race, which slows the battery's big
// generated inputs about tenfold; see scaled.
const raceEnabled = true
