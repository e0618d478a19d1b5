package tlaimport

import "testing"

func TestActionString(t *testing.T) {
	tests := []struct {
		a      Action
		want   string
		reason string
	}{
		{Action{Name: "TMCommit"}, "TMCommit", "no arguments, no picks: the name alone"},
		{Action{Name: "RMPrepare", Args: []Value{ModelValueOf("r1")}}, "RMPrepare(r1)", "TLC's arguments in order"},
		{Action{Name: "deposit", Picks: map[string]Value{"amt": IntValue(2), "acct": StringValue("a")}},
			`deposit(acct = "a", amt = 2)`, "Quint's picks by name, sorted"},
	}
	for _, tt := range tests {
		if got := tt.a.String(); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.reason, got, tt.want)
		}
	}
}
