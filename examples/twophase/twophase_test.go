package twophase

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/mbtgo/mbt/explorer"
)

// Reference: TwoPhase.tla with Buggy = FALSE; counts as TLC reports them
// (TwoPhaseOK.out.txt for 3 RMs).
func TestModel_MatchesTLC(t *testing.T) {
	tests := []struct {
		rm                  int
		distinct, generated int64
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

// Reference: TwoPhase.tla with Buggy = TRUE, invariant Consistent. TLC's
// counterexample (TwoPhase.out.txt, 3 RMs) has 8 states: 7 steps. Shortest
// paths are not unique and the explorer orders actions differently from
// TLC's Next, so only the length and the final state are compared.
func TestModel_BuggyShortest(t *testing.T) {
	m, err := Model(Config{RM: 3, Buggy: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 2} {
		res, err := explorer.Explore(t.Context(), m, explorer.Options{Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != explorer.Violated || len(res.Violations) != 1 {
			t.Fatalf("workers=%d: status %v with %d violations, want one violation", workers, res.Status, len(res.Violations))
		}
		v := res.Violations[0]
		if v.Kind != explorer.InvariantKind || v.Name != "Consistent" || v.Trace.Len() != 7 {
			t.Fatalf("workers=%d: got %v, want invariant Consistent violated after 7 steps", workers, v)
		}
		last := v.Trace.States[len(v.Trace.States)-1].RMState
		if !slices.Contains(last, Committed) || !slices.Contains(last, Aborted) {
			t.Errorf("workers=%d: final rmState %v has not both committed and aborted", workers, last)
		}
	}
}

func TestModel_BadConfig(t *testing.T) {
	tests := []struct {
		cfg    Config
		want   string
		reason string
	}{
		{Config{RM: 0}, "twophase: RM is 0, want at least 1", "no resource manager: an empty domain"},
		{Config{RM: -1}, "twophase: RM is -1, want at least 1", "a negative count made make panic"},
	}
	for _, tt := range tests {
		_, err := Model(tt.cfg)
		if got := fmt.Sprint(err); got != tt.want {
			t.Errorf("Model(%+v) error = %q, want %q (%s)", tt.cfg, got, tt.want, tt.reason)
		}
	}
}
