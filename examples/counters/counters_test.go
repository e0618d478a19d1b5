package counters

import (
	"context"
	"fmt"
	"testing"

	"github.com/mbtgo/mbt/explorer"
)

func TestModel_Count(t *testing.T) {
	m, err := Model(Config{K: 3, M: 5})
	if err != nil {
		t.Fatal(err)
	}
	res, err := explorer.Explore(context.Background(), m, explorer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.Distinct != 216 || res.Stats.Transitions != 216*3 {
		t.Errorf("got %d states, %d transitions; want 216, 648", res.Stats.Distinct, res.Stats.Transitions)
	}
}

// BenchmarkExplore_Counters is the hot-loop benchmark of DESIGN.md: K=4,
// M=30 (923,521 states, 3.7 M transitions), generic fingerprint.
func BenchmarkExplore_Counters(b *testing.B) {
	for _, workers := range []int{1, 2} {
		b.Run(map[int]string{1: "workers=1", 2: "workers=2"}[workers], func(b *testing.B) {
			m, err := Model(Config{K: 4, M: 30})
			if err != nil {
				b.Fatal(err)
			}
			var res *explorer.Result[State]
			for b.Loop() {
				res, err = explorer.Explore(context.Background(), m, explorer.Options{Workers: workers})
				if err != nil || res.Stats.Distinct != 923521 {
					b.Fatalf("%v %+v", err, res.Stats)
				}
			}
			b.ReportMetric(float64(res.Stats.Distinct)*float64(b.N)/b.Elapsed().Seconds(), "states/s")
			b.ReportMetric(res.Stats.BytesPerState(), "bytes/state")
		})
	}
}

func TestModel_BadConfig(t *testing.T) {
	tests := []struct {
		cfg    Config
		want   string
		reason string
	}{
		{Config{K: 0, M: 3}, "counters: K is 0, want at least 1", "no counter: an empty domain"},
		{Config{K: -1, M: 3}, "counters: K is -1, want at least 1", "a negative count made make panic"},
		{Config{K: 2, M: -1}, "counters: M is -1, want at least 0", "the initial state would break InRange"},
	}
	for _, tt := range tests {
		_, err := Model(tt.cfg)
		if got := fmt.Sprint(err); got != tt.want {
			t.Errorf("Model(%+v) error = %q, want %q (%s)", tt.cfg, got, tt.want, tt.reason)
		}
	}
	if _, err := Model(Config{K: 1, M: 0}); err != nil {
		t.Errorf("Model(K=1, M=0): %v", err)
	}
}
