package goname

import (
	"go/token"
	"testing"
)

func TestExported(t *testing.T) {
	tests := []struct {
		in, want string
		reason   string
	}{
		{"TwoPhase", "TwoPhase", "an identifier stays as it is"},
		{"two phase", "TwoPhase", "words are capitalized and joined"},
		{"bank-v2", "BankV2", "digits after a letter stay"},
		{"2pc", "Pc", "an identifier cannot start with a digit"},
		{"über", "Ber", "only ASCII letters: generated names stay plain"},
		{"", "Model", "nothing left gives a name still"},
		{"!!", "Model", "nothing left gives a name still"},
	}
	for _, tt := range tests {
		got := Exported(tt.in)
		if got != tt.want {
			t.Errorf("Exported(%q) = %q, want %q (%s)", tt.in, got, tt.want, tt.reason)
		}
		if !token.IsIdentifier(got) || !token.IsExported(got) {
			t.Errorf("Exported(%q) = %q is not an exported identifier", tt.in, got)
		}
	}
}
