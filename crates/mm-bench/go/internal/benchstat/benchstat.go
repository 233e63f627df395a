// Package benchstat is what the stock bench host and the Go bench plugin share: the answer of
// the `/bench api` command and how latencies become percentiles. The Rust bench plugin
// (crates/mm-bench/src/bin/mm-bench-plugin.rs) answers the same JSON with the same
// definitions.
package benchstat

import (
	"math"
	"slices"
	"time"
)

// APIResult is the answer of `/bench api <Method> <callers> <n>` (the command response's
// text, as JSON): n calls of one plugin.API method from `callers` concurrent callers,
// timed inside the plugin around each call.
type APIResult struct {
	Method  string `json:"method"`
	Callers int    `json:"callers"`
	Calls   int    `json:"calls"`
	// P50us and P99us are nearest-rank percentiles of the per-call latencies, in µs.
	P50us float64 `json:"p50_us"`
	P99us float64 `json:"p99_us"`
	// PerSecond is calls / (time from the first call's start to the last call's end).
	PerSecond float64 `json:"calls_per_second"`
}

// Summary is a latency summary the host records for one measurement.
type Summary struct {
	Calls     int     `json:"calls"`
	P50us     float64 `json:"p50_us"`
	P99us     float64 `json:"p99_us"`
	PerSecond float64 `json:"per_second"`
}

// Percentile is the nearest-rank percentile (q in 0..1) of sorted latencies.
func Percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(q * float64(len(sorted))))
	rank = max(1, min(rank, len(sorted)))
	return sorted[rank-1]
}

// Summarize sorts the latencies (in place) and summarizes them; wall is the time all the
// calls took together.
func Summarize(latencies []time.Duration, wall time.Duration) Summary {
	slices.Sort(latencies)
	perSecond := 0.0
	if wall > 0 {
		perSecond = float64(len(latencies)) / wall.Seconds()
	}
	return Summary{
		Calls:     len(latencies),
		P50us:     Micros(Percentile(latencies, 0.50)),
		P99us:     Micros(Percentile(latencies, 0.99)),
		PerSecond: perSecond,
	}
}

// Micros is d in microseconds.
func Micros(d time.Duration) float64 {
	return float64(d.Nanoseconds()) / 1000
}
