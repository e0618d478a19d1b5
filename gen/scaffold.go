package gen

import (
	"bytes"
	"fmt"
	"go/format"
	"reflect"
	"strings"

	"github.com/mbtgo/mbt/internal/contract"
	"github.com/mbtgo/mbt/internal/goname"
	"github.com/mbtgo/mbt/model"
)

// ScaffoldFile describes the adapter skeleton to write.
type ScaffoldFile struct {
	_ struct{}

	// Package is the package clause of the file.
	Package string
	// PackagePath is the import path of that package.
	PackagePath string
	// Type is the name of the adapter type to declare, such as
	// BankAdapter.
	Type string
	// View is the type the model's View returns (or the state type), which
	// the adapter's View method must return.
	View reflect.Type
	// Command is the command that wrote the file.
	Command string
}

// Scaffold renders an adapter skeleton for m: a type with Reset, View and
// one method per action with the parameter types the contract requires,
// each returning adapters.ErrNotImplemented until the user fills it in.
// The file is the user's to edit: it has no "DO NOT EDIT" header.
func Scaffold(m model.Machine, f ScaffoldFile) ([]byte, error) {
	for _, a := range m.Actions() {
		if contract.Reserved(a.Name) {
			return nil, fmt.Errorf("gen: %w", contract.ReservedError(a.Name))
		}
	}
	im := newImports()
	im.self = f.PackagePath
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	viewType := "any"
	if f.View != nil {
		viewType = im.typeExpr(f.View)
	}
	p("// %s adapts the real implementation to model %s for mbt.\n", f.Type, m.Name())
	p("// It is a scaffold: fill in each method, then run the generated tests.\n")
	p("type %s struct {\n\t// Add what reaching the implementation takes, such as a client.\n}\n\n", f.Type)
	p("var _ adapters.Resetter = (*%s)(nil)\n\n", f.Type)
	p("// New%s returns an adapter for one test; start the implementation here\n", f.Type)
	p("// and stop it with t.Cleanup.\n")
	p("func New%s(t testing.TB) *%s {\n\treturn &%s{}\n}\n\n", f.Type, f.Type, f.Type)
	p("// Reset brings the implementation back to the model's initial state.\n")
	p("func (a *%s) Reset(ctx context.Context) error {\n\treturn adapters.ErrNotImplemented\n}\n\n", f.Type)
	p("// View observes the implementation as the model's view sees it.\n")
	p("func (a *%s) View(ctx context.Context) (%s, error) {\n\tvar v %s\n\treturn v, adapters.ErrNotImplemented\n}\n", f.Type, viewType, viewType)
	outs := outputTypes(m)
	refType := reflect.TypeFor[model.Ref]()
	for _, a := range m.Actions() {
		var params []string
		refParams := false
		for _, prm := range a.Params {
			t := reflect.TypeFor[any]()
			if len(prm.Values) > 0 && prm.Values[0] != nil {
				t = reflect.TypeOf(prm.Values[0])
			}
			params = append(params, fmt.Sprintf("%s %s", safeIdent(prm.Name), im.typeExpr(t)))
			refParams = refParams || t == refType
		}
		sig := "ctx context.Context"
		if len(params) > 0 {
			sig += ", " + strings.Join(params, ", ")
		}
		p("\n// %s performs the model's action %s", a.Name, a.Name)
		if a.Pos.File != "" {
			p(" (declared at %s:%d)", comment(shortFile(a.Pos.File)), a.Pos.Line)
		}
		p(".\n")
		if refParams {
			p("// A model.Ref argument holds the implementation's own name for the thing\n")
			p("// (its id): the runner maps the model's references to those names.\n")
		}
		out := outs[a.Name]
		switch {
		case a.HasOutput && out == refType:
			p("// Return the implementation's own name (id) of what the step creates, as a\n")
			p("// model.Ref; the runner maps it to the model's reference.\n")
			fallthrough
		case a.HasOutput && out != nil:
			p("func (a *%s) %s(%s) (%s, error) {\n\tvar out %s\n\treturn out, adapters.ErrNotImplemented\n}\n",
				f.Type, a.Name, sig, im.typeExpr(out), im.typeExpr(out))
		case a.HasOutput:
			p("func (a *%s) %s(%s) (any, error) {\n\treturn nil, adapters.ErrNotImplemented\n}\n", f.Type, a.Name, sig)
		default:
			p("func (a *%s) %s(%s) error {\n\treturn adapters.ErrNotImplemented\n}\n", f.Type, a.Name, sig)
		}
	}
	im.name("github.com/mbtgo/mbt/adapters", "adapters")
	var out bytes.Buffer
	if f.Command != "" {
		fmt.Fprintf(&out, "// Scaffold written by: %s\n// Edit freely: mbt does not overwrite this file.\n\n", comment(f.Command))
	}
	fmt.Fprintf(&out, "package %s\n\n%s\n", f.Package, im.block("context", "testing"))
	out.Write(b.Bytes())
	src, err := format.Source(out.Bytes())
	if err != nil {
		return nil, fmt.Errorf("gen: scaffold does not format: %v\n%s", err, out.Bytes())
	}
	return src, nil
}

// outputTypes returns the Go type of each action's output, from the first
// reachable step that has one (breadth-first, within a few thousand
// states); actions whose outputs are never seen, or are errors, are left
// out.
func outputTypes(m model.Machine) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	want := 0
	for _, a := range m.Actions() {
		if a.HasOutput {
			want++
		}
	}
	seen := map[uint64]bool{}
	queue := m.InitStates()
	for _, s := range queue {
		seen[m.Fingerprint(s)] = true
	}
	errType := reflect.TypeFor[error]()
	for i := 0; i < len(queue) && i < 5000 && len(out) < want; i++ {
		for _, tr := range m.Successors(queue[i]) {
			if o := tr.Step.Output; o != nil {
				if t := reflect.TypeOf(o); out[tr.Step.Action] == nil && !t.Implements(errType) {
					out[tr.Step.Action] = t
				}
			}
			if fp := m.Fingerprint(tr.Next); !seen[fp] {
				seen[fp] = true
				queue = append(queue, tr.Next)
			}
		}
	}
	return out
}

// typeExpr renders a type, qualifying named types by their package.
func (im *imports) typeExpr(t reflect.Type) string {
	if t.Name() != "" {
		return im.typeName(t)
	}
	switch t.Kind() {
	case reflect.Slice:
		return "[]" + im.typeExpr(t.Elem())
	case reflect.Array:
		return fmt.Sprintf("[%d]%s", t.Len(), im.typeExpr(t.Elem()))
	case reflect.Map:
		return "map[" + im.typeExpr(t.Key()) + "]" + im.typeExpr(t.Elem())
	case reflect.Pointer:
		return "*" + im.typeExpr(t.Elem())
	}
	return t.String()
}

func safeIdent(s string) string {
	id := goname.Exported(s)
	if id == "Model" && s == "" {
		return "arg"
	}
	return strings.ToLower(id[:1]) + id[1:]
}

func shortFile(path string) string {
	if i := strings.LastIndex(path, "/"); i >= 0 {
		return path[i+1:]
	}
	return path
}
