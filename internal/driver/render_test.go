package driver

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mbtgo/mbt/explorer"
	"github.com/mbtgo/mbt/internal/golden"
	"github.com/mbtgo/mbt/model"
	"golang.org/x/tools/txtar"
)

// ledger is a state with every shape the trace table flattens: nested
// structs, maps, slices, pointers.
type ledger struct {
	Balances map[string]int
	Pending  *transfer
	Stats    stats
	Log      []string
	Wide     []int
}

type transfer struct {
	From, To string
	Amt      int
}

type stats struct {
	Ops  int
	Last string
}

func wide(changes map[int]int) []int {
	w := make([]int, 16)
	for i, v := range changes {
		w[i] = v
	}
	return w
}

var ledgerTrace = model.Trace[ledger]{
	States: []ledger{
		{Balances: map[string]int{"alice": 5, "bob": 0}, Wide: wide(nil)},
		{Balances: map[string]int{"alice": 5, "bob": 0}, Pending: &transfer{"alice", "bob", 3},
			Stats: stats{Ops: 1, Last: "start"}, Wide: wide(nil)},
		{Balances: map[string]int{"alice": 2, "bob": 3}, Stats: stats{Ops: 2, Last: "commit"},
			Log: []string{"alice→bob 3"}, Wide: wide(map[int]int{3: 7})},
		{Balances: map[string]int{"alice": 2, "bob": 3}, Stats: stats{Ops: 2, Last: "commit"},
			Log: []string{"alice→bob 3"}, Wide: wide(map[int]int{3: 7})},
		{Balances: map[string]int{"alice": 2, "bob": 3}, Stats: stats{Ops: 3, Last: "get"},
			Log: []string{"alice→bob 3"}, Wide: wide(map[int]int{3: 7})},
	},
	Steps: []model.Step{
		{Action: "Start", Args: []any{"alice", "bob", 3}},
		{Action: "Commit"},
		{Action: "Noop"},
		{Action: "Get", Args: []any{"bob"}, Output: 3},
	},
}

// bigMap is a state whose map changes are too long for one line.
type bigMap struct {
	Accounts map[string]int
	Owners   map[int]string
}

var bigMapTrace = model.Trace[bigMap]{
	States: []bigMap{
		{Accounts: map[string]int{"account-1": 10, "account-2": 20, "account-3": 30, "account-4": 40}, Owners: map[int]string{10: "x", 2: "y"}},
		{Accounts: map[string]int{"account-1": 10, "account-2": 25, "account-3": 30, "account-5": 50}, Owners: map[int]string{10: "x", 2: "z"}},
	},
	Steps: []model.Step{{Action: "Shuffle"}},
}

