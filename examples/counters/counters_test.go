package counters

import (
	"context"
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
