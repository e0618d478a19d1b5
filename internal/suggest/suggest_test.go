package suggest

import "testing"

func TestClosest(t *testing.T) {
	tests := []struct {
		name, in string
		cands    []string
		want     string
		reason   string
	}{
		{"typo", "Depsit", []string{"Deposit", "Withdraw"}, "Deposit", "one letter missing"},
		{"case", "deposit", []string{"Deposit", "Withdraw"}, "Deposit", "case is ignored"},
		{"far", "Transfer", []string{"Deposit", "Withdraw"}, "", "nothing close: no suggestion"},
		{"empty", "X", nil, "", "no candidates"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		if tt.reason == "" || seen[tt.name] {
			t.Fatalf("case %q: missing reason or duplicate name", tt.name)
		}
		seen[tt.name] = true
		if got := Closest(tt.in, tt.cands); got != tt.want {
			t.Errorf("%s: Closest(%q) = %q, want %q (%s)", tt.name, tt.in, got, tt.want, tt.reason)
		}
	}
}