func TestRender_golden(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	pos := func(line int) model.Pos { return model.Pos{File: filepath.Join(wd, "ledger.go"), Line: line} }
	ledgerModel := &model.Model[ledger]{
		Name: "Ledger",
		Init: []ledger{ledgerTrace.States[0]},
		Actions: []*model.Action[ledger]{
			{Name: "Start", Pos: pos(20)}, {Name: "Commit", Pos: pos(30)}, {Name: "Noop", Pos: pos(35)}, {Name: "Get", Pos: pos(40)},
		},
		Invariants: []model.Invariant[ledger]{{Name: "NoOverdraft", Pos: pos(50)}},
	}
	stats := explorer.Stats{Distinct: 12345, Transitions: 67890, MaxDepth: 9, Queue: 17, Elapsed: 1234567 * time.Microsecond,
		StatesPerSec: 10000, TableBytes: 2 << 20, PeakMemory: 7600 << 20, Workers: 2}
	coverage := explorer.Coverage{Actions: []explorer.ActionCoverage{
		{Name: "Start", Fired: 1200, GuardFalse: 30, Params: []explorer.ParamCoverage{{Name: "from", Values: []explorer.ValueCoverage{{Value: "alice", Fired: 1200}, {Value: "carol", Fired: 0}}}}},
		{Name: "Commit", Fired: 1100, GuardFalse: 0},
		{Name: "Noop", Fired: 0, GuardFalse: 12345},
		{Name: "Get", Fired: 5000, GuardFalse: 1},
	}}
	x := &exploration{pkg: "./ledger", flags: Flags{Strategy: "bfs", Set: []string{"Accounts=alice,bob"}},
		entry:  &Entry{name: "Model", fn: "example.com/bank/ledger.Model"},
		consts: []constant{{"Accounts", []string{"alice", "bob"}}, {"Limit", 10}, {"Name", "big bank"}}}

	panicMsg := "effect of Commit panicked: runtime error: index out of range [3] with length 2\n" +
		"example.com/bank/ledger.apply(...)\n\t" + filepath.Join(wd, "ledger.go") + ":61\n" +
		"example.com/bank/ledger.Model.func3(0xc000123456?)\n\t" + filepath.Join(wd, "ledger.go") + ":33 +0x1d\n" +
		"github.com/mbtgo/mbt/dsl.(*Model[...]).Action.func3(0x8?)\n\t/src/mbt/dsl/action.go:82 +0x17\n"

	cases := map[string]func(*bytes.Buffer){
		"trace-ledger": func(b *bytes.Buffer) { writeTrace(b, ledgerTrace, nil, "") },
		"trace-bigmap": func(b *bytes.Buffer) { writeTrace(b, bigMapTrace, nil, "") },
		"trace-scalar": func(b *bytes.Buffer) {
			writeTrace(b, model.Trace[int]{States: []int{0, 1}, Steps: []model.Step{{Action: "Inc"}}},
				&model.Step{Action: "Div", Args: []any{0}}, "(panicked)")
		},
		"header": func(b *bytes.Buffer) { writeHeader(b, "Ledger", x, 2) },
		"header-one-walk": func(b *bytes.Buffer) {
			one := *x
			one.opts = explorer.Options{Strategy: explorer.Random, Walks: 1, MaxDepth: 1, Seed: 7}
			writeHeader(b, "Ledger", &one, 1)
		},
		"summary-one-state": func(b *bytes.Buffer) {
			st := explorer.Stats{Distinct: 1, Elapsed: time.Millisecond, Workers: 1}
			writeSummary(b, &explorer.Result[ledger]{Status: explorer.Complete, Stats: st}, ledgerModel, x)
		},
		"summary-one-walk": func(b *bytes.Buffer) {
			st := explorer.Stats{Distinct: 1, Walks: 1, Elapsed: time.Millisecond, Workers: 1}
			writeSummary(b, &explorer.Result[ledger]{Status: explorer.Incomplete, Reason: explorer.WalkLimit, Stats: st}, ledgerModel, x)
		},
		"summary-violation": func(b *bytes.Buffer) {
			writeSummary(b, &explorer.Result[ledger]{Status: explorer.Violated, Stats: stats, Coverage: coverage,
				Violations: []*explorer.Violation[ledger]{{Kind: explorer.InvariantKind, Name: "NoOverdraft", Trace: ledgerTrace}}}, ledgerModel, x)
		},
		"summary-complete": func(b *bytes.Buffer) {
			st := stats
			st.Queue = 0
			writeSummary(b, &explorer.Result[ledger]{Status: explorer.Complete, Stats: st, Coverage: coverage}, ledgerModel, x)
		},
		"summary-incomplete": func(b *bytes.Buffer) {
			writeSummary(b, &explorer.Result[ledger]{Status: explorer.Incomplete, Reason: explorer.TimeLimit, Stats: stats, Coverage: coverage}, ledgerModel, x)
		},
		"summary-panic": func(b *bytes.Buffer) {
			tr := model.Trace[ledger]{States: ledgerTrace.States[:2], Steps: ledgerTrace.Steps[:1]}
			writeSummary(b, &explorer.Result[ledger]{Status: explorer.Violated, Stats: stats, Coverage: coverage,
				Violations: []*explorer.Violation[ledger]{{Kind: explorer.PanicKind, Name: "Commit", Message: panicMsg, Trace: tr,
					Attempted: &model.Step{Action: "Commit"}}}}, ledgerModel, x)
		},
		"summary-impure": func(b *bytes.Buffer) {
			tr := model.Trace[ledger]{States: ledgerTrace.States[:1]}
			writeSummary(b, &explorer.Result[ledger]{Status: explorer.Violated, Stats: stats, Coverage: coverage,
				Violations: []*explorer.Violation[ledger]{{Kind: explorer.ImpureKind, Name: "Start",
					Message: "Start(\"alice\", \"bob\", 3) changed the state it was given", Trace: tr,
					Attempted: &model.Step{Action: "Start", Args: []any{"alice", "bob", 3}}}}}, ledgerModel, x)
		},
		"summary-built": func(b *bytes.Buffer) {
			slow := *x
			slow.built = 2500 * time.Millisecond
			writeSummary(b, &explorer.Result[ledger]{Status: explorer.Complete, Stats: stats, Coverage: coverage}, ledgerModel, &slow)
		},
		"stopped-time": func(b *bytes.Buffer) {
			writeStopped(b, &buildStop{reason: explorer.TimeLimit, elapsed: 3004 * time.Millisecond, peak: 2 << 30, limit: "3s"}, x)
		},
		"stopped-memory": func(b *bytes.Buffer) {
			writeStopped(b, &buildStop{reason: explorer.MemoryLimit, elapsed: 1234 * time.Millisecond, peak: 330 << 20, limit: byteSize(300 << 20)}, x)
		},
		"stopped-canceled": func(b *bytes.Buffer) {
			none := *x
			none.consts = nil
			writeStopped(b, &buildStop{reason: explorer.Canceled, elapsed: 5 * time.Second, peak: 12 << 20}, &none)
		},
		"summary-deadlock": func(b *bytes.Buffer) {
			tr := model.Trace[ledger]{States: ledgerTrace.States[:2], Steps: ledgerTrace.Steps[:1]}
			writeSummary(b, &explorer.Result[ledger]{Status: explorer.Violated, Stats: stats, Coverage: coverage,
				Violations: []*explorer.Violation[ledger]{{Kind: explorer.DeadlockKind, Trace: tr}}}, ledgerModel, x)
		},
	}

	var got txtar.Archive
	got.Comment = []byte("Golden output of the text renderings; go test -run TestRender_golden -update rewrites it.\n")
	names := make([]string, 0, len(cases))
	for name := range cases {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		var b bytes.Buffer
		cases[name](&b)
		got.Files = append(got.Files, txtar.File{Name: name, Data: b.Bytes()})
	}
	golden.CheckTxtar(t, "testdata/render.txtar", &got)
}

