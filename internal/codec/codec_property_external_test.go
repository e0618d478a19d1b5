package codec_test

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
)

// Generators draw from small domains so that two independent draws are
// often equal, which is the interesting case for fingerprints.
var (
	smallInt = rapid.IntRange(-2, 2)
	smallStr = rapid.SampledFrom([]string{"", "a", "b", "ab"})
	smallRM  = rapid.Map(smallStr, func(s string) RM { return RM(s) })
	genPair  = rapid.Custom(func(t *rapid.T) pair {
		return pair{smallInt.Draw(t, "A"), smallStr.Draw(t, "B")}
	})
	genFloat = rapid.SampledFrom([]float64{0, math.Copysign(0, -1), 1, -1.5, math.Inf(1)})
)

// nilOr draws either nil or a value of g, so that nil and empty both occur.
func nilOr[V any](t *rapid.T, label string, g *rapid.Generator[V]) V {
	var zero V
	if rapid.Bool().Draw(t, label+"Nil") {
		return zero
	}
	return g.Draw(t, label)
}

func genList(t *rapid.T, depth int) *list {
	if depth == 0 || rapid.Bool().Draw(t, "end") {
		return nil
	}
	return &list{V: smallInt.Draw(t, "V"), Next: genList(t, depth-1)}
}

var genAny = rapid.OneOf(
	rapid.Just[any](nil),
	rapid.Map(smallInt, func(v int) any { return v }),
	rapid.Map(smallInt, func(v int) any { return int64(v) }),
	rapid.Map(smallStr, func(v string) any { return v }),
	rapid.Map(genPair, func(v pair) any { return v }),
	rapid.Map(rapid.Ptr(genPair, true), func(v *pair) any { return v }),
	rapid.Map(rapid.SliceOfN(smallInt, 0, 2), func(v []int) any { return v }),
	rapid.Map(rapid.MapOfN(smallStr, smallInt, 0, 3), func(v map[string]int) any { return v }),
	rapid.Map(genFloat, func(v float64) any { return v }),
)

var genShape = rapid.Custom(func(t *rapid.T) shape {
	s := shape{
		I:   smallInt.Draw(t, "I"),
		F:   genFloat.Draw(t, "F"),
		F32: float32(genFloat.Draw(t, "F32")),
		C:   complex(genFloat.Draw(t, "Cr"), genFloat.Draw(t, "Ci")),
		S:   nilOr(t, "S", rapid.SliceOfN(smallInt, 0, 3)),
		Str: nilOr(t, "Str", rapid.SliceOfN(smallStr, 0, 3)),
		M:   nilOr(t, "M", rapid.MapOfN(smallStr, smallInt, 0, 4)),
		NM:  nilOr(t, "NM", rapid.MapOfN(smallRM, smallStr, 0, 4)),
		SK:  nilOr(t, "SK", rapid.MapOfN(genPair, rapid.Bool(), 0, 4)),
		IM:  nilOr(t, "IM", rapid.MapOfN(smallInt, rapid.SliceOfN(smallInt, 0, 2), 0, 3)),
		PM:  nilOr(t, "PM", rapid.MapOfN(smallStr, rapid.Ptr(genPair, true), 0, 3)),
		Set: nilOr(t, "Set", rapid.MapOfN(smallRM, rapid.Just(struct{}{}), 0, 3)),
		N: nested{
			P:   genPair.Draw(t, "P"),
			Arr: [2]pair{genPair.Draw(t, "Arr0"), genPair.Draw(t, "Arr1")},
			Ptr: rapid.Ptr(genPair, true).Draw(t, "Ptr"),
		},
		Any: genAny.Draw(t, "Any"),
		Arr: [3]int8{rapid.Int8Range(-1, 1).Draw(t, "A0"), rapid.Int8Range(-1, 1).Draw(t, "A1"), rapid.Int8Range(-1, 1).Draw(t, "A2")},
		SA:  [2][]int{nilOr(t, "SA0", rapid.SliceOfN(smallInt, 0, 2)), nilOr(t, "SA1", rapid.SliceOfN(smallInt, 0, 2))},
		L:   genList(t, 3),
		Bs:  nilOr(t, "Bs", rapid.MapOfN(smallStr, rapid.SliceOfN(rapid.Byte(), 0, 2), 0, 2)),
		Nm:  nilOr(t, "Nm", rapid.MapOfN(smallRM, rapid.MapOfN(smallRM, rapid.Bool(), 0, 2), 0, 2)),
	}
	if rapid.Bool().Draw(t, "PPset") {
		s.PP = rapid.Ptr(rapid.Ptr(smallInt, true), false).Draw(t, "PP")
	}
	return s
})

