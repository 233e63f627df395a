package benchstat

import (
	"testing"
	"time"
)

func TestNearestRankPercentiles(t *testing.T) {
	var lat []time.Duration
	for i := 100; i >= 1; i-- {
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	s := Summarize(lat, time.Second)
	if s.Calls != 100 || s.P50us != 50_000 || s.P99us != 99_000 || s.PerSecond != 100 {
		t.Fatalf("summary %+v", s)
	}
	if got := Percentile([]time.Duration{7}, 0.99); got != 7 {
		t.Fatalf("one sample: %v", got)
	}
	if got := Percentile(nil, 0.5); got != 0 {
		t.Fatalf("no sample: %v", got)
	}
}
