package problems

import (
	"errors"
	"testing"
)

type posErr struct{ at string }

func (e *posErr) Error() string { return e.at + ": bad" }

func TestList(t *testing.T) {
	a, b := &posErr{"f.go:1"}, &posErr{"f.go:2"}
	tests := []struct {
		name   string
		head   string
		errs   []error
		want   string
		reason string
	}{
		{"none", "model M", nil, "", "no problem is no error"},
		{"one", "model M", []error{a}, "model M: f.go:1: bad", "one problem reads inline"},
		{"two", "model M", []error{a, b}, "model M: 2 problems:\n\tf.go:1: bad\n\tf.go:2: bad", "several are counted, one a line, in the caller's order"},
		{"nohead", "", []error{a, b}, "2 problems:\n\tf.go:1: bad\n\tf.go:2: bad", "a file's problems need no headline"},
		{"multiline", "h", []error{a, errors.New("x\ny")}, "h: 2 problems:\n\tf.go:1: bad\n\tx\n\ty", "a problem of several lines stays indented"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := List(tt.head, tt.errs...)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("List() = %v, want nil (%s)", err, tt.reason)
				}
				return
			}
			if err == nil || err.Error() != tt.want {
				t.Fatalf("List() = %q, want %q (%s)", err, tt.want, tt.reason)
			}
			if Len(err) != len(tt.errs) {
				t.Errorf("Len() = %d, want %d", Len(err), len(tt.errs))
			}
		})
	}
}

func TestList_As(t *testing.T) {
	err := List("h", errors.New("x"), &posErr{"f.go:3"})
	var pe *posErr
	if !errors.As(err, &pe) || pe.at != "f.go:3" {
		t.Fatalf("errors.As did not find the positioned problem in %v", err)
	}
}
