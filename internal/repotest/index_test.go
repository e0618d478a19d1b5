package repotest

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
)

// pkgNames is what a package exports, read from its source for the
// current platform (go/build's rules), without type checking.
type pkgNames struct {
	name  string
	dir   string // relative to the module root, with slashes
	names map[string]*exported
}

// exported is one exported top-level name.
type exported struct {
	kind    string          // func, type, const or var
	pos     token.Position  // where it is declared, relative to the module root
	owner   string          // for a const or var declared with one of the package's types: that type
	members map[string]bool // for a type: its exported methods and fields
}

// loadNames reads the exported top-level names of the package in dir.
func loadNames(root, dir string) (*pkgNames, error) {
	bp, err := build.ImportDir(filepath.Join(root, dir), 0)
	if err != nil {
		return nil, err
	}
	p := &pkgNames{name: bp.Name, dir: dir, names: map[string]*exported{}}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, f := range bp.GoFiles {
		file, err := parser.ParseFile(fset, filepath.Join(root, dir, f), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		files = append(files, file)
	}
	position := func(pos token.Pos) token.Position {
		at := fset.Position(pos)
		if rel, err := filepath.Rel(root, at.Filename); err == nil {
			at.Filename = filepath.ToSlash(rel)
		}
		return at
	}
	add := func(name, kind string, pos token.Pos) *exported {
		if !ast.IsExported(name) {
			return nil
		}
		e := p.names[name]
		if e == nil {
			e = &exported{kind: kind, pos: position(pos), members: map[string]bool{}}
			p.names[name] = e
		}
		return e
	}
	type method struct{ recv, name string }
	var methods []method
	var typed []struct{ name, typ string }
	for _, file := range files {
		for _, decl := range file.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					add(d.Name.Name, "func", d.Name.Pos())
				} else if len(d.Recv.List) == 1 {
					methods = append(methods, method{recvName(d.Recv.List[0].Type), d.Name.Name})
				}
			case *ast.GenDecl:
				var groupType string // a const group repeats its last type
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						if e := add(s.Name.Name, "type", s.Name.Pos()); e != nil {
							addMembers(e.members, s.Type)
						}
					case *ast.ValueSpec:
						if s.Type != nil {
							groupType = typeName(s.Type)
						} else if d.Tok == token.VAR || len(s.Values) > 0 {
							groupType = ""
						}
						for _, n := range s.Names {
							if add(n.Name, d.Tok.String(), n.Pos()) != nil && groupType != "" {
								typed = append(typed, struct{ name, typ string }{n.Name, groupType})
							}
						}
					}
				}
			}
		}
	}
	for _, m := range methods {
		if e := p.names[m.recv]; e != nil && e.kind == "type" && ast.IsExported(m.name) {
			e.members[m.name] = true
		}
	}
	for _, v := range typed {
		if e := p.names[v.typ]; e != nil && e.kind == "type" {
			p.names[v.name].owner = v.typ
		}
	}
	return p, nil
}

// recvName is the type name of a method's receiver: T of T, *T, T[S], *T[S].
func recvName(x ast.Expr) string {
	if s, ok := x.(*ast.StarExpr); ok {
		x = s.X
	}
	return typeName(x)
}

// typeName is the name of a type expression of the package (T, T[S]), or
// "" for any other type.
func typeName(x ast.Expr) string {
	switch t := x.(type) {
	case *ast.Ident:
		return t.Name
	case *ast.IndexExpr:
		return typeName(t.X)
	case *ast.IndexListExpr:
		return typeName(t.X)
	}
	return ""
}

// addMembers adds the exported fields of a struct type and the exported
// methods of an interface type, which doc links [T.Name] may name too.
func addMembers(members map[string]bool, x ast.Expr) {
	var fields *ast.FieldList
	switch t := x.(type) {
	case *ast.StructType:
		fields = t.Fields
	case *ast.InterfaceType:
		fields = t.Methods
	default:
		return
	}
	for _, f := range fields.List {
		for _, n := range f.Names {
			if ast.IsExported(n.Name) {
				members[n.Name] = true
			}
		}
		if len(f.Names) == 0 { // an embedded field is named by its type
			if n := recvName(f.Type); ast.IsExported(n) {
				members[n] = true
			}
		}
	}
}

