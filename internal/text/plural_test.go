package text

import "testing"

func TestPlural(t *testing.T) {
	tests := []struct {
		got, want, reason string
	}{
		{Plural(0, "step", "steps"), "steps", "zero takes the plural in English"},
		{Plural(1, "step", "steps"), "step", "one takes the singular"},
		{Plural(2, "step", "steps"), "steps", "two takes the plural"},
		{Plural(-1, "step", "steps"), "steps", "only exactly 1 is singular"},
		{Plural(int64(1), "state", "states"), "state", "an int64 count"},
		{Plural(uint64(1), "state", "states"), "state", "a uint64 count"},
		{Plural(uint8(3), "byte", "bytes"), "bytes", "any integer type"},
		{Plural(1, "leads", "lead"), "leads", "the words are the caller's, verbs too"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("case %d: got %q, want %q (%s)", i, tt.got, tt.want, tt.reason)
		}
	}
}
