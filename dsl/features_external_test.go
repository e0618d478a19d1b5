package dsl_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mbtgo/mbt/dsl"
	"github.com/mbtgo/mbt/model"
)

// TestRequires: named conditions make up the guard, and Only finds the one
// that is false alone.
func TestRequires(t *testing.T) {
	type votes struct{ Yes []bool }
	m := dsl.New[votes]("Votes").Init(votes{Yes: []bool{false, false}})
	dsl.Action1(m, "Vote", dsl.Range("rm", 0, 1), nil, func(s *votes, rm int) { s.Yes[rm] = true }).
		Requires("not yet", func(s votes, rm int) bool { return !s.Yes[rm] })
	m.Action("Commit", func(s votes) bool { return true }, func(*votes) {}).
		Requires("rm0 voted", func(s votes) bool { return s.Yes[0] }).
		Requires("rm1 voted", func(s votes) bool { return s.Yes[1] })
	built := m.MustBuild()
	commit := built.Action("Commit")
	tests := []struct {
		name    string
		yes     []bool
		enabled bool
		only    int
		reason  string
	}{
		{"none", []bool{false, false}, false, -1, "two conditions are false: no single one"},
		{"rm0 only", []bool{true, false}, false, 1, "exactly one vote is missing: rm1's"},
		{"rm1 only", []bool{false, true}, false, 0, "exactly one vote is missing: rm0's"},
		{"both", []bool{true, true}, true, -1, "every condition holds"},
	}
	seen := map[string]bool{}
	for i, tc := range tests {
		checkTable(t, i, tc.name, tc.reason, seen)
		s := votes{Yes: tc.yes}
		if got := commit.Enabled(&s, 0); got != tc.enabled {
			t.Errorf("%s: Enabled = %v, want %v (%s)", tc.name, got, tc.enabled, tc.reason)
		}
		if got := commit.Only(&s, 0); got != tc.only {
			t.Errorf("%s: Only = %d, want %d (%s)", tc.name, got, tc.only, tc.reason)
		}
	}
	if names := []string{commit.Conditions[0].Name, commit.Conditions[1].Name}; !cmp.Equal(names, []string{"rm0 voted", "rm1 voted"}) {
		t.Errorf("conditions %v, want rm0 voted, rm1 voted in declaration order", names)
	}
	vote := built.Action("Vote")
	s := votes{Yes: []bool{true, false}}
	if vote.Enabled(&s, 0) || !vote.Enabled(&s, 1) {
		t.Errorf("Vote(0), Vote(1) enabled = %v, %v after rm0 voted; want false, true", vote.Enabled(&s, 0), vote.Enabled(&s, 1))
	}
}

// TestOutside: values just outside a domain, derived or declared.
func TestOutside(t *testing.T) {
	type phase int
	type state struct{}
	m := dsl.New[state]("Outside").Init(state{})
	noop := func(*state, int) {}
	dsl.Action1(m, "Amount", dsl.Range("amt", 1, 3), nil, noop)
	dsl.Action1(m, "Signed", dsl.Range("d", -2, 2), nil, noop)
	dsl.Action1(m, "Declared", dsl.Range("n", 1, 2).Outside(0, 100), nil, noop)
	dsl.Action1(m, "None", dsl.Range("k", 1, 2).Outside(), nil, noop)
	dsl.Action1(m, "Name", dsl.Values("acct", "a", "unknown"), nil, func(*state, string) {})
	dsl.Action1(m, "Phase", dsl.Values[phase]("p", 0, 1), nil, func(*state, phase) {})
	dsl.Action1(m, "Flag", dsl.Values("f", true, false), nil, func(*state, bool) {})
	dsl.Action1(m, "Cancel", dsl.Refs("id", "r", 2), nil, func(*state, model.Ref) {})
	dsl.Action1(m, "Small", dsl.Values[uint8]("u", 0, 255), nil, func(*state, uint8) {})
	built := m.MustBuild()
	tests := []struct {
		action string
		want   []any
		reason string
	}{
		{"Amount", []any{0, -1, 4}, "below the smallest (0), -1, above the largest"},
		{"Signed", []any{-3, 3}, "0 and -1 are in the domain"},
		{"Declared", []any{0, 100}, "declared values replace the derived ones"},
		{"None", nil, "Outside() declares that there are none"},
		{"Name", []any{"", "unknown2"}, "the empty string and a name not in the domain"},
		{"Phase", []any{phase(-1), phase(2)}, "named integer types too"},
		{"Flag", nil, "nothing is outside a boolean domain"},
		{"Cancel", []any{model.Ref("r3")}, "a reference no step creates"},
		{"Small", nil, "a uint8 domain of every value has nothing outside"},
	}
	seen := map[string]bool{}
	for i, tc := range tests {
		checkTable(t, i, tc.action, tc.reason, seen)
		got := built.Action(tc.action).Params[0].Invalid
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("%s: Invalid mismatch (-want +got), %s:\n%s", tc.action, tc.reason, d)
		}
	}
	if got := built.Action("Cancel").Params[0].Values; !cmp.Equal(got, []any{model.Ref("r1"), model.Ref("r2")}) {
		t.Errorf("Refs domain = %v, want r1, r2", got)
	}
}
