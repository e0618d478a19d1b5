package driver

import (
	"cmp"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/mbtgo/mbt/model"
)

// writeTrace writes a trace as a table with one row per variable: step 0
// lists the whole initial state, each later step the variables it changed,
// old → new. Variables are the fields of the state struct, nested structs
// flattened with dotted names (Msgs.Commit). A slice, array or map whose
// change would not fit on a line is shown element by element (RMState[2]).
//
// attempted, when not nil, is a step that has no next state (it panicked,
// say); it is shown last with note.
func writeTrace[S any](w io.Writer, t model.Trace[S], attempted *model.Step, note string) {
	root := ""
	if reflect.TypeFor[S]().Kind() != reflect.Struct {
		root = "state"
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  step\taction\tvariable\tvalue\n")
	for i := range t.States {
		cur := reflect.ValueOf(&t.States[i]).Elem()
		var label string
		var rows []change
		if i == 0 {
			label = "initial state"
			leaves(root, cur, &rows)
		} else {
			st := t.Steps[i-1]
			label = st.String()
			diff(root, reflect.ValueOf(&t.States[i-1]).Elem(), cur, &rows)
			if len(rows) == 0 {
				rows = append(rows, change{path: "(no change)", init: true})
			}
			if st.Output != nil {
				rows = append(rows, change{path: "(output)", new: show(reflect.ValueOf(st.Output)), init: true})
			}
		}
		for j, r := range rows {
			num, act := "", ""
			if j == 0 {
				num, act = strconv.Itoa(i), label
			}
			if v := r.value(); v != "" {
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", num, act, r.path, v)
			} else {
				fmt.Fprintf(tw, "  %s\t%s\t%s\n", num, act, r.path)
			}
		}
	}
	if attempted != nil {
		fmt.Fprintf(tw, "  %d\t%s\t%s\n", len(t.States), attempted.String(), note)
	}
	tw.Flush()
}

// change is one row of a trace table.
type change struct {
	path     string
	old, new string
	init     bool // a value without an old one
}

func (c change) value() string {
	if c.init {
		return c.new
	}
	return c.old + " → " + c.new
}

// join appends a field name to a path.
func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// leaves lists the variables of v: the fields of structs, recursively, and
// any other value whole.
func leaves(path string, v reflect.Value, out *[]change) {
	switch {
	case v.Kind() == reflect.Struct && !hasString(v) && v.NumField() > 0:
		for i := range v.NumField() {
			leaves(join(path, v.Type().Field(i).Name), v.Field(i), out)
		}
		return
	case v.Kind() == reflect.Pointer && !v.IsNil() && !hasString(v) && v.Elem().Kind() == reflect.Struct:
		leaves(path, v.Elem(), out)
		return
	}
	*out = append(*out, change{path: path, new: show(v), init: true})
}

// long reports whether a change of a collection is too long for one line.
func long(a, b string) bool { return len(a)+len(b) > 60 }

// diff lists the variables that differ between a and b.
func diff(path string, a, b reflect.Value, out *[]change) {
	sa, sb := show(a), show(b)
	if sa == sb {
		return
	}
	if a.IsValid() && b.IsValid() && a.Type() == b.Type() && !hasString(a) {
		switch a.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !a.IsNil() && !b.IsNil() {
				diff(path, a.Elem(), b.Elem(), out)
				return
			}
		case reflect.Struct:
			for i := range a.NumField() {
				diff(join(path, a.Type().Field(i).Name), a.Field(i), b.Field(i), out)
			}
			return
		case reflect.Slice, reflect.Array:
			if a.Len() == b.Len() && long(sa, sb) {
				for i := range a.Len() {
					diff(path+"["+strconv.Itoa(i)+"]", a.Index(i), b.Index(i), out)
				}
				return
			}
		case reflect.Map:
			if long(sa, sb) {
				keys := a.MapKeys()
				for _, k := range b.MapKeys() {
					if !a.MapIndex(k).IsValid() {
						keys = append(keys, k)
					}
				}
				sortKeys(keys)
				for _, k := range keys {
					p := path + "[" + showKey(k) + "]"
					va, vb := a.MapIndex(k), b.MapIndex(k)
					switch {
					case !va.IsValid():
						*out = append(*out, change{path: p, old: "(absent)", new: show(vb)})
					case !vb.IsValid():
						*out = append(*out, change{path: p, old: show(va), new: "(absent)"})
					default:
						diff(p, va, vb, out)
					}
				}
				return
			}
		}
	}
	*out = append(*out, change{path: path, old: sa, new: sb})
}

