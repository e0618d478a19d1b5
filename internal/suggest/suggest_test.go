package suggest

import "testing"

func TestClosest(t *testing.T) {
	candidates := []string{"RM", "Buggy", "Accounts", "MaxBalance"}
	tests := []struct {
		name, want, reason string
	}{
		{"Bugy", "Buggy", "one letter missing"},
		{"Bgugy", "Buggy", "a transposition is one edit"},
		{"rm", "RM", "case is ignored"},
		{"Acounts", "Accounts", "one letter missing in a longer name"},
		{"maxbalanse", "MaxBalance", "case and one substitution"},
		{"X", "", "a one-letter name is too short to be a misspelling of RM"},
		{"Replicas", "", "nothing is close"},
		{"Buggy", "Buggy", "an exact match is its own suggestion"},
	}
	for _, tt := range tests {
		if got := Closest(tt.name, candidates); got != tt.want {
			t.Errorf("Closest(%q) = %q, want %q (%s)", tt.name, got, tt.want, tt.reason)
		}
	}
	if got := Closest("x", nil); got != "" {
		t.Errorf("suggest with no candidates = %q, want none", got)
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "abc", 3}, {"kitten", "sitting", 3},
		{"ab", "ba", 1}, {"explore", "exploer", 1}, {"héllo", "hello", 1},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
