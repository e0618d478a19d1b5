package twophase

import (
	"context"
	"testing"

	"github.com/mbtgo/mbt/explorer"
)

// Reference: TwoPhase.tla with Buggy = FALSE; counts as TLC reports them
// (TwoPhaseOK.out.txt for 3 RMs).
func TestModel_MatchesTLC(t *testing.T) {
	tests := []struct {
		rm                    int
		distinct, generated   int64
	}{
		{3, 288, 1146},
		{4, 1568, 8258},
		{5, 8832, 58146},
	}
	for _, tt := range tests {
		m, err := Model(Config{RM: tt.rm})
		if err != nil {
			t.Fatal(err)
		}
		for _, workers := range []int{1, 2} {
			res, err := explorer.Explore(context.Background(), m, explorer.Options{Workers: workers})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != explorer.Complete {
				t.Fatalf("RM=%d: status %v, want complete", tt.rm, res.Status)
			}
			if res.Stats.Distinct != tt.distinct || res.Stats.Transitions+1 != tt.generated {
				t.Errorf("RM=%d workers=%d: %d distinct, %d generated; TLC: %d, %d", tt.rm, workers,
					res.Stats.Distinct, res.Stats.Transitions+1, tt.distinct, tt.generated)
			}
		}
	}
}
