package driver

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"testing"
)

// TestReplayT_DeclaresEveryMethod guards the nil testing.TB that replayT
// embeds: a method a later Go release adds to testing.TB would be promoted
// from the nil interface, compile, and panic when an adapter calls it.
// Every exported method of testing.TB must be declared on *replayT in
// replay_t.go.
func TestReplayT_DeclaresEveryMethod(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "replay_t.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv == nil {
			continue
		}
		if star, ok := fd.Recv.List[0].Type.(*ast.StarExpr); ok {
			if id, ok := star.X.(*ast.Ident); ok && id.Name == "replayT" {
				declared[fd.Name.Name] = true
			}
		}
	}
	tb := reflect.TypeFor[testing.TB]()
	for i := range tb.NumMethod() {
		name := tb.Method(i).Name
		if !token.IsExported(name) {
			continue // private, which keeps TB's implementations in package testing
		}
		if !declared[name] {
			t.Errorf("testing.TB has %s, which replayT does not declare: calling it would panic on the nil embedded TB; add (*replayT).%s to replay_t.go", name, name)
		}
	}
	if tb.NumMethod() < 20 {
		t.Fatalf("testing.TB has %d exported methods; this test expected at least 20 and may not be looking at the right type", tb.NumMethod())
	}
}
