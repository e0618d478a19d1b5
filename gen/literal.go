package gen

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// imports assigns package names to the import paths a generated file uses.
type imports struct {
	self   string // the generated file's own package path: not imported
	byPath map[string]string
	used   map[string]string // name -> path
}

func newImports() *imports {
	return &imports{byPath: map[string]string{}, used: map[string]string{}}
}

// name returns the identifier to qualify names of the package path, whose
// package clause says pkgName.
func (im *imports) name(path, pkgName string) string {
	if path == im.self {
		return ""
	}
	if n, ok := im.byPath[path]; ok {
		return n
	}
	n := pkgName
	for i := 2; ; i++ {
		if _, taken := im.used[n]; !taken {
			break
		}
		n = fmt.Sprintf("%s%d", pkgName, i)
	}
	im.byPath[path] = n
	im.used[n] = path
	return n
}

// block renders the import block, standard library first.
func (im *imports) block(std ...string) string {
	var b strings.Builder
	b.WriteString("import (\n")
	sort.Strings(std)
	for _, p := range std {
		fmt.Fprintf(&b, "\t%q\n", p)
	}
	b.WriteString("\n")
	paths := make([]string, 0, len(im.byPath))
	for p := range im.byPath {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		n := im.byPath[p]
		if n == p[strings.LastIndex(p, "/")+1:] {
			fmt.Fprintf(&b, "\t%q\n", p)
		} else {
			fmt.Fprintf(&b, "\t%s %q\n", n, p)
		}
	}
	b.WriteString(")\n")
	return b.String()
}

// typeName renders a named type qualified by its package.
func (im *imports) typeName(t reflect.Type) string {
	if t.PkgPath() == "" {
		return t.String()
	}
	pkgName := t.String()[:strings.Index(t.String(), ".")]
	return qualify(im.name(t.PkgPath(), pkgName), t.Name())
}

// Literal renders v as Go source that evaluates to an equal value of the same
// type, so that values are never pasted into generated code: strings are
// quoted, named types converted, composite values spelled out field by
// field. It fails for values that have no literal (functions, channels,
// pointers, NaN).
func Literal(v any) (string, error) {
	return newImports().literal(reflect.ValueOf(v), true)
}

// literal renders v; typed says whether the context needs the type spelled
// out (false inside a composite literal of known element type).
func (im *imports) literal(v reflect.Value, typed bool) (string, error) {
	if !v.IsValid() {
		return "nil", nil
	}
	t := v.Type()
	named := t.PkgPath() != ""
	wrap := func(lit string, def reflect.Kind) string {
		switch {
		case named:
			return im.typeName(t) + "(" + lit + ")"
		case typed && t.Kind() != def:
			return t.String() + "(" + lit + ")"
		}
		return lit
	}
	switch t.Kind() {
	case reflect.Bool:
		return wrap(strconv.FormatBool(v.Bool()), reflect.Bool), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return wrap(strconv.FormatInt(v.Int(), 10), reflect.Int), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		lit := strconv.FormatUint(v.Uint(), 10)
		if !named && typed {
			return t.String() + "(" + lit + ")", nil
		}
		return wrap(lit, reflect.Uint), nil
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return "", fmt.Errorf("gen: no Go literal for %v", f)
		}
		lit := strconv.FormatFloat(f, 'g', -1, t.Bits())
		if !strings.ContainsAny(lit, ".e") {
			lit += ".0"
		}
		return wrap(lit, reflect.Float64), nil
	case reflect.String:
		return wrap(strconv.Quote(v.String()), reflect.String), nil
	case reflect.Slice, reflect.Array:
		if t.Kind() == reflect.Slice && v.IsNil() {
			return wrap("nil", reflect.Slice), nil
		}
		var parts []string
		for i := range v.Len() {
			p, err := im.literal(v.Index(i), false)
			if err != nil {
				return "", err
			}
			parts = append(parts, p)
		}
		return im.compositeType(t) + "{" + strings.Join(parts, ", ") + "}", nil
	case reflect.Map:
		if v.IsNil() {
			return wrap("nil", reflect.Map), nil
		}
		type kv struct{ k, v string }
		var parts []kv
		for _, k := range v.MapKeys() {
			ks, err := im.literal(k, false)
			if err != nil {
				return "", err
			}
			vs, err := im.literal(v.MapIndex(k), false)
			if err != nil {
				return "", err
			}
			parts = append(parts, kv{ks, vs})
		}
		sort.Slice(parts, func(i, j int) bool { return parts[i].k < parts[j].k })
		var b strings.Builder
		b.WriteString(im.compositeType(t) + "{")
		for i, p := range parts {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(p.k + ": " + p.v)
		}
		b.WriteString("}")
		return b.String(), nil
	case reflect.Struct:
		var parts []string
		for i := range t.NumField() {
			f := t.Field(i)
			if v.Field(i).IsZero() {
				continue
			}
			if !f.IsExported() {
				return "", fmt.Errorf("gen: no Go literal for %v: field %s is unexported", t, f.Name)
			}
			p, err := im.literal(v.Field(i), true)
			if err != nil {
				return "", err
			}
			parts = append(parts, f.Name+": "+p)
		}
		return im.compositeType(t) + "{" + strings.Join(parts, ", ") + "}", nil
	case reflect.Interface:
		if v.IsNil() {
			return "nil", nil
		}
		return im.literal(v.Elem(), true)
	}
	return "", fmt.Errorf("gen: no Go literal for a %v", t)
}

// compositeType renders the type of a composite literal.
func (im *imports) compositeType(t reflect.Type) string {
	if t.PkgPath() != "" {
		return im.typeName(t)
	}
	switch t.Kind() {
	case reflect.Slice:
		return "[]" + im.compositeType(t.Elem())
	case reflect.Array:
		return fmt.Sprintf("[%d]%s", t.Len(), im.compositeType(t.Elem()))
	case reflect.Map:
		return "map[" + im.compositeType(t.Key()) + "]" + im.compositeType(t.Elem())
	}
	return t.String()
}

// qualify joins a package name and an identifier; an empty package name
// is the file's own package.
func qualify(pkg, ident string) string {
	if pkg == "" {
		return ident
	}
	return pkg + "." + ident
}
