package tlaimport

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mbtgo/mbt/internal/problems"
)

// Error is a problem at a position in a trace file.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string {
	if p := e.Pos.String(); p != "" {
		return p + ": " + e.Msg
	}
	return e.Msg
}

// Position returns where the problem is.
func (e *Error) Position() Pos { return e.Pos }

// Message returns the problem without its position.
func (e *Error) Message() string { return e.Msg }

// errorf returns an *Error at pos.
func errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// errorList gathers a reader's positioned errors.
type errorList []*Error

// add appends an error at pos.
func (l *errorList) add(pos Pos, msg string) { *l = append(*l, &Error{Pos: pos, Msg: msg}) }

// err returns the errors sorted by position as one error, the way mbt
// gathers problems (internal/problems: a *multierror.Error that lists them
// one a line), or nil when there are none.
func (l errorList) err() error {
	if len(l) == 0 {
		return nil
	}
	slices.SortStableFunc(l, func(a, b *Error) int {
		if c := strings.Compare(a.Pos.File, b.Pos.File); c != 0 {
			return c
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line - b.Pos.Line
		}
		return a.Pos.Col - b.Pos.Col
	})
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return problems.List("", errs...)
}