var (
	stringerType = reflect.TypeFor[fmt.Stringer]()
	errorType    = reflect.TypeFor[error]()
)

// hasString reports whether v prints itself with a String or Error method.
func hasString(v reflect.Value) bool {
	if !v.IsValid() || !v.CanInterface() {
		return false
	}
	t := v.Type()
	if t.Kind() == reflect.Interface {
		return false
	}
	return t.Implements(stringerType) || t.Implements(errorType)
}

// show renders a value like fmt's %v, except that pointers print the value
// they point at (never an address), struct fields are named, and strings
// that would be invisible or ambiguous are quoted. Maps print in key order.
func show(v reflect.Value) string {
	var b strings.Builder
	printValue(&b, v, 0)
	return b.String()
}

func printValue(b *strings.Builder, v reflect.Value, depth int) {
	if depth > 20 {
		b.WriteString("…")
		return
	}
	if !v.IsValid() {
		b.WriteString("nil")
		return
	}
	if hasString(v) {
		if (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) && v.IsNil() {
			b.WriteString("nil")
			return
		}
		if s, ok := callString(v); ok {
			b.WriteString(s)
			return
		}
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		printValue(b, v.Elem(), depth+1)
	case reflect.Struct:
		b.WriteByte('{')
		for i := range v.NumField() {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(v.Type().Field(i).Name)
			b.WriteByte(':')
			printValue(b, v.Field(i), depth+1)
		}
		b.WriteByte('}')
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 && !v.IsNil() {
			fmt.Fprintf(b, "%q", v.Bytes())
			return
		}
		b.WriteByte('[')
		for i := range v.Len() {
			if i > 0 {
				b.WriteByte(' ')
			}
			printValue(b, v.Index(i), depth+1)
		}
		b.WriteByte(']')
	case reflect.Map:
		keys := v.MapKeys()
		sortKeys(keys)
		b.WriteString("map[")
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(' ')
			}
			printValue(b, k, depth+1)
			b.WriteByte(':')
			printValue(b, v.MapIndex(k), depth+1)
		}
		b.WriteByte(']')
	case reflect.String:
		s := v.String()
		if s == "" || strings.ContainsFunc(s, func(r rune) bool {
			return r == ' ' || r == '"' || r == ':' || r == '[' || r == ']' || r == '{' || r == '}' || !strconv.IsPrint(r)
		}) {
			b.WriteString(strconv.Quote(s))
			return
		}
		b.WriteString(s)
	default:
		fmt.Fprint(b, v)
	}
}

// callString calls v's String or Error method, recovering a panic in it.
func callString(v reflect.Value) (s string, ok bool) {
	defer func() {
		if recover() != nil {
			s, ok = "", false
		}
	}()
	switch x := v.Interface().(type) {
	case error:
		return x.Error(), true
	case fmt.Stringer:
		return x.String(), true
	}
	return "", false
}

// showKey renders a map key in a path: strings quoted, like Go.
func showKey(k reflect.Value) string {
	if k.Kind() == reflect.String && !hasString(k) {
		return strconv.Quote(k.String())
	}
	return show(k)
}

// sortKeys orders map keys: numbers by value, strings and others by their
// rendering.
func sortKeys(keys []reflect.Value) {
	slices.SortStableFunc(keys, func(a, b reflect.Value) int {
		switch a.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return cmp.Compare(a.Int(), b.Int())
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			return cmp.Compare(a.Uint(), b.Uint())
		case reflect.Float32, reflect.Float64:
			return cmp.Compare(a.Float(), b.Float())
		case reflect.String:
			return strings.Compare(a.String(), b.String())
		case reflect.Bool:
			if a.Bool() == b.Bool() {
				return 0
			}
			if !a.Bool() {
				return -1
			}
			return 1
		}
		return strings.Compare(show(a), show(b))
	})
}