// indexLink is one doc link of an index: [Name], [Type.Name], [pkg],
// [pkg.Name] or [pkg.Type.Name].
type indexLink struct {
	text string
	line int // in doc.go
}

// docLink matches a doc link's text. A link followed by ":" at the start
// of a line is a link definition ("[text]: URL"), not a doc link.
var docLink = regexp.MustCompile(`\[([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*){0,2})\]`)

// readIndex returns the line of the "# Index" heading of the package
// comment in doc.go and the doc links under it, up to the next heading.
func readIndex(path string) (heading int, links []indexLink, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, nil, err
	}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, path, data, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		return 0, nil, err
	}
	if file.Doc == nil {
		return 0, nil, fmt.Errorf("%s has no package comment", path)
	}
	in := false
	for _, c := range file.Doc.List {
		line := fset.Position(c.Slash).Line
		text := strings.TrimPrefix(strings.TrimPrefix(c.Text, "//"), " ")
		if strings.HasPrefix(text, "# ") {
			if in {
				break
			}
			if strings.TrimSpace(text[2:]) == "Index" {
				in, heading = true, line
			}
			continue
		}
		if !in {
			continue
		}
		for _, m := range docLink.FindAllStringSubmatchIndex(text, -1) {
			if m[0] == 0 && strings.HasPrefix(text[m[1]:], ":") {
				continue
			}
			links = append(links, indexLink{text: text[m[2]:m[3]], line: line})
		}
	}
	if !in {
		return 0, nil, fmt.Errorf("%s: the package comment has no # Index section (STYLE.md §2)", path)
	}
	return heading, links, nil
}

// TestDocIndex: the "# Index" section of each public package's doc.go,
// kept by hand, links only names the package exports and lists every
// exported top-level name. A type counts as listed when the index links it
// or one of its methods ([T.M]); constants and variables declared with one
// of the package's types ("const ( BFS Strategy = iota; DFS )") are listed
// with their type, as go doc shows them. Links to other packages of the
// module ([model.Step]) must resolve in that package; links to packages
// outside the module are not checked.
func TestDocIndex(t *testing.T) {
	root := moduleRoot(t)
	byName := map[string]*pkgNames{}
	var pkgs []*pkgNames
	for _, dir := range publicDirs(t, root) {
		p, err := loadNames(root, dir)
		if err != nil {
			t.Fatalf("read package %s: %v", dir, err)
		}
		pkgs = append(pkgs, p)
		byName[p.name] = p
	}
	if len(pkgs) == 0 {
		t.Fatalf("found no public package under %s", root)
	}
	for _, p := range pkgs {
		t.Run(strings.ReplaceAll(p.dir, "/", "_"), func(t *testing.T) {
			problems, err := checkIndex(root, p, byName)
			if err != nil {
				t.Fatal(err)
			}
			for _, msg := range problems {
				t.Error(msg)
			}
		})
	}
}

// checkIndex returns what is wrong with the # Index of p's doc.go, one
// message a problem: links that do not resolve, in the order of the file,
// then exported names the index lacks, by name. byName holds the module's
// packages by name, for links to other packages.
func checkIndex(root string, p *pkgNames, byName map[string]*pkgNames) ([]string, error) {
	doc := p.dir + "/doc.go"
	heading, links, err := readIndex(filepath.Join(root, filepath.FromSlash(doc)))
	if err != nil {
		return nil, err
	}
	var problems []string
	listed := map[string]bool{}
	for _, l := range links {
		parts := strings.Split(l.text, ".")
		if unicode.IsLower(rune(parts[0][0])) { // [pkg], [pkg.Name], [pkg.Type.Name]
			other := byName[parts[0]]
			if other == nil {
				continue // a package outside the module
			}
			if msg := resolve(other, parts[1:]); msg != "" {
				problems = append(problems, fmt.Sprintf("%s:%d: [%s] in the # Index of package %s: %s", doc, l.line, l.text, p.name, msg))
			}
			continue
		}
		if msg := resolve(p, parts); msg != "" {
			problems = append(problems, fmt.Sprintf("%s:%d: [%s] in the # Index of package %s: %s; remove or rename the link", doc, l.line, l.text, p.name, msg))
			continue
		}
		listed[parts[0]] = true
	}
	var missing []string
	for name, e := range p.names {
		if !listed[name] && (e.owner == "" || !listed[e.owner]) {
			missing = append(missing, name)
		}
	}
	slices.Sort(missing)
	for _, name := range missing {
		e := p.names[name]
		problems = append(problems, fmt.Sprintf("%s:%d: the # Index of package %s lacks %s %s.%s (declared at %s:%d); add [%s] to the index, or unexport it",
			doc, heading, p.name, e.kind, p.name, name, e.pos.Filename, e.pos.Line, name))
	}
	return problems, nil
}

