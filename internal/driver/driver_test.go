package driver

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/model"
)

type counterConfig struct {
	Max   int `default:"3"`
	Buggy bool
}

type counterState struct{ N int }

// counter counts to Max; Buggy lets it overshoot, which breaks InRange.
func counter(c counterConfig) (*model.Model[counterState], error) {
	m := dsl.New[counterState]("Counter")
	m.Init(counterState{})
	limit := c.Max
	if c.Buggy {
		limit++
	}
	m.Action("Inc", func(s counterState) bool { return s.N < limit }, func(s *counterState) { s.N++ })
	m.Action("Clear", func(s counterState) bool { return s.N > 0 }, func(s *counterState) { s.N = 0 })
	m.Invariant("InRange", func(s counterState) bool { return s.N <= c.Max })
	return m.Build()
}

// bounded counts without end; a constraint, not a guard, bounds it.
func bounded() (*model.Model[counterState], error) {
	m := dsl.New[counterState]("Bounded")
	m.Init(counterState{})
	m.Action("Inc", nil, func(s *counterState) { s.N++ })
	m.Constraint("AtMost3", func(s counterState) bool { return s.N <= 3 })
	return m.Build()
}

func broken() (*model.Model[counterState], error) {
	m := dsl.New[counterState]("Broken")
	m.Action("Inc", nil, nil)
	return m.Build()
}

func panicky() *model.Model[counterState] { panic("no model today") }

func nilModel(counterConfig) *model.Model[counterState] { return nil }

func TestRun(t *testing.T) {
	entries := []Entry{
		Register("Counter", counter),
		RegisterNoConfig("Broken", broken),
		RegisterNoConfig("Bounded", bounded),
		RegisterNoConfigNoError("Panicky", panicky),
		RegisterNoError("Nil", nilModel),
	}
	tests := []struct {
		name    string
		args    []string
		entries []Entry
		code    int
		stdout  []string // substrings of the output
		stderr  []string // substrings of the errors
		// notStderr are substrings the errors must not have.
		notStderr []string
		reason    string
	}{
		{
			name: "complete", args: []string{"-model=Counter"}, code: exitOK,
			stdout: []string{`exploring Counter \(driver.counter, Max=3 Buggy=false\): bfs`, "no violation: 4 distinct states, complete"},
			reason: "a model without violation exits 0",
		},
		{
			name: "constraint", args: []string{"-model=Bounded"}, code: exitOK,
			stdout: []string{"no violation: 4 distinct states, complete", `out of bounds +1 transition into states outside the constraints: checked, not explored`},
			reason: "a constraint bounds the model: the step out is counted, and the last state is no deadlock",
		},
		{
			name: "set", args: []string{"-model=Counter", "-set", "Max=9"}, code: exitOK,
			stdout: []string{"no violation: 10 distinct states, complete"},
			reason: "-set changes a constant",
		},
		{
			name: "violation", args: []string{"-model=Counter", "-set=Buggy=true"}, code: exitViolation,
			stdout: []string{"violation: invariant InRange violated after 4 steps", `3 +Inc +N +2 → 3`, `4 +Inc +N +3 → 4`},
			reason: "a violation exits 1 with the trace",
		},
		{
			name: "limit", args: []string{"-model=Counter", "-set=Max=100", "-max-states=10"}, code: exitOK,
			stdout: []string{"incomplete: state limit reached"},
			reason: "a limit is not a failure",
		},
		{
			name: "only entry", args: nil, entries: entries[:1], code: exitOK,
			stdout: []string{"no violation"},
			reason: "with one model, -model is optional",
		},
		{
			name: "several entries", args: nil, code: exitUsage,
			stderr: []string{"the package has 5 models; choose one with -model: Counter, Broken, Bounded, Panicky, Nil"},
			reason: "with several models, -model is needed",
		},
		{
			name: "misspelled model", args: []string{"-model=Countr"}, code: exitUsage,
			stderr: []string{`-model Countr: no such model function (did you mean "Counter"?)`},
			reason: "an unknown model suggests the closest",
		},
		{
			name: "misspelled constant", args: []string{"-model=Counter", "-set=max=3"}, code: exitUsage,
			stderr: []string{`has no field max (did you mean "Max"?)`},
			reason: "an unknown constant suggests the closest",
		},
		{
			name: "bad flag", args: []string{"-frobnicate"}, code: exitUsage,
			stderr: []string{"flag provided but not defined: -frobnicate"},
			reason: "flags are checked",
		},
		{
			name: "argument", args: []string{"./pkg"}, code: exitUsage,
			stderr: []string{`unexpected argument "./pkg"`},
			reason: "the driver takes no package",
		},
		{
			name: "protocol", args: []string{"-driver.protocol=99"}, code: exitError,
			stderr: []string{"the mbt command speaks driver protocol 99"},
			reason: "a driver refuses a command of another protocol",
		},
		{
			name: "build error", args: []string{"-model=Broken"}, code: exitError,
			stderr: []string{"driver.broken: model Broken: 2 problems:", `action "Inc": effect is nil`, "no initial state"},
			reason: "dsl definition errors exit 3 with all problems",
		},
		{
			name: "constructor panic", args: []string{"-model=Panicky"}, code: exitError,
			stderr:    []string{"mbt: driver.panicky panicked: no model today\n    driver_test.go:", "  github.com/mbtgo/mbt/internal/driver.panicky\n"},
			notStderr: []string{"goroutine", "debug.Stack", "driver.construct", "driver.go:", "driver.RegisterNoConfigNoError"},
			reason:    "a panic in the model function exits 3 with the user's frames, not the goroutine's whole stack",
		},
		{
			name: "nil model", args: []string{"-model=Nil"}, code: exitError,
			stderr: []string{"driver.nilModel returned a nil model"},
			reason: "a nil model is an error, not a crash",
		},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		if tt.reason == "" || seen[tt.name] {
			t.Fatalf("test %q: missing reason or duplicate name", tt.name)
		}
		seen[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			es := tt.entries
			if es == nil {
				es = entries
			}
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr, false, es)
			if code != tt.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, &stdout, &stderr)
			}
			for _, s := range tt.stdout {
				if !regexp.MustCompile(s).MatchString(stdout.String()) {
					t.Errorf("stdout lacks %q:\n%s", s, &stdout)
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(stderr.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, &stderr)
				}
			}
			for _, s := range tt.notStderr {
				if strings.Contains(stderr.String(), s) {
					t.Errorf("stderr has %q:\n%s", s, &stderr)
				}
			}
		})
	}
}

