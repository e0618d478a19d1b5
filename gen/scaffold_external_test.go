package gen_test

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/mbtgo/mbt/gen"
	"github.com/mbtgo/mbt/internal/golden"
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
	golden.Check(t, filepath.Join("testdata", "pair_adapter_scaffold.go.golden"), src)
}
