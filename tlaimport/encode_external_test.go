package tlaimport_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mbtgo/mbt/examples/bank"
	"github.com/mbtgo/mbt/examples/diehard"
	"github.com/mbtgo/mbt/examples/twophase"
	"github.com/mbtgo/mbt/explorer"
	"github.com/mbtgo/mbt/model"
	"github.com/mbtgo/mbt/tlaimport"
)

// roundTripCounterexample explores m, writes its counterexample as ITF
// with EncodeTrace and WriteITF, reads it back, decodes it and infers its
// steps: the states and the steps must be the explorer's.
func roundTripCounterexample[S any](t *testing.T, m *model.Model[S]) {
	t.Helper()
	res, err := explorer.Explore(context.Background(), m, explorer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Violations) == 0 {
		t.Fatalf("%s: no violation", m.Name)
	}
	want := res.Violations[0].Trace
	enc, err := tlaimport.EncodeTrace(m, want)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := tlaimport.WriteITF(&buf, enc); err != nil {
		t.Fatal(err)
	}
	tr, err := tlaimport.ReadITF(m.Name+".itf.json", buf.Bytes())
	if err != nil {
		t.Fatalf("read back: %v\n%s", err, buf.Bytes())
	}
	d := tlaimport.StateDecoder[S]{Template: &m.Init[0]}
	states, err := d.DecodeTrace(tr)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.States, states); diff != "" {
		t.Errorf("%s: states read back (-explorer +ITF):\n%s", m.Name, diff)
	}
	inf, err := tlaimport.Infer(m, tr, states)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.Steps, inf.ModelSteps()); diff != "" {
		t.Errorf("%s: steps read back (-explorer +ITF):\n%s", m.Name, diff)
	}
	for _, s := range inf.Steps {
		if !s.Checked {
			t.Errorf("%s: step to state %d not checked against mbt::actionTaken: %+v", m.Name, s.To, s)
		}
	}
}

// Property: a counterexample written as ITF reads back as the same states
// and steps, for each example model with a violation.
func TestEncodeTrace_ITFRoundTrip(t *testing.T) {
	tp, err := twophase.Model(twophase.Config{RM: 3, Buggy: true})
	if err != nil {
		t.Fatal(err)
	}
	roundTripCounterexample(t, tp)
	dh, err := diehard.Model(diehard.Config{})
	if err != nil {
		t.Fatal(err)
	}
	roundTripCounterexample(t, dh)
	bk, err := bank.Model(bank.Config{Accounts: 2, Max: 3, MaxAmount: 2, OverdraftBug: true})
	if err != nil {
		t.Fatal(err)
	}
	roundTripCounterexample(t, bk)
}