// resolve returns "" when parts ([Name] or [Type.Name]) name an exported
// name of p, else why not.
func resolve(p *pkgNames, parts []string) string {
	if len(parts) == 0 {
		return "" // [pkg]
	}
	e := p.names[parts[0]]
	if e == nil {
		return fmt.Sprintf("package %s exports no %s", p.name, parts[0])
	}
	if len(parts) == 1 {
		return ""
	}
	if e.kind != "type" {
		return fmt.Sprintf("%s.%s is a %s, not a type with methods", p.name, parts[0], e.kind)
	}
	if !e.members[parts[1]] {
		return fmt.Sprintf("type %s.%s has no exported method or field %s", p.name, parts[0], parts[1])
	}
	return ""
}

// TestCheckIndex: the index check finds every kind of drift, with the
// file, the line and the name, in testdata/drift.
func TestCheckIndex(t *testing.T) {
	root := filepath.Join("testdata")
	drift, err := loadNames(root, "drift")
	if err != nil {
		t.Fatal(err)
	}
	other, err := loadNames(root, "other")
	if err != nil {
		t.Fatal(err)
	}
	got, err := checkIndex(root, drift, map[string]*pkgNames{"drift": drift, "other": other})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"drift/doc.go:10: [Shape.Perimeter] in the # Index of package drift: type drift.Shape has no exported method or field Perimeter; remove or rename the link",
		"drift/doc.go:10: [Circle] in the # Index of package drift: package drift exports no Circle; remove or rename the link",
		"drift/doc.go:11: [NewSquare.Area] in the # Index of package drift: drift.NewSquare is a func, not a type with methods; remove or rename the link",
		"drift/doc.go:11: [Gone] in the # Index of package drift: package drift exports no Gone; remove or rename the link",
		"drift/doc.go:11: [Square] in the # Index of package drift: package drift exports no Square; remove or rename the link",
		"drift/doc.go:13: [other.Missing] in the # Index of package drift: package other exports no Missing",
		"drift/doc.go:14: [other.Thing.Weight] in the # Index of package drift: type other.Thing has no exported method or field Weight",
		"drift/doc.go:8: the # Index of package drift lacks var drift.ErrLost (declared at drift/drift.go:27); add [ErrLost] to the index, or unexport it",
		"drift/doc.go:8: the # Index of package drift lacks type drift.Lister (declared at drift/drift.go:30); add [Lister] to the index, or unexport it",
		"drift/doc.go:8: the # Index of package drift lacks const drift.Loose (declared at drift/drift.go:24); add [Loose] to the index, or unexport it",
		"drift/doc.go:8: the # Index of package drift lacks func drift.NewSquare (declared at drift/drift.go:12); add [NewSquare] to the index, or unexport it",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("checkIndex mismatch (-want +got):\n%s", d)
	}
}

// TestReadIndex_LastSection: an index that ends the package comment runs
// to its end, where gofmt puts link definitions ("[text]: URL"), which are
// not doc links.
func TestReadIndex_LastSection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "doc.go")
	src := "// Package p is a test.\n//\n// # Index\n//\n// [A], [B.C].\n//\n// [D]: https://example.com\npackage p\n"
	if err := os.WriteFile(path, []byte(src), 0o666); err != nil {
		t.Fatal(err)
	}
	heading, links, err := readIndex(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []indexLink{{"A", 5}, {"B.C", 5}}
	if heading != 3 || !slices.Equal(links, want) {
		t.Errorf("readIndex = %d, %v; want 3, %v", heading, links, want)
	}
	if _, _, err := readIndex(filepath.Join("testdata", "other", "other.go")); err == nil || !strings.Contains(err.Error(), "has no # Index section") {
		t.Errorf("readIndex of a comment without an index: %v, want an error that says so", err)
	}
}
