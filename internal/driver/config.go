package driver

import (
	"encoding"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/mbtgo/mbt/internal/suggest"
)

// A constant is one exported field of a model's config struct with the
// value it was given.
type constant struct {
	Name  string
	Value any
}

// usageError is an error in what the user typed, as opposed to an error in
// the model: it exits with code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// configure returns a new value of the config type t with its fields set
// from their `default:"..."` tags and then from the Name=Value assignments,
// and the resulting constants in field order. A nil t is a model without a
// config: any assignment is a usage error.
//
// Unknown names and values that do not parse are usage errors; a default
// tag that does not parse is an error in the model.
func configure(t reflect.Type, sets []string) (reflect.Value, []constant, error) {
	if t == nil {
		if len(sets) > 0 {
			name, _, _ := splitAssignment(sets[0])
			return reflect.Value{}, nil, usagef("-set %s: the model takes no constants (its function has no config parameter)", name)
		}
		return reflect.Value{}, nil, nil
	}
	v := reflect.New(t).Elem()
	if t.Kind() != reflect.Struct {
		if len(sets) > 0 {
			return reflect.Value{}, nil, usagef("-set: the model's config is a %v, not a struct; -set sets struct fields", t)
		}
		return v, nil, nil
	}
	fields := configFields(t)
	for _, f := range fields {
		tag, ok := f.Tag.Lookup("default")
		if !ok {
			continue
		}
		if err := setValue(v.FieldByIndex(f.Index), tag); err != nil {
			return reflect.Value{}, nil, fmt.Errorf("%v.%s: bad default tag %q: %v", t, f.Name, tag, err)
		}
	}
	for _, s := range sets {
		name, value, err := splitAssignment(s)
		if err != nil {
			return reflect.Value{}, nil, usagef("%v", err)
		}
		f, ok := findField(fields, name)
		if !ok {
			names := make([]string, len(fields))
			for i, f := range fields {
				names[i] = f.Name
			}
			msg := fmt.Sprintf("-set %s: %v has no field %s", name, t, name)
			if s := suggest.Closest(name, names); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			} else if len(names) > 0 {
				msg += "; constants: " + strings.Join(names, ", ")
			}
			return reflect.Value{}, nil, usagef("%s", msg)
		}
		if err := setValue(v.FieldByIndex(f.Index), value); err != nil {
			return reflect.Value{}, nil, usagef("-set %s=%s: %v", name, value, err)
		}
	}
	consts := make([]constant, len(fields))
	for i, f := range fields {
		consts[i] = constant{Name: f.Name, Value: v.FieldByIndex(f.Index).Interface()}
	}
	return v, consts, nil
}

// configFields returns the exported fields of the struct type t, including
// those promoted from embedded structs.
func configFields(t reflect.Type) []reflect.StructField {
	var out []reflect.StructField
	for _, f := range reflect.VisibleFields(t) {
		if f.IsExported() && !f.Anonymous {
			out = append(out, f)
		}
	}
	return out
}

func findField(fields []reflect.StructField, name string) (reflect.StructField, bool) {
	for _, f := range fields {
		if f.Name == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

var (
	durationType        = reflect.TypeFor[time.Duration]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// setValue parses s into v: booleans, integers, floats, strings and
// durations (including named types of those kinds), types that implement
// encoding.TextUnmarshaler, and slices of those as comma-separated lists.
func setValue(v reflect.Value, s string) error {
	if v.CanAddr() && v.Addr().Type().Implements(textUnmarshalerType) {
		return v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s))
	}
	if v.Type() == durationType {
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("want a duration such as 10s or 1m30s")
		}
		v.SetInt(int64(d))
		return nil
	}
	switch v.Kind() {
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("want true or false")
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(s, 0, v.Type().Bits())
		if err != nil {
			return fmt.Errorf("want an integer (%v)", numError(err))
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n, err := strconv.ParseUint(s, 0, v.Type().Bits())
		if err != nil {
			return fmt.Errorf("want a non-negative integer (%v)", numError(err))
		}
		v.SetUint(n)
	case reflect.Float32, reflect.Float64:
		f, err := strconv.ParseFloat(s, v.Type().Bits())
		if err != nil {
			return fmt.Errorf("want a number (%v)", numError(err))
		}
		v.SetFloat(f)
	case reflect.String:
		v.SetString(s)
	case reflect.Slice:
		var parts []string
		if strings.TrimSpace(s) != "" {
			parts = strings.Split(s, ",")
		}
		sl := reflect.MakeSlice(v.Type(), len(parts), len(parts))
		for i, p := range parts {
			if err := setValue(sl.Index(i), strings.TrimSpace(p)); err != nil {
				return fmt.Errorf("element %d: %v", i, err)
			}
		}
		v.Set(sl)
	default:
		return fmt.Errorf("cannot set a %v from the command line", v.Type())
	}
	return nil
}

// numError shortens strconv's errors to their reason.
func numError(err error) error {
	if ne, ok := err.(*strconv.NumError); ok {
		return ne.Err
	}
	return err
}

// Defaults returns the Config value that mbt explore and mbt gen build for
// a model when no -set is given: each field set from its `default:"..."`
// tag, parsed as -set parses values. Adapters and tests use it to start an
// implementation with the same constants as the generated tests.
func Defaults[C any]() (C, error) {
	var c C
	v, _, err := configure(reflect.TypeFor[C](), nil)
	if err != nil {
		return c, err
	}
	return v.Interface().(C), nil
}
