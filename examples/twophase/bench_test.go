package twophase

import (
	"context"
	"fmt"
	"testing"

	"github.com/mbtgo/mbt/explorer"
)

// BenchmarkExplore_TwoPhase7 explores TwoPhase with 7 RMs (296,448
// distinct states) exhaustively.
func BenchmarkExplore_TwoPhase7(b *testing.B) {
	m, err := Model(Config{RM: 7})
	if err != nil {
		b.Fatal(err)
	}
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			var res *explorer.Result[State]
			for b.Loop() {
				res, err = explorer.Explore(context.Background(), m, explorer.Options{Workers: workers})
				if err != nil || res.Stats.Distinct != 296448 {
					b.Fatalf("%v %+v", err, res.Stats)
				}
			}
			b.ReportMetric(float64(res.Stats.Distinct)*float64(b.N)/b.Elapsed().Seconds(), "states/s")
			b.ReportMetric(res.Stats.BytesPerState(), "bytes/state")
		})
	}
}
