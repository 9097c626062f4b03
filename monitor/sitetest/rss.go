package sitetest

import (
	"os"
	"strconv"
	"strings"
)

// PeakRSSMiB returns the process's peak resident set size (VmHWM) in MiB,
// for benchmarks that report memory; 0 where /proc does not say.
func PeakRSSMiB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			if err == nil {
				return float64(kb) / 1024
			}
		}
	}
	return 0
}

// CPUSeconds returns the CPU time the process has used so far, user and
// system, from /proc/self/stat (in USER_HZ, 100 a second on Linux); 0
// where /proc does not say. On a shared machine, pages per CPU-second
// says what wall-clock rates cannot.
func CPUSeconds() float64 {
	data, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces: fields count
	// from after its closing parenthesis (utime and stime are the 14th
	// and 15th fields, the 12th and 13th after it).
	i := strings.LastIndexByte(string(data), ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, err1 := strconv.ParseFloat(f[11], 64)
	stime, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return (utime + stime) / 100
}
