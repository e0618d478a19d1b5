package twophase

import (
	"os"
	"testing"

	"github.com/mbtgo/mbt/tlaimport"
)

// Reference: twoPhaseCommit.qnt, run by Quint 0.33.0 (tla-traces/itf). Its
// traces are behaviors of the Go model: the variant states decode through
// RMState's and TMState's DecodeTLA, Quint's picks name the arguments, and
// the buggy run's tmCommitEarly is the Buggy model's TMCommit.
func TestModel_QuintTraces(t *testing.T) {
	tests := []struct {
		file   string
		buggy  bool
		reason string
	}{
		{"tpc_ok_mbt_0.itf.json", false, "a random run of the correct protocol"},
		{"tpc_buggy_violation_mbt.itf.json", true, "Quint's counterexample of the buggy coordinator"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile("../../tlaimport/testdata/itf/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			tr, err := tlaimport.ReadITF(tt.file, data)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Model(Config{RM: 3, Buggy: tt.buggy})
			if err != nil {
				t.Fatal(err)
			}
			dec := tlaimport.StateDecoder[State]{Template: &m.Init[0]}
			states, err := dec.DecodeTrace(tr)
			if err != nil {
				t.Fatal(err)
			}
			inf, err := tlaimport.Infer(m, tr, states)
			if err != nil {
				t.Fatalf("%s (%s): %v", tt.file, tt.reason, err)
			}
			if len(inf.Steps) == 0 {
				t.Fatalf("%s: no steps inferred", tt.file)
			}
			if tt.buggy {
				last := states[len(states)-1]
				for _, inv := range m.Invariants {
					if inv.Check(&last) {
						t.Errorf("the last state of Quint's counterexample should violate %s", inv.Name)
					}
				}
			}
		})
	}
}
