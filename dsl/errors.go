package dsl

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mbtgo/mbt/internal/problems"
	"github.com/mbtgo/mbt/model"
)

// problem is one definition error at a position in the user's code.
type problem struct {
	pos model.Pos
	msg string
}

// DefinitionError is one problem in a model definition, at the position of
// the call that made it. [Model.Build] returns them gathered in a
// *multierror.Error.
type DefinitionError struct {
	Pos model.Pos
	Msg string
}

func (e *DefinitionError) Error() string {
	if p := rel(e.Pos); p != "" {
		return p + ": " + e.Msg
	}
	return e.Msg
}

// rel renders pos with its file relative to the working directory when it
// lies below it.
func rel(pos model.Pos) string {
	if pos.File == "" {
		return ""
	}
	file := pos.File
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, file); err == nil && !strings.HasPrefix(r, "..") {
			file = r
		}
	}
	return fmt.Sprintf("%s:%d", file, pos.Line)
}

func report(name string, probs []problem) error {
	if len(probs) == 0 {
		return nil
	}
	slices.SortStableFunc(probs, func(a, b problem) int {
		if c := strings.Compare(a.pos.File, b.pos.File); c != 0 {
			return c
		}
		return a.pos.Line - b.pos.Line
	})
	errs := make([]error, len(probs))
	for i, p := range probs {
		errs[i] = &DefinitionError{Pos: p.pos, Msg: p.msg}
	}
	return problems.List("model "+name, errs...)
}
