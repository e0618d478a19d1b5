package drift

// Shape is indexed, with a method, a field and a method it lacks.
type Shape[T any] struct {
	Side T
}

// Area is a method of Shape.
func (s *Shape[T]) Area() int { return 0 }

// NewSquare is a function, so [NewSquare.Area] is no link.
func NewSquare() *Shape[int] { return nil }

// Kind is indexed, and its constants with it.
type Kind int

// The kinds.
const (
	Round Kind = iota
	Flat
)

// Loose is a constant of no type of the package: it must be indexed.
const Loose = 3

// ErrLost is a variable the index lacks.
var ErrLost error

// Lister is an interface the index lacks.
type Lister interface{ List() []string }

type hidden struct{}

// Exported is a method of an unexported type: not a top-level name.
func (hidden) Exported() {}
