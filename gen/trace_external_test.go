package gen_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/mbtgo/mbt/gen"
	"github.com/mbtgo/mbt/model"
)

func TestTraceSuite(t *testing.T) {
	steps := []model.Step{
		{Action: "Add", Args: []any{2}, Output: 2},
		{Action: "Note", Args: []any{"\"); panic(1) //\n"}},
		{Action: "Clear"},
	}
	s := gen.TraceSuite("Two phase", 1, steps, "traces/TwoPhase.out.txt")
	if len(s.Tests) != 1 {
		t.Fatalf("got %d tests, want 1", len(s.Tests))
	}
	tt := s.Tests[0]
	if tt.Criterion != gen.Trace || tt.Init != 1 || len(tt.Steps) != 3 {
		t.Errorf("test = %+v", tt)
	}
	if !regexp.MustCompile(`^TestTwoPhase_Trace_[0-9a-f]{8}$`).MatchString(tt.Name) {
		t.Errorf("name = %q, want TestTwoPhase_Trace_<hash>", tt.Name)
	}
	if again := gen.TraceSuite("Two phase", 1, steps, "other.txt"); again.Tests[0].Name != tt.Name {
		t.Errorf("name %q depends on the source; want %q", again.Tests[0].Name, tt.Name)
	}
	if other := gen.TraceSuite("Two phase", 0, steps, "traces/TwoPhase.out.txt"); other.Tests[0].Name == tt.Name {
		t.Errorf("another initial state gives the same name %q", tt.Name)
	}
	if len(s.Reports) != 1 {
		t.Fatalf("got %d reports, want 1", len(s.Reports))
	}
	if got, want := s.Reports[0].String(), "trace: 1 test, 3 steps from traces/TwoPhase.out.txt"; got != want {
		t.Errorf("report = %q, want %q", got, want)
	}
	one := gen.TraceSuite("M", 0, steps[:1], "t.json")
	if got, want := one.Reports[0].String(), "trace: 1 test, 1 step from t.json"; got != want {
		t.Errorf("report = %q, want %q", got, want)
	}

	src, err := gen.Source(s, gen.File{
		Package: "tp_test", PackagePath: "example.com/tp", Dir: "./tp",
		ModelPath: "example.com/tp", ModelName: "tp", ModelFunc: "Model",
		AdapterPath: "example.com/tp", AdapterName: "tp", AdapterFunc: "NewAdapter",
		Command: "mbt gen -trace traces/TwoPhase.out.txt -adapter NewAdapter ./tp",
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"// Tests (model Two phase):\n//\ttrace: 1 test, 3 steps from traces/TwoPhase.out.txt\n",
		"// trace: 3 steps.\nfunc " + tt.Name + "(t *testing.T) {\n",
		"\tmbtRunTwoPhase_Trace_99a87ddc(t, 1, []model.Step{\n",
		`{Action: "Add", Args: []any{2}}, // returns 2`,
		`{Action: "Note", Args: []any{"\"); panic(1) //\n"}},`,
		`{Action: "Clear"},`,
	} {
		if !strings.Contains(string(src), want) {
			t.Errorf("source lacks %q:\n%s", want, src)
		}
	}
}
