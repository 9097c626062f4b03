package extract

// Contains is contains, for the black-box tests that walk parsed pages.
var Contains = contains
