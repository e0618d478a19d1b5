package gen_test

import (
	"fmt"

	"github.com/mbtgo/mbt/gen"
)

// Values from models and traces reach generated code only through Literal:
// quoted, never pasted.
func ExampleLiteral() {
	for _, v := range []any{`say "hi"`, int64(-3), []string{"a", "b"}, map[string]int{"b": 2, "a": 1}} {
		lit, err := gen.Literal(v)
		if err != nil {
			panic(err)
		}
		fmt.Println(lit)
	}
	// Output:
	// "say \"hi\""
	// int64(-3)
	// []string{"a", "b"}
	// map[string]int{"a": 1, "b": 2}
}