func TestRun_json(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-json", "-set=Buggy=true", "-progress=0"}, &stdout, &stderr, true,
		[]Entry{Register("Counter", counter)})
	if code != exitViolation {
		t.Fatalf("exit code %d, want %d; stderr:\n%s", code, exitViolation, &stderr)
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr is not empty:\n%s", &stderr)
	}
	var got struct {
		Function   string         `json:"function"`
		Package    string         `json:"package"`
		Model      string         `json:"model"`
		Status     string         `json:"status"`
		Constants  map[string]any `json:"constants"`
		Violations []struct {
			Kind  string `json:"kind"`
			Name  string `json:"name"`
			Trace struct {
				States []counterState `json:"states"`
				Steps  []model.Step   `json:"steps"`
			} `json:"trace"`
		} `json:"violations"`
		Stats struct {
			Distinct int64 `json:"distinct"`
		} `json:"stats"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, &stdout)
	}
	if got.Function != "Counter" || got.Package != "github.com/mbtgo/mbt/internal/driver" || got.Model != "Counter" || got.Status != "violation" {
		t.Errorf("got function %q package %q model %q status %q", got.Function, got.Package, got.Model, got.Status)
	}
	if got.Constants["Max"] != 3.0 || got.Constants["Buggy"] != true {
		t.Errorf("constants = %v", got.Constants)
	}
	if len(got.Violations) != 1 || got.Violations[0].Kind != "invariant" || got.Violations[0].Name != "InRange" ||
		len(got.Violations[0].Trace.States) != 5 || got.Violations[0].Trace.States[4].N != 4 {
		t.Errorf("violations = %+v", got.Violations)
	}
}

func TestRun_canceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"-set=Max=1000000"}, &stdout, &stderr, false, []Entry{Register("Counter", counter)})
	if code != exitOK || !strings.Contains(stdout.String(), "incomplete: canceled") {
		t.Errorf("exit code %d, stdout:\n%s\nstderr:\n%s", code, &stdout, &stderr)
	}
}

func TestRegister_nil(t *testing.T) {
	defer func() {
		if v := recover(); v == nil || !strings.Contains(v.(string), `Register("M"): the model function is nil`) {
			t.Errorf("recover() = %v", v)
		}
	}()
	Register[counterConfig, counterState]("M", nil)
}
