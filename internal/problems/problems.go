// Package problems gathers several problems into one error, the same way
// everywhere in mbt: a *multierror.Error (github.com/hashicorp/go-multierror,
// the project's library for lists of problems) with one message format. A
// DSL model's definition errors, an adapter's contract mismatches, a
// subprocess's missing actions and a trace file's decode errors all read
// alike:
//
//	model Bank: withdraw.go:12: action Withdraw: ...
//
// for one problem, and for several
//
//	model Bank: 2 problems:
//		withdraw.go:12: action Withdraw: ...
//		deposit.go:7: action Deposit: ...
//
// Callers put the problems in the order users should read them (by
// position, usually) before they call [List]. errors.Is and errors.As see
// every problem.
package problems

import (
	"fmt"
	"strings"

	"github.com/hashicorp/go-multierror"
)

// List returns errs as one error headed by head, or nil when errs is empty.
// The result is a *multierror.Error; head may be empty.
func List(head string, errs ...error) error {
	if len(errs) == 0 {
		return nil
	}
	merr := &multierror.Error{Errors: errs}
	merr.ErrorFormat = func(es []error) string { return format(head, es) }
	return merr
}

// format renders es under head: inline when there is one, else counted and
// one a line.
func format(head string, es []error) string {
	var b strings.Builder
	if head != "" {
		b.WriteString(head + ": ")
	}
	if len(es) == 1 {
		b.WriteString(es[0].Error())
		return b.String()
	}
	fmt.Fprintf(&b, "%d problems:", len(es))
	for _, e := range es {
		b.WriteString("\n\t" + strings.ReplaceAll(e.Error(), "\n", "\n\t"))
	}
	return b.String()
}

// Len returns how many problems err holds: the length of a
// *multierror.Error's list, 1 for any other non-nil error, 0 for nil.
func Len(err error) int {
	if err == nil {
		return 0
	}
	if merr, ok := err.(*multierror.Error); ok {
		return len(merr.Errors)
	}
	return 1
}
