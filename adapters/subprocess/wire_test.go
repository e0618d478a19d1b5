package subprocess

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRequest_MarshalJSON checks the requests against the protocol page,
// byte for byte.
func TestRequest_MarshalJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		req    Request
		want   string
		reason string
	}{
		{"hello", Request{ID: 1, Op: opHello, Protocol: 1, Model: "Queue", Actions: []ActionDecl{{"Publish", []string{"p"}}, {"Tick", []string{}}}},
			`{"id":1,"op":"hello","protocol":1,"model":"Queue","actions":[{"name":"Publish","params":["p"]},{"name":"Tick","params":[]}]}`,
			"the hello of the protocol page"},
		{"hello without a model", Request{ID: 1, Op: opHello, Protocol: 1},
			`{"id":1,"op":"hello","protocol":1}`,
			"model and actions are absent without a model"},
		{"reset", Request{ID: 2, Op: opReset}, `{"id":2,"op":"reset"}`, "only id and op"},
		{"step", Request{ID: 3, Op: opStep, Action: "Publish", Args: []json.RawMessage{json.RawMessage(`"p1"`)}},
			`{"id":3,"op":"step","action":"Publish","args":["p1"]}`, "the step of the protocol page"},
		{"step without args", Request{ID: 3, Op: opStep, Action: "Tick"},
			`{"id":3,"op":"step","action":"Tick","args":[]}`, "args is always present in a step, so programs can index it"},
		{"view", Request{ID: 4, Op: opView}, `{"id":4,"op":"view"}`, "only id and op"},
		{"invariants", Request{ID: 5, Op: opInvariants}, `{"id":5,"op":"invariants"}`, "only id and op"},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.req)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tt.want {
			t.Errorf("%s: got %s\nwant %s (%s)", tt.name, b, tt.want, tt.reason)
		}
		var back Request
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if tt.req.Op == opStep && tt.req.Args == nil {
			back.Args = nil // [] and absent are the same request
		}
		if d := cmp.Diff(tt.req, back); d != "" {
			t.Errorf("%s: round trip (-sent +decoded):\n%s", tt.name, d)
		}
	}
}

func TestDecodeResponse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		line   string
		want   Response
		err    string // "" for no error
		reason string
	}{
		{"hello", `{"id":1,"ok":true,"name":"pyqueue","protocol":1,"actions":["Publish","Tick"],"invariants":true}`,
			Response{ID: 1, OK: true, Name: "pyqueue", Protocol: 1, Actions: []string{"Publish", "Tick"}, Invariants: true}, "",
			"the hello response of the protocol page"},
		{"refused step", `{"id":3,"ok":false,"error":"queue full"}`, Response{ID: 3, Error: "queue full"}, "", "ok false with its error"},
		{"output", `{"id":3,"ok":true,"output":1}`, Response{ID: 3, OK: true, Output: json.RawMessage("1")}, "", "output kept raw for the model's type"},
		{"Python spacing", `{"id": 4, "ok": true, "view": {"balance": 1}}`, Response{ID: 4, OK: true, View: json.RawMessage(`{"balance": 1}`)}, "", "json.dumps puts spaces after separators"},
		{"extra field", `{"id":2,"ok":true,"took_ms":3}`, Response{ID: 2, OK: true}, "", "programs may add fields to responses"},
		{"no ok", `{"id":2}`, Response{}, `no "ok"`, "without ok nobody knows whether the request succeeded"},
		{"no id", `{"ok":true}`, Response{}, `no "id"`, "an answer must say which request it answers"},
		{"not JSON", `Publishing p1`, Response{}, "not JSON: invalid character 'P' looking for beginning of value", "a log line on stdout"},
		{"empty", ``, Response{}, "not JSON: unexpected end of JSON input", "an empty line"},
		{"two objects", `{"id":1,"ok":true}{"id":2,"ok":true}`, Response{}, "not JSON: invalid character '{' after top-level value", "two answers on one line"},
		{"array", `[1]`, Response{}, "not a JSON object", "a response is an object"},
		{"null", `null`, Response{}, "not a JSON object", "a response is an object"},
		{"string id", `{"id":"1","ok":true}`, Response{}, "json: cannot unmarshal string into Go struct field wireResponse.id of type int64", "ids are numbers"},
		{"string ok", `{"id":1,"ok":"yes"}`, Response{}, "json: cannot unmarshal string into Go struct field wireResponse.ok of type bool", "ok is a bool"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		if tt.reason == "" || seen[tt.name] {
			t.Fatalf("case %q: missing reason or duplicate name", tt.name)
		}
		seen[tt.name] = true
		got, err := decodeResponse([]byte(tt.line))
		var gotErr string
		if err != nil {
			gotErr = err.Error()
		}
		if gotErr != tt.err {
			t.Errorf("%s: error %q, want %q (%s)", tt.name, gotErr, tt.err, tt.reason)
		}
		if d := cmp.Diff(tt.want, got); d != "" {
			t.Errorf("%s: (-want +got):\n%s", tt.name, d)
		}
	}
}

