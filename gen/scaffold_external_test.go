package gen_test

import (
	"reflect"
	"testing"

	"github.com/mbtgo/mbt/gen"
)

func TestScaffold_Golden(t *testing.T) {
	m := dslModel(t, 3)
	src, err := gen.Scaffold(m.Erase(), gen.ScaffoldFile{
		Package: "pairimpl", PackagePath: "example.com/pairimpl", Type: "PairAdapter",
		View: reflect.TypeFor[Pair](), Command: "mbt gen -scaffold ./pair",
	})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "pair_adapter_scaffold.go.golden", src)
}