// rebuild returns a copy of s with every map re-inserted in a random order
// (after inserting and deleting junk keys), nil and empty swapped where
// drawn, and zeros replaced by negative zeros: the same state, built
// differently.
func rebuild(t *rapid.T, s shape) shape {
	swap := func(label string) bool { return rapid.Bool().Draw(t, label) }
	r := s
	r.S = reslice(s.S, swap("swapS"))
	r.Str = reslice(s.Str, swap("swapStr"))
	r.M = remap(t, s.M, swap("swapM"), "junk", 0)
	r.NM = remap(t, s.NM, swap("swapNM"), "junk", "")
	r.SK = remap(t, s.SK, swap("swapSK"), pair{99, "junk"}, false)
	r.IM = remap(t, s.IM, swap("swapIM"), 99, nil)
	for _, k := range slices.Sorted(maps.Keys(r.IM)) {
		r.IM[k] = reslice(r.IM[k], swap("swapIMv"))
	}
	r.PM = remap(t, s.PM, swap("swapPM"), "junk", nil)
	r.Set = remap(t, s.Set, swap("swapSet"), "junk", struct{}{})
	r.Bs = remap(t, s.Bs, swap("swapBs"), "junk", nil)
	r.Nm = remap(t, s.Nm, swap("swapNm"), "junk", nil)
	for _, k := range slices.Sorted(maps.Keys(r.Nm)) {
		r.Nm[k] = remap(t, r.Nm[k], swap("swapNmv"), "junk", false)
	}
	if m, ok := s.Any.(map[string]int); ok {
		r.Any = remap(t, m, swap("swapAny"), "junk", 0)
	}
	if sl, ok := s.Any.([]int); ok {
		r.Any = reslice(sl, swap("swapAnySlice"))
	}
	if s.F == 0 {
		r.F = math.Copysign(0, -1)
	}
	if s.N.Ptr != nil {
		p := *s.N.Ptr
		r.N.Ptr = &p
	}
	for i, v := range s.SA {
		r.SA[i] = reslice(v, swap("swapSA"))
	}
	return r
}

// reslice copies s; with swap, an empty slice becomes nil and nil becomes
// empty.
func reslice[E any](s []E, swap bool) []E {
	if len(s) == 0 {
		if swap == (s == nil) {
			return []E{}
		}
		return nil
	}
	return append(make([]E, 0, len(s)+3), s...)
}

func remap[K comparable, V any](t *rapid.T, m map[K]V, swap bool, junk K, jv V) map[K]V {
	if len(m) == 0 {
		if swap == (m == nil) {
			return map[K]V{}
		}
		return nil
	}
	// Sort first so that the draw does not depend on map iteration order.
	keys := slices.SortedFunc(maps.Keys(m), func(a, b K) int { return cmp.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	keys = rapid.Permutation(keys).Draw(t, "order")
	r := map[K]V{}
	if _, ok := m[junk]; !ok {
		r[junk] = jv
	}
	for _, k := range keys {
		r[k] = m[k]
	}
	if _, ok := m[junk]; !ok {
		delete(r, junk)
	}
	return r
}

// equalStates is the oracle: reflect.DeepEqual after normalizing nil and
// empty (cmp's -0 == 0 follows Go's ==).
func equalStates(a, b shape) bool {
	return gocmp.Equal(a, b, cmpopts.EquateEmpty())
}

func checkCodec(t *rapid.T) {
	c := codecOf[shape](t)
	x := genShape.Draw(t, "x")
	ex := c.Append(nil, &x)

	// Append(x) == Append(Clone(x)), and the clone is equal, nil-ness kept.
	cl := c.Clone(&x)
	if ecl := c.Append(nil, &cl); !bytes.Equal(ex, ecl) {
		t.Fatalf("Append(Clone(x)) != Append(x)\n%x\n%x", ecl, ex)
	}
	if d := gocmp.Diff(x, cl); d != "" {
		t.Fatalf("Clone(x) != x (-x +clone):\n%s", d)
	}

	// The same state built differently encodes the same.
	r := rebuild(t, x)
	if er := c.Append(nil, &r); !bytes.Equal(ex, er) {
		t.Fatalf("a rebuilt copy encodes differently\nx: %#v\nr: %#v", x, r)
	}

	// Encoding equality agrees with value equality for independent draws.
	y := genShape.Draw(t, "y")
	ey := c.Append(nil, &y)
	if got, want := bytes.Equal(ex, ey), equalStates(x, y); got != want {
		t.Fatalf("Append(x) == Append(y) is %v, but x == y is %v\n%s", got, want, gocmp.Diff(x, y))
	}
	fx, _ := c.Fingerprint(nil, &x)
	fy, _ := c.Fingerprint(nil, &y)
	if (fx == fy) != bytes.Equal(ex, ey) {
		t.Fatalf("fingerprint equality %v disagrees with encoding equality %v", fx == fy, bytes.Equal(ex, ey))
	}
}

func TestCodec_Property(t *testing.T) {
	t.Parallel()
	rapid.Check(t, checkCodec)
}

// FuzzCodec runs the codec property on fuzzer-chosen bytes:
// go test -fuzz=FuzzCodec ./model/
func FuzzCodec(f *testing.F) {
	f.Fuzz(rapid.MakeFuzz(checkCodec))
}
