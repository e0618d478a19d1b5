package cluster_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/mbtgo/mbt/examples/twophase/cluster"
	"github.com/mbtgo/mbt/explorer"
	"github.com/mbtgo/mbt/model"
)

func TestModel(t *testing.T) {
	tests := []struct {
		cfg                 cluster.Config
		states, transitions int64
		reason              string
	}{
		{cluster.Config{RM: 2, MaxFaults: 0}, 11, 28, "two-phase commit without faults"},
		{cluster.DefaultConfig(), 188, 691, "the generated suite's model: one fault per behavior"},
		{cluster.Config{RM: 2, MaxFaults: 2}, 541, 2097, "two faults, one after the other"},
		{cluster.Config{RM: 3, MaxFaults: 1}, 633, 3165, "three resource managers"},
	}
	for _, tt := range tests {
		m, err := cluster.Model(tt.cfg)
		if err != nil {
			t.Fatal(err)
		}
		res, err := explorer.Explore(context.Background(), m, explorer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != explorer.Complete || len(res.Violations) > 0 {
			t.Errorf("%+v (%s): %v with %d violations, want complete and clean: %v", tt.cfg, tt.reason, res.Status, len(res.Violations), res.Violations)
			continue
		}
		if res.Stats.Distinct != tt.states || res.Stats.Transitions != tt.transitions {
			t.Errorf("%+v (%s): %d states, %d transitions; want %d, %d", tt.cfg, tt.reason,
				res.Stats.Distinct, res.Stats.Transitions, tt.states, tt.transitions)
		}
	}
	for _, c := range []cluster.Config{{RM: 0}, {RM: 2, MaxFaults: -1}} {
		if _, err := cluster.Model(c); err == nil {
			t.Errorf("Model(%+v) succeeded, want an error", c)
		}
	}
}

// step is a step of a scenario: an action, its arguments, and the output
// the model must give (nil: none), or disabled when its guard must be false.
type step struct {
	action   string
	args     []any
	out      any
	disabled bool
}

// play runs steps on the model from its initial state and returns the last
// state.
func play(t *testing.T, m *model.Model[cluster.State], steps []step) cluster.State {
	t.Helper()
	s := m.Clone(&m.Init[0])
	for i, st := range steps {
		a := m.Action(st.action)
		if a == nil {
			t.Fatalf("step %d: no action %s", i+1, st.action)
		}
		choice := -1
		for c := range a.Choices {
			if reflect.DeepEqual(a.Args(c), st.args) {
				choice = c
			}
		}
		if choice < 0 {
			t.Fatalf("step %d: %s has no arguments %v", i+1, st.action, st.args)
		}
		label := a.Label(choice)
		if en := a.Enabled(&s, choice); en == st.disabled {
			t.Fatalf("step %d: %s enabled = %v, want %v", i+1, label, en, !st.disabled)
		}
		if st.disabled {
			continue
		}
		var out any
		if a.Output != nil {
			out = a.Output(&s, choice)
		}
		if out != st.out {
			t.Fatalf("step %d: %s returns %v, want %v", i+1, label, out, st.out)
		}
		next := m.Clone(&s)
		a.Effect(&next, choice)
		s = next
	}
	return s
}

func TestModelScenarios(t *testing.T) {
	m, err := cluster.Model(cluster.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	ok := func(action string, args ...any) step { return step{action: action, args: args} }
	out := func(o any, action string, args ...any) step { return step{action: action, args: args, out: o} }
	no := func(action string, args ...any) step { return step{action: action, args: args, disabled: true} }
	prep := func(rm int) step { return out(true, "Prepare", rm) }
	tests := []struct {
		name   string
		steps  []step
		want   func(cluster.View) bool
		reason string
	}{
		{"commit", []step{prep(0), prep(1), out(2, "Commit"), no("TMResend"), no("Abort")},
			func(v cluster.View) bool { return v.RMs[0].Applied == 1 && v.RMs[1].Applied == 1 },
			"the protocol without faults commits everywhere, once"},
		{"commit needs every vote", []step{prep(0), no("Commit"), ok("RMAbort", 1), out(2, "Abort")},
			func(v cluster.View) bool { return v.TM.Decision == cluster.Abort && v.RMs[0].State == cluster.Aborted },
			"a resource manager that aborts on its own blocks the commit"},
		{"lost Prepared", []step{ok("LoseRequests", "rm0->tm"), out(false, "Prepare", 0), out(false, "RMResend", 0),
			ok("Heal"), out(true, "RMResend", 0)},
			func(v cluster.View) bool { return v.TM.Prepared[0] },
			"a lost vote is not counted until it is sent again over a healed link"},
		{"lost reply to Prepared", []step{ok("LoseReplies", "rm0->tm"), out(false, "Prepare", 0)},
			func(v cluster.View) bool { return v.TM.Prepared[0] },
			"the vote arrives, only its reply is lost"},
		{"duplicate Commit", []step{prep(0), prep(1), ok("LoseReplies", "tm->rm1"), out(1, "Commit"), out(0, "TMResend"),
			ok("Heal"), out(1, "TMResend"), no("TMResend")},
			func(v cluster.View) bool { return v.RMs[1].Applied == 1 && v.TM.Acked[1] },
			"rm1 gets Commit three times and applies it once"},
		{"tm crash loses votes, not the decision", []step{prep(0), prep(1), ok("CrashTM"), no("Commit"),
			ok("RestartTM"), no("Commit"), out(true, "RMResend", 0), out(true, "RMResend", 1), out(2, "Commit")},
			func(v cluster.View) bool { return v.TM.Decision == cluster.Commit },
			"a restarted transaction manager needs the votes again"},
		{"crashed rm misses Abort", []step{prep(1), ok("CrashRM", 1), out(1, "Abort"), no("Prepare", 1),
			ok("RestartRM", 1), out(1, "TMResend")},
			func(v cluster.View) bool { return v.RMs[1].State == cluster.Aborted && v.TM.Acked[1] },
			"a prepared resource manager waits for the decision across its crash"},
		{"one fault", []step{ok("CrashRM", 0), no("LoseRequests", "tm->rm0"), ok("RestartRM", 0), no("CrashTM"), no("Heal")},
			func(v cluster.View) bool { return v.RMs[0].Up },
			"the budget of one fault is spent by the crash"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := play(t, m, tt.steps)
			if v := s.View(); !tt.want(v) {
				t.Errorf("%s: final view %+v", tt.reason, v)
			}
		})
	}
}

// TestModelConditions checks which named condition of an action's guard
// is the only false one in states of the model: what the generated tests
// of the criterion conditions try.
func TestModelConditions(t *testing.T) {
	m, err := cluster.Model(cluster.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	prep := func(rm int) step { return step{action: "Prepare", args: []any{rm}, out: true} }
	tests := []struct {
		steps  []step
		action string
		args   []any
		want   string // the only false condition; "" when none is alone
		reason string
	}{
		{nil, "Commit", nil, "", "no vote is counted: two conditions are false"},
		{[]step{prep(1)}, "Commit", nil, "rm0's vote counted", "the commit that one missing vote must stop"},
		{[]step{prep(0)}, "Commit", nil, "rm1's vote counted", "each vote is a condition of its own"},
		{[]step{prep(0), prep(1), {action: "CrashTM"}}, "Commit", nil, "", "a crash loses the votes: tm up is never alone"},
		{[]step{{action: "CrashTM"}}, "Abort", nil, "tm up", "a transaction manager that is down"},
		{[]step{{action: "Abort", out: 2}}, "Abort", nil, "undecided", "a second decision"},
		{[]step{{action: "Abort", out: 2}}, "TMResend", nil, "an rm has not acknowledged", "nothing to resend"},
		{nil, "TMResend", nil, "decided", "no decision to resend"},
		{[]step{{action: "CrashRM", args: []any{0}}}, "Prepare", []any{0}, "rm up", "a resource manager that is down"},
		{[]step{prep(0)}, "RMAbort", []any{0}, "rm working", "a prepared resource manager may not abort on its own"},
		{nil, "RMResend", []any{0}, "rm prepared", "no vote to resend"},
	}
	for _, tt := range tests {
		s := play(t, m, tt.steps)
		a := m.Action(tt.action)
		choice := -1
		for c := range a.Choices {
			if reflect.DeepEqual(a.Args(c), tt.args) {
				choice = c
			}
		}
		if choice < 0 {
			t.Fatalf("%s has no arguments %v", tt.action, tt.args)
		}
		got := ""
		if i := a.Only(&s, choice); i >= 0 {
			got = a.Conditions[i].Name
		}
		if got != tt.want {
			t.Errorf("%s after %v: the only false condition is %q, want %q (%s)", a.Label(choice), tt.steps, got, tt.want, tt.reason)
		}
	}
}

func TestParseLink(t *testing.T) {
	tests := []struct {
		link   string
		rm     int
		toTM   bool
		ok     bool
		reason string
	}{
		{"rm0->tm", 0, true, true, "a vote's link"},
		{"tm->rm1", 1, false, true, "a decision's link"},
		{"rm1->rm0", 0, false, false, "resource managers do not talk to each other"},
		{"tm->tm", 0, false, false, "no link to itself"},
		{"rm01->tm", 0, false, false, "not a name of Links"},
		{"rm-1->tm", 0, false, false, "negative"},
		{"rm0", 0, false, false, "no direction"},
	}
	for _, tt := range tests {
		rm, toTM, err := cluster.ParseLink(tt.link)
		if (err == nil) != tt.ok || tt.ok && (rm != tt.rm || toTM != tt.toTM) {
			t.Errorf("ParseLink(%q) = %d, %v, %v; want %d, %v, ok=%v (%s)", tt.link, rm, toTM, err, tt.rm, tt.toTM, tt.ok, tt.reason)
		}
	}
	for _, l := range cluster.Links(3) {
		if _, _, err := cluster.ParseLink(l); err != nil {
			t.Errorf("Links(3) has %q, which ParseLink rejects: %v", l, err)
		}
	}
}

func TestCheckAtomicity(t *testing.T) {
	rm := func(st cluster.RMState, applied int) cluster.RMView {
		return cluster.RMView{Up: true, State: st, Applied: applied}
	}
	view := func(d cluster.Decision, rms ...cluster.RMView) cluster.View {
		return cluster.View{TM: cluster.TMView{Up: true, Decision: d}, RMs: rms}
	}
	tests := []struct {
		v      cluster.View
		want   []string // substrings of the error; none: no error
		reason string
	}{
		{view(cluster.Undecided, rm(cluster.Working, 0), rm(cluster.Prepared, 0)), nil, "a transaction in progress"},
		{view(cluster.Abort, rm(cluster.Aborted, 0), rm(cluster.Prepared, 0)), nil, "an abort on its way"},
		{view(cluster.Undecided, rm(cluster.Aborted, 0), rm(cluster.Prepared, 0)), nil, "a resource manager may abort before it votes"},
		{view(cluster.Commit, rm(cluster.Committed, 1), rm(cluster.Prepared, 0)), nil, "a commit on its way"},
		{view(cluster.Commit, rm(cluster.Committed, 1), rm(cluster.Aborted, 0)),
			[]string{"atomicity: rm0 committed while rm1 aborted", "rm1 aborted, the tm decided commit"}, "the violation two-phase commit exists to prevent"},
		{view(cluster.Undecided, rm(cluster.Committed, 1), rm(cluster.Working, 0)),
			[]string{`rm0 committed, the tm decided ""`}, "a commit the transaction manager never decided"},
		{view(cluster.Commit, rm(cluster.Committed, 2), rm(cluster.Committed, 1)),
			[]string{"rm0 applied the transaction 2 times"}, "a duplicate applied twice"},
	}
	for _, tt := range tests {
		err := cluster.CheckAtomicity(tt.v)
		if len(tt.want) == 0 {
			if err != nil {
				t.Errorf("%s: CheckAtomicity = %v, want nil", tt.reason, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: CheckAtomicity = nil, want %q", tt.reason, tt.want)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: CheckAtomicity = %v, want it to say %q", tt.reason, err, w)
			}
		}
	}
}