func TestShow(t *testing.T) {
	type inner struct {
		A int
		b string
	}
	n := 7
	tests := []struct {
		v    any
		want string
	}{
		{"plain", "plain"},
		{"", `""`},
		{"two words", `"two words"`},
		{[]string{"a", ""}, `[a ""]`},
		{map[string]int{"b": 2, "a": 1}, "map[a:1 b:2]"},
		{map[int]bool{10: true, 9: false}, "map[9:false 10:true]"},
		{&n, "7"},
		{(*int)(nil), "nil"},
		{inner{A: 1, b: "x"}, "{A:1 b:x}"},
		{[]*inner{{A: 2}}, `[{A:2 b:""}]`},
		{time.Second, "1s"},
		{[]byte("hi"), `"hi"`},
		{[2]bool{true, false}, "[true false]"},
		{nil, "nil"},
		{[]any{1, "a", nil}, "[1 a nil]"},
	}
	for _, tt := range tests {
		if got := show(reflect.ValueOf(tt.v)); got != tt.want {
			t.Errorf("show(%#v) = %s, want %s", tt.v, got, tt.want)
		}
	}
}

func TestProgressLine(t *testing.T) {
	var b bytes.Buffer
	p := &progressLine{w: &b, inPlace: true}
	p.update(explorer.Progress{Distinct: 123456, StatesPerSec: 98765.4, Depth: 7, Queue: 1000, Memory: 7600 << 20, Elapsed: 2500 * time.Millisecond})
	p.update(explorer.Progress{Distinct: 9, Depth: 1, Memory: 3 << 20, Elapsed: time.Second})
	p.update(explorer.Progress{Done: true})
	p.clear()
	line1 := "123,456 distinct states, 98,765 states/s, depth 7, queue 1,000, memory 7.4 GiB, 3s"
	line2 := "9 distinct states, 0 states/s, depth 1, queue 0, memory 3.0 MiB, 1s"
	want := "\r" + line1 + "\r" + line2 + strings.Repeat(" ", len(line1)-len(line2)) + "\r" + strings.Repeat(" ", len(line2)) + "\r"
	if got := b.String(); got != want {
		t.Errorf("in place:\ngot  %q\nwant %q", got, want)
	}

	b.Reset()
	p = &progressLine{w: &b}
	p.update(explorer.Progress{Distinct: 9, Depth: 1, Memory: 3 << 20, Elapsed: time.Second})
	p.update(explorer.Progress{Done: true})
	p.clear()
	if got, want := b.String(), line2+"\n"; got != want {
		t.Errorf("lines:\ngot  %q\nwant %q", got, want)
	}

	b.Reset()
	p = &progressLine{w: &b}
	p.update(explorer.Progress{Distinct: 1, Memory: 3 << 20})
	if got, want := b.String(), "1 distinct state, 0 states/s, depth 0, queue 0, memory 3.0 MiB, 0s\n"; got != want {
		t.Errorf("one state:\ngot  %q\nwant %q", got, want)
	}
}

func TestCommas(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", -1234567: "-1,234,567", 923521: "923,521"} {
		if got := commas(n); got != want {
			t.Errorf("commas(%d) = %s, want %s", n, got, want)
		}
	}
}
