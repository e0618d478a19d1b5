package tlaimport

import (
	"math/big"
	"testing"
)

func TestCompare_TLAEquality(t *testing.T) {
	big1, _ := new(big.Int).SetString("123456789012345678901234567890", 10)
	tests := []struct {
		name   string
		a, b   Value
		equal  bool
		reason string
	}{
		{"set order", SetValue(IntValue(2), IntValue(1)), SetValue(IntValue(1), IntValue(2), IntValue(1)), true, "sets ignore order and duplicates"},
		{"tuple seq", TupleValue(IntValue(1), StringValue("a")), SeqValue(IntValue(1), StringValue("a")), true, "a tuple is a sequence in TLA+"},
		{"record func", RecordValue(Field{"b", IntValue(2)}, Field{"a", IntValue(1)}),
			FuncValue(Pair{StringValue("a"), IntValue(1)}, Pair{StringValue("b"), IntValue(2)}), true, "a record is a function on strings"},
		{"seq func", SeqValue(StringValue("x")), FuncValue(Pair{IntValue(1), StringValue("x")}), true, "a sequence is a function on 1..n"},
		{"string vs model value", StringValue("r1"), ModelValueOf("r1"), false, "a model value is not a string"},
		{"big", BigValue(big1), BigValue(new(big.Int).Set(big1)), true, "integers of any size"},
		{"empty set vs seq", SetValue(), SeqValue(), false, "{} is not <<>>"},
	}
	for _, tt := range tests {
		if tt.reason == "" {
			t.Fatalf("%s: missing reason", tt.name)
		}
		if got := Equal(tt.a, tt.b); got != tt.equal {
			t.Errorf("%s: Equal(%v, %v) = %v, want %v (%s)", tt.name, tt.a, tt.b, got, tt.equal, tt.reason)
		}
		if compare(tt.a, tt.b) != -compare(tt.b, tt.a) {
			t.Errorf("%s: compare is not antisymmetric", tt.name)
		}
	}
}

func TestValue_String(t *testing.T) {
	v := RecordValue(Field{"rm", ModelValueOf("r1")}, Field{"type", StringValue("Pre\"pared\n")})
	s := SetValue(v, IntValue(-3), BoolValue(true))
	want := `{TRUE, -3, [rm |-> r1, type |-> "Pre\"pared\n"]}`
	if got := s.String(); got != want {
		t.Errorf("String() = %s, want %s", got, want)
	}
	f := FuncValue(Pair{ModelValueOf("r2"), StringValue("a")}, Pair{ModelValueOf("r1"), StringValue("b")})
	if got, want := f.String(), `(r1 :> "b" @@ r2 :> "a")`; got != want {
		t.Errorf("String() = %s, want %s", got, want)
	}
}