// queueView is a view with the shapes the protocol page lists.
type queueView struct {
	Ready    []string       `json:"ready"`
	InFlight map[string]int `json:"inflight"`
	Acked    int
	Status   status
}

type status string

func TestDecodeValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		raw    string
		typ    reflect.Type
		want   any
		err    string
		reason string
	}{
		{"int", `1`, reflect.TypeFor[int](), 1, "", "a number"},
		{"struct", `{"ready":["p1.1"],"inflight":{"c1":2},"Acked":1,"Status":"ready"}`, reflect.TypeFor[queueView](),
			queueView{Ready: []string{"p1.1"}, InFlight: map[string]int{"c1": 2}, Acked: 1, Status: "ready"}, "",
			"field names or json tags, slices, maps, named strings"},
		{"null slice", `{"ready":null,"inflight":{},"Acked":0,"Status":""}`, reflect.TypeFor[queueView](),
			queueView{InFlight: map[string]int{}}, "", "a nil slice may be null"},
		{"unknown field", `{"ready":[],"acked":1,"coins":3}`, reflect.TypeFor[queueView](), nil,
			`json: unknown field "coins"`, "a field the model does not have"},
		{"wrong type", `{"Acked":"1"}`, reflect.TypeFor[queueView](), nil,
			"json: cannot unmarshal string into Go struct field queueView.Acked of type int", "strict types"},
		{"float for int", `1.5`, reflect.TypeFor[int](), nil,
			"json: cannot unmarshal number 1.5 into Go value of type int", "ints are whole numbers"},
		{"no type", `[1,"a"]`, nil, []any{1.0, "a"}, "", "without a type, into any"},
	}
	for _, tt := range tests {
		got, err := decodeValue(json.RawMessage(tt.raw), tt.typ)
		var gotErr string
		if err != nil {
			gotErr = err.Error()
		}
		if gotErr != tt.err {
			t.Errorf("%s: error %q, want %q (%s)", tt.name, gotErr, tt.err, tt.reason)
		}
		if d := cmp.Diff(tt.want, got); d != "" {
			t.Errorf("%s: (-want +got):\n%s", tt.name, d)
		}
	}
}

// FuzzResponse feeds arbitrary lines to the response decoder and the
// decoding of outputs and views: a bad line is an error, never a panic, and
// a response that decodes encodes to one that decodes the same.
func FuzzResponse(f *testing.F) {
	for _, seed := range []string{
		`{"id":1,"ok":true,"name":"pyqueue","protocol":1,"actions":["Publish","Tick"],"invariants":true}`,
		`{"id":3,"ok":false,"error":"queue full"}`,
		`{"id":3,"ok":true,"output":1}`,
		`{"id":4,"ok":true,"view":{"ready":["p1.1"],"inflight":{"c1":2},"Acked":1,"Status":"ready"}}`,
		`{"id": 4, "ok": true, "view": {"balance": 1}}`,
		`{"id":2}`, `{"ok":true}`, `null`, `[]`, `Publishing p1`, ``, `{"id":1e400,"ok":true}`,
		`{"id":1,"ok":true,"output":{"ready":null,"x":[[[[]]]]}}`,
	} {
		f.Add([]byte(seed))
	}
	types := []reflect.Type{nil, reflect.TypeFor[int](), reflect.TypeFor[string](), reflect.TypeFor[queueView](),
		reflect.TypeFor[[]string](), reflect.TypeFor[map[string]int](), reflect.TypeFor[*queueView]()}
	f.Fuzz(func(t *testing.T, line []byte) {
		resp, err := decodeResponse(line)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		for _, typ := range types {
			for _, raw := range []json.RawMessage{resp.Output, resp.View} {
				if len(raw) > 0 {
					v, err := decodeValue(raw, typ)
					if err == nil && typ != nil && reflect.TypeOf(v) != typ {
						t.Fatalf("decodeValue(%s, %v) returned a %T", raw, typ, v)
					}
				}
			}
		}
		b, err := json.Marshal(resp)
		if err != nil {
			t.Fatalf("a decoded response does not encode: %v", err)
		}
		back, err := decodeResponse(b)
		if err != nil {
			t.Fatalf("the encoding of a decoded response does not decode: %v\n%s", err, b)
		}
		norm := func(r Response) Response {
			r.Output, r.View = compact(r.Output), compact(r.View)
			if len(r.Actions) == 0 {
				r.Actions = nil // omitempty drops []
			}
			return r
		}
		if d := cmp.Diff(norm(resp), norm(back)); d != "" {
			t.Fatalf("round trip (-decoded +re-decoded):\n%s", d)
		}
		_ = preview(line)
	})
}

func compact(raw json.RawMessage) json.RawMessage {
	if isNull(raw) {
		return nil // omitempty keeps null, drops absent
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return raw
	}
	out, _ := json.Marshal(v)
	return out
}
