package gen_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/gen"
)

// Idle is the state of a model with one state.
type Idle struct{}

// TestSource_OneStateCounts: a generated file counts in English: a model
// with one state and one transition is "1 state, 1 transition", and its
// one test of one step says "1 step".
func TestSource_OneStateCounts(t *testing.T) {
	m := dsl.New[Idle]("Idle").Init(Idle{})
	m.Action("Wait", func(Idle) bool { return true }, func(*Idle) {})
	mod := m.MustBuild()
	suite, err := gen.Select(context.Background(), mod, gen.Options{Criteria: []gen.Criterion{gen.Transitions}})
	if err != nil {
		t.Fatal(err)
	}
	src, err := gen.Source(suite, gen.File{Package: "idle_test", PackagePath: "example.com/idle",
		ModelPath: "example.com/idle", ModelName: "idle", ModelFunc: "Model",
		AdapterPath: "example.com/idle", AdapterName: "idle", AdapterFunc: "NewAdapter", Signature: mod.Signature()})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"// Coverage (model Idle: 1 state, 1 transition):", "1 test, 1 step", "// transitions: 1 step."} {
		if !strings.Contains(string(src), want) {
			t.Errorf("the generated file lacks %q:\n%s", want, src)
		}
	}
}
