package tlaimport

import (
	"math"
	"math/big"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/mbtgo/mbt/model"
	"pgregory.net/rapid"
)

func TestEncode_Shapes(t *testing.T) {
	type inner struct {
		A int `tla:"a"`
	}
	type st struct {
		B     bool                `tla:"b"`
		U     uint64              `tla:"u"`
		S     dcolor              `tla:"s"`
		L     []int               `tla:"l"`
		Set   map[string]struct{} `tla:"set"`
		M     map[[2]int]bool     `tla:"m"`
		P     *int                `tla:"p"`
		In    inner               `tla:"in"`
		Big   *big.Int            `tla:"big"`
		Skip  float64             `tla:"-"`
		hide  int
		Plain string
	}
	x := st{B: true, U: math.MaxUint64, S: "red", L: []int{3, 1}, Set: map[string]struct{}{"b": {}, "a": {}},
		M: map[[2]int]bool{{1, 2}: true}, In: inner{7}, Big: big.NewInt(-5), Skip: 1.5, hide: 3, Plain: "p"}
	got, err := Encode(x)
	if err != nil {
		t.Fatal(err)
	}
	want := `[Plain |-> "p", b |-> TRUE, big |-> -5, in |-> [a |-> 7], l |-> <<3, 1>>, m |-> (<<1, 2>> :> TRUE), ` +
		`p |-> [tag |-> "None", value |-> <<>>], s |-> "red", set |-> {"a", "b"}, u |-> 18446744073709551615]`
	if got.String() != want {
		t.Errorf("Encode:\n got %s\nwant %s", got, want)
	}
	_, err = Encode(struct{ F []float64 }{[]float64{1}})
	if err == nil || err.Error() != "tlaimport: encode: F[0]: float64 has no TLA+ value" {
		t.Errorf("float: got %v", err)
	}
	vars, err := encodeState(&x)
	if err != nil || len(vars) != 10 || !Equal(vars["l"], SeqValue(dnum(3), dnum(1))) {
		t.Errorf("encodeState: %v, %v", vars, err)
	}
	if _, err := encodeState(3); err == nil {
		t.Error("encodeState(3): no error")
	}
}

func TestEncodeTrace(t *testing.T) {
	type st struct {
		Y int `tla:"y"`
		X int `tla:"x"`
	}
	tr, err := EncodeTrace(nil, model.Trace[st]{
		States: []st{{0, 0}, {1, 0}},
		Steps:  []model.Step{{Action: "Inc", Args: []any{"a", 2}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(tr.Vars, []string{"y", "x", "mbt::actionTaken", "mbt::nondetPicks"}) || len(tr.States) != 2 || tr.States[0].Action != nil || tr.Loop != -1 {
		t.Fatalf("EncodeTrace: %+v", tr)
	}
	a := tr.States[1].Action
	if a.Name != "Inc" || len(a.Args) != 2 || !Equal(a.Args[0], dstr("a")) || !Equal(tr.States[1].Vars["y"], dnum(1)) {
		t.Errorf("EncodeTrace state 1: %+v %+v", tr.States[1], a)
	}
}

// roundTrip is a state with most shapes Encode and Decode handle.
type roundTrip struct {
	B     bool                   `tla:"b"`
	I     int                    `tla:"i"`
	I8    int8                   `tla:"i8"`
	U16   uint16                 `tla:"u16"`
	S     string                 `tla:"s"`
	L     []int                  `tla:"l"`
	Bools []bool                 `tla:"bools"`
	M     map[string]int         `tla:"m"`
	Set   map[int]struct{}       `tla:"set"`
	Flags map[string]bool        `tla:"flags"`
	A     [2]string              `tla:"a"`
	P     *int                   `tla:"p"`
	Keys  map[dpoint]string      `tla:"keys"`
	Nest  []map[string][]dpoint  `tla:"nest"`
	Big   *big.Int               `tla:"big"`
	Any   map[string]interface{} `tla:"any"`
}

// Property: Decode(Encode(x)) == x.
func TestEncodeDecode_RoundTrip(t *testing.T) {
	pt := rapid.Custom(func(t *rapid.T) dpoint {
		return dpoint{rapid.IntRange(-3, 3).Draw(t, "x"), rapid.IntRange(-3, 3).Draw(t, "y")}
	})
	gen := rapid.Custom(func(t *rapid.T) roundTrip {
		x := roundTrip{
			B: rapid.Bool().Draw(t, "b"), I: rapid.Int().Draw(t, "i"), I8: rapid.Int8().Draw(t, "i8"),
			U16: rapid.Uint16().Draw(t, "u16"), S: rapid.String().Draw(t, "s"),
			L:     rapid.SliceOf(rapid.Int()).Draw(t, "l"),
			Bools: rapid.SliceOf(rapid.Bool()).Draw(t, "bools"),
			M:     rapid.MapOf(rapid.String(), rapid.Int()).Draw(t, "m"),
			Set:   rapid.MapOf(rapid.Int(), rapid.Just(struct{}{})).Draw(t, "set"),
			Flags: rapid.MapOf(rapid.StringMatching(`[a-z]{0,3}`), rapid.Bool()).Draw(t, "flags"),
			A:     [2]string{rapid.String().Draw(t, "a0"), rapid.String().Draw(t, "a1")},
			Keys:  rapid.MapOf(pt, rapid.String()).Draw(t, "keys"),
			Nest:  rapid.SliceOf(rapid.MapOf(rapid.String(), rapid.SliceOf(pt))).Draw(t, "nest"),
			Big:   new(big.Int).Lsh(big.NewInt(rapid.Int64().Draw(t, "big")), uint(rapid.IntRange(0, 100).Draw(t, "shift"))),
			Any:   map[string]any{"n": rapid.IntRange(-5, 5).Draw(t, "n"), "s": rapid.String().Draw(t, "as")},
		}
		if rapid.Bool().Draw(t, "hasP") {
			p := rapid.Int().Draw(t, "p")
			x.P = &p
		}
		return x
	})
	rapid.Check(t, func(t *rapid.T) {
		x := gen.Draw(t, "x")
		v, err := Encode(x)
		if err != nil {
			t.Fatal(err)
		}
		var y roundTrip
		if err := Decode(v, &y); err != nil {
			t.Fatalf("Decode(%v): %v", v, err)
		}
		if d := cmp.Diff(x, y, cmpopts.EquateEmpty(), cmp.Comparer(func(a, b *big.Int) bool { return a.Cmp(b) == 0 })); d != "" {
			t.Fatalf("Decode(Encode(x)) != x (-x +decoded):\n%s", d)
		}
		// Encoding is deterministic and TLA+-equal after a round trip.
		v2, err := Encode(y)
		if err != nil || !Equal(v, v2) {
			t.Fatalf("Encode(Decode(Encode(x))) = %v, %v; want %v", v2, err, v)
		}
	})
}
