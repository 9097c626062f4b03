// Package plural writes a count with its noun, "1 change" or "2
// changes", the one way every command, report and notification says how
// many of something there are.
package plural

import "strconv"

// Count returns n and the noun, with an "s" unless n is 1: "1 change",
// "0 changes", "2 changes". one is the singular of a noun whose plural
// adds "s"; every noun redline counts is such a noun.
func Count(n int, one string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + one + "s"
}
