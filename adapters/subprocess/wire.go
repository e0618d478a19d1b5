package subprocess

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
)

// Protocol is the version of the protocol this package speaks, sent in the
// hello request and expected back in its response.
const Protocol = 1

// The ops of protocol 1.
const (
	opHello      = "hello"
	opReset      = "reset"
	opStep       = "step"
	opView       = "view"
	opInvariants = "invariants"
)

// Request is one line mbt writes to the program's standard input. Which
// fields are set depends on Op; [Request.MarshalJSON] writes only those.
type Request struct {
	// ID numbers the requests 1, 2, 3, … from each start of the program;
	// the response carries the same ID.
	ID int64 `json:"id"`
	// Op is "hello", "reset", "step", "view" or "invariants".
	Op string `json:"op"`

	// Protocol (hello) is the protocol version mbt speaks: [Protocol].
	Protocol int `json:"protocol,omitempty"`
	// Model (hello) is the model's name; absent when the adapter is used
	// without a model (no [Adapter.CheckModel] before the first request).
	Model string `json:"model,omitempty"`
	// Actions (hello) are the model's actions with their parameter names,
	// in declaration order; absent with Model.
	Actions []ActionDecl `json:"actions,omitempty"`

	// Action (step) is the name of the action to perform.
	Action string `json:"action,omitempty"`
	// Args (step) are the action's arguments, each the JSON encoding of the
	// model's Go value; always present in a step, [] when there are none.
	Args []json.RawMessage `json:"args,omitempty"`
}

// MarshalJSON writes the request as one JSON object with the fields of its
// op only, id and op first: a step always has "action" and "args", a hello
// always has "protocol".
func (r Request) MarshalJSON() ([]byte, error) {
	switch r.Op {
	case opHello:
		return json.Marshal(struct {
			ID       int64        `json:"id"`
			Op       string       `json:"op"`
			Protocol int          `json:"protocol"`
			Model    string       `json:"model,omitempty"`
			Actions  []ActionDecl `json:"actions,omitempty"`
		}{r.ID, r.Op, r.Protocol, r.Model, r.Actions})
	case opStep:
		args := r.Args
		if args == nil {
			args = []json.RawMessage{}
		}
		return json.Marshal(struct {
			ID     int64             `json:"id"`
			Op     string            `json:"op"`
			Action string            `json:"action"`
			Args   []json.RawMessage `json:"args"`
		}{r.ID, r.Op, r.Action, args})
	default:
		return json.Marshal(struct {
			ID int64  `json:"id"`
			Op string `json:"op"`
		}{r.ID, r.Op})
	}
}

// ActionDecl describes one of the model's actions in the hello request.
type ActionDecl struct {
	// Name is the action's name, as steps name it.
	Name string `json:"name"`
	// Params are the names of its parameters, in the order of a step's
	// args; [] when it has none.
	Params []string `json:"params"`
}

// Response is one line the program writes to its standard output, for the
// request with the same ID.
type Response struct {
	// ID is the ID of the request answered.
	ID int64 `json:"id"`
	// OK says whether the request succeeded. For a step, false means the
	// implementation refused it (and changed nothing); for invariants,
	// that they are violated; for hello, that the program refuses the
	// session; for reset and view, that the program is broken.
	OK bool `json:"ok"`
	// Error says why, when OK is false.
	Error string `json:"error,omitempty"`

	// Name (hello) names the program in messages.
	Name string `json:"name,omitempty"`
	// Protocol (hello) is the protocol the program speaks; it must be
	// [Protocol].
	Protocol int `json:"protocol,omitempty"`
	// Actions (hello), when not nil, are the actions the program
	// implements; mbt reports every model action missing from them.
	Actions []string `json:"actions,omitempty"`
	// Invariants (hello) says the program answers the op "invariants".
	Invariants bool `json:"invariants,omitempty"`

	// Output (step) is the JSON encoding of the action's output; absent or
	// null when it has none.
	Output json.RawMessage `json:"output,omitempty"`
	// View (view) is the JSON encoding of the implementation's state as the
	// model's View sees it.
	View json.RawMessage `json:"view,omitempty"`
}

// wireResponse is a Response as decoded: its own ID and OK, which shadow
// the Response's, tell absent fields apart.
type wireResponse struct {
	Response
	ID *int64 `json:"id"`
	OK *bool  `json:"ok"`
}

// errNotJSON is wrapped by decodeResponse's error for a line that is not
// JSON at all, as opposed to JSON that is not a response.
var errNotJSON = errors.New("not JSON")

// decodeResponse decodes one line of the program's standard output. Unknown
// fields are allowed, so that programs can add their own; a missing "id" or
// "ok" is an error.
func decodeResponse(line []byte) (Response, error) {
	line = bytes.TrimSpace(line)
	var w wireResponse
	if err := json.Unmarshal(line, &w); err != nil {
		if _, ok := errors.AsType[*json.SyntaxError](err); ok {
			return Response{}, fmt.Errorf("%w: %w", errNotJSON, err)
		}
		if line[0] != '{' {
			return Response{}, errors.New("not a JSON object")
		}
		return Response{}, err
	}
	if line[0] != '{' {
		return Response{}, errors.New("not a JSON object")
	}
	switch {
	case w.ID == nil:
		return Response{}, errors.New(`no "id"`)
	case w.OK == nil:
		return Response{}, errors.New(`no "ok"`)
	}
	r := w.Response
	r.ID, r.OK = *w.ID, *w.OK
	return r, nil
}

// isNull reports whether a raw value is absent or JSON null.
func isNull(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) == 0 || string(raw) == "null"
}

// decodeValue decodes raw, the JSON of a model value, into a value of type
// t: strictly, so an unknown field or a wrong type is an error. A nil t
// decodes into any.
func decodeValue(raw json.RawMessage, t reflect.Type) (any, error) {
	if t == nil {
		t = reflect.TypeFor[any]()
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	v := reflect.New(t)
	if err := dec.Decode(v.Interface()); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("more than one JSON value")
	}
	return v.Elem().Interface(), nil
}

// nullable reports whether JSON null is a value of t (a nil slice, map,
// pointer or interface) rather than a missing one.
func nullable(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Slice, reflect.Map, reflect.Pointer, reflect.Interface:
		return true
	}
	return false
}

// preview quotes a line of output for a message, shortened.
func preview(b []byte) string {
	const max = 200
	b = bytes.TrimRight(b, "\r\n")
	if len(b) > max {
		return fmt.Sprintf("%q… (%d bytes)", b[:max], len(b))
	}
	return fmt.Sprintf("%q", b)
}

// shortJSON renders a JSON value for a message, shortened.
func shortJSON(b []byte) string {
	const max = 200
	if r := []rune(string(b)); len(r) > max {
		return string(r[:max]) + "…"
	}
	return string(b)
}
