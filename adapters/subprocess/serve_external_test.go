package subprocess_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/mbtgo/mbt/adapters/subprocess"
)

// chanCounter returns an output that encoding/json cannot encode.
type chanCounter struct{ counter }

func (c *chanCounter) Step(string, []json.RawMessage) (any, error) { return make(chan int), nil }

// strictCounter has invariants and refuses other models.
type strictCounter struct{ counter }

func (c *strictCounter) Invariants() error { return errors.New("always broken") }

func (c *strictCounter) Hello(model string) error {
	if model != "Counter" {
		return errors.New("I implement Counter, not " + model)
	}
	return nil
}

func TestServe(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		h      subprocess.Handler
		in     string
		want   string // the output
		err    string // Serve's error, "" for none
		reason string
	}{
		{"last line without newline", &counter{}, `{"id":1,"op":"reset"}`, `{"id":1,"ok":true}` + "\n", "",
			"a request at EOF without its newline is still answered"},
		{"blank lines", &counter{}, "\n\n" + `{"id":1,"op":"reset"}` + "\n\n", `{"id":1,"ok":true}` + "\n", "",
			"blank lines are not requests"},
		{"not JSON", &counter{}, "reset\n", "", `subprocess: serve: the request "reset" is not JSON: invalid character 'r' looking for beginning of value`,
			"a bad request stops the program, which then exits: mbt reports that with stderr"},
		{"unknown op", &counter{}, `{"id":7,"op":"snapshot"}`, `{"id":7,"ok":false,"error":"unknown op \"snapshot\""}` + "\n", "",
			"an op from a later protocol is refused, not fatal"},
		{"no invariants", &counter{}, `{"id":1,"op":"hello","protocol":1}` + "\n" + `{"id":2,"op":"invariants"}`,
			`{"id":1,"ok":true,"name":"c","protocol":1,"actions":["Inc"]}` + "\n" + `{"id":2,"ok":false,"error":"this program has no invariants"}` + "\n", "",
			"hello does not declare invariants for a Handler without the method"},
		{"invariants", &strictCounter{}, `{"id":1,"op":"hello","protocol":1,"model":"Counter"}` + "\n" + `{"id":2,"op":"invariants"}`,
			`{"id":1,"ok":true,"name":"c","protocol":1,"actions":["Inc"],"invariants":true}` + "\n" + `{"id":2,"ok":false,"error":"always broken"}` + "\n", "",
			"a Handler with Invariants declares them, and its error is the violation"},
		{"hello refused", &strictCounter{}, `{"id":1,"op":"hello","protocol":1,"model":"Bank"}`,
			`{"id":1,"ok":false,"error":"I implement Counter, not Bank","name":"c","protocol":1}` + "\n", "",
			"Hello(model) refuses the session"},
		{"protocol 2", &counter{}, `{"id":1,"op":"hello","protocol":2}`,
			`{"id":1,"ok":false,"error":"this program speaks protocol 1, mbt sent protocol 2","name":"c","protocol":1}` + "\n", "",
			"a newer mbt is told which protocol the program speaks"},
		{"output not encodable", &chanCounter{}, `{"id":3,"op":"step","action":"Inc","args":[1]}`, "",
			"subprocess: serve: request 3 (step): encode the output of Inc: json: unsupported type: chan int",
			"a bug in the program is not a refusal: Serve stops"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		if tt.reason == "" || seen[tt.name] {
			t.Fatalf("case %q: missing reason or duplicate name", tt.name)
		}
		seen[tt.name] = true
		var out bytes.Buffer
		err := subprocess.Serve(strings.NewReader(tt.in), &out, "c", tt.h)
		var gotErr string
		if err != nil {
			gotErr = err.Error()
		}
		if gotErr != tt.err {
			t.Errorf("%s: Serve = %q, want %q (%s)", tt.name, gotErr, tt.err, tt.reason)
		}
		if out.String() != tt.want {
			t.Errorf("%s: output\n%s\nwant\n%s(%s)", tt.name, out.String(), tt.want, tt.reason)
		}
	}
}
