package tlaimport

import (
	"math/big"
	"testing"
)

// fuzzValue builds a value from fuzz input: each byte picks a kind, and
// nested values take the bytes that follow.
type fuzzValue struct {
	data []byte
	pos  int
}

func (f *fuzzValue) byte() byte {
	if f.pos >= len(f.data) {
		return 0
	}
	b := f.data[f.pos]
	f.pos++
	return b
}

func (f *fuzzValue) value(depth int) Value {
	b := f.byte()
	if depth > 4 {
		b %= 5
	}
	n := int(f.byte() % 4)
	switch b % 11 {
	case 0:
		return BoolValue(b&0x10 != 0)
	case 1:
		return IntValue(int64(int8(f.byte())) * int64(b))
	case 2:
		x := new(big.Int).Lsh(big.NewInt(int64(f.byte())+1), uint(f.byte()))
		return BigValue(x)
	case 3:
		return StringValue(string([]byte{'a' + f.byte()%3, '0' + f.byte()%4}))
	case 4:
		return ModelValueOf(string([]byte{'r', '0' + f.byte()%5}))
	case 5:
		var es []Value
		for range n {
			es = append(es, f.value(depth+1))
		}
		return SetValue(es...)
	case 6:
		var es []Value
		for range n {
			es = append(es, f.value(depth+1))
		}
		return SeqValue(es...)
	case 7:
		var es []Value
		for range n {
			es = append(es, f.value(depth+1))
		}
		return TupleValue(es...)
	case 8:
		var fs []Field
		for range n {
			fs = append(fs, Field{fuzzFieldNames[f.byte()%byte(len(fuzzFieldNames))], f.value(depth + 1)})
		}
		return RecordValue(fs...)
	case 9:
		var ps []Pair
		for range n {
			ps = append(ps, Pair{f.value(depth + 1), f.value(depth + 1)})
		}
		return FuncValue(ps...)
	}
	return RecordValue(Field{"tag", StringValue([]string{"Some", "None", "A"}[f.byte()%3])}, Field{"value", f.value(depth + 1)})
}

// fuzzFieldNames are the record field names fuzzValue draws: names, and
// keys as TLC's JSON writes a function's (numbers, tuples, model values).
var fuzzFieldNames = []string{"a", "b", "c", "d", "0", "1", "2", "<<1, 2>>", `<<"a", 1>>`, "r1", "<<", "{}"}

type fuzzTarget struct {
	A []bool              `tla:"a"`
	B map[string]int      `tla:"b"`
	C *int8               `tla:"c"`
	D [2]uint             `tla:"d"`
	E dvariant            `tla:"e"`
	F map[dpoint]bool     `tla:"f"`
	G []map[string]any    `tla:"g"`
	H *big.Int            `tla:"h"`
	I dmsgs               `tla:"i"`
	J map[[2]int]string   `tla:"j"`
	K map[dpoint]struct{} `tla:"k"`
	L []int               `tla:"l"`
	M map[[2]any]int      `tla:"m"`
}

// decodeTargets returns fresh pointers to the Go types the fuzz tests
// decode into.
func decodeTargets() []any {
	return []any{new(fuzzTarget), new([]bool), new(map[string]bool), new(any), new([3]int), new(dpoint), new(*dvariant), new(map[int]struct{}),
		new([]int), new([2]int), new(map[[2]int]bool), new(map[dpoint]struct{}), new(map[int]string), new(map[[2]any]int)}
}

// FuzzDecode checks that decoding any value into any of a few Go types
// returns a value or a *DecodeError, and never panics; what decodes
// encodes again.
func FuzzDecode(f *testing.F) {
	f.Add([]byte{8, 3, 0, 5, 3, 4, 1, 4, 2})
	f.Add([]byte{9, 2, 4, 1, 3, 3, 4, 2, 3, 0})
	f.Add([]byte{10, 0, 0, 1, 5})
	f.Add([]byte{8, 3, 4, 1, 1, 5, 1, 5, 1, 6, 1, 1})       // record {"0": 1, "1": 1, "2": ...}
	f.Add([]byte{8, 2, 7, 1, 1, 8, 0, 16})                  // record {"<<1, 2>>": 1, "<<\"a\", 1>>": TRUE}
	f.Add([]byte{6, 2, 6, 2, 1, 1, 1, 2, 6, 2, 1, 1, 1, 2}) // sequence of sequences, as TLC's JSON writes a set of tuples
	f.Fuzz(func(t *testing.T, data []byte) {
		fv := &fuzzValue{data: data}
		v := fv.value(0)
		for _, dst := range decodeTargets() {
			err := Decode(v, dst)
			if err != nil {
				if _, ok := err.(*DecodeError); !ok {
					t.Fatalf("Decode(%v, %T): error %T, want *DecodeError: %v", v, dst, err, err)
				}
				continue
			}
			if _, ok := dst.(*fuzzTarget); ok {
				continue // dmsgs has no Encoder
			}
			if _, err := Encode(dst); err != nil {
				t.Fatalf("Encode after Decode(%v, %T): %v", v, dst, err)
			}
		}
		rec := RecordValue(Field{"a", v}, Field{"b", v}, Field{"c", v}, Field{"d", v}, Field{"e", v},
			Field{"f", v}, Field{"g", v}, Field{"h", v}, Field{"i", v}, Field{"j", v}, Field{"k", v},
			Field{"l", v}, Field{"m", v})
		var ft fuzzTarget
		if err := Decode(rec, &ft); err != nil {
			if _, ok := err.(*DecodeError); !ok {
				t.Fatalf("Decode record: error %T", err)
			}
		}
	})
}
