package gen_test

import (
	"context"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mbtgo/mbt/examples/bank"
	"github.com/mbtgo/mbt/gen"
	"github.com/mbtgo/mbt/internal/golden"
)

func bankSource(t *testing.T, crit ...gen.Criterion) []byte {
	t.Helper()
	cfg := bank.Config{Accounts: 2, Max: 2, MaxAmount: 1}
	m, err := bank.Model(cfg)
	if err != nil {
		t.Fatal(err)
	}
	suite, err := gen.Select(context.Background(), m, gen.Options{Criteria: crit})
	if err != nil {
		t.Fatal(err)
	}
	src, err := gen.Source(suite, gen.File{
		Package: "bank_test", PackagePath: "github.com/mbtgo/mbt/examples/bank", Dir: "./examples/bank",
		ModelPath: "github.com/mbtgo/mbt/examples/bank", ModelName: "bank", ModelFunc: "Model", Config: cfg,
		AdapterPath: "github.com/mbtgo/mbt/examples/bank", AdapterName: "bank", AdapterFunc: "NewHTTPAdapter",
		Command: "mbt gen -model Model -adapter NewHTTPAdapter .", Signature: m.Signature(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestSource_Golden(t *testing.T) {
	tests := []struct {
		name   string
		crit   []gen.Criterion
		reason string
	}{
		{"bank_transitions_boundaries.go.golden", nil, "the default criteria: a transition tour and the boundaries with negative steps"},
		{"bank_states_random.go.golden", []gen.Criterion{gen.States, gen.Random}, "criteria combine; random walks are seeded and stable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.reason == "" {
				t.Fatal("missing reason")
			}
			src := bankSource(t, tt.crit...)
			golden.Check(t, filepath.Join("testdata", tt.name), src)
			if again := bankSource(t, tt.crit...); string(again) != string(src) {
				t.Fatal("two runs gave different bytes")
			}
		})
	}
}

func TestSource_InternalPackage(t *testing.T) {
	m, err := bank.Model(bank.Config{Accounts: 1, Max: 1, MaxAmount: 1})
	if err != nil {
		t.Fatal(err)
	}
	suite, err := gen.Select(context.Background(), m, gen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	src, err := gen.Source(suite, gen.File{
		Package: "bank", PackagePath: "github.com/mbtgo/mbt/examples/bank",
		ModelPath: "github.com/mbtgo/mbt/examples/bank", ModelName: "bank", ModelFunc: "Model", Config: bank.Config{Accounts: 1, Max: 1, MaxAmount: 1},
		AdapterPath: "github.com/mbtgo/mbt/examples/bank", AdapterName: "bank", AdapterFunc: "NewHTTPAdapter",
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(src), `"github.com/mbtgo/mbt/examples/bank"`) || !strings.Contains(string(src), "Model(Config{") {
		t.Fatalf("a file inside the model's package must not import it:\n%s", src)
	}
}

// FuzzLiteral: whatever string a trace or model holds, its literal parses
// as a Go expression and does not break out of it.
func FuzzLiteral(f *testing.F) {
	for _, s := range []string{"", "a", `"`, "\\", "\n", "*/", "`", "\x00", "\u2028", "}); os.Exit(1); (\""} {
		f.Add(s, int64(1))
	}
	f.Fuzz(func(t *testing.T, s string, n int64) {
		for _, v := range []any{s, n, bank.State{Balances: map[string]int{s: int(n)}}, []string{s, s}} {
			lit, err := gen.Literal(v)
			if err != nil {
				t.Fatal(err)
			}
			src := "package p\nvar _ = " + lit + "\n"
			fset := token.NewFileSet()
			file, err := parser.ParseFile(fset, "x.go", src, 0)
			if err != nil {
				t.Fatalf("literal of %#v does not parse: %v\n%s", v, err, src)
			}
			if len(file.Decls) != 1 {
				t.Fatalf("literal of %#v escaped its expression:\n%s", v, src)
			}
		}
	})
}
